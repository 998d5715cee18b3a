import type { Db } from '../database.js';

export function createAuditRepository(db: Db) {
  return {
    async record(
      entry: { actor: string; action: string; subject?: string | undefined; details?: Record<string, unknown> },
      at: Date,
    ): Promise<void> {
      await db
        .insertInto('audit_log')
        .values({
          at,
          actor: entry.actor,
          action: entry.action,
          subject: entry.subject ?? null,
          details: JSON.stringify(entry.details ?? {}),
        })
        .execute();
    },

    /** How many entries of one action each subject has in [from, to). */
    async countsBySubject(action: string, from: Date, to: Date): Promise<{ subject: string | null; n: number }[]> {
      return db
        .selectFrom('audit_log')
        .select(['subject', (eb) => eb.fn.countAll<number>().as('n')])
        .where('action', '=', action)
        .where('at', '>=', from)
        .where('at', '<', to)
        .groupBy('subject')
        .execute();
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
