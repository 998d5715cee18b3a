import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { NewProgram, Program, ProgramUpdate } from '../schema.js';

export type ProgramWithHolidays = Program & { holidays: string[] };

export function createProgramRepository(db: Db) {
  async function withHolidays(programs: Program[]): Promise<ProgramWithHolidays[]> {
    if (programs.length === 0) return [];
    const rows = await db
      .selectFrom('program_holidays')
      .select(['program_id', 'day'])
      .where(
        'program_id',
        'in',
        programs.map((p) => p.id),
      )
      .orderBy('day')
      .execute();
    return programs.map((p) => ({ ...p, holidays: rows.filter((r) => r.program_id === p.id).map((r) => r.day) }));
  }

  return {
    /** Inserts a program and its holidays atomically; returns undefined when the name is taken. */
    async create(program: NewProgram, holidays: readonly string[]): Promise<ProgramWithHolidays | undefined> {
      return db.transaction().execute(async (trx) => {
        const created = await trx
          .insertInto('programs')
          .values(program)
          .onConflict((oc) => oc.expression(sql`lower(name)`).doNothing())
          .returningAll()
          .executeTakeFirst();
        if (!created) return undefined;
        if (holidays.length > 0) {
          await trx
            .insertInto('program_holidays')
            .values([...new Set(holidays)].map((day) => ({ program_id: created.id, day })))
            .execute();
        }
        return { ...created, holidays: [...new Set(holidays)].sort() };
      });
    },

    /** Saves edited settings and replaces the holidays, atomically; returns undefined when the new name is taken. */
    async update(id: number, changes: ProgramUpdate, holidays: readonly string[]): Promise<ProgramWithHolidays | undefined> {
      return db.transaction().execute(async (trx) => {
        const taken = await trx
          .selectFrom('programs')
          .select('id')
          .where(sql`lower(name)`, '=', String(changes.name).toLowerCase())
          .where('id', '<>', id)
          .executeTakeFirst();
        if (taken) return undefined;
        const updated = await trx
          .updateTable('programs')
          .set(changes)
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await trx.deleteFrom('program_holidays').where('program_id', '=', id).execute();
        const days = [...new Set(holidays)].sort();
        if (days.length > 0)
          await trx
            .insertInto('program_holidays')
            .values(days.map((day) => ({ program_id: id, day })))
            .execute();
        return { ...updated, holidays: days };
      });
    },

    /** Closes a program (archived: no more check-ins, standups, digests or reminders); only the first close counts. */
    async archive(id: number, at: Date): Promise<void> {
      await db
        .updateTable('programs')
        .set({ closed_at: at, status: 'archived' })
        .where('id', '=', id)
        .where('closed_at', 'is', null)
        .execute();
    },

    async findByName(name: string): Promise<ProgramWithHolidays | undefined> {
      const row = await db
        .selectFrom('programs')
        .selectAll()
        .where(sql`lower(name)`, '=', name.trim().toLowerCase())
        .executeTakeFirst();
      return row ? (await withHolidays([row]))[0] : undefined;
    },

    async get(id: number): Promise<ProgramWithHolidays | undefined> {
      const row = await db.selectFrom('programs').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? (await withHolidays([row]))[0] : undefined;
    },

    async listActive(): Promise<ProgramWithHolidays[]> {
      const rows = await db
        .selectFrom('programs')
        .selectAll()
        .where('status', '=', 'active')
        .orderBy('start_date')
        .orderBy('id')
        .execute();
      return withHolidays(rows);
    },
  };
}

export type ProgramRepository = ReturnType<typeof createProgramRepository>;
