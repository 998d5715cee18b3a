import { decodeSlackEntities } from '../../../domain/input-text.js';
import { parseUserMention, scan, splitAtBar, tokenize } from '../../../domain/mentions.js';
import { isoDate } from '../../../domain/program-settings.js';
import { escapeMrkdwn } from '../../../messages/text.js';

export type TandemCommand =
  | { name: 'help' }
  | { name: 'program new' }
  | { name: 'program list' }
  | { name: 'program edit'; program?: string | undefined }
  | { name: 'program close'; program?: string | undefined }
  | { name: 'pair'; mentorId: string; menteeId: string; program?: string | undefined }
  | { name: 'unpair' | 'resume'; users: string[]; program?: string | undefined }
  | { name: 'pause'; users: string[]; until?: string | undefined; program?: string | undefined }
  | { name: 'staff add' | 'staff remove'; userId: string }
  | { name: 'list'; program?: string | undefined }
  | { name: 'log' }
  | { name: 'hours'; month?: string | undefined }
  | { name: 'hours export'; month: string }
  | { name: 'note'; menteeId: string; text: string }
  | { name: 'notes'; menteeId: string }
  | { name: 'report'; mentorId: string; menteeId: string; program?: string | undefined }
  | { name: 'match'; mentorId: string; menteeId: string; program?: string | undefined; note?: string | undefined }
  | { name: 'capacity'; mentorId: string; max: number | null }
  | { name: 'reschedule' }
  | { name: 'away'; until: string; note?: string | undefined }
  | { name: 'back' };

export const usage: Record<string, string> = {
  help: '`/tandem help`',
  'program new': '`/tandem program new` opens a form',
  'program list': '`/tandem program list`',
  'program edit': '`/tandem program edit [program]` opens its settings',
  'program close': '`/tandem program close [program]`',
  pair: '`/tandem pair @mentor @mentee [program]`',
  unpair: '`/tandem unpair @mentor @mentee [program]`',
  pause: '`/tandem pause @mentor @mentee [until YYYY-MM-DD] [program]` (a mentor or mentee may name just their partner)',
  resume: '`/tandem resume @mentor @mentee [program]`',
  'staff add': '`/tandem staff add @person`',
  'staff remove': '`/tandem staff remove @person`',
  list: '`/tandem list [program]`',
  log: '`/tandem log` opens a form to log a 1-on-1',
  hours: '`/tandem hours [YYYY-MM]`',
  'hours export': '`/tandem hours export YYYY-MM`',
  note: '`/tandem note @mentee what you want to remember`',
  notes: '`/tandem notes @mentee`',
  match: '`/tandem match @mentor @mentee [program] [| background note]` (or the note in "quotes")',
  capacity: '`/tandem capacity @mentor N` (or `none`)',
  report: '`/tandem report @mentor @mentee [program]` opens what the pair and the mentor wrote, week by week',
  reschedule: '`/tandem reschedule` moves or cancels a meeting',
  away: '`/tandem away until YYYY-MM-DD [note for your partners]`',
  back: '`/tandem back`',
};

export const helpText = [
  '*Tandem* runs your mentorship program here in Slack.',
  '',
  '*For staff*',
  `• ${usage['program new']} — create a program (cohort) with its calendar and alerts channel`,
  `• ${usage['program list']} — the active programs`,
  `• ${usage['program edit']} — change a program's calendar, times or alerts channel (from the next check-in on)`,
  `• ${usage['program close']} — end a program now: pairings end with a thank-you, staff get the summary`,
  `• ${usage.pair} — pair two people and open their group DM with an introduction`,
  `• ${usage.unpair} — end a pairing`,
  `• ${usage.list} — the pairings of a program`,
  `• ${usage['staff add']} — give someone staff rights; ${usage['staff remove']} takes them away (never from the last one)`,
  `• ${usage.match} — ask a mentor to take a mentee; they accept or decline in Slack`,
  `• ${usage.capacity} — the most mentees a mentor takes`,
  `• ${usage.report} (also the *Report* button on alerts and on your App Home)`,
  '',
  `• ${usage['hours export']} — the month's mentor hours as a CSV file, in your DM`,
  '',
  '*For mentors*',
  `• ${usage.log} — date, duration, what you did, private notes`,
  `• ${usage.hours} — your hours for a month (this month by default)`,
  `• ${usage.note} — a private note only you can read; ${usage.notes} lists yours`,
  '',
  '*For mentors and mentees*',
  `• ${usage.pause} — no prompts or reminders while paused`,
  `• ${usage.resume}`,
  `• ${usage.reschedule} — your partner is told; under 48 hours is late notice`,
  `• ${usage.away} — out of office in every pairing and standup: no questions or reminders, deadlines wait; ${usage.back} ends it early`,
  '• `/dtr kickoff | midmod | exit` — define how you work together',
].join('\n');

