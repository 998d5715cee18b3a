import { DateTime } from 'luxon';
import { isMentorOf } from '../../domain/authorization.js';
import type { DeliveryRepository } from '../../db/repositories/delivery-repository.js';
import type { MatchRepository } from '../../db/repositories/match-repository.js';
import type { PairingRepository } from '../../db/repositories/pairing-repository.js';
import type { ProgramRepository } from '../../db/repositories/program-repository.js';
import type { StaffRepository } from '../../db/repositories/staff-repository.js';
import type { AuditRepository } from '../../db/repositories/audit-repository.js';
import type { MatchRequest, Person } from '../../db/schema.js';
import { holidaySet, responseDeadlines } from '../../domain/work-days.js';
import type { Logger } from '../../logger.js';
import { declineModal, matchDecidedMessage, matchRequestMessage } from '../../messages/match.js';
import type { AlertService } from '../alerts/alert-service.js';
import type { Clock } from '../clock.js';
import { cliActor, refuse, staffOnly, type Outcome } from '../outcome.js';
import type { PairingService } from '../pairings/pairing-service.js';
import type { PeopleService } from '../people/people-service.js';
import { SlackCallError } from '../slack-port.js';
import { counted, escapeMrkdwn, userText, userTextOrNull } from '../../messages/text.js';

/** The most a staff member's note about a mentee holds; a longer one is refused, not cut. */
export const noteMax = 1500;

