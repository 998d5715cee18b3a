import type { Db } from '../database.js';

export function createAuditRepository(db: Db) {
  return {
    async record(entry: { actor: string; action: string; subject?: string | undefined; details?: Record<string, unknown> }, at: Date): Promise<void> {
      await db
        .insertInto('audit_log')
        .values({ at, actor: entry.actor, action: entry.action, subject: entry.subject ?? null, details: JSON.stringify(entry.details ?? {}) })
        .execute();
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
