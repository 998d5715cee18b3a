import { type CliContext } from './context.js';

/** `tandem db-template`: Makes the embedded PostgreSQL's template cluster (npm ci runs it). */
export async function run(c: CliContext): Promise<number> {
  const { out } = c;
  const { createTemplate } = await import('../db/embedded-postgres.js');
  const { dir, made } = await createTemplate();
  out(
    made
      ? `tandem: made the embedded PostgreSQL template in ${dir}`
      : `tandem: the embedded PostgreSQL template is already in ${dir}`,
  );
  return 0;
}