export function createMatchService(deps: {
  matches: MatchRepository;
  pairings: PairingRepository;
  programs: ProgramRepository;
  staff: StaffRepository;
  deliveries: DeliveryRepository;
  audit: AuditRepository;
  people: PeopleService;
  pairingService: PairingService;
  alerts: AlertService;
  clock: Clock;
  logger: Logger;
  onEnqueued: () => void;
}) {
  /** Active mentees plus pending requests, against the mentor's limit (a staff setting). */
  async function capacityProblem(mentorId: string, excludeRequest?: number): Promise<string | null> {
    const mentor = await deps.people.find(mentorId);
    if (mentor?.max_mentees === null || mentor?.max_mentees === undefined) return null;
    const active = (await deps.pairings.listLiveFor(mentorId)).filter(
      (p) => p.mentor_id === mentorId && p.status !== 'ended',
    ).length;
    const pending = (await deps.matches.pendingCountForMentor(mentorId)) - (excludeRequest ? 1 : 0);
    return active + pending >= mentor.max_mentees
      ? `<@${mentorId}> is at their limit of ${counted(mentor.max_mentees, 'mentee')} (${active} active, ${pending} proposed).`
      : null;
  }

  /** The person a staff member mentioned, or why they cannot be matched: unknown to Slack (a forged or mistyped id), a bot, or gone. */
  async function matchable(role: 'mentor' | 'mentee', slackId: string): Promise<Outcome<{ person: Person }>> {
    let person: Person;
    try {
      person = await deps.people.ensure(slackId);
    } catch (err) {
      if (
        err instanceof SlackCallError &&
        err.method === 'users.info' &&
        (err.failure.error === 'user_not_found' || err.failure.error === 'user_not_visible')
      ) {
        return refuse(
          'not_found',
          `I couldn't find the ${role} you mentioned in this workspace. Pick them from Slack's @-mention list and try again.`,
        );
      }
      throw err;
    }
    if (person.is_bot) return refuse('invalid', `<@${slackId}> is a bot; only people can be matched.`);
    if (person.deleted) return refuse('invalid', `<@${slackId}> has been deactivated in this workspace.`);
    return { ok: true, person };
  }

  const tell = async (key: string, channel: string, text: string) => {
    const q = await deps.deliveries.enqueue({
      dedupeKey: key,
      kind: 'match_notice',
      channel,
      payload: { text },
      notBefore: deps.clock(),
    });
    if (q.created) deps.onEnqueued();
  };

  return {
    async request(
      actor: string,
      input: { mentorId: string; menteeId: string; programName?: string | undefined; note?: string | undefined },
    ): Promise<Outcome<{ request: MatchRequest; programName: string }>> {
      if (!(await deps.staff.isStaff(actor))) return staffOnly();
      if (input.mentorId === input.menteeId) return refuse('invalid', 'A mentor and a mentee must be two different people.');
      const note = input.note?.trim() || null;
      if (note && note.length > noteMax)
        return refuse('invalid', `A match note holds at most ${noteMax} characters (this one has ${note.length}).`);
      const resolved = await deps.pairingService.resolveProgram(input.programName);
      if (!resolved.ok) return resolved;
      const program = resolved.program;
      const mentor = await matchable('mentor', input.mentorId);
      if (!mentor.ok) return mentor;
      const mentee = await matchable('mentee', input.menteeId);
      if (!mentee.ok) return mentee;
      const live = await deps.pairings.findLiveByMentee(program.id, input.menteeId);
      if (live)
        return refuse('conflict', `<@${input.menteeId}> already has a mentor in “${program.name}” (<@${live.mentor_id}>).`);
      const pending = await deps.matches.pendingForMentee(program.id, input.menteeId);
      if (pending)
        return refuse(
          'conflict',
          `<@${input.menteeId}> has already been proposed to <@${pending.mentor_id}>; wait for their answer.`,
        );
      const full = await capacityProblem(input.mentorId);
      if (full) return refuse('conflict', full);
      const now = deps.clock();
      const zone = mentor.person.time_zone;
      const d = responseDeadlines(DateTime.fromJSDate(now), program.response_window_days, zone, holidaySet(program.holidays));
      const request = await deps.matches.create({
        programId: program.id,
        mentorId: input.mentorId,
        menteeId: input.menteeId,
        requestedBy: actor,
        note,
        at: now,
        remindAt: d.remindAt.toJSDate(),
        dueAt: d.dueAt.toJSDate(),
      });
      if (!request) return refuse('conflict', 'That request was just made by someone else.');
      await deps.deliveries.enqueue({
        dedupeKey: `match:${request.id}`,
        kind: 'match_request',
        channel: input.mentorId,
        payload: matchRequestMessage({
          requestId: request.id,
          menteeId: input.menteeId,
          programName: userText(program.name),
          note: userTextOrNull(note),
          staffId: actor,
        }),
        notBefore: now,
      });
      await deps.audit.record({ actor, action: 'match.request', subject: String(request.id) }, now);
      deps.onEnqueued();
      return { ok: true, request, programName: program.name };
    },

    /** The mentor accepts: the pairing, its group DM and introduction are made, and staff are told. */
    /** The mentor accepts: the pair is made and the request's message is replaced by `reply`. */
    async accept(
      actor: string,
      requestId: number,
    ): Promise<Outcome<{ request: MatchRequest; pairingId: number | null; reply: string }>> {
      const request = await deps.matches.get(requestId);
      if (!isMentorOf(request, actor)) return refuse('forbidden', 'This request was sent to someone else.');
      if (request.status !== 'pending') return refuse('conflict', `You already answered this request (${request.status}).`);
      const full = await capacityProblem(actor, requestId);
      if (full) return refuse('conflict', `${full} Ask program staff to raise it first.`);
      const program = await deps.programs.get(request.program_id);
      const decided = await deps.matches.decide(requestId, { status: 'accepted', at: deps.clock() });
      if (!decided) return refuse('conflict', 'You already answered this request.');
      const paired = await deps.pairingService.pair(cliActor, {
        mentorId: request.mentor_id,
        menteeId: request.mentee_id,
        programName: program?.name,
      });
      if (!paired.ok) {
        await deps.matches.decide(requestId, { status: 'cancelled', at: deps.clock() });
        await tell(
          `match-failed:${requestId}`,
          request.requested_by,
          `The match of <@${request.mentor_id}> with <@${request.mentee_id}> could not be made: ${escapeMrkdwn(paired.message)}`,
        );
        return paired;
      }
      await deps.matches.setPairing(requestId, paired.pairing.id);
      await deps.audit.record({ actor, action: 'match.accept', subject: String(requestId) }, deps.clock());
      await tell(
        `match-accepted:${requestId}`,
        request.requested_by,
        `<@${actor}> accepted to mentor <@${request.mentee_id}> in “${escapeMrkdwn(program?.name ?? '')}”. Their group DM is open.`,
      );
      const reply = matchDecidedMessage({
        menteeId: request.mentee_id,
        programName: userText(program?.name ?? ''),
        accepted: true,
      }).text;
      return { ok: true, request: decided, pairingId: paired.pairing.id, reply };
    },

    /** The form asking the mentor why they decline: only for the mentor asked, while the request is open. */
    async declineForm(actor: string, requestId: number): Promise<Outcome<{ view: ReturnType<typeof declineModal> }>> {
      const request = await deps.matches.get(requestId);
      if (!isMentorOf(request, actor)) return refuse('forbidden', 'This request was sent to someone else.');
      if (request.status !== 'pending') return refuse('conflict', `You already answered this request (${request.status}).`);
      return { ok: true, view: declineModal(requestId) };
    },

    /** The mentor declines (with an optional reason, told to whoever asked); `reply` is the mentor's own confirmation. */
    async decline(
      actor: string,
      requestId: number,
      reason: string | null,
    ): Promise<Outcome<{ request: MatchRequest; reply: string }>> {
      const request = await deps.matches.get(requestId);
      if (!isMentorOf(request, actor)) return refuse('forbidden', 'This request was sent to someone else.');
      const decided = await deps.matches.decide(requestId, {
        status: 'declined',
        declineReason: reason?.trim().slice(0, 500) || null,
        at: deps.clock(),
      });
      if (!decided) return refuse('conflict', `You already answered this request (${request.status}).`);
      await deps.audit.record({ actor, action: 'match.decline', subject: String(requestId) }, deps.clock());
      await tell(
        `match-declined:${requestId}`,
        request.requested_by,
        `<@${actor}> declined mentoring <@${request.mentee_id}>.${decided.decline_reason ? ` Their reason: “${escapeMrkdwn(userText(decided.decline_reason))}”` : ''} Propose someone else with \`/tandem match\`.`,
      );
      return {
        ok: true,
        request: decided,
        reply: matchDecidedMessage({ menteeId: request.mentee_id, programName: userText(''), accepted: false }).text,
      };
    },

    /** Scheduler step: a nudge at half the window, then staff hear about an unanswered request. */
    async pass(): Promise<{ reminded: number; escalated: number }> {
      const now = deps.clock();
      // Each notice is queued (idempotent by key) before its request is marked: a crash loses nothing.
      const reminders = await deps.matches.dueReminders(now);
      for (const r of reminders) {
        await tell(
          `match-remind:${r.id}`,
          r.mentor_id,
          `A reminder: <@${r.requested_by}> asked whether you would mentor <@${r.mentee_id}>. The Accept and Decline buttons are in the message above.`,
        );
        await deps.matches.mark(r.id, 'reminded_at', now);
      }
      const overdue = await deps.matches.dueEscalations(now);
      for (const r of overdue) {
        const program = await deps.programs.get(r.program_id);
        await tell(
          `match-overdue:${r.id}`,
          r.requested_by,
          `<@${r.mentor_id}> has not answered your request to mentor <@${r.mentee_id}> within ${program?.response_window_days ?? 2} work days. You may want to ask them directly or propose someone else.`,
        );
        if (program?.alerts_channel_id && !(await deps.alerts.channelProblem(program))) {
          await tell(
            `match-overdue-channel:${r.id}`,
            program.alerts_channel_id,
            `Match request unanswered: <@${r.mentor_id}> has not answered whether they will mentor <@${r.mentee_id}> (asked by <@${r.requested_by}>).`,
          );
        }
        await deps.matches.mark(r.id, 'escalated_at', now);
      }
      return { reminded: reminders.length, escalated: overdue.length };
    },

    async setCapacity(actor: string, mentorId: string, max: number | null): Promise<Outcome<{ max: number | null }>> {
      if (!(await deps.staff.isStaff(actor))) return staffOnly();
      if (max !== null && (!Number.isInteger(max) || max < 0 || max > 50))
        return refuse('invalid', 'Give a whole number from 0 to 50, or `none`.');
      await deps.people.ensure(mentorId);
      await deps.people.setMaxMentees(mentorId, max);
      await deps.audit.record({ actor, action: 'mentor.capacity', subject: mentorId, details: { max } }, deps.clock());
      return { ok: true, max };
    },
  };
}

export type MatchService = ReturnType<typeof createMatchService>;
