import { DateTime } from 'luxon';
import { isInPair } from '../../domain/authorization.js';
import type {
  CheckinCandidate,
  CheckinRecheck,
  CheckinRepository,
  PlannedCheckin,
} from '../../db/repositories/checkin-repository.js';
import type { DeliveryRepository } from '../../db/repositories/delivery-repository.js';
import type { ExpectationRepository } from '../../db/repositories/expectation-repository.js';
import type { PairActivityRepository } from '../../db/repositories/pair-activity-repository.js';
import type { PairingRepository } from '../../db/repositories/pairing-repository.js';
import type { RescheduleRepository } from '../../db/repositories/match-repository.js';
import type { PeopleRepository } from '../../db/repositories/people-repository.js';
import type { ProgramRepository } from '../../db/repositories/program-repository.js';
import type { SessionLogRepository } from '../../db/repositories/session-log-repository.js';
import { userTextOrNull } from '../../messages/text.js';
import type { Transact, WithPairLock } from '../../db/repositories/index.js';
import type { Checkin, CheckinAnswer } from '../../db/schema.js';
import { dueCheckinSlot, type MeetingChange, type PairCheckinSchedule, type PairCheckinSlot } from '../../domain/checkin-slot.js';
import { awayUntilEnd, type Away } from '../../domain/away.js';
import { holidaySet, responseDeadlines, type Holidays } from '../../domain/work-days.js';
import type { Logger } from '../../logger.js';
import { logThisSessionOffer } from '../../messages/session-log.js';
import { checkinMessage } from '../../messages/checkin.js';
import type { AlertService } from '../alerts/alert-service.js';
import type { Clock } from '../clock.js';
import { refuse, type Outcome } from '../outcome.js';
import type { SlackPort } from '../slack-port.js';

export type CheckinPlanningOptions = {
  /** Pairs planned and written per statement (2,000). */
  pageSize?: number;
  /** Page writes in flight while the next is computed (2: one at a time made a 72k pass 40% slower on 2 cores). */
  writesAtOnce?: number;
};

export const checkinDeliveryKey = (pairingId: number, weekKey: string) => `checkin:${pairingId}:${weekKey}`;

export function weekLabel(promptAt: Date, zone: string): string {
  return `week of ${DateTime.fromJSDate(promptAt, { zone }).startOf('week').toFormat('d LLLL')}`;
}

/** A rating at or below this is a signal for staff. */
export const lowRating = 2;

export type CheckinNote = { answer: CheckinAnswer; rating: number | null; topics: string | null; blockers: string | null };

