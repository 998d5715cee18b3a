import { weekdayNames } from '../../domain/weekdays.js';
import { ids } from '../ids.js';
import { plain } from './text.js';

const f = ids.programFields;
const weekdayOptions = weekdayNames.map((name, i) => ({ text: plain(name), value: String(i + 1) }));

function input(blockId: string, label: string, element: Record<string, unknown>, options: { optional?: boolean; hint?: string } = {}) {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label, 2000),
    optional: options.optional ?? false,
    element: { action_id: ids.value, ...element },
    ...(options.hint ? { hint: plain(options.hint, 2000) } : {}),
  };
}

const number = (min: number, max: number, initial: number) => ({
  type: 'number_input',
  is_decimal_allowed: false,
  min_value: String(min),
  max_value: String(max),
  initial_value: String(initial),
});

const weekdaySelect = (initial: number) => ({ type: 'static_select', options: weekdayOptions, initial_option: weekdayOptions[initial - 1] });

/** The "new program" modal. Block ids are the field names the service validates, so its errors map back 1:1. */
export function programModal(defaults: { timeZone: string; startDate: string }) {
  return {
    type: 'modal',
    callback_id: ids.views.programNew,
    title: plain('New program', 24),
    submit: plain('Create', 24),
    close: plain('Cancel', 24),
    blocks: [
      input(f.name, 'Name', { type: 'plain_text_input', max_length: 80, placeholder: plain('e.g. Backend, Module 3, Spring 2027') }),
      input(f.timeZone, 'Time zone', { type: 'plain_text_input', initial_value: defaults.timeZone, max_length: 64 }, { hint: 'IANA name such as America/Denver. Check-ins and standups default to this zone.' }),
      input(f.startDate, 'First day', { type: 'datepicker', initial_date: defaults.startDate }),
      input(f.lengthWeeks, 'Length in weeks', number(1, 52, 6)),
      input(f.checkinWeekday, 'Weekly check-in day', weekdaySelect(1)),
      input(f.checkinTime, 'Weekly check-in time', { type: 'timepicker', initial_time: '10:00' }),
      input(f.standupWeekday, 'Mentor standup day', weekdaySelect(5)),
      input(f.standupTime, 'Mentor standup time', { type: 'timepicker', initial_time: '10:00' }, { hint: "In each mentor's own time zone." }),
      input(f.responseWindowDays, 'Response window (work days)', number(1, 10, 2), { hint: 'How long anyone has to answer a check-in or their partner before staff hear about it.' }),
      input(f.midmodWeekFrom, 'Mid-module DTR opens in week', number(1, 52, 3)),
      input(f.midmodWeekTo, 'Mid-module DTR due by week', number(1, 52, 4)),
      input(f.followUpWeeks, 'Follow-up check-in, weeks after the end', { type: 'number_input', is_decimal_allowed: false, min_value: '1', max_value: '52' }, { optional: true, hint: 'Leave empty for none: Tandem then asks each pair how they are doing on their goals.' }),
      input(
        f.holidays,
        'Holidays',
        { type: 'plain_text_input', multiline: true, max_length: 1500, placeholder: plain('2026-12-24, 2026-12-25, 2027-01-01') },
        { optional: true, hint: 'Dates with no prompts and no deadlines, YYYY-MM-DD, separated by commas or new lines.' },
      ),
      input(
        f.alertsChannelId,
        'Staff alerts channel',
        { type: 'conversations_select', filter: { include: ['private'], exclude_bot_users: true }, placeholder: plain('A private channel with Tandem in it') },
        { hint: 'Private only. Invite Tandem first: /invite @Tandem' },
      ),
    ],
  };
}

type StateValue = {
  type?: string;
  value?: string | null;
  selected_date?: string | null;
  selected_time?: string | null;
  selected_option?: { value?: string } | null;
  selected_conversation?: string | null;
};

/** Reads the submitted state back into the plain field map the service validates; never throws. */
export function readProgramModal(state: { values?: Record<string, Record<string, StateValue>> } | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const field of Object.values(f)) {
    const v = state?.values?.[field]?.[ids.value];
    if (!v || typeof v !== 'object') continue;
    const raw = v.value ?? v.selected_date ?? v.selected_time ?? v.selected_option?.value ?? v.selected_conversation ?? undefined;
    out[field] = typeof raw === 'string' ? raw : undefined;
  }
  return out;
}
