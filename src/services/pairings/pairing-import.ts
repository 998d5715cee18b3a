import { parse } from 'csv-parse/sync';
import { parseUserMention } from '../../domain/mentions.js';
import { cliActor } from '../outcome.js';
import type { PairingService } from './pairing-service.js';

export type ImportLine = { line: number; status: 'created' | 'unchanged' | 'error'; message: string };

const header = ['program', 'mentor', 'mentee'];

/** Accepts U123, <@U123> or <@U123|name> in a cell. */
function userId(cell: string | undefined): string | null {
  const v = (cell ?? '').trim();
  if (/^[UW][A-Z0-9]{2,}$/.test(v)) return v;
  return parseUserMention(v);
}

/**
 * Imports pairings from CSV with the columns program, mentor, mentee (Slack user ids). Each row is
 * handled on its own: bad rows are reported by line number and the good ones are kept; importing
 * the same file again changes nothing.
 */
export async function importPairings(csv: string, pairings: PairingService): Promise<ImportLine[]> {
  let records: string[][];
  try {
    records = parse(csv, { skip_empty_lines: true, trim: true, relax_column_count: true, bom: true }) as string[][];
  } catch (err) {
    return [{ line: 0, status: 'error', message: `The file is not valid CSV: ${(err as Error).message}` }];
  }
  const first = records[0]?.map((c) => c.toLowerCase());
  if (!first || header.some((h, i) => first[i] !== h)) {
    return [{ line: 1, status: 'error', message: `The first line must be the header: ${header.join(',')}` }];
  }
  const out: ImportLine[] = [];
  for (let i = 1; i < records.length; i++) {
    const line = i + 1;
    const [program = '', mentorCell, menteeCell] = records[i] ?? [];
    const mentorId = userId(mentorCell);
    const menteeId = userId(menteeCell);
    if (!program.trim()) {
      out.push({ line, status: 'error', message: 'program is empty' });
      continue;
    }
    if (!mentorId || !menteeId) {
      out.push({
        line,
        status: 'error',
        message: `${!mentorId ? 'mentor' : 'mentee'} must be a Slack user id such as U012ABCDEF`,
      });
      continue;
    }
    try {
      const r = await pairings.pair(cliActor, { mentorId, menteeId, programName: program });
      if (!r.ok) out.push({ line, status: 'error', message: r.message.replace(/<@([A-Z0-9]+)>/g, '$1') });
      else
        out.push({
          line,
          status: r.created ? 'created' : 'unchanged',
          message: `${mentorId} -> ${menteeId} in ${r.program.name}`,
        });
    } catch (err) {
      out.push({ line, status: 'error', message: `could not be stored: ${(err as Error).message}` });
    }
  }
  return out;
}
