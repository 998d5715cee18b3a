import { load, type CliContext } from './context.js';

/** `tandem deliveries`: Puts failed messages back in the queue. */
export async function run(c: CliContext): Promise<number> {
  const { args, env, out, open } = c;
  const ids = args.slice(1);
  if (args[0] !== 'retry' || ids.some((id) => !/^[1-9][0-9]{0,9}$/.test(id))) {
    process.stderr.write(
      `Usage: tandem deliveries retry [id ...]${ids.some((id) => !/^[1-9][0-9]{0,9}$/.test(id)) ? '\n(ids are the whole numbers in the deliveries table)' : ''}\n`,
    );
    return 2;
  }
  const config = (await import('../config.js')).loadDatabaseConfig(env);
  const app = await load();
  const { db } = await open(config, 'stderr');
  try {
    const n = await app.createDeliveryRepository(db.db).requeueFailed(new Date(), ids.length ? ids.map(Number) : undefined);
    out(
      n === 0
        ? 'No failed messages to retry.'
        : `${n} failed message${n === 1 ? '' : 's'} put back in the queue; the bot sends ${n === 1 ? 'it' : 'them'} on its next pass (or run \`tandem tick\`).`,
    );
  } finally {
    await db.close();
  }
  return 0;
}
