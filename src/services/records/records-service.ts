import { DateTime } from 'luxon';
import { isMentorOf } from '../../domain/authorization.js';
import { z } from 'zod';
import type { NoteRepository } from '../../db/repositories/note-repository.js';
import type { CheckinRepository } from '../../db/repositories/checkin-repository.js';
import type { ProgramRepository } from '../../db/repositories/program-repository.js';
import type { PairingRepository, PairingRow } from '../../db/repositories/pairing-repository.js';
import type { PeopleRepository } from '../../db/repositories/people-repository.js';
import type { SessionLogRepository } from '../../db/repositories/session-log-repository.js';
import type { StaffRepository } from '../../db/repositories/staff-repository.js';
import type { AuditRepository } from '../../db/repositories/audit-repository.js';
import type { SessionLog } from '../../db/schema.js';
import { isoDate } from '../../domain/program-settings.js';
import { fieldErrors } from '../../domain/program-settings.js';
import type { Clock } from '../clock.js';
import { hoursCsv, hoursRows } from './hours-csv.js';
import { cliActor, refuse, staffOnly, type Outcome } from '../outcome.js';
import type { SlackPort } from '../slack-port.js';
import { counted } from '../../messages/text.js';
import { sessionLogModal, sessionLoggedMessage } from '../../messages/session-log.js';
import { personName } from '../people/people-service.js';

export const sessionLogSchema = z.object({
  pairingId: z.coerce.number({ error: 'Pick the mentee' }).int().positive('Pick the mentee'),
  sessionDate: isoDate,
  minutes: z.coerce
    .number({ error: 'Minutes as a whole number' })
    .int('Whole minutes')
    .min(5, 'At least 5 minutes')
    .max(600, 'At most 600 minutes'),
  done: z.string().trim().max(2000, 'At most 2000 characters').nullable(),
  homework: z.string().trim().max(1000, 'At most 1000 characters').nullish(),
  privateNotes: z.string().trim().max(2000, 'At most 2000 characters').nullable(),
});
export type SessionLogInput = z.input<typeof sessionLogSchema>;

