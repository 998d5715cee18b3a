import { DateTime } from 'luxon';
import type { AuditRepository } from '../../db/repositories/audit-repository.js';
import type { DeliveryRepository } from '../../db/repositories/delivery-repository.js';
import type { ExpectationRepository } from '../../db/repositories/expectation-repository.js';
import type { PairingRepository, PairingRow } from '../../db/repositories/pairing-repository.js';
import type { ProgramRepository, ProgramWithHolidays } from '../../db/repositories/program-repository.js';
import type { StaffRepository } from '../../db/repositories/staff-repository.js';
import type { Pairing } from '../../db/schema.js';
import { isInPair } from '../../domain/authorization.js';
import { pairCheckinSlotForWeek } from '../../domain/checkin-slot.js';
import { cadenceOften } from '../../domain/cadence.js';
import { holidaySet } from '../../domain/work-days.js';
import type { Logger } from '../../logger.js';
import { pairIntroMessage } from '../../messages/pair-intro.js';
import { pairingListText } from '../../messages/pairing-list.js';
import { userText } from '../../messages/text.js';
import type { Clock } from '../clock.js';
import { cliActor, refuse, staffOnly, unknownPerson, type Outcome } from '../outcome.js';
import type { PeopleService } from '../people/people-service.js';
import type { SlackPort } from '../slack-port.js';
import { SlackCallError } from '../slack-port.js';

export type PairingDeps = {
  pairings: PairingRepository;
  programs: ProgramRepository;
  staff: StaffRepository;
  deliveries: DeliveryRepository;
  expectations: ExpectationRepository;
  audit: AuditRepository;
  people: PeopleService;
  slack: SlackPort;
  clock: Clock;
  logger: Logger;
  /** Asks the outbox to send soon (after a pairing is made interactively). */
  onEnqueued?: () => void;
};