export function createCheckinService(deps: {
  transact: Transact;
  withPairLock: WithPairLock;
  checkins: CheckinRepository;
  expectations: ExpectationRepository;
  activity: PairActivityRepository;
  deliveries: DeliveryRepository;
  pairings: PairingRepository;
  programs: ProgramRepository;
  reschedules: RescheduleRepository;
  people: PeopleRepository;
  sessionLogs: SessionLogRepository;
  alerts: AlertService;
  slack: SlackPort;
  clock: Clock;
  logger: Logger;
  onEnqueued: () => void;
  planning?: CheckinPlanningOptions;
}) {
  const log = deps.logger.child({ component: 'checkins' });
  const writesAtOnce = deps.planning?.writesAtOnce ?? 2;

  /**
   * Plans this week's check-in for every pair whose slot has come: the check-in row, the message in
   * the outbox and what each person owes, one statement per page of `pageSize` pairs. Only the current
   * week is ever planned, so a pass after downtime asks once, late, rather than replaying missed weeks.
   * One statement finds the pairs due, read through a cursor under the pass's planning lock (a quiet
   * minute costs three statements); thousands of pairs share a few thousand schedules, so each distinct
   * slot and deadline is computed once per pass.
   */
  async function plan(pageSize = deps.planning?.pageSize ?? 2_000): Promise<number> {
    const now = deps.clock();
    const nowDt = DateTime.fromJSDate(now);
    const holidays = new Map<number, Holidays>();
    // Programs with the same holidays share one set id, so their deadlines are computed once.
    const holidaySetId = new Map<number, string>();
    const slotOf = memo<PairCheckinSlot | null>();
    const deadlinesOf = memo<IsoDeadlines>();
    // Each distinct slot's instants as the statement takes them, once per pass.
    const isoOf = memoBy<PairCheckinSlot, { promptAt: string; closesAt: string; meetingAt: string | null }>();
    // Computing shares the event loop with the bot's requests: a turn every 5 ms of it (on a busy machine the
    // database takes a core, and a slice of computing can take twice its time).
    const breather = pauseEvery(5);
    let planned = 0;
    // Pages are computed here while the database writes those before (`writesAtOnce` at a time: disjoint pairs,
    // under the pass's lock), so the pass takes about the longest of these rather than their sum.
    const writing: Promise<number>[] = [];
    // Pairs arrive from the cursor in small batches (parsing a batch holds the event loop) and are
    // planned and written in pages.
    let batch: CheckinCandidate[] = [];
    // Pairs looked at with nothing due, and when to look at them again: written with the next page.
    let rechecks: CheckinRecheck[] = [];
    let snapshot = '';
    let rechecked = 0;
    await deps.checkins.forEachDuePage(
      now,
      Math.min(pageSize, 200),
      async (fetched, lookAgain, last, seen) => {
        snapshot = seen;
        batch.push(...fetched);
        rechecks.push(...lookAgain);
        if (batch.length + rechecks.length >= pageSize || (last && batch.length + rechecks.length > 0)) await planBatch();
      },
      async () => {
        for (const r of await Promise.allSettled(writing.splice(0))) {
          if (r.status === 'rejected') throw r.reason;
          planned += r.value;
        }
      },
    );
    if (planned > 0) log.info({ planned }, 'check-ins planned');
    // After a big pass (a weekly peak) the statement's next passes read few rechecks; fresh statistics let
    // the planner know it now rather than after autovacuum's next round.
    if (rechecked >= 10_000)
      await deps.checkins.analyzeRechecks().catch((err: unknown) => log.warn({ err }, 'could not refresh recheck statistics'));
    return planned;

    async function planBatch() {
      const candidates = batch;
      const lookAgain = rechecks;
      batch = [];
      rechecks = [];
      const programs = [...new Set(candidates.map((c) => c.program_id))].filter((id) => !holidays.has(id));
      for (const [programId, days] of await deps.checkins.holidaysOf(programs)) {
        holidays.set(programId, holidaySet(days));
        holidaySetId.set(programId, days.join(','));
      }
      const changes = new Map<number, MeetingChange[]>();
      const moved = candidates.filter((c) => c.meeting_weekday !== null && c.has_changes).map((c) => c.pairing_id);
      if (moved.length > 0)
        for (const r of await deps.reschedules.forPairings(
          moved,
          nowDt.minus({ weeks: 3 }).toJSDate(),
          nowDt.plus({ weeks: 2 }).toJSDate(),
        ))
          changes.set(r.pairing_id, [
            ...(changes.get(r.pairing_id) ?? []),
            { originalAt: r.original_at, newAt: r.new_at, cancelled: r.cancelled },
          ]);
      const rows = await computePage(candidates, changes, lookAgain);
      if (writing.length >= writesAtOnce) planned += await (writing.shift() ?? 0);
      if (rows.length === 0 && lookAgain.length === 0) return;
      const write = writePage(rows, lookAgain);
      // Awaited in turn (or by drain); a failure meanwhile is not an unhandled rejection.
      write.catch(() => undefined);
      writing.push(write);
    }

    async function writePage(rows: PlannedCheckin[], lookAgain: CheckinRecheck[]): Promise<number> {
      // One statement per page: the check-in, its message in the outbox (rendered when sent) and what each
      // person owes are written together, with when to look at each pair again.
      rechecked += lookAgain.length;
      const created = await deps.checkins.writePlanned(now, rows, lookAgain, snapshot);
      // Sending starts with the first page instead of waiting for the whole pass.
      if (created > 0) deps.onEnqueued();
      return created;
    }

    /**
     * The rows of a page of candidates: those due now, with their slot and both people's deadlines. A pair
     * planned with nothing else due is looked at again when its schedule next can be (added to `lookAgain`);
     * a pair not planned is looked at again next pass.
     */
    async function computePage(
      page: CheckinCandidate[],
      changes: Map<number, MeetingChange[]>,
      lookAgain: CheckinRecheck[],
    ): Promise<PlannedCheckin[]> {
      const rows: PlannedCheckin[] = [];
      for (const c of page) {
        await breather();
        const pairChanges = changes.get(c.pairing_id) ?? [];
        const schedule = pairSchedule(c, holidays.get(c.program_id) ?? new Set<string>(), pairChanges);
        // A pair with moved meetings has a slot of its own; every other pair shares its schedule's.
        const slot =
          pairChanges.length > 0
            ? dueCheckinSlot(nowDt, schedule)
            : slotOf(
                [
                  c.program_id,
                  c.weekday,
                  c.time,
                  c.zone,
                  schedule.meeting?.weekday,
                  schedule.meeting?.time,
                  schedule.meeting?.zone,
                  schedule.meeting?.minutes,
                ],
                () => dueCheckinSlot(nowDt, schedule),
              );
        if (!slot || c.recent_weeks.includes(slot.weekKey)) continue;
        // Nobody is asked while away: with both away the week waits for the first back; with one away, the
        // question goes out and the clock for both starts when they are back.
        const back = [
          awayUntilEnd(
            c.mentor_zone === null ? undefined : awayOf(c.mentor_zone, c.mentor_away_from, c.mentor_away_until),
            nowDt,
          ),
          awayUntilEnd(
            c.mentee_zone === null ? undefined : awayOf(c.mentee_zone, c.mentee_away_from, c.mentee_away_until),
            nowDt,
          ),
        ];
        if (back.every((b) => b !== null)) continue;
        // Planned late (after downtime), the window starts now: nobody is late for a question not yet asked.
        const startedAt = DateTime.max(slot.promptAt, nowDt, ...back.filter((b) => b !== null));
        const times = isoOf(slot, () => ({
          promptAt: iso(slot.promptAt),
          closesAt: iso(slot.closesAt),
          meetingAt: slot.meetingAt ? iso(slot.meetingAt) : null,
        }));
        const owed = (id: string, zone: string) => ({
          id,
          ...deadlinesOf([startedAt.toMillis(), c.response_window_days, zone, holidaySetId.get(c.program_id)], () => {
            const d = responseDeadlines(startedAt, c.response_window_days, zone, holidays.get(c.program_id) ?? new Set<string>());
            return { remindAt: iso(d.remindAt), dueAt: iso(d.dueAt) };
          }),
        });
        rows.push({
          pairingId: c.pairing_id,
          weekKey: slot.weekKey,
          dedupeKey: checkinDeliveryKey(c.pairing_id, slot.weekKey),
          ...times,
          cancelled: slot.cancelled,
          channel: c.conversation_id,
          startedAt: iso(startedAt),
          mentor: owed(c.mentor_id, c.mentor_zone ?? c.zone),
          mentee: owed(c.mentee_id, c.mentee_zone ?? c.zone),
        });
        // Looked at again when its schedule next can be due, if the week planned is the one the statement found
        // open (with a moved meeting the rules may plan another; a meeting moved later is found apart, every pass).
        if (c.next_check_at && (c.open_week === null || c.open_week === slot.weekKey))
          lookAgain.push({ pairingId: c.pairing_id, at: c.next_check_at });
      }
      return rows;
    }
  }

  async function load(
    actor: string,
    checkinId: number,
  ): Promise<
    Outcome<{
      checkin: Checkin;
      mentorId: string;
      menteeId: string;
      zone: string;
      programId: number;
      pairingId: number;
      /** The rows read, so what follows in the same request does not read them again. */
      rows: CheckinRows;
    }>
  > {
    const checkin = await deps.checkins.get(checkinId);
    if (!checkin) return refuse('not_found', 'I could not find that check-in.');
    const pairing = await deps.pairings.get(checkin.pairing_id);
    if (!pairing) return refuse('not_found', 'I could not find that check-in.');
    if (!isInPair(pairing, actor))
      return refuse(
        'forbidden',
        `This check-in is for <@${pairing.mentor_id}> and <@${pairing.mentee_id}>; only they can answer it.`,
      );
    if (pairing.status === 'ended') return refuse('invalid', 'This pairing has ended, so the check-in is closed.');
    if (deps.clock() >= checkin.closes_at) return refuse('invalid', "This check-in is closed; next week's is on its way.");
    const program = await deps.programs.get(pairing.program_id);
    return {
      ok: true,
      checkin,
      mentorId: pairing.mentor_id,
      menteeId: pairing.mentee_id,
      zone: pairing.checkin_zone ?? program?.time_zone ?? 'UTC',
      programId: pairing.program_id,
      pairingId: pairing.id,
      rows: { pairing, program },
    };
  }

  /** The check-in message as it is now, with who has answered; undefined once the check-in or its pair is gone. */
  async function renderMessage(checkinId: number) {
    const checkin = await deps.checkins.get(checkinId);
    return checkin ? renderFor(checkin) : undefined;
  }

  async function renderFor(checkin: Checkin, known?: CheckinRows) {
    const pairing = known?.pairing ?? (await deps.pairings.get(checkin.pairing_id));
    if (!pairing) return undefined;
    const program = known ? known.program : await deps.programs.get(pairing.program_id);
    const answers = (await deps.checkins.answers(checkin.id)).map((a) => ({ personId: a.person_id, answer: a.answer }));
    const zone = pairing.meeting_zone ?? pairing.checkin_zone ?? program?.time_zone ?? 'UTC';
    // Once someone says they met: which session this was, against the program's target.
    const session = answers.some((a) => a.answer === 'met')
      ? { number: await deps.checkins.sessionsHeld(pairing.id, checkin.week_key), target: program?.session_target ?? null }
      : null;
    return checkinMessage({
      checkinId: checkin.id,
      mentorId: pairing.mentor_id,
      menteeId: pairing.mentee_id,
      weekLabel: weekLabel(checkin.meeting_at ?? checkin.prompt_at, zone),
      answers,
      cancelled: checkin.meeting_cancelled,
      session,
      // From the pair's newest session log written before the check-in was asked.
      homework: userTextOrNull((await deps.sessionLogs.latestHomework([pairing.id], checkin.prompt_at)).get(pairing.id)),
    });
  }

  /** Re-renders the check-in message with who has answered. */
  async function refreshMessage(
    checkinId: number,
    where?: { channel: string; ts: string },
    known?: { checkin: Checkin; rows: CheckinRows },
  ): Promise<void> {
    const checkin = known?.checkin ?? (await deps.checkins.get(checkinId));
    if (!checkin) return;
    const delivery = checkin.delivery_id === null ? undefined : await deps.deliveries.get(checkin.delivery_id);
    const channel = delivery?.sent_channel ?? where?.channel;
    const ts = delivery?.sent_ts ?? where?.ts;
    if (!channel || !ts) return;
    const message = await renderFor(checkin, known?.rows);
    if (message) await deps.slack.updateMessage({ channel, ts, ...message });
  }

  async function recordAnswer(
    actor: string,
    checkinId: number,
    answer: CheckinAnswer | null,
    note?: Omit<CheckinNote, 'answer'>,
  ): Promise<Outcome<{ checkin: Checkin; mentorId: string; pairingId: number; rows: CheckinRows }>> {
    const loaded = await load(actor, checkinId);
    if (!loaded.ok) return loaded;
    const now = deps.clock();
    await deps.checkins.upsertAnswer({ checkinId, personId: actor, answer, at: now, ...(note ? { note } : {}) });
    // Under the pair's lock, like an escalation: either it sees this answer, or its alert is resolved just below.
    await deps.withPairLock(loaded.pairingId, (tx) => tx.activity.meetCheckins(loaded.pairingId, now));
    await deps.alerts.autoResolve(loaded.pairingId, actor, ['checkin_unanswered']);
    if (answer === 'not_yet') await checkMissedMeetings(loaded.pairingId, loaded.programId, loaded.checkin, actor);
    return { ok: true, checkin: loaded.checkin, mentorId: loaded.mentorId, pairingId: loaded.pairingId, rows: loaded.rows };
  }

  /** "Not yet" at this check-in and the one before: the pair has not met twice running; staff hear about it once. */
  async function checkMissedMeetings(pairingId: number, programId: number, checkin: Checkin, actor: string) {
    const last = await deps.checkins.answersBefore(pairingId, checkin.week_key);
    if (!last.some((a) => a.answer === 'not_yet')) return;
    const pairing = await deps.pairings.get(pairingId);
    const delivery = checkin.delivery_id === null ? undefined : await deps.deliveries.get(checkin.delivery_id);
    await deps.alerts.raise({
      pairingId,
      programId,
      reason: 'missed_meetings',
      episodeKey: checkin.week_key,
      subject: null,
      since: checkin.prompt_at,
      details: {
        linkChannel: delivery?.sent_channel ?? pairing?.conversation_id ?? null,
        linkTs: delivery?.sent_ts ?? null,
        overdue: `answered “not yet” two weeks in a row (latest from <@${actor}>)`,
      },
    });
  }

  /**
   * A note rated 2 or lower, or one that names a blocker, is a signal staff should see with its words:
   * one alert per pair and week (the report has every note).
   */
  async function signalFromNote(actor: string, checkin: Checkin, pairingId: number, note: CheckinNote) {
    const blockers = note.blockers?.trim() || null;
    const low = note.rating !== null && note.rating <= lowRating;
    if (!low && !blockers) return;
    const pairing = await deps.pairings.get(pairingId);
    if (!pairing) return;
    const what = [low ? `rated the week ${note.rating}/5` : null, blockers ? 'says something is blocking them' : null]
      .filter(Boolean)
      .join(' and ');
    await deps.alerts.raise({
      pairingId,
      programId: pairing.program_id,
      reason: 'note_signal',
      episodeKey: checkin.week_key,
      subject: actor,
      since: deps.clock(),
      details: {
        linkChannel: pairing.conversation_id,
        linkTs: null,
        overdue: what,
        staffNote: blockers ? `Blocking: ${blockers}` : null,
      },
    });
  }

  /**
   * The check-in's message is out: each open deadline's window starts now if it started earlier (the
   * question was planned, then waited in the outbox behind thousands of others or an outage), so the last
   * pair of a big program keeps its whole window.
   */
  async function startWindow(checkinId: number, postedAt: Date): Promise<void> {
    const open = (await deps.expectations.openForCheckin(checkinId)).filter((e) => e.started_at < postedAt);
    if (open.length === 0) return;
    const checkin = await deps.checkins.get(checkinId);
    const pairing = checkin && (await deps.pairings.get(checkin.pairing_id));
    const program = pairing && (await deps.programs.get(pairing.program_id));
    if (!pairing || !program) return;
    const people = new Map((await deps.people.findMany(open.map((e) => e.subject))).map((p) => [p.slack_id, p]));
    const holidays = holidaySet(program.holidays);
    for (const e of open) {
      const zone = people.get(e.subject)?.time_zone ?? program.time_zone;
      const d = responseDeadlines(
        DateTime.fromJSDate(postedAt),
        pairing.reply_within_days ?? program.response_window_days,
        zone,
        holidays,
      );
      // A window already moved later (someone away) keeps the later start.
      if (d.dueAt.toJSDate() > e.due_at)
        await deps.expectations.restart(e.id, {
          startedAt: postedAt,
          remindAt: d.remindAt.toJSDate(),
          dueAt: d.dueAt.toJSDate(),
        });
    }
  }

  return {
    plan,
    startWindow: (ids: { checkinId?: number }, at: Date) =>
      ids.checkinId === undefined ? Promise.resolve() : startWindow(ids.checkinId, at),
    /** The outbox's renderer for check-in messages (kind 'checkin'). */
    renderMessage: (ids: { checkinId?: number }) =>
      ids.checkinId === undefined ? Promise.resolve(undefined) : renderMessage(ids.checkinId),
    /**
     * A button on the check-in: the answer is stored, deadlines met, alerts resolved, and the message (`where`
     * Slack says it is, when the outbox has not recorded it yet) shows who answered. The mentor who met
     * gets `offer`: logging the session, shown only to them.
     */
    async answer(actor: string, checkinId: number, answer: CheckinAnswer, where?: { channel: string; ts: string }) {
      const r = await recordAnswer(actor, checkinId, answer);
      if (!r.ok) return r;
      // The check-in, pair and program this request already read (an answer changes none of them).
      await refreshMessage(checkinId, where, r);
      return { ...r, offer: answer === 'met' && r.mentorId === actor ? logThisSessionOffer(r.pairingId) : null };
    },
    /**
     * The note form: stored like an answer, plus its signal to staff. The message is refreshed in the
     * background, so the form (which Slack gives three seconds) is answered first.
     */
    async addNote(actor: string, checkinId: number, note: CheckinNote) {
      const r = await recordAnswer(actor, checkinId, note.answer, {
        rating: note.rating,
        topics: note.topics,
        blockers: note.blockers,
      });
      if (!r.ok) return r;
      await signalFromNote(actor, r.checkin, r.pairingId, note);
      void refreshMessage(checkinId).catch((err: unknown) =>
        log.warn({ err, checkinId }, 'could not refresh the check-in message'),
      );
      return r;
    },

    /** What the note modal opens with: the person's own answer so far. */
    async noteDefaults(actor: string, checkinId: number) {
      const loaded = await load(actor, checkinId);
      if (!loaded.ok) return loaded;
      const mine = (await deps.checkins.answers(checkinId)).find((a) => a.person_id === actor);
      return {
        ok: true as const,
        weekLabel: weekLabel(loaded.checkin.prompt_at, loaded.zone),
        defaults: {
          answer: mine?.answer ?? null,
          rating: mine?.rating ?? null,
          topics: mine?.topics ?? null,
          blockers: mine?.blockers ?? null,
        },
      };
    },
  };
}

