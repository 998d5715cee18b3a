import type { DeliveryRepository } from '../../db/repositories/delivery-repository.js';
import { programCreatedText, programSavedText } from '../../messages/program-modal.js';
import type { AuditRepository } from '../../db/repositories/audit-repository.js';
import type { ProgramRepository, ProgramWithHolidays } from '../../db/repositories/program-repository.js';
import type { StaffRepository } from '../../db/repositories/staff-repository.js';
import {
  fieldErrors,
  programSettingsSchema,
  type ProgramSettings,
  type ProgramSettingsForm,
  type ProgramSettingsInput,
} from '../../domain/program-settings.js';
import { DateTime } from 'luxon';
import { programWeek } from '../../domain/work-days.js';
import type { Clock } from '../clock.js';
import { refuse, staffOnly, type Outcome, type Refusal } from '../outcome.js';
import { SlackCallError, type SlackPort } from '../slack-port.js';

export type ProgramInvalid = Refusal & { fields: Record<string, string> };

/** The stored columns of validated program settings (the same for a new program and an edited one). */
function programRow(s: ProgramSettings) {
  return {
    name: s.name,
    time_zone: s.timeZone,
    start_date: s.startDate,
    length_weeks: s.lengthWeeks,
    checkin_weekday: s.checkinWeekday,
    checkin_time: s.checkinTime,
    standup_weekday: s.standupWeekday,
    standup_time: s.standupTime,
    response_window_days: s.responseWindowDays,
    alerts_channel_id: s.alertsChannelId,
    midmod_week_from: s.midmodWeekFrom,
    midmod_week_to: s.midmodWeekTo,
    follow_up_weeks: s.followUpWeeks ?? null,
    cadence: s.cadence,
    session_target: s.sessionTarget ?? null,
    checkin_after_hours: s.checkinAfterHours,
    meeting_reminders: s.meetingReminders,
  };
}

