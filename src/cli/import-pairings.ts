import { readFile } from 'node:fs/promises';
import { load, type CliContext } from './context.js';

/** `tandem import`: Imports pairings from a CSV file. */
export async function run(c: CliContext): Promise<number> {
  const { args, env, out, open } = c;
  const file = args[0];
  if (!file) {
    process.stderr.write('import needs a CSV file: tandem import pairings.csv\n');
    return 2;
  }
  const csv = await readFile(file, 'utf8').catch(() => null);
  if (csv === null) {
    process.stderr.write(`Cannot read ${file}\n`);
    return 2;
  }
  const config = (await import('../config.js')).loadConfig(env);
  const app = await load();
  const { log, db } = await open(config);
  try {
    const services = app.buildServices(config, db, log);
    const lines = await app.importPairings(csv, services.pairings);
    await services.sender.deliverDue();
    // Each pairing kicked the sender in the background; wait for those runs too (see tick).
    await services.sender.idle();
    for (const l of lines) out(`line ${l.line}: ${l.status} — ${l.message}`);
    const errors = lines.filter((l) => l.status === 'error').length;
    out(
      `${lines.filter((l) => l.status === 'created').length} created, ${lines.filter((l) => l.status === 'unchanged').length} unchanged, ${errors} with errors`,
    );
    return errors > 0 ? 1 : 0;
  } finally {
    await db.close();
  }
}
