import type { InputBlock, InputBlockElement, ModalView, NumberInput, StaticSelect } from '@slack/types';
import { weekdayName, weekdayNames } from '../domain/weekdays.js';
import type { Cadence } from '../domain/vocabulary.js';
import type { ProgramSettingsForm } from '../domain/program-settings.js';
import { fieldValue, type FormState } from './form-state.js';
import { ids } from './ids.js';
import { context, escapeMrkdwn, plain } from './text.js';
import { weeklySlot } from './time.js';

const f = ids.programFields;
const weekdayOptions = weekdayNames.map((name, i) => ({ text: plain(name), value: String(i + 1) }));

function input(
  blockId: string,
  label: string,
  element: InputBlockElement,
  options: { optional?: boolean; hint?: string } = {},
): InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label, 2000),
    optional: options.optional ?? false,
    element: { action_id: ids.value, ...element },
    ...(options.hint ? { hint: plain(options.hint, 2000) } : {}),
  };
}

/** A time of day with a hint saying whose zone it is in. */
const timeInput = (blockId: string, label: string, initial: string, hint: string): InputBlock =>
  input(blockId, label, { type: 'timepicker', initial_time: initial }, { hint });

const number = (min: number, max: number, initial: number): NumberInput => ({
  type: 'number_input',
  is_decimal_allowed: false,
  min_value: String(min),
  max_value: String(max),
  initial_value: String(initial),
});

export const cadenceLabels: Record<Cadence, string> = {
  weekly: 'Every week',
  every_two_weeks: 'Every two weeks',
  sessions: 'A number of sessions over the program',
};
const cadenceOptions = (Object.keys(cadenceLabels) as Cadence[]).map((c) => ({ text: plain(cadenceLabels[c]), value: c }));
const onOffOptions = [
  { text: plain('On'), value: 'on' },
  { text: plain('Off'), value: 'off' },
];

/** A whole number that may be left empty. */
const optionalNumber = (min: number, max: number, initial: number | null | undefined): NumberInput => ({
  type: 'number_input',
  is_decimal_allowed: false,
  min_value: String(min),
  max_value: String(max),
  ...(initial ? { initial_value: String(initial) } : {}),
});

const weekdaySelect = (initial: number): StaticSelect => ({
  type: 'static_select',
  options: weekdayOptions,
  initial_option: weekdayOptions[initial - 1],
});

/** A program's settings as the form shows them (for editing). */
export type ProgramFormValues = {
  name: string;
  timeZone: string;
  startDate: string;
  lengthWeeks: number;
  checkinWeekday: number;
  checkinTime: string;
  standupWeekday: number;
  standupTime: string;
  responseWindowDays: number;
  midmodWeekFrom: number;
  midmodWeekTo: number;
  followUpWeeks: number | null;
  cadence: Cadence;
  sessionTarget: number | null;
  checkinAfterHours: number;
  meetingReminders: boolean;
  holidays: readonly string[];
  alertsChannelId: string | null;
};

/**
 * The program form: "new program", or — given a program — its settings to edit (the program id in
 * private_metadata). Block ids are the field names the service validates, so its errors map back 1:1.
 */
