#!/usr/bin/env node
// Runs Tandem. In a checkout (src/ beside bin/) it runs the TypeScript sources, compiled as they
// are now (bin/sources.js), so `npm start` always runs what you edited; the compiled dist/ runs
// where there are no sources (the Docker image) or when TANDEM_RUN=dist asks for it. The start-up log line says which ("code").
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

// A .env file in the working directory fills in what the environment does not set (the environment wins).
if (existsSync('.env')) process.loadEnvFile('.env');

const sources = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const built = fileURLToPath(new URL('../dist/src/cli.js', import.meta.url));
const wanted = process.env.TANDEM_RUN || undefined;
if (wanted !== undefined && wanted !== 'sources' && wanted !== 'dist') {
  process.stderr.write(`TANDEM_RUN must be "sources" or "dist" (it is "${wanted}").\n`);
  process.exit(2);
}
const code = wanted ?? (existsSync(sources) ? 'sources' : 'dist');
let mod;
if (code === 'dist') {
  if (!existsSync(built)) {
    process.stderr.write(
      'There is no built Tandem in dist/: run `npm run build` first, or unset TANDEM_RUN to run the sources.\n',
    );
    process.exit(1);
  }
  mod = await import(pathToFileURL(built).href);
} else {
  // Compiled by esbuild into node_modules/.cache (bin/sources.js): the same code, without tsx's
  // module hooks on every import. tsx when that cannot be done (no esbuild, a read-only folder).
  const compiled = await (await import('./sources.js')).compiledSources();
  if (compiled) {
    mod = await import(pathToFileURL(compiled).href);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    mod = await import(pathToFileURL(sources).href);
  }
}
process.exitCode = await mod.runCli(process.argv.slice(2), process.env, { code });
if (process.argv[2] !== 'start') process.exit(process.exitCode);