/** Session logs, hours and a mentor's private notes: the mentor's own records. */
export function createMentorRecordsService(deps: {
  sessionLogs: SessionLogRepository;
  checkins: CheckinRepository;
  programs: ProgramRepository;
  notes: NoteRepository;
  pairings: PairingRepository;
  people: PeopleRepository;
  staff: StaffRepository;
  audit: AuditRepository;
  slack: SlackPort;
  clock: Clock;
}) {
  const menteesOf = async (mentorId: string): Promise<PairingRow[]> =>
    (await deps.pairings.listLiveFor(mentorId)).filter((p) => p.mentor_id === mentorId);

  const csvFor = (month: string) => hoursCsv(deps, month);

  return {
    menteesOf,

    /** The session-log form, new (optionally for one mentee) or filled in with a log the mentor wrote. */
    async logForm(
      actor: string,
      opts: { logId?: number | undefined; pairingId?: number | undefined } = {},
    ): Promise<Outcome<{ view: ReturnType<typeof sessionLogModal> }>> {
      const mentees = await menteesOf(actor);
      if (mentees.length === 0) return refuse('not_found', 'Session logs are for mentors, and you have no mentee right now.');
      let existing: SessionLog | undefined;
      if (opts.logId !== undefined) {
        existing = await deps.sessionLogs.get(opts.logId);
        if (!existing || existing.author_id !== actor)
          return refuse('forbidden', 'Only the mentor who wrote a session log can change it.');
      }
      const people = new Map(
        (await deps.people.findMany([actor, ...mentees.map((m) => m.mentee_id)])).map((p) => [p.slack_id, p]),
      );
      const zone = people.get(actor)?.time_zone ?? 'UTC';
      const view = sessionLogModal({
        mentees: mentees.map((m) => ({
          pairingId: m.id,
          menteeName: personName(people.get(m.mentee_id), m.mentee_id),
          programName: m.program_name,
        })),
        existing: existing
          ? {
              id: existing.id,
              pairingId: existing.pairing_id,
              sessionDate: existing.session_date,
              minutes: existing.minutes,
              done: existing.done,
              homework: existing.homework,
              privateNotes: existing.private_notes,
            }
          : null,
        today: DateTime.fromJSDate(deps.clock(), { zone }).toISODate() as string,
        preselect: opts.pairingId,
      });
      return { ok: true, view };
    },

    async saveLog(
      actor: string,
      input: SessionLogInput,
      logId?: number,
      formId?: string,
    ): Promise<
      | Outcome<{ log: SessionLog; confirmation: ReturnType<typeof sessionLoggedMessage> }>
      | { ok: false; reason: 'fields'; errors: Record<string, string> }
    > {
      const parsed = sessionLogSchema.safeParse(input);
      if (!parsed.success) return { ok: false, reason: 'fields', errors: fieldErrors(parsed.error) };
      const v = parsed.data;
      const pairing = await deps.pairings.get(v.pairingId);
      if (!isMentorOf(pairing, actor)) return refuse('forbidden', 'You can only log sessions with your own mentees.');
      const today = DateTime.fromJSDate(deps.clock(), { zone: 'UTC' }).plus({ days: 1 }).toISODate() as string;
      if (v.sessionDate > today) return { ok: false, reason: 'fields', errors: { sessionDate: 'That date is in the future.' } };
      const row = {
        pairingId: v.pairingId,
        sessionDate: v.sessionDate,
        minutes: v.minutes,
        done: v.done || null,
        homework: v.homework || null,
        privateNotes: v.privateNotes || null,
        at: deps.clock(),
      };
      const log =
        logId === undefined
          ? await deps.sessionLogs.create({ ...row, authorId: actor, formId: formId ?? null })
          : await deps.sessionLogs.update(logId, actor, row);
      if (!log) return refuse('forbidden', 'Only the mentor who wrote a session log can change it.');
      const week = DateTime.fromISO(log.session_date, { zone: 'UTC' });
      const weekKey = `${week.weekYear}-W${String(week.weekNumber).padStart(2, '0')}`;
      const session = {
        number: await deps.checkins.sessionsHeld(pairing.id, weekKey),
        target: (await deps.programs.get(pairing.program_id))?.session_target ?? null,
      };
      return {
        ok: true,
        log,
        confirmation: sessionLoggedMessage(
          { id: log.id, minutes: log.minutes, sessionDate: log.session_date },
          pairing.mentee_id,
          session,
        ),
      };
    },

    /** A mentor's own month: total and per mentee. */
    async myHours(
      actor: string,
      month: string,
    ): Promise<Outcome<{ total: number; byMentee: { menteeId: string; minutes: number; sessions: number }[] }>> {
      const rows = await hoursRows(deps, month, actor);
      if (!rows) return refuse('invalid', 'Give the month as YYYY-MM, e.g. 2027-02.');
      const byMentee = new Map<string, { menteeId: string; minutes: number; sessions: number }>();
      for (const r of rows) {
        const m = byMentee.get(r.menteeId) ?? { menteeId: r.menteeId, minutes: 0, sessions: 0 };
        m.minutes += r.minutes;
        m.sessions += r.sessions;
        byMentee.set(r.menteeId, m);
      }
      return { ok: true, total: rows.reduce((a, r) => a + r.minutes, 0), byMentee: [...byMentee.values()] };
    },

    csvFor,

    /** Staff: the month's CSV, uploaded into their own DM. */
    async exportToSlack(actor: string, month: string): Promise<Outcome<{ rows: number }>> {
      if (actor !== cliActor && !(await deps.staff.isStaff(actor))) return staffOnly();
      const out = await csvFor(month);
      if (!out) return refuse('invalid', 'Give the month as YYYY-MM, e.g. `/tandem hours export 2027-02`.');
      const dm = await deps.slack.openConversation([actor]);
      await deps.slack.uploadFile({
        channel: dm,
        filename: `tandem-hours-${month}.csv`,
        title: `Mentor hours ${month}`,
        content: out.csv,
        initialComment: `Mentor hours for ${month}: ${counted(out.rows.length, 'row')}.`,
      });
      await deps.audit.record({ actor, action: 'hours.export', subject: month }, deps.clock());
      return { ok: true, rows: out.rows.length };
    },

    async addNote(actor: string, subjectId: string, body: string): Promise<Outcome<{ saved: true }>> {
      const text = body.trim();
      if (!text) return refuse('invalid', 'Write the note after the mention: `/tandem note @mentee what you want to remember`.');
      if (text.length > 3000) return refuse('invalid', `A note holds at most 3000 characters (this one has ${text.length}).`);
      const mentees = await deps.pairings.findLiveBetween(actor, subjectId);
      const ever = mentees.some((p) => p.mentor_id === actor) || (await deps.notes.list(actor, subjectId, 1)).length > 0;
      if (!ever) return refuse('forbidden', `Private notes are for your own mentees, and <@${subjectId}> is not one.`);
      await deps.notes.add(actor, subjectId, text, deps.clock());
      return { ok: true, saved: true };
    },

    async listNotes(actor: string, subjectId: string) {
      return deps.notes.list(actor, subjectId, 20);
    },
  };
}

export type MentorRecordsService = ReturnType<typeof createMentorRecordsService>;
