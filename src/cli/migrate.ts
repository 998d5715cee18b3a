import { type CliContext } from './context.js';

/** `tandem migrate`: Applies the migrations and exits. */
export async function run(c: CliContext): Promise<number> {
  const { env, open } = c;
  const config = (await import('../config.js')).loadDatabaseConfig(env);
  const { db } = await open(config);
  await db.close();
  return 0;
}
