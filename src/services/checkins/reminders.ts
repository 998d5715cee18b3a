import { DateTime } from 'luxon';
import type { CheckinRepository } from '../../db/repositories/checkin-repository.js';
import type { DeliveryRepository } from '../../db/repositories/delivery-repository.js';
import type { DueExpectation, ExpectationRepository } from '../../db/repositories/expectation-repository.js';
import type { NewPairActivity, PairActivityRepository } from '../../db/repositories/pair-activity-repository.js';
import type { PairingRepository, PairingRow } from '../../db/repositories/pairing-repository.js';
import type { ProgramRepository } from '../../db/repositories/program-repository.js';
import type { TxRepositories, WithPairLock } from '../../db/repositories/index.js';
import type { AlertReason, DeliveryPayload, Expectation } from '../../db/schema.js';
import { holidaySet, responseDeadlines } from '../../domain/work-days.js';
import { awayUntilEnd } from '../../domain/away.js';
import type { Logger } from '../../logger.js';
import { reminderMessage } from '../../messages/checkin.js';
import type { AlertEvidence, AlertService } from '../alerts/alert-service.js';
import type { Clock } from '../clock.js';
import type { PeopleService } from '../people/people-service.js';
import { SlackCallError, type MessageRef, type SlackPort } from '../slack-port.js';

/** Slack message ts ("1700000000.000100") to the instant it names. */
export const tsToDate = (ts: string) => new Date(Math.round(Number(ts) * 1000));

/** Slack ts values compared exactly (a double cannot hold all 16 digits). */
const tsMicros = (ts: string) => {
  const [whole = '0', frac = ''] = ts.split('.');
  return BigInt(whole) * 1_000_000n + BigInt(frac.padEnd(6, '0').slice(0, 6) || '0');
};
const slackTs = /^\d{9,11}\.\d{1,6}$/;

/** Without Slack to double-check with, an escalation waits this long past the deadline before relying on records alone. */
const recordsOnlyAfterMs = 60 * 60 * 1000;

type Fact = Omit<NewPairActivity, 'pairingId'>;
type PairContext = {
  pairing: PairingRow;
  windowDays: number;
  holidays: ReadonlySet<string>;
  zones: Map<string, string>;
  /** When the last of the pair who is away now is back: no reply is due before it. */
  back: DateTime | null;
};

