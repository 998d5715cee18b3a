import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

export const timeOfDay = z
  .string()
  .trim()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use 24-hour HH:MM, e.g. 10:00');
export const isoDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use YYYY-MM-DD, e.g. 2027-01-11')
  .refine((s) => DateTime.fromISO(s, { zone: 'UTC' }).isValid, 'That date does not exist');
export const timeZone = z
  .string()
  .trim()
  .refine((z) => IANAZone.isValidZone(z), 'Use a time zone name such as America/New_York or Europe/Berlin');
export const weekday = z.coerce.number().int().min(1, 'Pick a weekday').max(7, 'Pick a weekday');

/** Parses "2026-12-25, 2027-01-01" (commas, spaces or new lines) into a sorted list of dates. */
export const holidayList = z
  .string()
  .default('')
  .transform((s) => s.split(/[\s,;]+/).filter(Boolean))
  .pipe(z.array(isoDate).max(100, 'At most 100 holidays'))
  .transform((days) => [...new Set(days)].sort());

export const programSettingsSchema = z
  .object({
    name: z.string().trim().min(1, 'Give the program a name').max(80, 'At most 80 characters'),
    timeZone,
    startDate: isoDate,
    lengthWeeks: z.coerce.number().int('Whole weeks only').min(1, 'At least 1 week').max(52, 'At most 52 weeks').default(6),
    // Until a pair's kick-off agrees their own meeting, their check-in is asked at this slot: by
    // default at the end of the week, once the week's meeting could have happened.
    checkinWeekday: weekday.default(4),
    checkinTime: timeOfDay.default('16:00'),
    cadence: z.enum(['weekly', 'every_two_weeks', 'sessions'], { error: 'Pick how often pairs meet' }).default('weekly'),
    sessionTarget: z.preprocess(
      (v) => (v === '' || v === null ? undefined : v),
      z.coerce.number().int('Whole sessions').min(1, 'At least 1 session').max(100, 'At most 100 sessions').optional(),
    ),
    checkinAfterHours: z.coerce
      .number()
      .int('Whole hours only')
      .min(0, 'At least 0 hours')
      .max(48, 'At most 48 hours')
      .default(3),
    meetingReminders: z
      .preprocess((v) => (typeof v === 'boolean' ? (v ? 'on' : 'off') : v), z.enum(['on', 'off']).default('on'))
      .transform((v) => v === 'on'),
    standupWeekday: weekday.default(5),
    standupTime: timeOfDay.default('10:00'),
    responseWindowDays: z.coerce
      .number()
      .int('Whole work days only')
      .min(1, 'At least 1 work day')
      .max(10, 'At most 10 work days')
      .default(2),
    holidays: holidayList,
    alertsChannelId: z
      .string()
      .trim()
      .regex(/^[CG][A-Z0-9]{2,}$/, 'Pick the private channel for staff alerts'),
    midmodWeekFrom: z.coerce.number().int().min(1).max(52).default(3),
    midmodWeekTo: z.coerce.number().int().min(1).max(52).default(4),
    followUpWeeks: z.preprocess(
      (v) => (v === '' || v === null ? undefined : v),
      z.coerce.number().int('Whole weeks').min(1, 'At least 1 week').max(52, 'At most 52 weeks').optional(),
    ),
  })
  .superRefine((p, ctx) => {
    if (p.cadence === 'sessions' && p.sessionTarget === undefined)
      ctx.addIssue({ code: 'custom', path: ['sessionTarget'], message: 'Say how many sessions the program aims for' });
    if (p.cadence === 'sessions' && p.sessionTarget !== undefined && p.sessionTarget > p.lengthWeeks)
      ctx.addIssue({
        code: 'custom',
        path: ['sessionTarget'],
        message: `At most one session a week: ${p.lengthWeeks} in a ${p.lengthWeeks}-week program`,
      });
    if (p.midmodWeekFrom > p.midmodWeekTo)
      ctx.addIssue({ code: 'custom', path: ['midmodWeekTo'], message: 'Must not be before the first mid-module week' });
    if (p.midmodWeekTo >= p.lengthWeeks && p.lengthWeeks > 1) {
      ctx.addIssue({ code: 'custom', path: ['midmodWeekTo'], message: `Must fall before the last week (week ${p.lengthWeeks})` });
    }
  });

export type ProgramSettings = z.infer<typeof programSettingsSchema>;
export type ProgramSettingsInput = z.input<typeof programSettingsSchema>;
/** The same settings as a form sends them: each field as text, any of them missing (the schema says which may not be). */
export type ProgramSettingsForm = { [K in keyof ProgramSettingsInput]?: string | undefined };

/** zod issues as one message per field, the shape a modal's `response_action: errors` wants. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '_');
    out[field] ??= issue.message;
  }
  return out;
}