export type Parsed = { ok: true; command: TandemCommand } | { ok: false; message: string };

const bad = (name: string, why: string): Parsed => ({ ok: false, message: `${why} Usage: ${usage[name]}` });

/** Slack empties the message box once a command is sent: a refusal gives back what the person wrote. */
export const yourText = (what: string, text: string | undefined): string =>
  text?.trim() ? `\nNothing was sent. Your ${what}, to copy: “${escapeMrkdwn(text.trim())}”` : '';
const badKeeping = (name: string, why: string, what: string, text: string | undefined): Parsed => ({
  ok: false,
  message: `${why} Usage: ${usage[name]}${yourText(what, text)}`,
});

/** A note may be given in "quotes" too; the quotes are not part of it. */
const unquote = (text: string): string =>
  /^(?:"([^"]*)"|“([^”]*)”)$/
    .exec(text)
    ?.slice(1)
    .find((q) => q !== undefined) ?? text;

/** Turns the text after /tandem into a command, or a usage line saying what was wrong. */
export function parseTandemCommand(text: string): Parsed {
  const parsed = parseCommandText(text);
  if (!parsed.ok) return parsed;
  const c: Record<string, unknown> = { ...parsed.command };
  for (const field of ['text', 'note', 'program'] as const)
    if (typeof c[field] === 'string') c[field] = decodeSlackEntities(c[field]);
  return { ok: true, command: c as TandemCommand };
}

