import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../database.js';
import { cadenceWeeksSql } from './schedule-sql.js';
import type { Cadence, Checkin, CheckinAnswer, CheckinAnswerRow } from '../schema.js';

export type CheckinCandidate = {
  pairing_id: number;
  program_id: number;
  mentor_id: string;
  mentee_id: string;
  conversation_id: string;
  weekday: number;
  time: string;
  zone: string;
  /** The kick-off's meeting, when the pair has agreed one (and staff set no check-in slot of its own). */
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
  /** The two people's zones and out of office (null when the person is not known yet). */
  mentor_zone: string | null;
  mentor_away_from: string | null;
  mentor_away_until: string | null;
  mentee_zone: string | null;
  mentee_away_from: string | null;
  mentee_away_until: string | null;
  /** The pair has a meeting moved or cancelled around now. */
  has_changes: boolean;
  /** With has_changes: the pair's weeks planned in the last three weeks. */
  recent_weeks: string[];
  /**
   * When planning next needs to look at the pair once the week it is picked for is planned (null: at the
   * next pass, e.g. when two weeks are due and one is planned at a time).
   */
  next_check_at: string | null;
  /** The week the statement found open for the pair (null when only a moved meeting picked it): next_check_at holds once it is planned. */
  open_week: string | null;
};

/** A pair the pass looked at and found nothing due for: when to look again. */
export type CheckinRecheck = {
  pairingId: number;
  /** As PostgreSQL writes a timestamptz ('infinity' when only a change can make the pair due): passed back as is. */
  at: string;
};

/** A row of the candidate statement: a pair picked, or one only to be looked at again (then only these three are set). */
type DueRow = CheckinCandidate & { recheck_only: boolean };

function splitDueRows(rows: DueRow[]): { candidates: CheckinCandidate[]; rechecks: CheckinRecheck[] } {
  const candidates: CheckinCandidate[] = [];
  const rechecks: CheckinRecheck[] = [];
  // (the rows themselves, not copies without recheck_only: a first pass reads 100k of them)
  for (const row of rows) {
    if (!row.recheck_only) candidates.push(row);
    else if (row.next_check_at) rechecks.push({ pairingId: row.pairing_id, at: row.next_check_at });
  }
  return { candidates, rechecks };
}

/** One planned check-in as the planning statement writes it (times as ISO strings). */
export type PlannedCheckin = {
  pairingId: number;
  weekKey: string;
  /** The outbox key of its message. */
  dedupeKey: string;
  promptAt: string;
  closesAt: string;
  meetingAt: string | null;
  cancelled: boolean;
  channel: string;
  startedAt: string;
  /** What each of the two people owes: an answer by `dueAt`, a nudge at `remindAt`. */
  mentor: { id: string; remindAt: string; dueAt: string };
  mentee: { id: string; remindAt: string; dueAt: string };
};

/** The advisory lock namespace of check-in planning (pair locks use their own, see pair-activity-repository). */
const planningLockNamespace = 16_0015;

