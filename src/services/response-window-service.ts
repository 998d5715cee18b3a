import { DateTime } from 'luxon';
import type { DeliveryRepository } from '../db/repositories/delivery-repository.js';
import type { ExpectationRepository } from '../db/repositories/expectation-repository.js';
import type { PairingRepository } from '../db/repositories/pairing-repository.js';
import type { ProgramRepository } from '../db/repositories/program-repository.js';
import type { Db } from '../db/database.js';
import { holidaySet, responseDeadlines } from '../domain/work-days.js';
import type { Logger } from '../logger.js';
import { reminderMessage } from '../slack/blocks/checkin.js';
import type { AlertService } from './alert-service.js';
import { checkinDeliveryKey } from './checkin-service.js';
import type { Clock } from './clock.js';
import type { PeopleService } from './people-service.js';
import type { SlackPort } from './slack-port.js';

/** Slack message ts ("1700000000.000100") to the instant it names. */
export const tsToDate = (ts: string) => new Date(Math.round(Number(ts) * 1000));

/**
 * The response window: what each person owes (a check-in answer, a reply to their partner), the
 * nudge at half the window, and the escalation at its end. Deadlines are computed in the owing
 * person's own zone, on work days, without the program's holidays.
 */
export function createResponseWindowService(deps: {
  db: Db;
  expectations: ExpectationRepository;
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

  async function pairingByConversation(channel: string) {
    const row = await deps.db.selectFrom('pairings').select('id').where('conversation_id', '=', channel).where('status', '=', 'active').orderBy('id', 'desc').executeTakeFirst();
    return row ? deps.pairings.get(row.id) : undefined;
  }

  async function answered(pairingId: number, person: string, at: Date) {
    const met = await deps.expectations.meet(pairingId, person, { kind: 'reply' }, at);
    if (met.length > 0) await deps.alerts.autoResolve(pairingId, person, ['reply_overdue']);
  }

  return {
    /**
     * A person wrote in their pair conversation: that answers whatever they owed their partner, and
     * starts the partner's window unless one is already running. Only ids and times are stored.
     */
    async onPairMessage(e: { channel: string; user: string; ts: string }): Promise<void> {
      const pairing = await pairingByConversation(e.channel);
      if (!pairing || (e.user !== pairing.mentor_id && e.user !== pairing.mentee_id)) return;
      const at = tsToDate(e.ts);
      await answered(pairing.id, e.user, at);
      const partner = e.user === pairing.mentor_id ? pairing.mentee_id : pairing.mentor_id;
      if (await deps.expectations.hasOpenReply(pairing.id, partner)) return;
      const program = await deps.programs.get(pairing.program_id);
      if (!program) return;
      const zone = (await deps.people.ensure(partner).catch(() => undefined))?.time_zone ?? program.time_zone;
      const d = responseDeadlines(DateTime.fromJSDate(at), pairing.reply_within_days ?? program.response_window_days, zone, holidaySet(program.holidays));
      await deps.expectations.create({ pairingId: pairing.id, kind: 'reply', subject: partner, sourceRef: e.ts, startedAt: at, remindAt: d.remindAt.toJSDate(), dueAt: d.dueAt.toJSDate() });
    },

    /** A reaction acknowledges: any message in the pair conversation, and the check-in it was put on. */
    async onReaction(e: { channel: string; user: string; itemTs: string }): Promise<void> {
      const pairing = await pairingByConversation(e.channel);
      if (!pairing || (e.user !== pairing.mentor_id && e.user !== pairing.mentee_id)) return;
      const now = deps.clock();
      await answered(pairing.id, e.user, now);
      const checkinDelivery = await deps.db
        .selectFrom('deliveries')
        .select('dedupe_key')
        .where('sent_channel', '=', e.channel)
        .where('sent_ts', '=', e.itemTs)
        .where('kind', '=', 'checkin')
        .executeTakeFirst();
      if (checkinDelivery) {
        // Dedupe keys of check-ins are checkin:<pairing>:<week>.
        const weekKey = checkinDelivery.dedupe_key.split(':')[2] ?? '';
        const checkin = await deps.db.selectFrom('checkins').select('id').where('pairing_id', '=', pairing.id).where('week_key', '=', weekKey).executeTakeFirst();
        if (checkin) {
          const met = await deps.expectations.meet(pairing.id, e.user, { kind: 'checkin', sourceRef: String(checkin.id) }, now);
          if (met.length > 0) await deps.alerts.autoResolve(pairing.id, e.user, ['checkin_unanswered']);
        }
      }
    },

    /** Scheduler step: a DM nudge at half the window, once per expectation. */
    async sendReminders(limit = 500): Promise<number> {
      const now = deps.clock();
      let sent = 0;
      // Queue first (idempotent by key), mark after: a crash in between repeats a no-op, loses nothing.
      for (const e of await deps.expectations.dueReminders(now, limit)) {
        const partner = e.subject === e.mentor_id ? e.mentee_id : e.mentor_id;
        const zone = (await deps.people.find(e.subject))?.time_zone ?? 'UTC';
        const due = DateTime.fromJSDate(e.due_at, { zone }).toFormat("cccc d LLLL 'at' HH:mm");
        const linkTs = e.kind === 'reply' ? e.source_ref : (await checkinMessageTs(e.pairing_id, e.source_ref)) ?? null;
        const permalink = e.conversation_id && linkTs ? await deps.slack.permalink(e.conversation_id, linkTs) : null;
        const q = await deps.deliveries.enqueue({ dedupeKey: `remind:${e.id}`, kind: 'reminder', pairingId: e.pairing_id, channel: e.subject, payload: reminderMessage(e.kind, partner, due, permalink), notBefore: now });
        await deps.expectations.markReminded(e.id, now);
        if (q.created) sent++;
      }
      if (sent > 0) deps.onEnqueued();
      return sent;
    },

    /** Scheduler step: what is still owed at the end of the window becomes one staff alert. */
    async escalate(limit = 500): Promise<number> {
      const now = deps.clock();
      let raised = 0;
      // The alert is unique per episode: raise first, mark after, and a crash in between loses nothing.
      for (const e of await deps.expectations.dueEscalations(now, limit)) {
        const linkTs = e.kind === 'reply' ? e.source_ref : ((await checkinMessageTs(e.pairing_id, e.source_ref)) ?? null);
        const ok = await deps.alerts.raise({
          pairingId: e.pairing_id,
          programId: e.program_id,
          reason: e.kind === 'checkin' ? 'checkin_unanswered' : 'reply_overdue',
          episodeKey: `${e.kind}:${e.source_ref}:${e.subject}`,
          subject: e.subject,
          since: e.started_at,
          details: { linkChannel: e.conversation_id, linkTs, dueAt: e.due_at.toISOString() },
        });
        await deps.expectations.markEscalated(e.id, now);
        if (ok) raised++;
      }
      if (raised > 0) log.info({ raised }, 'escalated overdue answers');
      return raised;
    },
  };

  async function checkinMessageTs(pairingId: number, checkinId: string): Promise<string | undefined> {
    const checkin = await deps.db.selectFrom('checkins').select('week_key').where('id', '=', Number(checkinId)).executeTakeFirst();
    if (!checkin) return undefined;
    return (await deps.deliveries.findByKey(checkinDeliveryKey(pairingId, checkin.week_key)))?.sent_ts ?? undefined;
  }
}

export type ResponseWindowService = ReturnType<typeof createResponseWindowService>;
