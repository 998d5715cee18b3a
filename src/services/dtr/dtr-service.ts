import { DateTime } from 'luxon';
import type { AuditRepository } from '../../db/repositories/audit-repository.js';
import type { DeliveryRepository } from '../../db/repositories/delivery-repository.js';
import type { DtrRepository } from '../../db/repositories/dtr-repository.js';
import type { PairingRepository, PairingRow } from '../../db/repositories/pairing-repository.js';
import type { ProgramRepository } from '../../db/repositories/program-repository.js';
import type { Goal, Milestone, PairingUpdate } from '../../db/schema.js';
import {
  goalsFromAnswers,
  latestBuiltIn,
  questionSetFor,
  questionSetSchema,
  validateAnswers,
  type Answers,
  type QuestionSet,
} from '../../domain/dtr-questions.js';
import { nextOccurrence, type IsoWeekday } from '../../domain/work-days.js';
import type { Logger } from '../../logger.js';
import { dtrInviteMessage, dtrPrivateMessage, dtrSummaryMessage } from '../../messages/dtr.js';
import { userAnswers } from '../../messages/text.js';
import type { AlertService } from '../alerts/alert-service.js';
import type { CalendarService } from '../calendar/calendar-service.js';
import type { Clock } from '../clock.js';
import { refuse, type Outcome } from '../outcome.js';
import type { PeopleService } from '../people/people-service.js';

export type DtrSetRef = { source: 'builtin' | 'program'; version: number };
type Role = 'mentor' | 'mentee';

