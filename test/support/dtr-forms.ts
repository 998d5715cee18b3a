import { expect } from 'vitest';
import type { OpenedView, World } from './world.js';

/** Opens a person's DTR form the way they do: `/dtr <text>` over signed HTTP, then the view Slack was asked to open. */
export async function openDtrForm(h: World, user: string, text: string): Promise<OpenedView> {
  return h.viewOpenedBy(async () => {
    const res = await h.sender.command({ command: '/dtr', text, user_id: user });
    expect(res.status).toBe(200);
  });
}

/** Builds view.state.values the way Slack sends them, from plain answers keyed by question id. */
export function dtrStateFor(view: OpenedView, answers: Record<string, string>) {
  const values: Record<string, Record<string, unknown>> = {};
  for (const b of view.blocks) {
    if (b.type !== 'input' || !b.block_id) continue;
    const type = String(b.element?.type);
    const v = answers[b.block_id];
    const cell =
      type === 'static_select'
        ? { type, selected_option: v ? { value: v } : null }
        : type === 'datepicker'
          ? { type, selected_date: v ?? null }
          : type === 'timepicker'
            ? { type, selected_time: v ?? null }
            : { type, value: v ?? null };
    values[b.block_id] = { value: cell };
  }
  return { values };
}

/** Submits a DTR form with these answers. */
export function submitDtr(h: World, user: string, view: OpenedView, answers: Record<string, string>) {
  return h.submit(user, view, dtrStateFor(view, answers), 'V1');
}

/** A mentor's kick-off answers: the meeting they agree (weekday 1-7, HH:MM in the mentor's zone, minutes). */
export const mentorKickoff = (meeting: { weekday: string; time: string; minutes: string }) => ({
  name: 'Ada',
  pronouns: 'she/her',
  mentor_work: 'Payments team',
  best_times: 'Weekday evenings',
  meeting_weekday: meeting.weekday,
  meeting_time: meeting.time,
  meeting_minutes: meeting.minutes,
  contact_channel: 'slack',
  ack_within_hours: '12',
  reply_within_days: '2',
  action_plan: 'Weekly code review of the project',
  homework: 'Read chapter 3',
});

/** A mentee's kick-off answers (one goal). */
export const menteeKickoff = {
  name: 'Bo',
  best_times: 'After 6pm',
  mentee_why: 'Career change',
  overwhelmed: 'Long walks',
  other_support: 'Study group',
  goal1_text: 'Ship a full-stack app',
  goal1_measure: 'Deployed with tests',
  goal1_date: '2027-02-19',
};