export function createResponseWindowService(deps: {
  withPairLock: WithPairLock;
  expectations: ExpectationRepository;
  activity: PairActivityRepository;
  checkins: CheckinRepository;
  deliveries: DeliveryRepository;
  pairings: PairingRepository;
  programs: ProgramRepository;
  people: PeopleService;
  alerts: AlertService;
  slack: SlackPort;
  clock: Clock;
  logger: Logger;
  onEnqueued: () => void;
}) {
  const log = deps.logger.child({ component: 'response-window' });

  /** What deadlines need, read before the pair's lock is taken (a zone may need users.info). */
  async function contextFor(pairing: PairingRow): Promise<PairContext | undefined> {
    const program = await deps.programs.get(pairing.program_id);
    if (!program) return undefined;
    const zones = new Map<string, string>();
    let back: DateTime | null = null;
    for (const id of [pairing.mentor_id, pairing.mentee_id]) {
      const person = await deps.people
        .ensure(id)
        .catch((err: unknown) => void log.warn({ err }, 'could not look up a zone; using the program zone'));
      zones.set(id, person?.time_zone ?? program.time_zone);
      const returns = awayUntilEnd(person ?? undefined, DateTime.fromJSDate(deps.clock()));
      if (returns && (!back || returns > back)) back = returns;
    }
    return {
      pairing,
      windowDays: pairing.reply_within_days ?? program.response_window_days,
      holidays: holidaySet(program.holidays),
      zones,
      back,
    };
  }

  function replyDeadlines(ctx: PairContext, subject: string, sourceTs: string) {
    const at = tsToDate(sourceTs);
    // A message to someone away (or from someone about to be away) is owed an answer from their return.
    const from = ctx.back ? DateTime.max(DateTime.fromJSDate(at), ctx.back) : DateTime.fromJSDate(at);
    const d = responseDeadlines(from, ctx.windowDays, ctx.zones.get(subject) ?? 'UTC', ctx.holidays);
    return { startedAt: at, remindAt: d.remindAt.toJSDate(), dueAt: d.dueAt.toJSDate() };
  }

  /**
   * Works out from the stored facts alone what each person of the pair owes, so the result is the
   * same whatever order the facts came in: answers meet the deadlines they answer, and the earliest
   * partner message nobody answered yet is the one a deadline runs from. Call under the pair lock.
   */
  async function settle(tx: TxRepositories, ctx: PairContext): Promise<Expectation[]> {
    const { pairing } = ctx;
    const met: Expectation[] = [];
    for (const [subject, partner] of [
      [pairing.mentor_id, pairing.mentee_id],
      [pairing.mentee_id, pairing.mentor_id],
    ] as const) {
      met.push(...(await tx.activity.meetReplies(pairing.id, subject)));
      for (const start of await tx.activity.episodeStarts(pairing.id, subject, partner)) {
        const d = replyDeadlines(ctx, subject, start.ts);
        if (start.first_answer !== null) {
          await tx.activity.insertAnswered({
            pairingId: pairing.id,
            subject,
            sourceRef: start.ts,
            ...d,
            metAt: new Date(Math.round(Number(start.first_answer) * 1000)),
          });
          continue;
        }
        const open = await tx.activity.openReply(pairing.id, subject);
        if (!open) await tx.expectations.create({ pairingId: pairing.id, kind: 'reply', subject, sourceRef: start.ts, ...d });
        else if (slackTs.test(open.source_ref) && tsMicros(start.ts) < tsMicros(open.source_ref))
          await tx.activity.rewindReply(open.id, { sourceRef: start.ts, ...d });
      }
    }
    met.push(...(await tx.activity.meetCheckins(pairing.id, deps.clock())));
    return met;
  }

  /** Alerts end, and say so, once the late person's answer is on record. */
  async function resolveAnswered(pairingId: number, met: Expectation[]) {
    for (const subject of new Set(met.map((e) => e.subject))) {
      const mine = met.filter((e) => e.subject === subject);
      const reasons = [...new Set(mine.map((e): AlertReason => (e.kind === 'checkin' ? 'checkin_unanswered' : 'reply_overdue')))];
      await deps.alerts.autoResolve(pairingId, subject, reasons);
    }
  }

  /** Stores facts (once each) and settles the pair, under the pair's lock. */
  async function ingest(ctx: PairContext, facts: Fact[]): Promise<void> {
    const met = await deps.withPairLock(ctx.pairing.id, async (tx) => {
      for (const f of facts) await tx.activity.record({ ...f, pairingId: ctx.pairing.id });
      return settle(tx, ctx);
    });
    await resolveAnswered(ctx.pairing.id, met);
  }

  async function fromPairConversation(channel: string, user: string) {
    const pairing = await deps.pairings.findActiveByConversation(channel);
    if (!pairing || (user !== pairing.mentor_id && user !== pairing.mentee_id)) return undefined;
    return contextFor(pairing);
  }

  /** What Slack itself shows of the people's activity around one message, as facts; ids and ts only. */
  function factsFromSlack(ctx: PairContext, messages: MessageRef[]): Fact[] {
    const people = new Set([ctx.pairing.mentor_id, ctx.pairing.mentee_id]);
    const facts: Fact[] = [];
    for (const m of messages) {
      if (!slackTs.test(m.ts)) continue;
      const human =
        !m.isBot &&
        m.user !== null &&
        people.has(m.user) &&
        (m.subtype === null || m.subtype === 'file_share' || m.subtype === 'thread_broadcast');
      if (human)
        facts.push({
          kind: 'message',
          actor: m.user as string,
          ts: m.ts,
          threadTs: m.threadTs && m.threadTs !== m.ts ? m.threadTs : null,
          learnedFrom: 'slack_check',
        });
      facts.push(...reactionFacts(ctx, m.ts, m.reactions));
    }
    return facts;
  }

  function reactionFacts(ctx: PairContext, itemTs: string, reactions: { name: string; users: string[] }[]): Fact[] {
    const people = new Set([ctx.pairing.mentor_id, ctx.pairing.mentee_id]);
    return reactions.flatMap((r) =>
      r.users
        .filter((u) => people.has(u))
        .map((u): Fact => ({ kind: 'reaction', actor: u, ts: null, itemTs, reaction: r.name, learnedFrom: 'slack_check' })),
    );
  }

  /**
   * Before an escalation: asks Slack about the one message the answer was owed for (its thread, its
   * reactions, the messages after it), so an event Slack lost or has not delivered yet cannot turn
   * into an alert. What it finds is stored like any other fact. False when Slack could not be asked.
   */
  async function doubleCheckWithSlack(ctx: PairContext, e: Expectation, messageTs: string | undefined): Promise<boolean> {
    const channel = ctx.pairing.conversation_id;
    if (!channel || !messageTs) return true;
    const gone = (err: unknown) =>
      err instanceof SlackCallError && (err.failure.error === 'message_not_found' || err.failure.error === 'thread_not_found');
    try {
      const facts: Fact[] = [];
      const reactions = await deps.slack
        .reactionsOn(channel, messageTs)
        .catch((err: unknown) => (gone(err) ? [] : Promise.reject(err)));
      facts.push(...reactionFacts(ctx, messageTs, reactions));
      if (e.kind === 'reply') {
        const thread = (await deps.activity.threadOf(ctx.pairing.id, messageTs)) ?? messageTs;
        facts.push(
          ...factsFromSlack(
            ctx,
            await deps.slack.threadMessages(channel, thread).catch((err: unknown) => (gone(err) ? [] : Promise.reject(err))),
          ),
        );
        facts.push(...factsFromSlack(ctx, await deps.slack.messagesAfter(channel, messageTs)));
      }
      if (facts.length > 0) await ingest(ctx, facts);
      return true;
    } catch (err) {
      log.warn({ err, pairingId: ctx.pairing.id, expectationId: e.id }, 'could not double-check an overdue answer with Slack');
      return false;
    }
  }

  return {
    /**
     * A person wrote in their pair conversation. Stored as a fact (ids and times, never the text);
     * the pair is then settled from all the facts, whatever order their events came in.
     */
    async onPairMessage(e: { channel: string; user: string; ts: string; threadTs?: string | undefined }): Promise<void> {
      const ctx = await fromPairConversation(e.channel, e.user);
      if (!ctx) return;
      await ingest(ctx, [
        {
          kind: 'message',
          actor: e.user,
          ts: e.ts,
          threadTs: e.threadTs && e.threadTs !== e.ts ? e.threadTs : null,
          learnedFrom: 'event',
        },
      ]);
    },

    /** A reaction acknowledges: messages up to the one it is on, and the check-in it was put on. */
    async onReaction(e: {
      channel: string;
      user: string;
      itemTs: string;
      reaction: string;
      eventTs?: string | undefined;
    }): Promise<void> {
      const ctx = await fromPairConversation(e.channel, e.user);
      if (!ctx) return;
      const eventTs = e.eventTs && slackTs.test(e.eventTs) ? e.eventTs : null;
      await ingest(ctx, [
        { kind: 'reaction', actor: e.user, ts: eventTs, itemTs: e.itemTs, reaction: e.reaction, learnedFrom: 'event' },
      ]);
    },

    /** Scheduler step: a DM nudge at half the window, once per expectation. */
    async sendReminders(limit = 500): Promise<number> {
      const now = deps.clock();
      const due: DueExpectation[] = [];
      for (const e of await deps.expectations.dueReminders(now, limit)) {
        // A reaction on the check-in can arrive before the bot has stored the message's ts.
        if (
          e.kind === 'checkin' &&
          (await deps.withPairLock(e.pairing_id, (tx) => tx.activity.meetCheckins(e.pairing_id, now))).some((m) => m.id === e.id)
        )
          continue;
        due.push(e);
      }
      // Queued (idempotent by key) and marked in one statement each; the nudge is written when it is sent
      // (renderReminder), so its link is looked up by the sender, outside this pass, and a nudge whose
      // deadline was met in the meantime is dropped instead of sent.
      const sent = await deps.deliveries.enqueueMany(
        due.map((e) => ({
          dedupeKey: `remind:${e.id}`,
          kind: 'reminder',
          pairingId: e.pairing_id,
          channel: e.subject,
          payload: { render: { kind: 'reminder', ids: { expectationId: e.id } } },
          notBefore: now,
        })),
      );
      await deps.expectations.markReminded(
        due.map((e) => e.id),
        now,
      );
      if (sent > 0) deps.onEnqueued();
      return sent;
    },

    /**
     * The outbox's renderer for nudges: the deadline in the reader's zone and a link to the message in
     * question; without a link (Slack would not give one) the nudge goes all the same.
     */
    async renderReminder(ids: { expectationId?: number }): Promise<DeliveryPayload | undefined> {
      if (ids.expectationId === undefined) return undefined;
      const e = await deps.expectations.openWithPair(ids.expectationId);
      if (!e) return undefined;
      const partner = e.subject === e.mentor_id ? e.mentee_id : e.mentor_id;
      const zone = (await deps.people.find(e.subject))?.time_zone ?? 'UTC';
      const linkTs = e.kind === 'reply' ? e.source_ref : ((await checkinMessageTs(e.pairing_id, e.source_ref)) ?? null);
      const permalink =
        e.conversation_id && linkTs
          ? await deps.slack
              .permalink(e.conversation_id, linkTs)
              .catch((err: unknown) => void log.warn({ err }, 'no link for a nudge; sent without it'))
          : null;
      return reminderMessage(e.kind, partner, { at: e.due_at, zone }, permalink ?? null);
    },

    /**
     * Scheduler step: what is still owed at the end of the window becomes one staff alert. Before it
     * is raised, Slack is asked about the message in question and the facts are settled again under
     * the pair's lock, so a lost or late event does not alert staff about someone who answered.
     */
    async escalate(limit = 500): Promise<number> {
      const now = deps.clock();
      let raised = 0;
      let waiting = 0;
      for (const e of await deps.expectations.dueEscalations(now, limit)) {
        const pairing = await deps.pairings.get(e.pairing_id);
        const ctx = pairing ? await contextFor(pairing) : undefined;
        if (!ctx) continue;
        const messageTs = e.kind === 'reply' ? e.source_ref : await checkinMessageTs(e.pairing_id, e.source_ref);
        const asked = await doubleCheckWithSlack(ctx, e, messageTs);
        if (!asked && now.getTime() < e.due_at.getTime() + recordsOnlyAfterMs) {
          waiting++;
          continue;
        }
        const evidence: AlertEvidence = asked ? 'slack_confirmed' : 'records_only';
        // Raised and marked in the transaction that holds the pair's lock: an answer being stored at
        // this moment either comes first (no alert) or after (and then resolves the alert).
        const { met, alert } = await deps.withPairLock(e.pairing_id, async (tx) => {
          const met = await settle(tx, ctx);
          const current = await tx.activity.current(e.id);
          if (!current || current.status !== 'open' || current.escalated_at !== null || current.due_at > now)
            return { met, alert: undefined };
          const alert = await deps.alerts.record(
            {
              pairingId: e.pairing_id,
              programId: e.program_id,
              reason: current.kind === 'checkin' ? 'checkin_unanswered' : 'reply_overdue',
              episodeKey: `${current.kind}:${current.source_ref}:${current.subject}`,
              subject: current.subject,
              since: current.started_at,
              details: {
                linkChannel: e.conversation_id,
                linkTs: current.kind === 'reply' ? current.source_ref : (messageTs ?? null),
                dueAt: current.due_at.toISOString(),
                evidence,
              },
            },
            tx.alerts,
          );
          await tx.expectations.markEscalated(current.id, now);
          return { met, alert };
        });
        await resolveAnswered(e.pairing_id, met);
        if (alert) {
          await deps.alerts.publish(alert.id);
          raised++;
        }
      }
      if (raised > 0 || waiting > 0) log.info({ raised, waiting }, 'escalated overdue answers');
      return raised;
    },
  };

  async function checkinMessageTs(pairingId: number, checkinId: string): Promise<string | undefined> {
    const checkin = await deps.checkins.get(Number(checkinId));
    if (!checkin || checkin.pairing_id !== pairingId || checkin.delivery_id === null) return undefined;
    return (await deps.deliveries.get(checkin.delivery_id))?.sent_ts ?? undefined;
  }
}

export type ResponseWindowService = ReturnType<typeof createResponseWindowService>;