export function createDtrService(deps: {
  dtr: DtrRepository;
  pairings: PairingRepository;
  programs: ProgramRepository;
  deliveries: DeliveryRepository;
  audit: AuditRepository;
  people: PeopleService;
  alerts: AlertService;
  calendar: Pick<CalendarService, 'meetingAgreed'>;
  clock: Clock;
  logger: Logger;
  onEnqueued: () => void;
}) {
  const log = deps.logger.child({ component: 'dtr' });

  /** The set a program uses now: its own newest version, or the built-in one. */
  async function currentSet(programId: number, milestone: Milestone): Promise<{ set: QuestionSet; ref: DtrSetRef }> {
    const own = await deps.dtr.programSet(programId, milestone);
    if (own) {
      const parsed = questionSetSchema.safeParse(own.definition);
      if (parsed.success)
        return { set: { ...parsed.data, version: own.version }, ref: { source: 'program', version: own.version } };
      log.error({ programId, milestone, version: own.version }, 'stored program question set is invalid; using the built-in one');
    }
    const set = latestBuiltIn(milestone);
    return { set, ref: { source: 'builtin', version: set.version } };
  }

  /** The exact set an answer was given to, so old answers show with their own questions. */
  async function setFor(programId: number, milestone: Milestone, ref: DtrSetRef): Promise<QuestionSet> {
    const own = ref.source === 'program' ? await deps.dtr.programSet(programId, milestone, ref.version) : undefined;
    return questionSetFor(milestone, ref, own?.definition);
  }

  const roleOf = (p: PairingRow, person: string): Role | null =>
    p.mentor_id === person ? 'mentor' : p.mentee_id === person ? 'mentee' : null;
  const partnerOf = (p: PairingRow, person: string) => (p.mentor_id === person ? p.mentee_id : p.mentor_id);
  const partnerLabel = (p: PairingRow, person: string) =>
    `${p.mentor_id === person ? 'Mentee' : 'Mentor'} ${partnerOf(p, person)} — ${p.program_name}`;

  /** Which pairing a /dtr is about: the one with @partner, the only one, or a choice in the modal. */
  async function resolve(actor: string, partnerId: string | undefined): Promise<Outcome<{ pairings: PairingRow[] }>> {
    const mine = (await deps.pairings.listLiveFor(actor)).filter((p) => p.status !== 'ended');
    if (mine.length === 0)
      return refuse(
        'not_found',
        'You are not in a mentoring pair yet, so there is no DTR to fill in. Program staff pair people with `/tandem pair`.',
      );
    if (partnerId) {
      const withPartner = mine.filter((p) => partnerOf(p, actor) === partnerId);
      if (withPartner.length === 0)
        return refuse(
          'not_found',
          `You are not paired with <@${partnerId}>. Your partners: ${[...new Set(mine.map((p) => `<@${partnerOf(p, actor)}>`))].join(', ')}.`,
        );
      return { ok: true, pairings: withPartner };
    }
    return { ok: true, pairings: mine };
  }

  /**
   * A program's own questions for one DTR (`tandem questions`): what it uses now, and a new version to use
   * from now on. A DTR already answered keeps the version it was answered with.
   */
  const questionSets = {
    async current(
      programName: string,
      milestone: Milestone,
    ): Promise<Outcome<{ source: 'program' | 'builtin'; set: QuestionSet }>> {
      const program = await deps.programs.findByName(programName);
      if (!program) return refuse('not_found', `No program is called “${programName}”.`);
      const { set, ref } = await currentSet(program.id, milestone);
      return { ok: true, source: ref.source === 'program' ? 'program' : 'builtin', set };
    },
    async replace(
      actor: string,
      programName: string,
      milestone: Milestone,
      definition: unknown,
    ): Promise<Outcome<{ version: number }>> {
      const program = await deps.programs.findByName(programName);
      if (!program) return refuse('not_found', `No program is called “${programName}”.`);
      const parsed = questionSetSchema.safeParse(definition);
      if (!parsed.success) {
        const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(the file)'}: ${i.message}`);
        return refuse('invalid', `Those questions cannot be used:\n${problems.join('\n')}`);
      }
      if (parsed.data.milestone !== milestone)
        return refuse('invalid', `The file is for the ${parsed.data.milestone} DTR, not ${milestone}.`);
      const version = await deps.dtr.addProgramSet(program.id, milestone, parsed.data, actor);
      await deps.audit.record(
        { actor, action: `dtr.${milestone}.questions`, subject: String(program.id), details: { version } },
        deps.clock(),
      );
      return { ok: true, version };
    },
  };

  return {
    questionSets,
    currentSet,
    setFor,

    /** Everything the modal needs: the set, the person's role, choices, and their earlier answers to pre-fill. */
    async prepare(actor: string, milestone: Milestone, partnerId?: string, pairingId?: number) {
      const r = await resolve(actor, partnerId);
      if (!r.ok) return r;
      let pairings = r.pairings;
      if (pairingId !== undefined) pairings = pairings.filter((p) => p.id === pairingId);
      if (pairings.length === 0) return refuse('forbidden', 'That DTR belongs to another pair.');
      const first = pairings[0] as PairingRow;
      const roles = new Set(pairings.map((p) => roleOf(p, actor)));
      // Several pairings in different roles (a mentee who also mentors) need the partner named.
      if (roles.size > 1)
        return refuse(
          'invalid',
          `You are a mentor in one pairing and a mentee in another; say which with \`/dtr ${milestone} @partner\`.`,
        );
      const role = roleOf(first, actor) as Role;
      const { set, ref } = await currentSet(first.program_id, milestone);
      const single = pairings.length === 1 ? first : null;
      const earlier = single ? (await deps.dtr.answers(single.id, milestone)).find((a) => a.person_id === actor) : undefined;
      return {
        ok: true as const,
        role,
        set,
        ref,
        pairingId: single?.id ?? null,
        choices: single ? [] : pairings.map((p) => ({ pairingId: p.id, label: partnerLabel(p, actor) })),
        prefill: (earlier?.answers ?? {}) as Answers,
        zone: (await deps.people.find(actor))?.time_zone ?? 'UTC',
      };
    },

    /**
     * Saves one side. Returns field errors for the modal, or applies what the answers decide: the
     * pairing's settings, the partner's invitation, the summary once both are in.
     */
    async submit(
      actor: string,
      input: { milestone: Milestone; pairingId: number; ref: DtrSetRef; values: Record<string, string | null> },
    ): Promise<Outcome<{ both: boolean }> | { ok: false; reason: 'fields'; errors: Record<string, string> }> {
      const pairing = await deps.pairings.get(input.pairingId);
      const role = pairing ? roleOf(pairing, actor) : null;
      if (!pairing || !role || pairing.status === 'ended') return refuse('forbidden', 'That DTR belongs to another pair.');
      const set = await setFor(pairing.program_id, input.milestone, input.ref);
      const checked = validateAnswers(set, role, input.values);
      if (!checked.ok) return { ok: false, reason: 'fields', errors: checked.errors };
      const now = deps.clock();
      const saved = await deps.dtr.save({
        pairingId: pairing.id,
        milestone: input.milestone,
        personId: actor,
        role,
        setSource: input.ref.source,
        setVersion: set.version,
        answers: checked.answers,
        at: now,
      });
      await deps.audit.record(
        { actor, action: `dtr.${input.milestone}.save`, subject: String(pairing.id), details: { revision: saved.revision } },
        now,
      );
      await applySettings(pairing, role, actor, set, checked.answers);

      const sides = await deps.dtr.answers(pairing.id, input.milestone);
      const mentorSide = sides.find((s) => s.person_id === pairing.mentor_id);
      const menteeSide = sides.find((s) => s.person_id === pairing.mentee_id);
      const partner = partnerOf(pairing, actor);
      if (!mentorSide || !menteeSide) {
        const q = await deps.deliveries.enqueue({
          dedupeKey: `dtr-invite:${pairing.id}:${input.milestone}:${partner}`,
          kind: 'dtr_invite',
          pairingId: pairing.id,
          channel: partner,
          payload: dtrInviteMessage({ fromId: actor, milestone: input.milestone, pairingId: pairing.id }),
          notBefore: now,
        });
        if (q.created) deps.onEnqueued();
        return { ok: true, both: false };
      }
      await deps.dtr.markMilestoneDone(pairing.id, input.milestone, now);
      const mentorSet = await setFor(pairing.program_id, input.milestone, {
        source: mentorSide.set_source as DtrSetRef['source'],
        version: mentorSide.set_version,
      });
      const menteeSet = await setFor(pairing.program_id, input.milestone, {
        source: menteeSide.set_source as DtrSetRef['source'],
        version: menteeSide.set_version,
      });
      // The revision pair keys the summary: an amendment after both were in sends an updated one.
      const revision = `${mentorSide.revision}.${menteeSide.revision}`;
      const firstTime = mentorSide.revision === 1 && menteeSide.revision === 1;
      if (pairing.conversation_id) {
        const [mentorZone, menteeZone] = await Promise.all(
          [pairing.mentor_id, pairing.mentee_id].map(async (id) => (await deps.people.find(id))?.time_zone ?? 'UTC'),
        );
        const weekday = Number(mentorSide.answers.meeting_weekday);
        const time = mentorSide.answers.meeting_time;
        // The agreed slot is in the mentor's zone (they set it); each reader sees its next time in theirs.
        const nextMeetingAt =
          weekday >= 1 && weekday <= 7 && time && /^([01]\d|2[0-3]):[0-5]\d$/.test(time)
            ? nextOccurrence(DateTime.fromJSDate(now), weekday as IsoWeekday, time, mentorZone ?? 'UTC').toJSDate()
            : null;
        await deps.deliveries.enqueue({
          dedupeKey: `dtr-summary:${pairing.id}:${input.milestone}:${revision}`,
          kind: 'dtr_summary',
          pairingId: pairing.id,
          channel: pairing.conversation_id,
          payload: dtrSummaryMessage({
            milestone: input.milestone,
            mentorId: pairing.mentor_id,
            menteeId: pairing.mentee_id,
            mentor: { set: mentorSet, answers: userAnswers(mentorSide.answers), zone: mentorZone ?? 'UTC' },
            mentee: { set: menteeSet, answers: userAnswers(menteeSide.answers), zone: menteeZone ?? 'UTC' },
            nextMeetingAt,
            updated: !firstTime,
          }),
          notBefore: now,
        });
      }
      const privateMessage = dtrPrivateMessage({
        menteeId: pairing.mentee_id,
        milestone: input.milestone,
        set: menteeSet,
        answers: userAnswers(menteeSide.answers),
      });
      if (privateMessage) {
        await deps.deliveries.enqueue({
          dedupeKey: `dtr-private:${pairing.id}:${input.milestone}:${menteeSide.revision}`,
          kind: 'dtr_private',
          pairingId: pairing.id,
          channel: pairing.mentor_id,
          payload: privateMessage,
          notBefore: now,
        });
      }
      await deps.alerts.autoResolveMilestone(pairing.id, input.milestone);
      await deps.calendar.meetingAgreed(pairing.id);
      deps.onEnqueued();
      return { ok: true, both: true };
    },

    async show(actor: string, milestone: Milestone, partnerId?: string) {
      const r = await resolve(actor, partnerId);
      if (!r.ok) return r;
      if (r.pairings.length > 1)
        return refuse('invalid', `You have several partners; add one: \`/dtr show ${milestone} @partner\`.`);
      const pairing = r.pairings[0] as PairingRow;
      const rows = await deps.dtr.answers(pairing.id, milestone);
      if (rows.length === 0)
        return refuse('not_found', `Nothing recorded for the ${milestone} DTR yet. Start it with \`/dtr ${milestone}\`.`);
      const sides = [];
      for (const row of rows.sort((a, b) => (a.role === b.role ? 0 : a.role === 'mentor' ? -1 : 1))) {
        sides.push({
          personId: row.person_id,
          role: row.role,
          set: await setFor(pairing.program_id, milestone, {
            source: row.set_source as DtrSetRef['source'],
            version: row.set_version,
          }),
          answers: row.answers,
          updatedAt: row.updated_at,
          zone: (await deps.people.find(row.person_id))?.time_zone ?? 'UTC',
        });
      }
      return { ok: true as const, pairing, viewerIsMentor: pairing.mentor_id === actor, sides };
    },
  };

  /** The kick-off's structured answers become the pairing's settings; the reply window feeds the engine. */
  async function applySettings(
    pairing: PairingRow,
    role: Role,
    actor: string,
    set: QuestionSet,
    answers: Answers,
  ): Promise<void> {
    const changes: PairingUpdate = {};
    for (const q of set.sections.flatMap((s) => s.questions)) {
      const v = answers[q.id];
      if (!q.setting || v === undefined) continue;
      if (q.setting === 'meetingWeekday') changes.meeting_weekday = Number(v);
      if (q.setting === 'meetingTime') {
        changes.meeting_time = v;
        changes.meeting_zone = (await deps.people.find(actor))?.time_zone ?? null;
      }
      if (q.setting === 'meetingMinutes') changes.meeting_minutes = Number(v);
      if (q.setting === 'contactChannel') changes.contact_channel = v;
      if (q.setting === 'ackWithinHours') changes.ack_within_hours = Number(v);
      if (q.setting === 'replyWithinDays') changes.reply_within_days = Number(v);
    }
    const goalParts = set.sections.flatMap((s) => s.questions).filter((q) => q.goal && answers[q.id]);
    if (role === 'mentee' && goalParts.length > 0) {
      const goals: Goal[] = goalsFromAnswers(set, answers);
      changes.goals = JSON.stringify(goals);
    }
    if (Object.keys(changes).length > 0) await deps.pairings.update(pairing.id, changes);
  }
}

export type DtrService = ReturnType<typeof createDtrService>;
