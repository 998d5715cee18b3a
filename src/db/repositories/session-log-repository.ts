import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { HoursSource } from '../../domain/hours.js';
import type { SessionLog } from '../schema.js';

/** A session log or standup entry as a source of mentor hours ('YYYY-MM-DD' days). */
export type HoursSourceRow = HoursSource;

export function createSessionLogRepository(db: Db) {
  return {
    /** A new log; the same form (formId) submitted again returns the log it already made. */
    async create(row: {
      pairingId: number;
      authorId: string;
      sessionDate: string;
      minutes: number;
      done: string | null;
      homework?: string | null;
      privateNotes: string | null;
      formId?: string | null;
      at: Date;
    }): Promise<SessionLog> {
      const formId = row.formId ?? null;
      const inserted = await db
        .insertInto('session_logs')
        .values({
          pairing_id: row.pairingId,
          author_id: row.authorId,
          session_date: row.sessionDate,
          minutes: row.minutes,
          done: row.done,
          homework: row.homework ?? null,
          private_notes: row.privateNotes,
          form_id: formId,
          created_at: row.at,
          updated_at: row.at,
        })
        .onConflict((oc) => oc.columns(['author_id', 'form_id']).where('form_id', 'is not', null).doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) return inserted;
      return db
        .selectFrom('session_logs')
        .selectAll()
        .where('author_id', '=', row.authorId)
        .where('form_id', '=', formId as string)
        .executeTakeFirstOrThrow();
    },

    /** Only the author may change a log: the author is part of the WHERE, not a check before it. */
    async update(
      id: number,
      authorId: string,
      row: {
        pairingId: number;
        sessionDate: string;
        minutes: number;
        done: string | null;
        homework?: string | null;
        privateNotes: string | null;
        at: Date;
      },
    ): Promise<SessionLog | undefined> {
      return db
        .updateTable('session_logs')
        .set({
          pairing_id: row.pairingId,
          session_date: row.sessionDate,
          minutes: row.minutes,
          done: row.done,
          homework: row.homework ?? null,
          private_notes: row.privateNotes,
          updated_at: row.at,
        })
        .where('id', '=', id)
        .where('author_id', '=', authorId)
        .returningAll()
        .executeTakeFirst();
    },

    async get(id: number): Promise<SessionLog | undefined> {
      return db.selectFrom('session_logs').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /**
     * The homework of each pairing's newest session log (latest session date, then the last written),
     * among logs written before `before` when given; pairings whose newest log set none are left out.
     */
    async latestHomework(pairingIds: readonly number[], before?: Date): Promise<Map<number, string>> {
      if (pairingIds.length === 0) return new Map();
      let newest = db
        .selectFrom('session_logs')
        .select(['pairing_id', 'homework'])
        .distinctOn('pairing_id')
        .where('pairing_id', 'in', pairingIds)
        .orderBy('pairing_id')
        .orderBy('session_date', 'desc')
        .orderBy('id', 'desc');
      if (before) newest = newest.where('created_at', '<', before);
      const rows = await newest.execute();
      return new Map(rows.flatMap((r) => (r.homework ? [[r.pairing_id, r.homework] as const] : [])));
    },

    /** Session logs and standup hours whose day falls in [from, to), for the hours rules; one mentor's, one program's, or all. */
    async hoursSources(from: string, to: string, mentorId?: string, programId?: number): Promise<HoursSourceRow[]> {
      let logs = db
        .selectFrom('session_logs as l')
        .innerJoin('pairings as p', 'p.id', 'l.pairing_id')
        .select(['p.mentor_id', 'p.mentee_id', 'p.id as pairing_id', 'l.session_date as day', 'l.minutes'])
        .where('l.session_date', '>=', from)
        .where('l.session_date', '<', to)
        .where('l.author_id', '=', (eb) => eb.ref('p.mentor_id'));
      let standups = db
        .selectFrom('standup_entries as e')
        .innerJoin('standups as s', 's.id', 'e.standup_id')
        .innerJoin('pairings as p', 'p.id', 'e.pairing_id')
        .innerJoin('programs as pr', 'pr.id', 's.program_id')
        // A standup's hours belong to the day it was asked, in the program's calendar.
        .select([
          'p.mentor_id',
          'p.mentee_id',
          'p.id as pairing_id',
          sql<string>`to_char(s.prompt_at at time zone pr.time_zone, 'YYYY-MM-DD')`.as('day'),
          'e.minutes',
        ])
        .where('e.minutes', '>', 0)
        .where('s.prompt_at', '>=', sql<Date>`${from}::date - 2`)
        .where('s.prompt_at', '<', sql<Date>`${to}::date + 2`);
      if (mentorId) {
        logs = logs.where('p.mentor_id', '=', mentorId);
        standups = standups.where('p.mentor_id', '=', mentorId);
      }
      if (programId !== undefined) {
        logs = logs.where('p.program_id', '=', programId);
        standups = standups.where('p.program_id', '=', programId);
      }
      const [l, s] = await Promise.all([logs.execute(), standups.execute()]);
      return [
        ...l.map((r) => ({ ...r, source: 'log' as const })),
        ...s.filter((r) => r.day >= from && r.day < to).map((r) => ({ ...r, source: 'standup' as const })),
      ];
    },
  };
}

export type SessionLogRepository = ReturnType<typeof createSessionLogRepository>;
