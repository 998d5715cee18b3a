import { personName } from '../people/people-service.js';
import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';
import type { PeopleRepository } from '../../db/repositories/people-repository.js';
import type { SessionLogRepository } from '../../db/repositories/session-log-repository.js';
import { computeHours, hoursLabel, monthRange, type HoursRow } from '../../domain/hours.js';

type Repos = { sessionLogs: SessionLogRepository; people: PeopleRepository };

export const hoursCsvColumns = ['mentor_id', 'mentor', 'mentee_id', 'mentee', 'week', 'sessions', 'hours', 'source'] as const;

/** The month's hours rows (see computeHours); null for a malformed month. */
export async function hoursRows(repos: Pick<Repos, 'sessionLogs'>, month: string, mentorId?: string): Promise<HoursRow[] | null> {
  const range = monthRange(month);
  if (!range) return null;
  // A week either side, so the log-or-standup choice sees whole weeks.
  const from = DateTime.fromISO(range.from).minus({ days: 7 }).toISODate() as string;
  const to = DateTime.fromISO(range.to).plus({ days: 7 }).toISODate() as string;
  return computeHours(await repos.sessionLogs.hoursSources(from, to, mentorId), range);
}

/**
 * A spreadsheet runs a cell that starts with =, +, -, @, tab or CR as a formula (OWASP "CSV injection");
 * a Slack name like =HYPERLINK(…) must open as text, so such cells get a leading apostrophe.
 */
export function neutralizeCsvCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** The export staff get in Slack and operators get from `tandem export hours`: the same bytes. */
export async function hoursCsv(repos: Repos, month: string): Promise<{ csv: string; rows: HoursRow[] } | null> {
  const rows = await hoursRows(repos, month);
  if (!rows) return null;
  const names = new Map(
    (await repos.people.findMany([...new Set(rows.flatMap((r) => [r.mentorId, r.menteeId]))])).map((p) => [
      p.slack_id,
      personName(p, p.slack_id),
    ]),
  );
  const csv = stringify(
    rows.map((r) => ({
      mentor_id: r.mentorId,
      mentor: names.get(r.mentorId) ?? '',
      mentee_id: r.menteeId,
      mentee: names.get(r.menteeId) ?? '',
      week: r.week,
      sessions: r.sessions,
      hours: hoursLabel(r.minutes),
      source: r.source,
    })),
    { header: true, columns: [...hoursCsvColumns], cast: { string: neutralizeCsvCell } },
  );
  return { csv, rows };
}
