/**
 * The check-in planner as it was before set-based planning (services/checkins/checkin-service.ts plan()
 * and its candidate query checkin-repository.ts dueCandidates, copied verbatim apart from the wiring):
 * the reference the new planner must match row for row (test/db/set-planning.test.ts).
 */
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import type { Db } from '../../src/db/database.js';
import { createRepositories } from '../../src/db/repositories/index.js';
import type { Cadence, Checkin } from '../../src/db/schema.js';
import { expectationValues, type NewExpectation } from '../../src/db/repositories/expectation-repository.js';
import { awayUntilEnd } from '../../src/domain/away.js';
import { dueCheckinSlot, type MeetingChange, type PairCheckinSlot } from '../../src/domain/checkin-slot.js';
import { holidaySet, responseDeadlines, type Holidays } from '../../src/domain/work-days.js';
import { checkinDeliveryKey } from '../../src/services/checkins/checkin-service.js';

type CheckinCandidate = {
  pairing_id: number;
  program_id: number;
  mentor_id: string;
  mentee_id: string;
  conversation_id: string;
  weekday: number;
  time: string;
  zone: string;
  meeting_weekday: number | null;
  meeting_time: string | null;
  meeting_zone: string | null;
  meeting_minutes: number | null;
  checkin_after_hours: number;
  cadence: Cadence;
  session_target: number | null;
  start_date: string;
  length_weeks: number;
  response_window_days: number;
};

function previousCandidates(db: Db) {
  return {
    async dueCandidates(
      now: Date,
      afterPairingId: number,
      limit: number,
    ): Promise<{ rows: CheckinCandidate[]; scannedTo: number | null }> {
      const window = await db
        .selectFrom('pairings')
        .select((eb) => eb.fn.max('id').as('last'))
        .where('id', 'in', db.selectFrom('pairings').select('id').where('id', '>', afterPairingId).orderBy('id').limit(limit))
        .executeTakeFirst();
      const last = window?.last ?? null;
      if (last === null) return { rows: [], scannedTo: null };
      // Every zone's current ISO week is the UTC week of now, a day before or a day after: a constant
      // bound lets the index skip all older check-ins, the per-zone key keeps the test exact.
      const weeks = [-8, -1, 0, 1]
        .map((d) => DateTime.fromJSDate(now, { zone: 'UTC' }).plus({ days: d }))
        .map((d) => `${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}`);
      const rows = await sql<CheckinCandidate>`
        with c as (
          select p.id as pairing_id, p.program_id, p.mentor_id, p.mentee_id, p.conversation_id,
                 coalesce(p.checkin_weekday, pr.checkin_weekday) as weekday,
                 coalesce(p.checkin_time, pr.checkin_time) as time,
                 coalesce(p.checkin_zone, pr.time_zone) as zone,
                 case when p.checkin_weekday is null and p.checkin_time is null then p.meeting_weekday end as meeting_weekday,
                 case when p.checkin_weekday is null and p.checkin_time is null then p.meeting_time end as meeting_time,
                 coalesce(p.meeting_zone, pr.time_zone) as meeting_zone,
                 coalesce(p.meeting_minutes, 0) as meeting_minutes,
                 pr.checkin_after_hours, pr.cadence, pr.session_target,
                 pr.start_date, pr.length_weeks, coalesce(p.reply_within_days, pr.response_window_days) as response_window_days,
                 case pr.cadence when 'every_two_weeks' then 2
                   when 'sessions' then greatest(1, pr.length_weeks / coalesce(nullif(pr.session_target, 0), pr.length_weeks))
                   else 1 end as every
          from pairings p
          join programs pr on pr.id = p.program_id
          where p.id > ${afterPairingId} and p.id <= ${last}
            and p.status = 'active' and pr.status = 'active' and p.conversation_id is not null
            and pr.start_date <= (${now}::timestamptz at time zone pr.time_zone)::date + 1
            and pr.start_date + pr.length_weeks * 7 >= (${now}::timestamptz at time zone pr.time_zone)::date - 1
        ), s as materialized (
          select c.*,
                 case when c.meeting_weekday is not null and c.meeting_time is not null then c.meeting_zone else c.zone end as slot_zone,
                 coalesce(c.meeting_weekday, c.weekday) as slot_weekday,
                 case when c.meeting_weekday is not null and c.meeting_time is not null then c.meeting_time else c.time end as slot_time,
                 case when c.meeting_weekday is not null and c.meeting_time is not null
                   then make_interval(mins => c.meeting_minutes + c.checkin_after_hours * 60) else interval '0' end as gap
          from c
        ), w as (
          select s.*, date_trunc('week', ${now}::timestamptz at time zone s.slot_zone) as monday from s
        )
        select pairing_id, program_id, mentor_id, mentee_id, conversation_id, weekday, time, zone,
               meeting_weekday, meeting_time, case when meeting_weekday is not null then meeting_zone end as meeting_zone,
               case when meeting_weekday is not null then meeting_minutes end as meeting_minutes,
               checkin_after_hours, cadence, session_target, start_date, length_weeks, response_window_days
        from w
        where (
            ((monday::date - date_trunc('week', start_date)::date) / 7) % every = 0
            and ((monday + make_interval(days => slot_weekday - 1) + slot_time::time) at time zone slot_zone) + gap <= ${now}::timestamptz
            and not exists (
              select 1 from checkins k
              where k.pairing_id = w.pairing_id and k.week_key in (${weeks[1]}, ${weeks[2]}, ${weeks[3]})
                and k.week_key = to_char(monday, 'IYYY-"W"IW'))
          ) or (
            gap > interval '0'
            and ((monday::date - 7 - date_trunc('week', start_date)::date) / 7) % every = 0
            and ((monday - interval '7 days' + make_interval(days => slot_weekday - 1) + slot_time::time) at time zone slot_zone) + gap
                between (monday at time zone slot_zone) and ${now}::timestamptz
            and not exists (
              select 1 from checkins k
              where k.pairing_id = w.pairing_id and k.week_key in (${weeks[0]}, ${weeks[1]}, ${weeks[2]})
                and k.week_key = to_char(monday - interval '7 days', 'IYYY-"W"IW'))
          ) or exists (
            select 1 from reschedules r
            where r.pairing_id = w.pairing_id and r.new_at <= ${now}::timestamptz and r.new_at > ${now}::timestamptz - interval '8 days')
        order by pairing_id`.execute(db);
      return { rows: rows.rows, scannedTo: last };
    },
  };
}

