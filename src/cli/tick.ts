import { load, type CliContext } from './context.js';

/** `tandem tick`: One scheduler pass, as if it were `--at`. */
export async function run(c: CliContext): Promise<number> {
  const { args, env, out, open } = c;
  const atIndex = args.indexOf('--at');
  let clock = () => new Date();
  if (atIndex >= 0) {
    const { DateTime } = await import('luxon');
    const at = DateTime.fromISO(args[atIndex + 1] ?? '', { setZone: true });
    if (!at.isValid) {
      process.stderr.write(`--at needs an ISO-8601 instant such as 2027-01-15T10:00:00Z\n`);
      return 2;
    }
    const fixed = at.toJSDate();
    clock = () => fixed;
  }
  const config = (await import('../config.js')).loadConfig(env);
  const app = await load();
  const { log, db } = await open(config);
  const services = app.buildServices(config, db, log, clock);
  try {
    const report = await app.runTick(services);
    out(JSON.stringify(report));
  } finally {
    // Planning kicks the sender in the background; let that run finish before the database
    // closes under it, or a message posted to Slack is never recorded as sent.
    await services.sender.idle();
    await db.close();
  }
  return 0;
}
