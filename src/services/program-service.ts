import type { AuditRepository } from '../db/repositories/audit-repository.js';
import type { ProgramRepository, ProgramWithHolidays } from '../db/repositories/program-repository.js';
import type { StaffRepository } from '../db/repositories/staff-repository.js';
import { fieldErrors, programSettingsSchema, type ProgramSettingsInput } from '../domain/program-settings.js';
import type { Clock } from './clock.js';
import { refuse, staffOnly, type Outcome, type Refusal } from './outcome.js';
import { SlackCallError, type SlackPort } from './slack-port.js';

export type ProgramInvalid = Refusal & { fields: Record<string, string> };

export function createProgramService(deps: { programs: ProgramRepository; staff: StaffRepository; audit: AuditRepository; slack: SlackPort; clock: Clock }) {
  /**
   * Alerts name pairs and what is overdue, so they may only go to a private channel the bot is in.
   * Checked when the program is saved, and again before every alert.
   */
  async function checkAlertsChannel(channelId: string): Promise<string | null> {
    try {
      const info = await deps.slack.conversationInfo(channelId);
      if (!info.isPrivate || info.isIm || info.isMpim) return 'Alerts name pairs, so pick a private channel (public channels and DMs are refused).';
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

    async create(actor: string, input: ProgramSettingsInput): Promise<Outcome<{ program: ProgramWithHolidays }> | ProgramInvalid> {
      if (!(await deps.staff.isStaff(actor))) return staffOnly();
      const parsed = programSettingsSchema.safeParse(input);
      if (!parsed.success) return { ...refuse('invalid', 'Some fields need another look.'), fields: fieldErrors(parsed.error) };
      const s = parsed.data;
      const channelProblem = await checkAlertsChannel(s.alertsChannelId);
      if (channelProblem) return { ...refuse('invalid', channelProblem), fields: { alertsChannelId: channelProblem } };
      const program = await deps.programs.create(
        {
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
          created_by: actor,
        },
        s.holidays,
      );
      if (!program) {
        const message = `A program called “${s.name}” already exists; pick another name.`;
        return { ...refuse('conflict', message), fields: { name: message } };
      }
      await deps.audit.record({ actor, action: 'program.create', subject: String(program.id) }, deps.clock());
      return { ok: true, program };
    },

    async list(actor: string): Promise<Outcome<{ programs: ProgramWithHolidays[] }>> {
      if (!(await deps.staff.isStaff(actor))) return staffOnly();
      return { ok: true, programs: await deps.programs.listActive() };
    },
  };
}

export type ProgramService = ReturnType<typeof createProgramService>;