/**
 * The writes the previous plan() made through repository methods that only it used (checkins.createMany,
 * checkins.linkDeliveries, deliveries.idsByKeys, expectations.createMany), kept here with it.
 */
function previousWrites(db: Db) {
  return {
    async createCheckins(
      rows: {
        pairingId: number;
        weekKey: string;
        promptAt: Date;
        closesAt: Date;
        meetingAt: Date | null;
        meetingCancelled: boolean;
      }[],
    ): Promise<Checkin[]> {
      if (rows.length === 0) return [];
      return db
        .insertInto('checkins')
        .values(
          rows.map((r) => ({
            pairing_id: r.pairingId,
            week_key: r.weekKey,
            prompt_at: r.promptAt,
            closes_at: r.closesAt,
            meeting_at: r.meetingAt,
            meeting_cancelled: r.meetingCancelled,
          })),
        )
        .onConflict((oc) => oc.columns(['pairing_id', 'week_key']).doNothing())
        .returningAll()
        .execute();
    },
    async deliveryIdsByKeys(keys: readonly string[]): Promise<Map<string, number>> {
      if (keys.length === 0) return new Map();
      const rows = await db.selectFrom('deliveries').select(['id', 'dedupe_key']).where('dedupe_key', 'in', keys).execute();
      return new Map(rows.map((r) => [r.dedupe_key, r.id]));
    },
    async linkDeliveries(links: readonly { checkinId: number; deliveryId: number }[]): Promise<void> {
      if (links.length === 0) return;
      await sql`
        update checkins c set delivery_id = l.delivery_id
        from (select unnest(${links.map((l) => l.checkinId)}::int[]) as checkin_id, unnest(${links.map((l) => l.deliveryId)}::int[]) as delivery_id) l
        where c.id = l.checkin_id and c.delivery_id is null
      `.execute(db);
    },
    async createExpectations(rows: NewExpectation[]): Promise<void> {
      if (rows.length === 0) return;
      await db
        .insertInto('expectations')
        .values(rows.map(expectationValues))
        .onConflict((oc) => oc.doNothing())
        .execute();
    },
  };
}

