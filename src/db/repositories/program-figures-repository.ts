import { DateTime } from 'luxon';
import type { Db } from '../database.js';
import type { SessionLogRepository } from './session-log-repository.js';
import type { Program } from '../schema.js';
import { answerRate } from '../../domain/answer-rate.js';
import { computeHours } from '../../domain/hours.js';
import { programStart } from '../../domain/work-days.js';
import { mondayOf, type PairWeek, type ProgramWeek } from '../../domain/program-weeks.js';

export type { PairWeek, ProgramWeek };

/**
 * The read model of a program's weeks. The digest's text, the digest's chart and the program summary
 * all read their numbers from here, so a number on the picture is the number in the text.
 */
export function createProgramFigures(deps: { db: Db; sessionLogs: SessionLogRepository }) {
  return {
    async weeks(program: Pick<Program, 'id' | 'time_zone'>, weekKeys: readonly string[]): Promise<ProgramWeek[]> {
      const keys = [...new Set(weekKeys)].sort();
      if (keys.length === 0) return [];
      const zone = program.time_zone;
      const bounds = keys.map((weekKey) => {
        const monday = mondayOf(weekKey);
        const start = programStart(monday, zone);
        return {
          weekKey,
          monday,
          start: start.toJSDate(),
          end: programStart(DateTime.fromISO(monday, { zone: 'UTC' }).plus({ weeks: 1 }).toISODate() as string, zone).toJSDate(),
        };
      });
      const first = bounds[0] as (typeof bounds)[number];
      const last = bounds.at(-1) as (typeof bounds)[number];
      const inProgram = deps.db.selectFrom('pairings').select('id').where('program_id', '=', program.id);

      const [pairings, checkins, standupMet, alerts, hourRows] = await Promise.all([
        deps.db
          .selectFrom('pairings')
          .select(['id', 'mentor_id', 'mentee_id', 'created_at', 'ended_at'])
          .where('program_id', '=', program.id)
          .orderBy('id')
          .execute(),
        deps.db
          .selectFrom('checkins as c')
          .leftJoin('checkin_answers as a', 'a.checkin_id', 'c.id')
          .select((eb) => [
            'c.pairing_id',
            'c.week_key',
            eb.fn.count<number>('a.answer').as('answers'),
            eb.fn.countAll<number>().filterWhere('a.answer', '=', 'met').as('met'),
            eb.fn.countAll<number>().filterWhere('a.answer', '=', 'not_yet').as('not_yet'),
          ])
          .where('c.pairing_id', 'in', inProgram)
          .where('c.week_key', 'in', keys)
          .groupBy(['c.id', 'c.pairing_id', 'c.week_key'])
          .execute(),
        deps.db
          .selectFrom('standup_entries as e')
          .innerJoin('standups as s', 's.id', 'e.standup_id')
          .select(['e.pairing_id', 's.week_key'])
          .where('s.program_id', '=', program.id)
          .where('s.week_key', 'in', keys)
          .where('e.met', '=', 'yes')
          .execute(),
        deps.db
          .selectFrom('alerts')
          .select(['since', 'resolved_at'])
          .where('program_id', '=', program.id)
          .where('since', '<', last.end)
          .where((eb) => eb.or([eb('resolved_at', 'is', null), eb('resolved_at', '>=', first.end)]))
          .execute(),
        (async () => {
          const from = first.monday;
          const to = DateTime.fromISO(last.monday, { zone: 'UTC' }).plus({ weeks: 1 }).toISODate() as string;
          return computeHours(await deps.sessionLogs.hoursSources(from, to, undefined, program.id), { from, to });
        })(),
      ]);

      const pairingOf = new Map<string, number>();
      for (const p of pairings) pairingOf.set(`${p.mentor_id}|${p.mentee_id}`, p.id);

      return bounds.map((b) => {
        const rows = new Map<number, PairWeek>();
        const row = (pairingId: number): PairWeek | undefined => {
          const existing = rows.get(pairingId);
          if (existing) return existing;
          const p = pairings.find((x) => x.id === pairingId);
          if (!p) return undefined;
          const created: PairWeek = {
            pairingId,
            mentorId: p.mentor_id,
            menteeId: p.mentee_id,
            checkins: 0,
            answers: 0,
            met: false,
            saidNotYet: false,
            minutes: 0,
          };
          rows.set(pairingId, created);
          return created;
        };
        for (const p of pairings) if (p.created_at < b.end && (p.ended_at === null || p.ended_at > b.start)) row(p.id);
        for (const c of checkins.filter((x) => x.week_key === b.weekKey)) {
          const r = row(c.pairing_id);
          if (!r) continue;
          r.checkins += 1;
          r.answers += Number(c.answers);
          if (Number(c.met) > 0) r.met = true;
          if (Number(c.not_yet) > 0) r.saidNotYet = true;
        }
        for (const s of standupMet.filter((x) => x.week_key === b.weekKey)) {
          const r = row(s.pairing_id);
          if (r) r.met = true;
        }
        for (const h of hourRows.filter((x) => x.week === b.weekKey)) {
          const id = pairingOf.get(`${h.mentorId}|${h.menteeId}`);
          const r = id === undefined ? undefined : row(id);
          if (!r) continue;
          r.minutes += h.minutes;
          if (h.sessions > 0) r.met = true;
        }
        const pairs = [...rows.values()].sort((x, y) => x.pairingId - y.pairingId);
        const checkinCount = pairs.reduce((a, p) => a + p.checkins, 0);
        const answers = pairs.reduce((a, p) => a + p.answers, 0);
        return {
          weekKey: b.weekKey,
          monday: b.monday,
          pairs,
          checkins: checkinCount,
          answers,
          answerRate: answerRate(answers, checkinCount),
          pairsMet: pairs.filter((p) => p.met).length,
          openAlerts: alerts.filter((a) => a.since < b.end && (a.resolved_at === null || a.resolved_at >= b.end)).length,
          minutes: pairs.reduce((a, p) => a + p.minutes, 0),
        };
      });
    },
  };
}

export type ProgramFigures = ReturnType<typeof createProgramFigures>;
