/**
 * Where the embedded PostgreSQL lives when DATABASE_URL is unset. Kept apart from config.ts (and its
 * zod) so `tandem start` can begin the embedded server before the configuration's validation loads.
 */
export const defaultDataDir = './data';

/** DATA_DIR as config.ts reads it: unset or blank means the default. */
export function dataDirFrom(env: NodeJS.ProcessEnv): string {
  const value = env.DATA_DIR;
  return value === undefined || value.trim() === '' ? defaultDataDir : value;
}