export function createCheckinRepository(db: Db) {
  /** Sessions per pair of the pairings `which` picks (alias p), up to and including the ISO week `upToWeek`. */
  async function sessionsHeldBy(which: RawBuilder<unknown>, upToWeek: string): Promise<Map<number, number>> {
    const r = await sql<{ pairing_id: number; n: string }>`
      select pairing_id, count(*) as n from (
        select c.pairing_id, c.week_key from checkins c join pairings p on p.id = c.pairing_id
        where ${which} and c.week_key <= ${upToWeek}
          and exists (select 1 from checkin_answers a where a.checkin_id = c.id and a.answer = 'met')
        union
        select l.pairing_id, to_char(l.session_date::date, 'IYYY-"W"IW') from session_logs l join pairings p on p.id = l.pairing_id
        where ${which} and to_char(l.session_date::date, 'IYYY-"W"IW') <= ${upToWeek}
      ) weeks group by pairing_id`.execute(db);
    return new Map(r.rows.map((x) => [x.pairing_id, Number(x.n)]));
  }

  /** The due-pairs statement of dueCandidates() and forEachDuePage(). */
  function dueCandidatesQuery(now: Date) {
    // The earlier of the two instants a local time has when clocks fall back (PostgreSQL may take either).
    const earliest = (local: RawBuilder<unknown>, zone: RawBuilder<unknown>) =>
      sql`least((${local}) at time zone ${zone}, ((${local}) - interval '1 hour') at time zone ${zone} + interval '1 hour')`;
    const slack = sql`interval '2 hours'`;
    // A pair's schedule as the rules read it (its own overrides, else its program's), from pairings p and programs pr.
    const pairColumns = sql`p.id as pairing_id, p.program_id, p.mentor_id, p.mentee_id, p.conversation_id,
                 coalesce(p.checkin_weekday, pr.checkin_weekday) as weekday,
                 coalesce(p.checkin_time, pr.checkin_time) as time,
                 coalesce(p.checkin_zone, pr.time_zone) as zone,
                 case when p.checkin_weekday is null and p.checkin_time is null then p.meeting_weekday end as meeting_weekday,
                 case when p.checkin_weekday is null and p.checkin_time is null then p.meeting_time end as meeting_time,
                 coalesce(p.meeting_zone, pr.time_zone) as meeting_zone,
                 coalesce(p.meeting_minutes, 0) as meeting_minutes,
                 pr.checkin_after_hours, pr.cadence, pr.session_target,
                 pr.start_date, pr.length_weeks, coalesce(p.reply_within_days, pr.response_window_days) as response_window_days,
                 ${cadenceWeeksSql('pr')} as every`;
    // A live pair: active, with a conversation, in a program running around now.
    const liveFilter = sql`p.status = 'active' and pr.status = 'active' and p.conversation_id is not null
            and pr.start_date <= (${now}::timestamptz at time zone pr.time_zone)::date + 1
            and pr.start_date + pr.length_weeks * 7 >= (${now}::timestamptz at time zone pr.time_zone)::date - 1`;
    // The slot a pair's check-in follows: its meeting's end plus the program's hours after it, else the fixed slot.
    const slotColumns = (c: string) => {
      const t = sql.raw(c);
      return sql`${t}.pairing_id, ${t}.program_id, ${t}.start_date, ${t}.length_weeks, ${t}.every, ${t}.zone,
                 ${t}.meeting_weekday is not null and ${t}.meeting_time is not null as has_meeting,
                 case when ${t}.meeting_weekday is not null and ${t}.meeting_time is not null then ${t}.meeting_zone else ${t}.zone end as slot_zone,
                 case when ${t}.meeting_weekday is not null and ${t}.meeting_time is not null then ${t}.meeting_weekday else ${t}.weekday end as slot_weekday,
                 case when ${t}.meeting_weekday is not null and ${t}.meeting_time is not null then ${t}.meeting_time else ${t}.time end as slot_time,
                 case when ${t}.meeting_weekday is not null and ${t}.meeting_time is not null
                   then ${t}.meeting_minutes + ${t}.checkin_after_hours * 60 else 0 end as gap`;
    };
    return sql<DueRow>`
        with live as (
          -- Only pairs whose recheck instant has come (every pair has one from its start), found by index: a
          -- quiet minute reads almost none.
          select ${pairColumns}
          from checkin_rechecks rc
          join pairings p on p.id = rc.pairing_id
          join programs pr on pr.id = p.program_id
          where rc.recheck_at <= ${now}::timestamptz and ${liveFilter}
        ), idle as (
          -- Pairs whose instant has come that are not running (paused, ended, without a conversation, or in a
          -- program not on): looked at again the day before their program starts, else after a change.
          select rc.pairing_id, case
                   when p.status = 'active' and pr.status = 'active' and p.conversation_id is not null
                        and pr.start_date > (${now}::timestamptz at time zone pr.time_zone)::date + 1
                   then (pr.start_date - 1)::timestamp at time zone pr.time_zone
                   else 'infinity'::timestamptz end as next_at
          from checkin_rechecks rc
          join pairings p on p.id = rc.pairing_id
          join programs pr on pr.id = p.program_id
          where rc.recheck_at <= ${now}::timestamptz and not coalesce(${liveFilter}, false)
        ), k as (
          select ${slotColumns('c')} from live c
        ), ks as materialized (
          -- Each pair's schedule, numbered (sid): a few thousand for 100k pairs. (Numbered in one sort rather than
          -- joined back on ten columns, whose row count the planner cannot estimate.)
          select k.*, dense_rank() over (
                   order by program_id, start_date, length_weeks, every, zone collate "C", has_meeting,
                            slot_zone collate "C", slot_weekday, slot_time collate "C", gap) as sid
          from k
        ), s as materialized (
          -- One row per distinct schedule.
          select distinct on (sid) sid, program_id, start_date, length_weeks, every, zone, has_meeting,
                 slot_zone, slot_weekday, slot_time, gap
          from ks order by sid
        ), sm as (
          select s.*, date_trunc('week', ${now}::timestamptz at time zone s.slot_zone) as monday from s
        ), sw_all as materialized (
          -- Each schedule's question next week (w = -1), this week (w = 0) and, after a meeting, last week's (w = 1).
          select s.*, w.w, w.monday_w, w.agreed, w.agreed + make_interval(mins => s.gap) as unshifted,
                 ((w.monday_w::date - date_trunc('week', s.start_date)::date) / 7) % s.every = 0 as in_cadence
          from sm s
          cross join lateral (
            select w, s.monday - make_interval(days => 7 * w) as monday_w,
                   ${earliest(sql`s.monday - make_interval(days => 7 * w) + make_interval(days => s.slot_weekday - 1) + s.slot_time::time`, sql`s.slot_zone`)} as agreed
            from generate_series(-1, case when s.has_meeting then 1 else 0 end) w
          ) w
        ), sw as (
          -- A holiday only moves a question later: schedules not due before it are done with here.
          select * from sw_all where w >= 0 and in_cadence and unshifted <= ${now}::timestamptz
        ), shifted as materialized (
          -- A holiday moves the question to the next day that is not one (a fixed slot stays in its week).
          select sw.*, case
              when not exists (
                select 1 from program_holidays h
                where h.program_id = sw.program_id
                  and h.day between (sw.unshifted at time zone sw.slot_zone)::date and (sw.unshifted at time zone sw.slot_zone)::date + 7)
              then 0
              else (
                select min(d) from generate_series(0, 7) d
                where not exists (
                  select 1 from program_holidays h
                  where h.program_id = sw.program_id and h.day = ((sw.unshifted at time zone sw.slot_zone) + make_interval(days => d))::date))
              end as shift
          from sw
        ), asked as materialized (
          select sw.sid, sw.w, q.prompt_at, to_char(sw.monday_w, 'IYYY-"W"IW') as week_key,
                 sw.shift is not null
                 and (sw.has_meeting or ((sw.unshifted at time zone sw.slot_zone) + make_interval(days => sw.shift))::date < sw.monday_w::date + 7)
                 and q.prompt_at <= ${now}::timestamptz
                 and (sw.w = 0 or q.prompt_at at time zone sw.slot_zone >= sw.monday)
                 and case when sw.has_meeting then sw.agreed else q.prompt_at end
                     between (sw.start_date::timestamp at time zone sw.zone) - ${slack}
                         and ((sw.start_date + sw.length_weeks * 7)::timestamp at time zone sw.zone) + ${slack} as due
          from shifted sw
          cross join lateral (
            select ${earliest(sql`(sw.unshifted at time zone sw.slot_zone) + make_interval(days => sw.shift)`, sql`sw.slot_zone`)} as prompt_at
          ) q
        ), due as (
          select sid, week_key from asked where due
        ), next as materialized (
          -- The earliest instant each schedule could next be due, with every week due now planned: a question
          -- not reached yet (next week's included), one a holiday moved past now, else the week after next
          -- (two hours early: a local time near a clock change can map to an instant up to an hour early).
          select sm.sid,
                 least(${earliest(sql`sm.monday + interval '14 days'`, sql`sm.slot_zone`)} - ${slack},
                       a.next_unshifted, q.next_prompt) as next_at
          from sm
          left join (select sid, min(unshifted) as next_unshifted from sw_all
                     where unshifted > ${now}::timestamptz group by sid) a using (sid)
          left join (select sid, min(prompt_at) as next_prompt from asked
                     where prompt_at > ${now}::timestamptz group by sid) q using (sid)
        ), moved as (
          -- Pairs with a meeting moved (or cancelled) lately, whatever their recheck instant.
          select ${slotColumns('c')} from (
            select ${pairColumns}
            from pairings p
            join programs pr on pr.id = p.program_id
            where ${liveFilter}
              and p.id in (select r.pairing_id from reschedules r
                           where r.new_at > ${now}::timestamptz - interval '8 days'
                              or (r.cancelled and r.original_at > ${now}::timestamptz - interval '8 days'))
          ) c
        ), open_weeks as (
          -- Each pair's weeks due and not planned yet.
          select ks.pairing_id, ks.sid, count(*) as weeks, min(due.week_key) as week from ks
          join due using (sid)
          -- (one index probe per pair and week, whatever the planner expects: a hash of every check-in ever
          -- costs more than the probes of the few pairs a pass looks at)
          where (select 1 from checkins x where x.pairing_id = ks.pairing_id and x.week_key = due.week_key limit 1) is null
          group by ks.pairing_id, ks.sid
        ), moved_due as (
          -- A meeting moved (or cancelled) in the last week: its week is decided by the service until planned.
          select k.pairing_id, s.sid from moved k
          join reschedules r on r.pairing_id = k.pairing_id
          -- (its schedule's number, when the pass looks at the pair anyway)
          left join s using (program_id, start_date, length_weeks, every, zone, has_meeting, slot_zone, slot_weekday, slot_time, gap)
          where k.has_meeting
            and ((r.new_at + make_interval(mins => k.gap) <= ${now}::timestamptz and r.new_at > ${now}::timestamptz - interval '8 days')
              or (r.cancelled and r.original_at <= ${now}::timestamptz and r.original_at > ${now}::timestamptz - interval '8 days'))
            and not exists (
              select 1 from checkins x
              where x.pairing_id = k.pairing_id and x.week_key = to_char(r.original_at at time zone k.slot_zone, 'IYYY-"W"IW'))
        ), picked as materialized (
          select pairing_id, max(sid) as sid, sum(weeks) as weeks, max(week) as open_week from (
            select pairing_id, sid, weeks, week from open_weeks
            union all
            select pairing_id, sid, 0, null from moved_due
          ) u group by pairing_id
        ), out as (
          -- The pairs picked, with when to look again once their week is planned (only for a single week due:
          -- with two, the next pass plans the other; a moved meeting is found apart, every pass), and the pairs
          -- looked at and not picked, with when to look again.
          select picked.pairing_id, false as recheck_only, picked.open_week,
                 case when picked.weeks <= 1 then next.next_at end as next_check_at
          from picked left join next using (sid)
          union all
          select ks.pairing_id, true, null, next.next_at
          from ks join next using (sid)
          -- (NOT IN reads picked once, into a hash; the pairs' count is not known to the planner)
          where ks.pairing_id not in (select pairing_id from picked)
          union all
          select pairing_id, true, null, next_at from idle
        ), c as (
          -- Only the pairs picked are read again, by key (a quiet minute reads none).
          select out.pairing_id as out_id, out.recheck_only, out.open_week, out.next_check_at, ${pairColumns}
          from out
          left join pairings p on p.id = out.pairing_id and not out.recheck_only
          left join programs pr on pr.id = p.program_id
        )
        select c.out_id as pairing_id, c.recheck_only, c.open_week, c.next_check_at::text as next_check_at,
               c.program_id, c.mentor_id, c.mentee_id, c.conversation_id, c.weekday, c.time, c.zone,
               c.meeting_weekday, c.meeting_time, c.checkin_after_hours, c.cadence, c.session_target, c.start_date,
               c.length_weeks, c.response_window_days,
               case when c.meeting_weekday is not null then c.meeting_zone end as meeting_zone,
               case when c.meeting_weekday is not null then c.meeting_minutes end as meeting_minutes,
               m.time_zone as mentor_zone, m.away_from as mentor_away_from, m.away_until as mentor_away_until,
               e.time_zone as mentee_zone, e.away_from as mentee_away_from, e.away_until as mentee_away_until,
               -- Only these need the pair's moved meetings read (a window wider than the service's).
               exists (select 1 from reschedules r where r.pairing_id = c.pairing_id
                         and r.original_at >= ${now}::timestamptz - interval '22 days'
                         and r.original_at < ${now}::timestamptz + interval '15 days') as has_changes,
        -- and their weeks planned lately, so the service skips a week it would find planned.
               array(select x.week_key from checkins x
                     where x.pairing_id = c.pairing_id and x.week_key >= to_char(${now}::timestamptz - interval '22 days', 'IYYY-"W"IW')
                       and exists (select 1 from reschedules r where r.pairing_id = c.pairing_id
                                     and r.original_at >= ${now}::timestamptz - interval '22 days'
                                     and r.original_at < ${now}::timestamptz + interval '15 days')) as recent_weeks
        from c
        left join people m on m.slack_id = c.mentor_id
        left join people e on e.slack_id = c.mentee_id
        -- Nobody is asked while away: with both away the week waits for the first back.
        where not (
          coalesce((${now}::timestamptz at time zone m.time_zone)::date between coalesce(m.away_from, '-infinity') and m.away_until, false)
          and coalesce((${now}::timestamptz at time zone e.time_zone)::date between coalesce(e.away_from, '-infinity') and e.away_until, false))
        order by c.out_id`;
  }

  /** The candidates of dueCandidates() and the pairs looked at and not picked, with when to look at them again. */
  async function dueRows(now: Date): Promise<{ candidates: CheckinCandidate[]; rechecks: CheckinRecheck[] }> {
    return splitDueRows((await dueCandidatesQuery(now).execute(db)).rows);
  }

  return {
    /**
     * Every active pair whose check-in is due at `now` and not planned yet, in one statement. It looks only
     * at pairs whose recheck instant has come (checkin_rechecks: -infinity for a new pair, written by the
     * pass, reset by a trigger on any change to a pair, its program, the program's holidays or its
     * check-ins), found by index, so a quiet minute reads almost no pairs. The time of each distinct schedule (program, zone, weekday, time,
     * the meeting's length plus the hours after it) is computed once, in a materialized step, for next
     * week, this week and the last: the slot moved past the program's holidays, in the weeks its cadence
     * asks, inside the program; then joined back to the pairs whose week has no check-in row yet. Each
     * schedule's earliest next instant (a slot not reached, one a holiday moved past now, else the week
     * after next) is when to look at its pairs again. Pairs with a meeting moved or cancelled in the last
     * week come along until that week is planned, and pairs with both people away are left out. SQL only
     * keeps the list short and errs on the early side (the earlier instant of a repeated local time, an
     * hour's slack at the program's edges): the service decides with the time rules in domain/ (luxon)
     * what is planned.
     */
    async dueCandidates(now: Date): Promise<CheckinCandidate[]> {
      return (await dueRows(now)).candidates;
    },

    dueRows,

    /**
     * A planning pass: the same pairs, handed to `onPage` a page at a time from a cursor, in one
     * transaction that holds the planning lock until the pass is over (every page written). The lock is
     * taken in its own statement first, so another replica's pass waits for this one and then, in a new
     * statement, sees its weeks planned; within the pass, pages hold disjoint pairs and may be written side
     * by side. The cursor keeps each result small: 70k pairs parsed at once held the event loop for most of
     * 100 ms, a batch of a few hundred for a few. A quiet minute costs the lock, the declare and one empty fetch.
     */
    async forEachDuePage(
      now: Date,
      pageSize: number,
      /**
       * Each batch from the cursor (`last` for the final one, which may be empty): the pairs picked, and the
       * pairs looked at and not picked with when to look again, to be written with writePlanned along with
       * `snapshot`, the pass's (taken before the pairs were read).
       */
      onPage: (page: CheckinCandidate[], rechecks: CheckinRecheck[], last: boolean, snapshot: string) => Promise<void>,
      /** Waits for the pass's writes still under way: the lock is held until they are over, even on failure. */
      drain: () => Promise<void>,
    ): Promise<void> {
      await db.transaction().execute(async (trx) => {
        // The statement's snapshot is taken before the lock is granted: whatever it sees, the cursor sees too.
        const locked = await sql<{
          snapshot: string;
        }>`select pg_advisory_xact_lock(${planningLockNamespace}::int4, 0), pg_current_snapshot()::text as snapshot`.execute(trx);
        const snapshot = locked.rows[0]?.snapshot ?? '';
        try {
          await pages(trx, snapshot);
        } finally {
          await drain();
        }
      });

      async function pages(trx: Db, snapshot: string) {
        await sql`declare due_checkins no scroll cursor for ${dueCandidatesQuery(now)}`.execute(trx);
        for (;;) {
          const page = await sql<DueRow>`fetch forward ${sql.lit(Math.max(1, Math.floor(pageSize)))} from due_checkins`.execute(
            trx,
          );
          const last = page.rows.length < pageSize;
          const { candidates, rechecks } = splitDueRows(page.rows);
          await onPage(candidates, rechecks, last, snapshot);
          if (last) break;
        }
      }
    },

    /** Refreshes the planner's statistics of checkin_rechecks (after a pass that wrote many). */
    async analyzeRechecks(): Promise<void> {
      await sql`analyze checkin_rechecks`.execute(db);
    },

    /** The holidays of each of these programs ('YYYY-MM-DD'), for the pass that plans their pairs. */
    async holidaysOf(programIds: readonly number[]): Promise<Map<number, string[]>> {
      const byProgram = new Map<number, string[]>(programIds.map((id) => [id, []]));
      if (programIds.length === 0) return byProgram;
      const rows = await db
        .selectFrom('program_holidays')
        .select(['program_id', 'day'])
        .where('program_id', 'in', programIds)
        .orderBy('day')
        .execute();
      for (const r of rows) byProgram.get(r.program_id)?.push(r.day);
      return byProgram;
    },

    /**
     * Writes a page of planned check-ins in one statement: each week's check-in row, the outbox delivery
     * that carries its message (rendered when it is sent) and what each of the two people owes, all from
     * arrays (a few parameters however long the page). Weeks already planned are left alone; called within
     * forEachDuePage(), under its planning lock. Times are ISO strings, computed by the service's time rules (domain/, luxon).
     * `rechecks` record when planning next looks at pairs (see forEachDuePage), unless a change reset them meanwhile.
     */
    async writePlanned(
      now: Date,
      page: readonly PlannedCheckin[],
      rechecks: readonly CheckinRecheck[] = [],
      /** The snapshot the pass read the pairs in (forEachDuePage's): a change it did not see keeps its reset. */
      snapshot: string | null = null,
    ): Promise<number> {
      if (page.length === 0 && rechecks.length === 0) return 0;
      // Sent as one array per column: a few parameters however long the page.
      const column = <T>(of: (p: PlannedCheckin) => T) => page.map(of);
      const r = await sql<{ planned: number }>`
        with input as materialized (
          select * from unnest(
            ${column((p) => p.pairingId)}::int[], ${column((p) => p.weekKey)}::text[], ${column((p) => p.dedupeKey)}::text[],
            ${column((p) => p.promptAt)}::timestamptz[], ${column((p) => p.closesAt)}::timestamptz[],
            ${column((p) => p.meetingAt)}::timestamptz[], ${column((p) => p.cancelled)}::bool[],
            ${column((p) => p.channel)}::text[], ${column((p) => p.startedAt)}::timestamptz[],
            ${column((p) => p.mentor.id)}::text[], ${column((p) => p.mentor.remindAt)}::timestamptz[],
            ${column((p) => p.mentor.dueAt)}::timestamptz[], ${column((p) => p.mentee.id)}::text[],
            ${column((p) => p.mentee.remindAt)}::timestamptz[], ${column((p) => p.mentee.dueAt)}::timestamptz[]
          ) as t(pairing_id, week_key, dedupe_key, prompt_at, closes_at, meeting_at, cancelled, channel, started_at,
                 mentor_id, mentor_remind_at, mentor_due_at, mentee_id, mentee_remind_at, mentee_due_at)
        ), fresh as materialized (
          -- Weeks another pass planned first are skipped; ids are drawn here so the rows can name each other.
          select i.*, nextval(pg_get_serial_sequence('checkins', 'id'))::int as checkin_id
          from input i
          where not exists (select 1 from checkins c where c.pairing_id = i.pairing_id and c.week_key = i.week_key)
        ), keyed as materialized (
          -- A message already stored under the week's key (its check-in was erased) is linked, not resent.
          -- (one index probe per row: a join would read the whole outbox for each page)
          select f.*, coalesce(f.old_delivery_id, nextval(pg_get_serial_sequence('deliveries', 'id'))::int) as delivery_id
          from (select f.*, (select o.id from deliveries o where o.dedupe_key = f.dedupe_key) as old_delivery_id from fresh f) f
        ), d as (
          insert into deliveries (id, dedupe_key, kind, pairing_id, channel, payload, not_before, expires_at)
          select delivery_id, dedupe_key, 'checkin', pairing_id, channel,
                 jsonb_build_object('render', jsonb_build_object('kind', 'checkin', 'ids', jsonb_build_object('checkinId', checkin_id))),
                 ${now}::timestamptz, closes_at
          from keyed where old_delivery_id is null
        ), c as (
          insert into checkins (id, pairing_id, week_key, prompt_at, closes_at, meeting_at, meeting_cancelled, delivery_id)
          select checkin_id, pairing_id, week_key, prompt_at, closes_at, meeting_at, cancelled, delivery_id from keyed
          returning id
        ), e as (
          insert into expectations (pairing_id, kind, subject, source_ref, started_at, remind_at, due_at)
          select k.pairing_id, 'checkin', x.subject, k.checkin_id::text, k.started_at, x.remind_at, x.due_at
          from keyed k
          cross join lateral (values (1, k.mentor_id, k.mentor_remind_at, k.mentor_due_at),
                                     (2, k.mentee_id, k.mentee_remind_at, k.mentee_due_at)) x(n, subject, remind_at, due_at)
          order by k.checkin_id, x.n
        ), r as (
          -- When to look at each pair again; a change made since the pass read the pair keeps its reset.
          insert into checkin_rechecks (pairing_id, recheck_at)
          select * from unnest(${rechecks.map((x) => x.pairingId)}::int[], ${rechecks.map((x) => x.at)}::timestamptz[])
          on conflict (pairing_id) do update set recheck_at = excluded.recheck_at, changed_by = null
          where checkin_rechecks.changed_by is null
             or coalesce(pg_visible_in_snapshot(checkin_rechecks.changed_by, ${rechecks.length > 0 ? snapshot : null}::pg_snapshot), false)
        )
        select count(*)::int as planned from c`.execute(db);
      return r.rows[0]?.planned ?? 0;
    },

    async get(id: number): Promise<Checkin | undefined> {
      return db.selectFrom('checkins').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async answers(checkinId: number): Promise<CheckinAnswerRow[]> {
      return db.selectFrom('checkin_answers').selectAll().where('checkin_id', '=', checkinId).execute();
    },

    async upsertAnswer(row: {
      checkinId: number;
      personId: string;
      answer: CheckinAnswer | null;
      at: Date;
      note?: { rating: number | null; topics: string | null; blockers: string | null };
    }): Promise<void> {
      const values = {
        checkin_id: row.checkinId,
        person_id: row.personId,
        answer: row.answer,
        answered_at: row.at,
        updated_at: row.at,
        ...(row.note ? { rating: row.note.rating, topics: row.note.topics, blockers: row.note.blockers } : {}),
      };
      await db
        .insertInto('checkin_answers')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['checkin_id', 'person_id']).doUpdateSet({
            // A note without a choice keeps the earlier choice.
            answer: row.answer === null ? sql`checkin_answers.answer` : row.answer,
            updated_at: row.at,
            ...(row.note ? { rating: row.note.rating, topics: row.note.topics, blockers: row.note.blockers } : {}),
          }),
        )
        .execute();
    },

    /** The pair's answers for a given week, for the "two not-yet weeks in a row" rule. */
    /**
     * How many sessions the pair has had up to and including the ISO week `upToWeek`: the weeks in which
     * someone answered a check-in "we met" or the mentor logged a session, each week counted once.
     */
    async sessionsHeld(pairingId: number, upToWeek: string): Promise<number> {
      return (await sessionsHeldBy(sql`p.id = ${pairingId}`, upToWeek)).get(pairingId) ?? 0;
    },

    /** sessionsHeld for every live pair of a program at once: pairing id -> sessions up to `upToWeek`. */
    async sessionsHeldInProgram(programId: number, upToWeek: string): Promise<Map<number, number>> {
      return sessionsHeldBy(sql`p.program_id = ${programId}`, upToWeek);
    },

    /** The answers to the pair's check-in before the one of `weekKey` (the week before, or two weeks before every other week). */
    async answersBefore(pairingId: number, weekKey: string): Promise<CheckinAnswerRow[]> {
      return db
        .selectFrom('checkin_answers')
        .selectAll('checkin_answers')
        .where(
          'checkin_id',
          '=',
          db
            .selectFrom('checkins')
            .select('id')
            .where('pairing_id', '=', pairingId)
            .where('week_key', '<', weekKey)
            .orderBy('week_key', 'desc')
            .limit(1),
        )
        .execute();
    },

    /** A person's latest answer in a pair (not-answered rows skipped), with when its check-in was asked. */
    async lastAnswerOf(
      pairingId: number,
      personId: string,
    ): Promise<{ answer: CheckinAnswer | null; prompt_at: Date } | undefined> {
      return db
        .selectFrom('checkin_answers as a')
        .innerJoin('checkins as c', 'c.id', 'a.checkin_id')
        .select(['a.answer', 'c.prompt_at'])
        .where('c.pairing_id', '=', pairingId)
        .where('a.person_id', '=', personId)
        .where('a.answer', 'is not', null)
        .orderBy('c.prompt_at', 'desc')
        .limit(1)
        .executeTakeFirst();
    },

    /** A program's check-ins of one week, and the answers to them. */
  };
}

export type CheckinRepository = ReturnType<typeof createCheckinRepository>;