export type CheckinService = ReturnType<typeof createCheckinService>;

/** A check-in's pair and program as one request read them. */
type CheckinRows = {
  pairing: NonNullable<Awaited<ReturnType<PairingRepository['get']>>>;
  program: Awaited<ReturnType<ProgramRepository['get']>>;
};

/** The time rules' view of a candidate pair. */
function pairSchedule(c: CheckinCandidate, holidays: Holidays, changes: readonly MeetingChange[]): PairCheckinSchedule {
  return {
    weekday: c.weekday,
    time: c.time,
    zone: c.zone,
    holidays,
    programStartDate: c.start_date,
    programLengthWeeks: c.length_weeks,
    meeting:
      c.meeting_weekday !== null && c.meeting_time !== null
        ? { weekday: c.meeting_weekday, time: c.meeting_time, zone: c.meeting_zone ?? c.zone, minutes: c.meeting_minutes ?? 0 }
        : null,
    afterHours: c.checkin_after_hours,
    cadence: { cadence: c.cadence, sessionTarget: c.session_target, lengthWeeks: c.length_weeks },
    changes,
  };
}

function awayOf(time_zone: string, away_from: string | null, away_until: string | null): Away {
  return { time_zone, away_from, away_until };
}

type IsoDeadlines = { remindAt: string; dueAt: string };

const iso = (t: DateTime) => new Date(t.toMillis()).toISOString();

/** A value computed once per object (here: per memoized slot) for as long as one pass. */
function memoBy<K extends object, R>(): (key: K, compute: () => R) => R {
  const results = new WeakMap<K, R>();
  return (key, compute) => {
    const known = results.get(key);
    if (known !== undefined) return known;
    const r = compute();
    results.set(key, r);
    return r;
  };
}

type Memo<R> = (key: readonly unknown[], compute: () => R) => R;

/** A pure function's results by its inputs (the key's parts, joined), for as long as one pass. */
function memo<R>(): Memo<R> {
  const results = new Map<string, R>();
  return (key, compute) => {
    const k = key.join('|');
    if (results.has(k)) return results.get(k) as R;
    const r = compute();
    results.set(k, r);
    return r;
  };
}

/** Resolves at once, except every `ms` of computing: then after the event loop has had a turn (setImmediate). */
function pauseEvery(ms: number): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < ms) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    since = performance.now();
  };
}