export function createProgramService(deps: {
  programs: ProgramRepository;
  staff: StaffRepository;
  audit: AuditRepository;
  deliveries: DeliveryRepository;
  slack: SlackPort;
  clock: Clock;
  onEnqueued?: () => void;
}) {
  /** From the Slack form: the staff member who saved it gets a DM saying what was saved (once per form submission). */
  async function confirm(
    actor: string,
    form: { key: string } | undefined,
    dedupeKey: string,
    kind: string,
    text: string,
  ): Promise<void> {
    if (!form) return;
    await deps.deliveries.enqueue({ dedupeKey, kind, channel: actor, payload: { text }, notBefore: deps.clock() });
    deps.onEnqueued?.();
  }

  /**
   * Alerts name pairs and what is overdue, so they may only go to a private channel the bot is in.
   * Checked when the program is saved, and again before every alert.
   */
  async function checkAlertsChannel(channelId: string): Promise<string | null> {
    try {
      const info = await deps.slack.conversationInfo(channelId);
      if (!info.isPrivate || info.isIm || info.isMpim)
        return 'Alerts name pairs, so pick a private channel (public channels and DMs are refused).';
      if (!info.isMember) return 'Invite Tandem to that channel first (type /invite @Tandem in it), then save again.';
      return null;
    } catch (err) {
      if (err instanceof SlackCallError && err.failure.kind === 'permanent') {
        return 'Tandem cannot see that channel. It must be a private channel with Tandem invited (/invite @Tandem).';
      }
      throw err;
    }
  }

  return {
    checkAlertsChannel,

    async create(
      actor: string,
      input: ProgramSettingsInput | ProgramSettingsForm,
      form?: { key: string },
    ): Promise<Outcome<{ program: ProgramWithHolidays }> | ProgramInvalid> {
      // Fields are checked before anything is read: a form with a mistake is answered without waiting on the
      // database (Slack holds the form for three seconds). Nothing is saved before the staff check.
      const parsed = programSettingsSchema.safeParse(input);
      if (!parsed.success) return { ...refuse('invalid', 'Some fields need another look.'), fields: fieldErrors(parsed.error) };
      if (!(await deps.staff.isStaff(actor))) return staffOnly();
      const s = parsed.data;
      const channelProblem = await checkAlertsChannel(s.alertsChannelId);
      if (channelProblem) return { ...refuse('invalid', channelProblem), fields: { alertsChannelId: channelProblem } };
      const program = await deps.programs.create({ ...programRow(s), created_by: actor }, s.holidays);
      if (!program) {
        const message = `A program called “${s.name}” already exists; pick another name.`;
        return { ...refuse('conflict', message), fields: { name: message } };
      }
      await deps.audit.record({ actor, action: 'program.create', subject: String(program.id) }, deps.clock());
      await confirm(actor, form, `program-created:${program.id}`, 'program_created', programCreatedText(program));
      return { ok: true, program };
    },

    /**
     * Saves a program's edited settings. They apply from the next slot: check-ins and standups
     * already asked keep their times, deadlines already set keep theirs. The first day cannot move
     * once the program has started (its weeks would be renumbered), nor can the program be made
     * shorter than the week it is in.
     */
    async update(
      actor: string,
      programId: number,
      input: ProgramSettingsInput | ProgramSettingsForm,
      form?: { key: string },
    ): Promise<Outcome<{ program: ProgramWithHolidays }> | ProgramInvalid> {
      if (!(await deps.staff.isStaff(actor))) return staffOnly();
      const current = await deps.programs.get(programId);
      if (!current) return refuse('not_found', 'That program no longer exists.');
      if (current.closed_at) return refuse('invalid', `“${current.name}” is closed; it can no longer be edited.`);
      const parsed = programSettingsSchema.safeParse(input);
      if (!parsed.success) return { ...refuse('invalid', 'Some fields need another look.'), fields: fieldErrors(parsed.error) };
      const s = parsed.data;
      const today = DateTime.fromJSDate(deps.clock(), { zone: current.time_zone }).toISODate() as string;
      const started = today >= current.start_date;
      if (started && s.startDate !== current.start_date) {
        const message = `The first day cannot move once the program has started (it began ${current.start_date}): the weeks already run would be renumbered.`;
        return { ...refuse('invalid', message), fields: { startDate: message } };
      }
      if (started) {
        // The week it is in (null once past its end, when it closes at the next pass anyway).
        const week =
          programWeek(current.start_date, current.length_weeks, DateTime.fromJSDate(deps.clock()), current.time_zone) ??
          current.length_weeks;
        if (s.lengthWeeks < week) {
          const message = `The program is in week ${week}: make it at least ${week} weeks long, or close it with /tandem program close.`;
          return { ...refuse('invalid', message), fields: { lengthWeeks: message } };
        }
      }
      if (s.alertsChannelId !== current.alerts_channel_id) {
        const channelProblem = await checkAlertsChannel(s.alertsChannelId);
        if (channelProblem) return { ...refuse('invalid', channelProblem), fields: { alertsChannelId: channelProblem } };
      }
      const program = await deps.programs.update(programId, programRow(s), s.holidays);
      if (!program) {
        const message = `A program called “${s.name}” already exists; pick another name.`;
        return { ...refuse('conflict', message), fields: { name: message } };
      }
      await deps.audit.record({ actor, action: 'program.edit', subject: String(programId) }, deps.clock());
      await confirm(actor, form, `program-edited:${program.id}:${form?.key ?? ''}`, 'program_edited', programSavedText(program));
      return { ok: true, program };
    },

    async list(actor: string): Promise<Outcome<{ programs: ProgramWithHolidays[] }>> {
      if (!(await deps.staff.isStaff(actor))) return staffOnly();
      return { ok: true, programs: await deps.programs.listActive() };
    },
  };
}

export type ProgramService = ReturnType<typeof createProgramService>;
