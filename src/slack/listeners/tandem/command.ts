import type { App } from '@slack/bolt';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Services } from '../../../services/index.js';
import { refuse, staffOnly } from '../../../services/outcome.js';
import { programModal } from '../../../messages/program-modal.js';
import { programCloseConfirmation } from '../programs/buttons.js';
import { counted, escapeMrkdwn } from '../../../messages/text.js';
import { weeklySlot } from '../../../messages/time.js';
import { hoursLabel } from '../../../domain/hours.js';
import { openSessionLogModal } from '../records/buttons.js';
import { openRescheduleModal } from '../pairings/reschedule.js';
import { openPairReport } from '../reports/buttons.js';
import { answerAfterAck, onceForTrigger, openForm } from '../kit/respond.js';
import { helpText, parseTandemCommand, usage, yourText, type TandemCommand } from './parse.js';
import { dayLabel } from '../../../messages/away.js';

const commandPayload = z.object({
  user_id: z.string().regex(/^[UW][A-Z0-9]+$/),
  text: z.string().max(4000).default(''),
  trigger_id: z.string().min(1),
  channel_id: z.string().optional(),
});

export function registerTandemCommand(app: App, services: Services): void {
  const log = services.logger.child({ component: 'tandem-command' });
  const firstTime = (triggerId: string) => onceForTrigger(services, log, triggerId);
  // A program staff act on by name, still open (`closed` says why a closed one cannot be).
  const openProgramForStaff = async (actor: string, name: string | undefined, closed: string) => {
    if (!(await services.staff.isStaff(actor))) return staffOnly();
    const found = await services.pairings.resolveProgram(name);
    if (found.ok && found.program.closed_at) return refuse('conflict', `“${escapeMrkdwn(found.program.name)}” ${closed}.`);
    return found;
  };

  app.command('/tandem', async ({ command, ack, respond, client }) => {
    const payload = commandPayload.safeParse(command);
    if (!payload.success) {
      await ack({
        response_type: 'ephemeral',
        text: 'That request was incomplete, so I ignored it. Please try the command again.',
      });
      return;
    }
    const { user_id: actor, text, trigger_id } = payload.data;
    const parsed = parseTandemCommand(text);
    if (!parsed.ok) {
      await ack({ response_type: 'ephemeral', text: parsed.message });
      return;
    }
    const cmd = parsed.command;
    if (cmd.name === 'help') {
      await ack({ response_type: 'ephemeral', text: helpText });
      return;
    }
    await ack();
    if (!(await firstTime(trigger_id))) return;

    if (cmd.name === 'program new') {
      // The trigger id expires three seconds after the click: check staff, then open at once.
      await answerAfterAck(respond, log, async () => {
        if (!(await services.staff.isStaff(actor))) return staffOnly().message;
        const zone = (await services.people.find(actor))?.time_zone ?? 'UTC';
        const today = DateTime.fromJSDate(services.clock(), { zone }).toISODate() ?? '';
        return openForm(client, trigger_id, { ok: true, view: programModal({ timeZone: zone, startDate: today }) });
      });
      return;
    }
    if (cmd.name === 'program edit') {
      // The form opens at once (the trigger id lasts three seconds), filled in with the program's settings.
      await answerAfterAck(respond, log, async () => {
        const found = await openProgramForStaff(actor, cmd.program, 'is closed; its settings can no longer change');
        if (!found.ok) return found.message;
        const p = found.program;
        const zone = (await services.people.find(actor))?.time_zone ?? p.time_zone;
        const values = {
          name: p.name,
          timeZone: p.time_zone,
          startDate: p.start_date,
          lengthWeeks: p.length_weeks,
          checkinWeekday: p.checkin_weekday,
          checkinTime: p.checkin_time,
          standupWeekday: p.standup_weekday,
          standupTime: p.standup_time,
          responseWindowDays: p.response_window_days,
          midmodWeekFrom: p.midmod_week_from,
          midmodWeekTo: p.midmod_week_to,
          followUpWeeks: p.follow_up_weeks,
          cadence: p.cadence,
          sessionTarget: p.session_target,
          checkinAfterHours: p.checkin_after_hours,
          meetingReminders: p.meeting_reminders,
          holidays: p.holidays,
          alertsChannelId: p.alerts_channel_id,
        };
        const today = DateTime.fromJSDate(services.clock(), { zone }).toISODate() ?? '';
        const view = programModal({ timeZone: zone, startDate: today }, { programId: p.id, values });
        return openForm(client, trigger_id, { ok: true, view });
      });
      return;
    }
    if (cmd.name === 'program close') {
      await answerAfterAck(respond, log, async () => {
        const found = await openProgramForStaff(actor, cmd.program, 'is already closed');
        if (!found.ok) return found.message;
        const listed = await services.pairings.list(actor, found.program.name);
        const live = listed.ok ? listed.pairings.filter((p) => p.status !== 'ended').length : 0;
        return programCloseConfirmation({ id: found.program.id, name: found.program.name, pairings: live });
      });
      return;
    }
    if (cmd.name === 'report') {
      const target = { a: cmd.mentorId, b: cmd.menteeId, program: cmd.program };
      await answerAfterAck(respond, log, () => openPairReport(services, client, actor, trigger_id, target));
      return;
    }
    if (cmd.name === 'reschedule' || cmd.name === 'log') {
      // Forms open at once (the trigger id lasts three seconds); a refusal comes back instead.
      const open = cmd.name === 'reschedule' ? openRescheduleModal : openSessionLogModal;
      await answerAfterAck(respond, log, () => open(services, client, actor, trigger_id));
      return;
    }
    await answerAfterAck(respond, log, () => run(cmd, actor));
  });

  async function run(
    cmd: Exclude<
      TandemCommand,
      { name: 'help' | 'program new' | 'program edit' | 'program close' | 'log' | 'reschedule' | 'report' }
    >,
    actor: string,
  ): Promise<string> {
    switch (cmd.name) {
      case 'match': {
        const r = await services.matching.request(actor, {
          mentorId: cmd.mentorId,
          menteeId: cmd.menteeId,
          programName: cmd.program,
          note: cmd.note,
        });
        if (!r.ok) return `${r.message}${yourText('note', cmd.note)}`;
        const withNote = r.request.note ? `, with your note: “${escapeMrkdwn(r.request.note)}”` : ' (no note)';
        return `Asked <@${cmd.mentorId}> whether they will mentor <@${cmd.menteeId}> in “${escapeMrkdwn(r.programName)}”${withNote}. I will tell you when they answer.`;
      }
      case 'capacity': {
        const r = await services.matching.setCapacity(actor, cmd.mentorId, cmd.max);
        return r.ok
          ? r.max === null
            ? `<@${cmd.mentorId}> has no mentee limit now.`
            : `<@${cmd.mentorId}> takes at most ${counted(r.max, 'mentee')}.`
          : r.message;
      }
      case 'hours': {
        const zone = (await services.people.find(actor))?.time_zone ?? 'UTC';
        const month = cmd.month ?? DateTime.fromJSDate(services.clock(), { zone }).toFormat('yyyy-MM');
        const r = await services.records.myHours(actor, month);
        if (!r.ok) return r.message;
        if (r.total === 0)
          return `No hours for ${month} yet. Log sessions with \`/tandem log\`, or they come from your standups.`;
        return [
          `*Your hours for ${month}: ${hoursLabel(r.total)}*`,
          ...r.byMentee.map((m) => `• <@${m.menteeId}>: ${hoursLabel(m.minutes)} h (${counted(m.sessions, 'logged session')})`),
        ].join('\n');
      }
      case 'hours export': {
        const r = await services.records.exportToSlack(actor, cmd.month);
        if (!r.ok) return r.message;
        return `The hours for ${cmd.month} (${counted(r.rows, 'row')}) are in your direct messages with Tandem as a CSV file.`;
      }
      case 'note': {
        const r = await services.records.addNote(actor, cmd.menteeId, cmd.text);
        return r.ok
          ? `Saved a private note about <@${cmd.menteeId}>. Only you can read it (\`/tandem notes <@${cmd.menteeId}>\`).`
          : `${r.message}${yourText('note', cmd.text)}`;
      }
      case 'notes': {
        const notes = await services.records.listNotes(actor, cmd.menteeId);
        if (notes.length === 0) return `You have no notes about <@${cmd.menteeId}>.`;
        return [
          `*Your private notes about <@${cmd.menteeId}>* (only you see these)`,
          ...notes.map(
            (n) =>
              `• ${n.created_at.toISOString().slice(0, 10)}: ${escapeMrkdwn(n.body.length > 2500 / notes.length ? `${n.body.slice(0, Math.floor(2500 / notes.length))}…` : n.body)}`,
          ),
        ].join('\n');
      }
      case 'program list': {
        const r = await services.programs.list(actor);
        if (!r.ok) return r.message;
        if (r.programs.length === 0) return 'No programs yet. Create one with `/tandem program new`.';
        return [
          '*Programs*',
          ...r.programs.map(
            (p) =>
              `• *${escapeMrkdwn(p.name)}* — starts ${p.start_date}, ${p.length_weeks} weeks, ${p.time_zone}; check-ins ${weeklySlot(p.checkin_weekday, p.checkin_time, p.time_zone)}; alerts in <#${p.alerts_channel_id}>`,
          ),
        ].join('\n');
      }
      case 'pair': {
        const r = await services.pairings.pair(actor, {
          mentorId: cmd.mentorId,
          menteeId: cmd.menteeId,
          programName: cmd.program,
        });
        if (!r.ok) return r.message;
        const where = r.conversationId
          ? ' I opened their group DM and introduced them.'
          : ' Slack did not let me open their group DM yet; I will keep trying and introduce them there.';
        return r.created
          ? `Paired <@${cmd.mentorId}> (mentor) with <@${cmd.menteeId}> (mentee) in “${escapeMrkdwn(r.program.name)}”.${where}`
          : `<@${cmd.mentorId}> and <@${cmd.menteeId}> were already paired in “${escapeMrkdwn(r.program.name)}”; nothing changed.`;
      }
      case 'unpair':
      case 'pause':
      case 'resume': {
        const [a, b] = cmd.users.length === 2 ? cmd.users : [actor, cmd.users[0] as string];
        const found = await services.pairings.findBetween(actor, a as string, b as string, cmd.program);
        if (!found.ok) return found.message;
        const pairing = found.pairing;
        const change =
          cmd.name === 'unpair'
            ? ({ to: 'ended' } as const)
            : cmd.name === 'pause'
              ? ({ to: 'paused', until: cmd.until } as const)
              : ({ to: 'active' } as const);
        const r = await services.pairings.setStatus(actor, pairing.id, change);
        if (!r.ok) return r.message;
        const who = `<@${pairing.mentor_id}> and <@${pairing.mentee_id}>`;
        if (!r.changed) return `${who} were already ${r.pairing.status}; nothing changed.`;
        if (change.to === 'ended')
          return `Ended the pairing of ${who} in “${escapeMrkdwn(pairing.program_name)}”. Their history is kept.`;
        if (change.to === 'paused')
          return `Paused ${who}${cmd.name === 'pause' && cmd.until ? ` until ${cmd.until}` : ''}: no prompts, reminders or alerts until it resumes.`;
        return `Resumed ${who}: check-ins start again at the next slot.`;
      }
      case 'staff remove': {
        const r = await services.staff.remove(actor, cmd.userId);
        if (!r.ok) return r.message;
        return r.removed ? `<@${cmd.userId}> is no longer program staff.` : `<@${cmd.userId}> was not staff; nothing changed.`;
      }
      case 'staff add': {
        const r = await services.staff.add(actor, cmd.userId);
        if (!r.ok) return r.message;
        return r.added ? `<@${cmd.userId}> is now program staff.` : `<@${cmd.userId}> was already staff.`;
      }
      case 'list': {
        const r = await services.pairings.list(actor, cmd.program);
        return r.ok ? r.text : r.message;
      }
      case 'away': {
        const r = await services.away.setAway(actor, { until: cmd.until, note: cmd.note ?? null });
        if (!r.ok) return r.reason === 'fields' ? `${Object.values(r.errors).join(' ')} ${usage.away}` : r.message;
        return `You are away until ${dayLabel(r.until)}: no check-in questions, reminders or standups for you until then${r.pairs > 0 ? `, and your ${r.pairs === 1 ? 'partner has' : 'partners have'} been told` : ''}. \`/tandem back\` ends it early.`;
      }
      case 'back': {
        const r = await services.away.back(actor);
        if (!r.ok) return r.message;
        return r.wasAway ? 'Welcome back! Check-ins and reminders carry on as usual.' : 'You were not away; nothing changed.';
      }
    }
  }
}
