import { DateTime } from 'luxon';

export type HoursSource = {
  mentor_id: string;
  mentee_id: string;
  pairing_id: number;
  day: string;
  minutes: number;
  source: 'log' | 'standup';
};
export type HoursRow = {
  mentorId: string;
  menteeId: string;
  week: string;
  sessions: number;
  minutes: number;
  source: 'log' | 'standup';
};

/** 'YYYY-MM' -> the first day of that month and of the next, as 'YYYY-MM-DD'. */
export function monthRange(month: string): { from: string; to: string } | null {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) return null;
  const start = DateTime.fromISO(`${month}-01`, { zone: 'UTC' });
  return { from: start.toISODate() as string, to: start.plus({ months: 1 }).toISODate() as string };
}

const weekOf = (day: string) => {
  const d = DateTime.fromISO(day, { zone: 'UTC' });
  return `${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}`;
};

/**
 * Mentor hours for a month, per mentee and ISO week. A week with session logs counts the logs; a
 * week without any falls back to the standup's hours — never both, so a session that was logged and
 * also reported in the standup counts once. The choice is made per pair and week over all the rows
 * given (pass a few days either side of the month), so a week that straddles two months cannot count
 * a log in one month and the standup in the other.
 */
export function computeHours(rows: readonly HoursSource[], month: { from: string; to: string }): HoursRow[] {
  const weeksWithLogs = new Set(rows.filter((r) => r.source === 'log').map((r) => `${r.pairing_id}|${weekOf(r.day)}`));
  const out = new Map<string, HoursRow>();
  for (const r of rows) {
    if (r.day < month.from || r.day >= month.to) continue;
    const week = weekOf(r.day);
    const hasLogs = weeksWithLogs.has(`${r.pairing_id}|${week}`);
    if (r.source === 'standup' && hasLogs) continue;
    const key = `${r.mentor_id}|${r.mentee_id}|${week}`;
    const row = out.get(key) ?? { mentorId: r.mentor_id, menteeId: r.mentee_id, week, sessions: 0, minutes: 0, source: r.source };
    row.minutes += r.minutes;
    if (r.source === 'log') row.sessions += 1;
    out.set(key, row);
  }
  return [...out.values()].sort(
    (a, b) => a.mentorId.localeCompare(b.mentorId) || a.menteeId.localeCompare(b.menteeId) || a.week.localeCompare(b.week),
  );
}

export const hoursLabel = (minutes: number) => (minutes / 60).toFixed(2);
