#!/usr/bin/env node
// Runs the built CLI when dist/ exists (Docker image), otherwise the TypeScript sources through tsx,
// so `npx tandem ...` works right after `npm ci`.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

// A .env file in the working directory fills in what the environment does not set (the environment wins).
if (existsSync('.env')) process.loadEnvFile('.env');

const built = fileURLToPath(new URL('../dist/src/cli.js', import.meta.url));
let mod;
if (existsSync(built)) {
  mod = await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  mod = await import('../src/cli.ts');
}
process.exitCode = await mod.runCli(process.argv.slice(2));
if (process.argv[2] !== 'start') process.exit(process.exitCode);