function parseCommandText(text: string): Parsed {
  const clipped = text.length > 2000 ? text.slice(0, 2000) : text;
  const words = tokenize(clipped);
  const [first = 'help', second, ...rest] = words;
  const head = first.toLowerCase();
  const mentionsIn = (list: string[]) => list.map(parseUserMention);
  const restAfter = (list: string[], n: number) => list.slice(n).join(' ').trim() || undefined;

  switch (head) {
    case 'help':
      return { ok: true, command: { name: 'help' } };
    case 'program': {
      const sub = second?.toLowerCase();
      if (sub === 'new') return { ok: true, command: { name: 'program new' } };
      if (sub === 'list' || sub === 'ls') return { ok: true, command: { name: 'program list' } };
      if (sub === 'edit') return { ok: true, command: { name: 'program edit', program: restAfter(words, 2) } };
      if (sub === 'close') return { ok: true, command: { name: 'program close', program: restAfter(words, 2) } };
      return {
        ok: false,
        message:
          'Try `/tandem program new`, `/tandem program list`, `/tandem program edit [program]` or `/tandem program close [program]`.',
      };
    }
    case 'report': {
      const args = words.slice(1);
      const [mentorId, menteeId] = mentionsIn(args.slice(0, 2));
      if (!mentorId || !menteeId) return bad('report', 'Mention the mentor and the mentee with @.');
      return { ok: true, command: { name: 'report', mentorId, menteeId, program: restAfter(args, 2) } };
    }
    case 'pair': {
      const args = words.slice(1);
      const [mentorId, menteeId] = mentionsIn(args.slice(0, 2));
      if (!mentorId || !menteeId) return bad('pair', 'Mention the mentor, then the mentee, with @.');
      return { ok: true, command: { name: 'pair', mentorId, menteeId, program: restAfter(args, 2) } };
    }
    case 'unpair':
    case 'resume':
    case 'pause': {
      const args = words.slice(1);
      const users: string[] = [];
      let i = 0;
      for (; i < args.length && i < 2; i++) {
        const id = parseUserMention(args[i]);
        if (!id) break;
        users.push(id);
      }
      if (users.length === 0 || (head === 'unpair' && users.length < 2))
        return bad(head, head === 'unpair' ? 'Mention the mentor and the mentee with @.' : 'Mention the pair with @.');
      if (head === 'pause' && args[i]?.toLowerCase() === 'until') {
        const date = isoDate.safeParse(args[i + 1] ?? '');
        if (!date.success) return bad('pause', 'After “until” give a date as YYYY-MM-DD.');
        return { ok: true, command: { name: 'pause', users, until: date.data, program: restAfter(args, i + 2) } };
      }
      return { ok: true, command: { name: head, users, program: restAfter(args, i) } };
    }
    case 'staff': {
      const userId = parseUserMention(rest[0]);
      const verb = second?.toLowerCase();
      if (verb === 'remove')
        return userId
          ? { ok: true, command: { name: 'staff remove', userId } }
          : bad('staff remove', 'Mention the person to remove with @.');
      if (verb !== 'add' || !userId) return bad('staff add', 'Mention the person to add with @.');
      return { ok: true, command: { name: 'staff add', userId } };
    }
    case 'list':
      return { ok: true, command: { name: 'list', program: restAfter(words, 1) } };
    case 'away': {
      if (second?.toLowerCase() !== 'until') return bad('away', 'Say until when, as YYYY-MM-DD (your last day away).');
      const date = isoDate.safeParse(rest[0] ?? '');
      if (!date.success) return bad('away', 'After “until” give your last day away as YYYY-MM-DD.');
      return { ok: true, command: { name: 'away', until: date.data, note: unquote(restAfter(words, 3) ?? '') || undefined } };
    }
    case 'back':
      return { ok: true, command: { name: 'back' } };
    case 'log':
      return { ok: true, command: { name: 'log' } };
    case 'hours': {
      if (second?.toLowerCase() === 'export') {
        const month = rest[0];
        if (!month || !/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) return bad('hours export', 'Give the month as YYYY-MM.');
        return { ok: true, command: { name: 'hours export', month } };
      }
      if (second && !/^\d{4}-(0[1-9]|1[0-2])$/.test(second)) return bad('hours', 'Give the month as YYYY-MM.');
      return { ok: true, command: { name: 'hours', month: second } };
    }
    case 'note': {
      const tokens = scan(clipped);
      const menteeId = parseUserMention(second);
      const mentionEnd = tokens[1]?.end ?? clipped.length;
      if (!menteeId) return badKeeping('note', 'Mention the mentee with @ first.', 'note', text.slice(tokens[0]?.end ?? 0));
      // The note is everything after the mention, as typed (not re-joined from words).
      const afterMention = text.slice(mentionEnd).trim();
      if (!afterMention) return bad('note', 'Write the note after the mention.');
      return { ok: true, command: { name: 'note', menteeId, text: afterMention } };
    }
    case 'match': {
      // The | in <@U1|ada> belongs to the mention; the note starts at the first | outside one.
      const { head: before, tail } = splitAtBar(clipped);
      const args = scan(before).slice(1);
      const [mentorId, menteeId] = args.slice(0, 2).map((t) => parseUserMention(t.value));
      const rest = args.slice(2);
      // Without a |, a "quoted phrase" is the note (the program never needs quotes here).
      const quoted = tail === null ? args.filter((t) => t.quoted && !parseUserMention(t.value)) : [];
      const note = tail !== null ? unquote(text.slice(before.length + 1).trim()) : quoted.map((t) => t.value).join(' ');
      if (!mentorId) return badKeeping('match', 'Mention the mentor, then the mentee, with @.', 'note', note);
      if (!menteeId) return badKeeping('match', 'Mention the mentee too, after the mentor, with @.', 'note', note);
      if (quoted.length > 1) return badKeeping('match', 'Give one note: after a | or in one pair of quotes.', 'note', note);
      const program =
        rest
          .filter((t) => !quoted.includes(t))
          .map((t) => t.value)
          .join(' ')
          .trim() || undefined;
      return { ok: true, command: { name: 'match', mentorId, menteeId, program, note: note.trim() || undefined } };
    }
    case 'capacity': {
      const mentorId = parseUserMention(second);
      const raw = rest[0]?.toLowerCase();
      const max = raw === 'none' ? null : Number(raw);
      if (!mentorId || raw === undefined || (max !== null && (!Number.isInteger(max) || max < 0 || max > 50)))
        return bad('capacity', 'Mention the mentor and give a number from 0 to 50, or none.');
      return { ok: true, command: { name: 'capacity', mentorId, max } };
    }
    case 'reschedule':
      return { ok: true, command: { name: 'reschedule' } };
    case 'notes': {
      const menteeId = parseUserMention(second);
      if (!menteeId) return bad('notes', 'Mention the mentee with @.');
      return { ok: true, command: { name: 'notes', menteeId } };
    }
    default:
      return { ok: false, message: `I don't know “${first.slice(0, 40)}”. Try \`/tandem help\`.` };
  }
}