export function programModal(
  defaults: { timeZone: string; startDate: string },
  edit?: { programId: number; values: ProgramFormValues },
): ModalView {
  const v = edit?.values;
  const text = (initial: string | undefined) => (initial ? { initial_value: initial } : {});
  return {
    type: 'modal',
    callback_id: edit ? ids.views.programEdit : ids.views.programNew,
    ...(edit ? { private_metadata: String(edit.programId) } : {}),
    title: plain(edit ? 'Edit program' : 'New program', 24),
    submit: plain(edit ? 'Save' : 'Create', 24),
    close: plain('Cancel', 24),
    blocks: [
      ...(edit
        ? [
            context(
              'Changes apply from the next check-in and standup: what was already asked, and its deadlines, stay as they were.',
            ),
          ]
        : []),
      input(f.name, 'Name', {
        type: 'plain_text_input',
        max_length: 80,
        placeholder: plain('e.g. Backend, Module 3, Spring 2027'),
        ...text(v?.name),
      }),
      input(
        f.timeZone,
        'Time zone',
        { type: 'plain_text_input', initial_value: v?.timeZone ?? defaults.timeZone, max_length: 64 },
        { hint: 'IANA name such as America/Denver. Check-ins and standups default to this zone.' },
      ),
      input(
        f.startDate,
        'First day',
        { type: 'datepicker', initial_date: v?.startDate ?? defaults.startDate },
        edit ? { hint: 'It cannot move once the program has started.' } : {},
      ),
      input(f.lengthWeeks, 'Length in weeks', number(1, 52, v?.lengthWeeks ?? 6)),
      input(f.cadence, 'Pairs meet', {
        type: 'static_select',
        options: cadenceOptions,
        initial_option: cadenceOptions.find((o) => o.value === (v?.cadence ?? 'weekly')),
      }),
      input(f.sessionTarget, 'Sessions each pair aims for', optionalNumber(1, 100, v?.sessionTarget), {
        optional: true,
        hint: 'Shown to each pair as “session 4 of 8”, and to staff as pairs behind. Needed for “a number of sessions”: they are spread evenly over the program.',
      }),
      input(f.checkinAfterHours, 'Check-in, hours after the pair’s meeting', number(0, 48, v?.checkinAfterHours ?? 3), {
        hint: 'Once a kick-off agrees the pair’s meeting, their check-in is asked this long after it ends.',
      }),
      input(f.checkinWeekday, 'Check-in day before a kick-off', weekdaySelect(v?.checkinWeekday ?? 4)),
      timeInput(
        f.checkinTime,
        'Check-in time before a kick-off',
        v?.checkinTime ?? '16:00',
        'In the program’s time zone, for pairs that have not agreed a meeting yet.',
      ),
      input(
        f.meetingReminders,
        'Reminder the day before each meeting',
        {
          type: 'static_select',
          options: onOffOptions,
          initial_option: onOffOptions[v?.meetingReminders === false ? 1 : 0],
        },
        { hint: 'A DM to each person in their morning: the time, their goals, the homework from last time.' },
      ),
      input(f.standupWeekday, 'Mentor standup day', weekdaySelect(v?.standupWeekday ?? 5)),
      timeInput(f.standupTime, 'Mentor standup time', v?.standupTime ?? '10:00', "In each mentor's own time zone."),
      input(f.responseWindowDays, 'Response window (work days)', number(1, 10, v?.responseWindowDays ?? 2), {
        hint: 'How long anyone has to answer a check-in or their partner before staff hear about it.',
      }),
      input(f.midmodWeekFrom, 'Mid-module DTR opens in week', number(1, 52, v?.midmodWeekFrom ?? 3)),
      input(f.midmodWeekTo, 'Mid-module DTR due by week', number(1, 52, v?.midmodWeekTo ?? 4)),
      input(f.followUpWeeks, 'Follow-up check-in, weeks after the end', optionalNumber(1, 52, v?.followUpWeeks), {
        optional: true,
        hint: 'Leave empty for none: Tandem then asks each pair how they are doing on their goals.',
      }),
      input(
        f.holidays,
        'Holidays',
        {
          type: 'plain_text_input',
          multiline: true,
          max_length: 1500,
          placeholder: plain('2026-12-24, 2026-12-25, 2027-01-01'),
          ...text(v?.holidays.join(', ')),
        },
        { optional: true, hint: 'Dates with no prompts and no deadlines, YYYY-MM-DD, separated by commas or new lines.' },
      ),
      input(
        f.alertsChannelId,
        'Staff alerts channel',
        {
          type: 'conversations_select',
          filter: { include: ['private'], exclude_bot_users: true },
          placeholder: plain('A private channel with Tandem in it'),
          ...(v?.alertsChannelId ? { initial_conversation: v.alertsChannelId } : {}),
        },
        { hint: 'Private only. Invite Tandem first: /invite @Tandem' },
      ),
    ],
  };
}

/** Reads the submitted state back into the plain field map the service validates; never throws. */
export function readProgramModal(state: FormState): ProgramSettingsForm {
  const out: Record<string, string | undefined> = {};
  for (const field of Object.values(f)) out[field] = fieldValue(state, field) ?? undefined;
  return out;
}

type ProgramSaved = {
  name: string;
  start_date: string;
  length_weeks: number;
  time_zone: string;
  checkin_weekday: number;
  checkin_time: string;
  standup_weekday: number;
  standup_time: string;
  alerts_channel_id: string | null;
};

/** The DM to the staff member who created a program. */
export function programCreatedText(p: ProgramSaved): string {
  return `Program “${escapeMrkdwn(p.name)}” is ready: starts ${p.start_date} for ${p.length_weeks} weeks (${p.time_zone}). Check-ins go out ${weeklySlot(p.checkin_weekday, p.checkin_time, p.time_zone)}; alerts go to <#${p.alerts_channel_id}>. Pair people with \`/tandem pair @mentor @mentee ${escapeMrkdwn(p.name)}\`.`;
}

/** The DM to the staff member who edited a program. */
export function programSavedText(p: ProgramSaved): string {
  return `Saved “${escapeMrkdwn(p.name)}”: ${p.length_weeks} weeks from ${p.start_date} (${p.time_zone}); check-ins ${weeklySlot(p.checkin_weekday, p.checkin_time, p.time_zone)}, standups ${weekdayName(p.standup_weekday)}s at ${p.standup_time} in each mentor's own zone; alerts to <#${p.alerts_channel_id}>. The changes apply from the next check-in and standup.`;
}
