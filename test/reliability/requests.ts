/**
 * What the request-level reliability files (input-fuzzing, request-authenticity, duplicates,
 * authorization, privacy) share: unhandled rejections and secrets watched for, /healthz, and
 * requests' trigger ids and response URLs that say whose they are.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { botToken, signingSecret, type Harness } from '../support/harness.js';
import { worldTest, type World } from '../support/world.js';
import { ADMIN, ALERTS } from './support-seed.js';

/** Every unhandled rejection while this file's tests run (the listener is on from before the bot starts). */
export function trackProcessErrors(): unknown[] {
  const processErrors: unknown[] = [];
  const onUnhandledRejection = (err: unknown) => processErrors.push(err);
  beforeAll(() => {
    process.on('unhandledRejection', onUnhandledRejection);
  });
  afterAll(() => {
    process.off('unhandledRejection', onUnhandledRejection);
  });
  return processErrors;
}

/**
 * The file's world (the bot as of 2027-01-10 with UADMIN as staff), handed to `onWorld` before the
 * file's tests; unhandled rejections are watched from before it starts, and the file ends by
 * checking no secret was logged.
 */
export function requestFileWorld(onWorld: (world: World) => void, options: { checkLogsAtEnd?: boolean } = {}) {
  const processErrors = trackProcessErrors();
  const test = worldTest({ admins: [ADMIN], now: '2027-01-10T12:00:00Z' });
  test.beforeAll(({ world }) => {
    onWorld(world);
  });
  if (options.checkLogsAtEnd !== false) {
    test.afterAll(({ world }) => {
      noSecretsLogged(world);
    });
  }
  return { test, processErrors };
}

export async function healthz(h: Harness): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${h.baseUrl}/healthz`);
  return { status: res.status, body: (await res.json()) as unknown };
}

/** Log lines since `from` that show an uncaught listener error or carry a secret. */
export function logProblems(h: Harness, from: number): string[] {
  return h.logs.lines
    .slice(from)
    .filter((l) => /unhandled|not acknowledged/i.test(l) || l.includes(botToken) || l.includes(signingSecret))
    .map((l) => l.slice(0, 700));
}

/** The bot's whole run logged no bot token, signing secret or database password. */
export function noSecretsLogged(h: Harness): void {
  const text = h.logs.text;
  expect(text).not.toContain(botToken);
  expect(text).not.toContain(signingSecret);
  expect(text).not.toMatch(/xox[abpre]-(?!\*\*\*)/);
  expect(text).not.toMatch(/postgres(ql)?:\/\/[^*\s"]+:[^*\s"]+@/);
}

/** Long strings shortened so a failing case stays readable. */
export function summarize(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    typeof v === 'string' && v.length > 80 ? `${v.slice(0, 60)}…(${v.length} chars)` : v,
  );
}

let triggerSeq = 0;
export const triggerFor = (user: string) => `${++triggerSeq}.${Date.now()}.${user}`;
export const triggerOwner = (trigger: unknown) => (typeof trigger === 'string' ? trigger.split('.')[2] : undefined);
let responseSeq = 0;
export const responseUrlFor = (h: Harness, user: string) => h.slack.responseUrl(`${user}~${++responseSeq}`);
export const responseOwner = (id: string) => id.split('~')[0];

export const asRecord = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** A valid "new program" form's state values. */
export function programValues(name: string, channel = ALERTS) {
  return {
    name: { value: { type: 'plain_text_input', value: name } },
    timeZone: { value: { type: 'plain_text_input', value: 'America/Denver' } },
    startDate: { value: { type: 'datepicker', selected_date: '2027-02-01' } },
    lengthWeeks: { value: { type: 'number_input', value: '6' } },
    checkinWeekday: { value: { type: 'static_select', selected_option: { value: '1' } } },
    checkinTime: { value: { type: 'timepicker', selected_time: '10:00' } },
    standupWeekday: { value: { type: 'static_select', selected_option: { value: '5' } } },
    standupTime: { value: { type: 'timepicker', selected_time: '10:00' } },
    responseWindowDays: { value: { type: 'number_input', value: '2' } },
    midmodWeekFrom: { value: { type: 'number_input', value: '3' } },
    midmodWeekTo: { value: { type: 'number_input', value: '4' } },
    followUpWeeks: { value: { type: 'number_input', value: null } },
    holidays: { value: { type: 'plain_text_input', value: null } },
    alertsChannelId: { value: { type: 'conversations_select', selected_conversation: channel } },
  };
}