export function createPairingService(deps: PairingDeps) {
  const log = deps.logger.child({ component: 'pairing-service' });

  /** Resolves the program a staff member means: named, or the only active one. */
  async function resolveProgram(name: string | undefined): Promise<Outcome<{ program: ProgramWithHolidays }>> {
    if (name) {
      const program = await deps.programs.findByName(name);
      return program
        ? { ok: true, program }
        : refuse('not_found', `There is no program called “${name}”. \`/tandem program list\` shows them.`);
    }
    const active = await deps.programs.listActive();
    if (active.length === 1 && active[0]) return { ok: true, program: active[0] };
    if (active.length === 0) return refuse('not_found', 'There is no program yet. Create one with `/tandem program new`.');
    return refuse('invalid', `Say which program: ${active.map((p) => `“${p.name}”`).join(', ')}.`);
  }

  /**
   * Opens the pair's group DM and queues the introduction. Safe to repeat: conversations.open
   * returns the same conversation for the same people, and the intro's dedupe key is per pairing.
   */
  async function ensureConversation(pairing: Pairing, program: ProgramWithHolidays): Promise<string> {
    const conversationId = pairing.conversation_id ?? (await deps.slack.openConversation([pairing.mentor_id, pairing.mentee_id]));
    if (!pairing.conversation_id) await deps.pairings.update(pairing.id, { conversation_id: conversationId });
    const intro = pairIntroMessage({
      mentorId: pairing.mentor_id,
      menteeId: pairing.mentee_id,
      programName: userText(program.name),
      firstCheckinAt: firstCheckinAt(pairing, program),
      checkinZone: pairing.checkin_zone ?? program.time_zone,
      responseWindowDays: pairing.reply_within_days ?? program.response_window_days,
      often: cadenceOften({ cadence: program.cadence, sessionTarget: program.session_target, lengthWeeks: program.length_weeks }),
      afterHours: pairing.checkin_weekday === null ? program.checkin_after_hours : undefined,
    });
    const queued = await deps.deliveries.enqueue({
      dedupeKey: `intro:${pairing.id}`,
      kind: 'pair_intro',
      pairingId: pairing.id,
      channel: conversationId,
      payload: intro,
      notBefore: deps.clock(),
    });
    if (queued.created) deps.onEnqueued?.();
    return conversationId;
  }

  /**
   * When the pair is first asked: this week's slot or a later week's, as the check-in planner finds it
   * (a slot already passed this week is asked at the next pass); null when the program has none left.
   */
  function firstCheckinAt(pairing: Pairing, program: ProgramWithHolidays): Date | null {
    const now = DateTime.fromJSDate(deps.clock());
    const schedule = {
      weekday: pairing.checkin_weekday ?? program.checkin_weekday,
      time: pairing.checkin_time ?? program.checkin_time,
      zone: pairing.checkin_zone ?? program.time_zone,
      holidays: holidaySet(program.holidays),
      programStartDate: program.start_date,
      programLengthWeeks: program.length_weeks,
      // A new pair has not agreed a meeting yet: the program's slot, on the weeks its cadence asks.
      meeting: null,
      afterHours: program.checkin_after_hours,
      cadence: { cadence: program.cadence, sessionTarget: program.session_target, lengthWeeks: program.length_weeks },
      changes: [],
    };
    for (let week = 0; week <= program.length_weeks + 1; week++) {
      const slot = pairCheckinSlotForWeek(now.plus({ weeks: week }), schedule);
      if (slot) return DateTime.max(slot.promptAt, now).toJSDate();
    }
    return null;
  }

  return {
    resolveProgram,
    ensureConversation,

    async pair(
      actor: string,
      input: { mentorId: string; menteeId: string; programName?: string | undefined },
    ): Promise<Outcome<{ pairing: Pairing; program: ProgramWithHolidays; created: boolean; conversationId: string | null }>> {
      if (actor !== cliActor && !(await deps.staff.isStaff(actor))) return staffOnly();
      if (input.mentorId === input.menteeId) return refuse('invalid', 'A mentor and a mentee must be two different people.');
      const resolved = await resolveProgram(input.programName);
      if (!resolved.ok) return resolved;
      const { program } = resolved;
      if (program.status !== 'active') return refuse('invalid', `“${program.name}” is archived.`);

      let mentor, mentee;
      try {
        [mentor, mentee] = await deps.people.ensureMany([input.mentorId, input.menteeId]);
      } catch (err) {
        if (err instanceof SlackCallError && err.failure.kind === 'permanent') return unknownPerson();
        throw err;
      }
      for (const p of [mentor, mentee]) {
        if (!p) continue;
        if (p.is_bot) return refuse('invalid', `<@${p.slack_id}> is a bot; only people can be paired.`);
        if (p.deleted) return refuse('invalid', `<@${p.slack_id}> has been deactivated in this workspace.`);
      }

      const existing = await deps.pairings.findLiveByMentee(program.id, input.menteeId);
      let pairing: Pairing | undefined;
      let created = false;
      if (existing) {
        if (existing.mentor_id !== input.mentorId) {
          return refuse(
            'conflict',
            `<@${input.menteeId}> is already paired with <@${existing.mentor_id}> in “${program.name}”. Unpair them first with \`/tandem unpair <@${existing.mentor_id}> <@${input.menteeId}>\`.`,
          );
        }
        pairing = existing;
      } else {
        const inserted = await deps.pairings.create(
          { programId: program.id, mentorId: input.mentorId, menteeId: input.menteeId, createdBy: actor },
          deps.clock(),
        );
        // Lost a race with a concurrent request: use the winner's row if it is the same pair.
        pairing = inserted ?? (await deps.pairings.findLiveByMentee(program.id, input.menteeId));
        if (!pairing || pairing.mentor_id !== input.mentorId)
          return refuse('conflict', 'That pairing changed while I was making it. Try again.');
        created = inserted !== undefined;
        if (created)
          await deps.audit.record(
            { actor, action: 'pairing.create', subject: String(pairing.id), details: { program: program.id } },
            deps.clock(),
          );
      }

      let conversationId: string | null = pairing.conversation_id;
      try {
        conversationId = await ensureConversation(pairing, program);
      } catch (err) {
        // The pairing is stored; the scheduler's next pass opens the conversation and sends the intro.
        log.warn({ err, pairingId: pairing.id }, 'could not open the pair conversation yet');
      }
      return { ok: true, pairing, program, created, conversationId };
    },

    /** The live pairing of a and b. Staff find any; a mentor or mentee finds only their own. */
    async findBetween(actor: string, a: string, b: string, programName?: string): Promise<Outcome<{ pairing: PairingRow }>> {
      if (actor !== a && actor !== b && !(await deps.staff.isStaff(actor))) return staffOnly();
      const rows = (await deps.pairings.findLiveBetween(a, b)).filter(
        (p) => !programName || p.program_name.toLowerCase() === programName.toLowerCase(),
      );
      if (rows.length === 0)
        return refuse('not_found', `<@${a}> and <@${b}> are not paired${programName ? ` in “${programName}”` : ''}.`);
      if (rows.length > 1)
        return refuse(
          'invalid',
          `They are paired in several programs (${rows.map((r) => `“${r.program_name}”`).join(', ')}); add the program's name.`,
        );
      return { ok: true, pairing: rows[0] as PairingRow };
    },

    async setStatus(
      actor: string,
      pairingId: number,
      change: { to: 'ended' } | { to: 'paused'; until?: string | undefined; reason?: string | undefined } | { to: 'active' },
    ): Promise<Outcome<{ pairing: Pairing; changed: boolean }>> {
      // Staff change any pairing; a mentor or mentee may pause and resume their own, never end it.
      if (actor !== cliActor && !(await deps.staff.isStaff(actor))) {
        const pairing = await deps.pairings.get(pairingId);
        if (!pairing || !isInPair(pairing, actor) || change.to === 'ended') return staffOnly();
      }
      const now = deps.clock();
      const from =
        change.to === 'ended'
          ? (['active', 'paused'] as const)
          : change.to === 'paused'
            ? (['active'] as const)
            : (['paused'] as const);
      const updated = await deps.pairings.transition(pairingId, from, {
        status: change.to,
        ...(change.to === 'ended' ? { ended_at: now } : {}),
        ...(change.to === 'paused'
          ? { paused_until: change.until ?? null, pause_reason: change.reason ?? null, paused_by: actor }
          : {}),
        ...(change.to === 'active' ? { paused_until: null, pause_reason: null, paused_by: null } : {}),
      });
      if (updated) {
        // Paused and ended pairs owe nothing: no reminders, no escalations, no deadline running.
        if (change.to !== 'active') await deps.expectations.cancelForPairing(pairingId, deps.clock());
        if (change.to !== 'ended' && updated.conversation_id) {
          const who = actor === updated.mentor_id || actor === updated.mentee_id ? `<@${actor}>` : 'Program staff';
          const text =
            change.to === 'paused'
              ? `${who} paused this pairing${change.until ? ` until ${change.until}` : ''}. No check-ins or reminders until then${change.until ? '; it resumes by itself' : ''}.`
              : `${actor === 'scheduler' ? 'This pairing' : who} is back on: check-ins resume at the next slot.`;
          await deps.deliveries.enqueue({
            dedupeKey: `pairing-${change.to}:${pairingId}:${now.getTime()}`,
            kind: `pairing_${change.to}`,
            pairingId,
            channel: updated.conversation_id,
            payload: { text },
            notBefore: now,
          });
          deps.onEnqueued?.();
        }
        await deps.audit.record({ actor, action: `pairing.${change.to}`, subject: String(pairingId) }, now);
        return { ok: true, pairing: updated, changed: true };
      }
      const current = await deps.pairings.get(pairingId);
      if (!current) return refuse('not_found', 'That pairing no longer exists.');
      if (current.status === change.to) return { ok: true, pairing: current, changed: false };
      return refuse('conflict', `That pairing is ${current.status}; it cannot become ${change.to}.`);
    },

    /** A program's pairings for staff, with the list as they read it (`text`). */
    async list(
      actor: string,
      programName: string | undefined,
    ): Promise<Outcome<{ program: ProgramWithHolidays; pairings: PairingRow[]; text: string }>> {
      if (!(await deps.staff.isStaff(actor))) return staffOnly();
      const resolved = await resolveProgram(programName);
      if (!resolved.ok) return resolved;
      const pairings = await deps.pairings.listByProgram(resolved.program.id);
      const listed = pairings.map((p) => ({
        mentorId: p.mentor_id,
        menteeId: p.mentee_id,
        status: p.status,
        pausedUntil: p.paused_until,
        meetingWeekday: p.meeting_weekday,
        meetingTime: p.meeting_time,
        meetingZone: p.meeting_zone,
      }));
      return { ok: true, program: resolved.program, pairings, text: pairingListText(resolved.program.name, listed) };
    },

    /** Scheduler step: a pause with an end date ends by itself on that date, in the program's zone. */
    async resumeDuePauses(): Promise<number> {
      const resumed = await deps.pairings.resumeDue(deps.clock());
      for (const p of resumed) {
        await deps.audit.record(
          { actor: 'scheduler', action: 'pairing.active', subject: String(p.id), details: { auto: true } },
          deps.clock(),
        );
        if (p.conversation_id) {
          await deps.deliveries.enqueue({
            dedupeKey: `pairing-active:${p.id}:${deps.clock().getTime()}`,
            kind: 'pairing_active',
            pairingId: p.id,
            channel: p.conversation_id,
            payload: { text: 'Welcome back! The pause is over and the weekly check-ins resume at the next slot.' },
            notBefore: deps.clock(),
          });
          deps.onEnqueued?.();
        }
      }
      return resumed.length;
    },

    /** Scheduler step: pairings whose conversation could not be opened at creation get another try. */
    async openMissingConversations(limit = 50): Promise<number> {
      let opened = 0;
      for (const row of await deps.pairings.listWithoutConversation(limit)) {
        const program = await deps.programs.get(row.program_id);
        if (!program) continue;
        try {
          await ensureConversation(row, program);
          opened++;
        } catch (err) {
          log.warn({ err, pairingId: row.id }, 'pair conversation still not open');
        }
      }
      return opened;
    },
  };
}

export type PairingService = ReturnType<typeof createPairingService>;