/** The previous plan(): same repositories, same clock, same page and scan sizes. */
export function createPreviousPlanner(db: Db, clock: () => Date) {
  const repos = createRepositories(db);
  const deps = { ...repos, checkins: { ...repos.checkins, ...previousCandidates(db) }, clock, onEnqueued: () => undefined };
  const log = { info: (_o: unknown, _m: string) => undefined };
  async function plan(pageSize = 500, scanSize = 5_000): Promise<number> {
    const now = deps.clock();
    const nowDt = DateTime.fromJSDate(now);
    const holidaysByProgram = new Map<number, Holidays>();
    let planned = 0;
    let after = 0;
    for (;;) {
      // Scan pairings in wide windows (few queries on a quiet minute), plan in pages of pageSize.
      const { rows: scanned, scannedTo } = await deps.checkins.dueCandidates(now, after, scanSize);
      if (scannedTo === null) break;
      after = scannedTo;
      for (let i = 0; i < scanned.length; i += pageSize) planned += await planPage(scanned.slice(i, i + pageSize));
    }
    if (planned > 0) log.info({ planned }, 'check-ins planned');
    return planned;

    async function planPage(page: CheckinCandidate[]): Promise<number> {
      const people = new Map(
        (await deps.people.findMany([...new Set(page.flatMap((c) => [c.mentor_id, c.mentee_id]))])).map((p) => [p.slack_id, p]),
      );
      for (const c of page) {
        if (!holidaysByProgram.has(c.program_id))
          holidaysByProgram.set(c.program_id, holidaySet((await deps.programs.get(c.program_id))?.holidays ?? []));
      }
      const changes = new Map<number, MeetingChange[]>();
      for (const r of await deps.reschedules.forPairings(
        page.filter((c) => c.meeting_weekday !== null).map((c) => c.pairing_id),
        nowDt.minus({ weeks: 3 }).toJSDate(),
        nowDt.plus({ weeks: 2 }).toJSDate(),
      ))
        changes.set(r.pairing_id, [
          ...(changes.get(r.pairing_id) ?? []),
          { originalAt: r.original_at, newAt: r.new_at, cancelled: r.cancelled },
        ]);
      const slots = new Map<number, { candidate: (typeof page)[number]; slot: PairCheckinSlot; startedAt: DateTime }>();
      for (const c of page) {
        const holidays = holidaysByProgram.get(c.program_id) ?? new Set<string>();
        const slot = dueCheckinSlot(nowDt, {
          weekday: c.weekday,
          time: c.time,
          zone: c.zone,
          holidays,
          programStartDate: c.start_date,
          programLengthWeeks: c.length_weeks,
          meeting:
            c.meeting_weekday !== null && c.meeting_time !== null
              ? {
                  weekday: c.meeting_weekday,
                  time: c.meeting_time,
                  zone: c.meeting_zone ?? c.zone,
                  minutes: c.meeting_minutes ?? 0,
                }
              : null,
          afterHours: c.checkin_after_hours,
          cadence: { cadence: c.cadence, sessionTarget: c.session_target, lengthWeeks: c.length_weeks },
          changes: changes.get(c.pairing_id) ?? [],
        });
        if (!slot) continue;
        // Nobody is asked while away: with both away the week waits for the first back; with one away, the
        // question goes out and the clock for both starts when they are back.
        const back = [c.mentor_id, c.mentee_id].map((id) => awayUntilEnd(people.get(id), nowDt));
        if (back.every((b) => b !== null)) continue;
        // Planned late (after downtime), the window starts now: nobody is late for a question not yet asked.
        const startedAt = DateTime.max(slot.promptAt, nowDt, ...back.filter((b) => b !== null));
        slots.set(c.pairing_id, { candidate: c, slot, startedAt });
      }
      // One transaction and three statements per page: the check-ins, their messages, what each person owes.
      const created = await db.transaction().execute(async (trx) => {
        const tx = { ...createRepositories(trx), writes: previousWrites(trx) };
        const rows = await tx.writes.createCheckins(
          [...slots.values()].map(({ candidate, slot }) => ({
            pairingId: candidate.pairing_id,
            weekKey: slot.weekKey,
            promptAt: slot.promptAt.toJSDate(),
            closesAt: slot.closesAt.toJSDate(),
            meetingAt: slot.meetingAt?.toJSDate() ?? null,
            meetingCancelled: slot.cancelled,
          })),
        );
        const deliveries = [];
        const expectations = [];
        for (const checkin of rows) {
          const entry = slots.get(checkin.pairing_id);
          if (!entry) continue;
          const { candidate: c, slot, startedAt } = entry;
          deliveries.push({
            dedupeKey: checkinDeliveryKey(c.pairing_id, slot.weekKey),
            kind: 'checkin',
            pairingId: c.pairing_id,
            channel: c.conversation_id,
            // Since the outbox renders at send time (merged after this copy was taken), the payload names what to render.
            payload: { render: { kind: 'checkin' as const, ids: { checkinId: checkin.id } } },
            notBefore: now,
            // A question about a week that is over would only confuse: cancelled if it cannot go out in time.
            expiresAt: checkin.closes_at,
          });
          for (const subject of [c.mentor_id, c.mentee_id]) {
            const d = responseDeadlines(
              startedAt,
              c.response_window_days,
              people.get(subject)?.time_zone ?? c.zone,
              holidaysByProgram.get(c.program_id) ?? new Set<string>(),
            );
            expectations.push({
              pairingId: c.pairing_id,
              kind: 'checkin' as const,
              subject,
              sourceRef: String(checkin.id),
              startedAt: startedAt.toJSDate(),
              remindAt: d.remindAt.toJSDate(),
              dueAt: d.dueAt.toJSDate(),
            });
          }
        }
        await tx.deliveries.enqueueMany(deliveries);
        // Each check-in keeps a link to its message, so answering it finds the message without its key.
        const ids = await tx.writes.deliveryIdsByKeys(deliveries.map((d) => d.dedupeKey));
        await tx.writes.linkDeliveries(
          rows.flatMap((r) => {
            const deliveryId = ids.get(checkinDeliveryKey(r.pairing_id, r.week_key));
            return deliveryId === undefined ? [] : [{ checkinId: r.id, deliveryId }];
          }),
        );
        await tx.writes.createExpectations(expectations);
        return rows.length;
      });
      // Sending starts with the first page instead of waiting for the whole pass.
      if (created > 0) deps.onEnqueued();
      return created;
    }
  }

  return plan;
}
