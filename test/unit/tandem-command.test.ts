import { describe, expect, test } from 'vitest';
import { helpText, parseTandemCommand, usage, type TandemCommand } from '../../src/slack/listeners/tandem/parse.js';

const ok = (command: TandemCommand) => ({ ok: true, command });

describe('parseTandemCommand: commands that parse', () => {
  test.each<[string, TandemCommand]>([
    ['', { name: 'help' }],
    ['   ', { name: 'help' }],
    ['help', { name: 'help' }],
    ['HELP me please', { name: 'help' }],
    ['program new', { name: 'program new' }],
    ['Program NEW', { name: 'program new' }],
    ['program list', { name: 'program list' }],
    ['program ls', { name: 'program list' }],
    // Slack escapes mentions as <@U123|name>; older clients send <@U123>.
    ['pair <@U123|ada> <@U456|bo>', { name: 'pair', mentorId: 'U123', menteeId: 'U456', program: undefined }],
    ['pair <@U123> <@U456>', { name: 'pair', mentorId: 'U123', menteeId: 'U456', program: undefined }],
    ['pair <@U123|ada> <@U456>', { name: 'pair', mentorId: 'U123', menteeId: 'U456', program: undefined }],
    ['pair <@W0ENTERPRISE|ent> <@U456>', { name: 'pair', mentorId: 'W0ENTERPRISE', menteeId: 'U456', program: undefined }],
    ['PAIR <@U123> <@U456> Backend', { name: 'pair', mentorId: 'U123', menteeId: 'U456', program: 'Backend' }],
    [
      'pair <@U123|ada> <@U456|bo> Backend Module 3',
      { name: 'pair', mentorId: 'U123', menteeId: 'U456', program: 'Backend Module 3' },
    ],
    [
      '  pair   <@U123>   <@U456>   Backend    Module 3  ',
      { name: 'pair', mentorId: 'U123', menteeId: 'U456', program: 'Backend Module 3' },
    ],
    [
      'pair <@U123> <@U456> "Backend Module 3"',
      { name: 'pair', mentorId: 'U123', menteeId: 'U456', program: 'Backend Module 3' },
    ],
    ['unpair <@U123|ada> <@U456|bo>', { name: 'unpair', users: ['U123', 'U456'], program: undefined }],
    ['unpair <@U123> <@U456> Backend Module 3', { name: 'unpair', users: ['U123', 'U456'], program: 'Backend Module 3' }],
    ['resume <@U123> <@U456>', { name: 'resume', users: ['U123', 'U456'], program: undefined }],
    ['resume <@U456|bo>', { name: 'resume', users: ['U456'], program: undefined }],
    ['pause <@U123> <@U456>', { name: 'pause', users: ['U123', 'U456'], program: undefined }],
    // A mentor or mentee names just their partner.
    ['pause <@U456|bo>', { name: 'pause', users: ['U456'], program: undefined }],
    ['pause <@U456> Backend Module 3', { name: 'pause', users: ['U456'], program: 'Backend Module 3' }],
    [
      'pause <@U123> <@U456> until 2027-02-01',
      { name: 'pause', users: ['U123', 'U456'], until: '2027-02-01', program: undefined },
    ],
    ['pause <@U456> UNTIL 2028-02-29', { name: 'pause', users: ['U456'], until: '2028-02-29', program: undefined }],
    [
      'pause <@U123> <@U456> until 2027-02-01 Backend Module 3',
      { name: 'pause', users: ['U123', 'U456'], until: '2027-02-01', program: 'Backend Module 3' },
    ],
    ['staff add <@U789|cy>', { name: 'staff add', userId: 'U789' }],
    ['Staff ADD <@U789>', { name: 'staff add', userId: 'U789' }],
    ['staff remove <@U789|cy>', { name: 'staff remove', userId: 'U789' }],
    ['list', { name: 'list', program: undefined }],
    ['list Backend Module 3', { name: 'list', program: 'Backend Module 3' }],
    // match: the | inside <@U…|name> belongs to the mention; the note follows the first | outside one.
    [
      'match <@UA|ada> <@UB|bo> | likes Go',
      { name: 'match', mentorId: 'UA', menteeId: 'UB', program: undefined, note: 'likes Go' },
    ],
    ['match <@UA> <@UB> | likes Go', { name: 'match', mentorId: 'UA', menteeId: 'UB', program: undefined, note: 'likes Go' }],
    [
      'match <@UA|ada.l-ovelace> <@UB|zoë>|likes Go',
      { name: 'match', mentorId: 'UA', menteeId: 'UB', program: undefined, note: 'likes Go' },
    ],
    [
      'match <@UA|Ada Lovelace> <@UB|Zoë Ø> | likes Go',
      { name: 'match', mentorId: 'UA', menteeId: 'UB', program: undefined, note: 'likes Go' },
    ],
    ['match <@UA|ada> <@UB|bo>', { name: 'match', mentorId: 'UA', menteeId: 'UB', program: undefined, note: undefined }],
    ['match <@UA|ada> <@UB|bo> |', { name: 'match', mentorId: 'UA', menteeId: 'UB', program: undefined, note: undefined }],
    [
      'match <@UA|ada> <@UB|bo> Backend Module 3 | likes Go',
      { name: 'match', mentorId: 'UA', menteeId: 'UB', program: 'Backend Module 3', note: 'likes Go' },
    ],
    [
      'match <@UA|ada> <@UB|bo> "Backend Module 3" | likes Go',
      { name: 'match', mentorId: 'UA', menteeId: 'UB', program: 'Backend Module 3', note: 'likes Go' },
    ],
    ['match <@UA|ada> <@UB|bo> Backend', { name: 'match', mentorId: 'UA', menteeId: 'UB', program: 'Backend', note: undefined }],
    // The note as typed: later bars, mentions, links and quotes in it are kept.
    [
      'match <@UA|ada> <@UB|bo> |  likes Go | and Rust, ask <@UC|cy> <https://go.dev|go.dev>  ',
      {
        name: 'match',
        mentorId: 'UA',
        menteeId: 'UB',
        program: undefined,
        note: 'likes Go | and Rust, ask <@UC|cy> <https://go.dev|go.dev>',
      },
    ],
    [
      'match <@UA|ada> <@UB|bo> | she said "hi"',
      { name: 'match', mentorId: 'UA', menteeId: 'UB', program: undefined, note: 'she said "hi"' },
    ],
    // Or the note in quotes: after a |, or alone (then the program never needs quotes).
    [
      'match <@UA|ada> <@UB|bo> | "likes Go"',
      { name: 'match', mentorId: 'UA', menteeId: 'UB', program: undefined, note: 'likes Go' },
    ],
    [
      'match <@UA|ada> <@UB|bo> "likes Go"',
      { name: 'match', mentorId: 'UA', menteeId: 'UB', program: undefined, note: 'likes Go' },
    ],
    [
      'match <@UA|ada> <@UB|bo> “likes Go”',
      { name: 'match', mentorId: 'UA', menteeId: 'UB', program: undefined, note: 'likes Go' },
    ],
    [
      'match <@UA|ada> <@UB|bo> "likes Go | and Rust"',
      { name: 'match', mentorId: 'UA', menteeId: 'UB', program: undefined, note: 'likes Go | and Rust' },
    ],
    [
      'match <@UA|ada> <@UB|bo> Backend Module 3 "likes Go"',
      { name: 'match', mentorId: 'UA', menteeId: 'UB', program: 'Backend Module 3', note: 'likes Go' },
    ],
    [
      'MATCH "<@UA|ada>" <@UB> "likes Go"',
      { name: 'match', mentorId: 'UA', menteeId: 'UB', program: undefined, note: 'likes Go' },
    ],
    // note: everything after the mention, as typed.
    ['note <@UB|zoë> likes Go | and Rust', { name: 'note', menteeId: 'UB', text: 'likes Go | and Rust' }],
    ['note <@UB|Zoë Ø>  "likes" Go ', { name: 'note', menteeId: 'UB', text: '"likes" Go' }],
    ['note <@UB> <@UB|bo> again', { name: 'note', menteeId: 'UB', text: '<@UB|bo> again' }],
    ['notes <@UB|ada.l-ovelace>', { name: 'notes', menteeId: 'UB' }],
    ['capacity <@UA|ada.l-ovelace> 3', { name: 'capacity', mentorId: 'UA', max: 3 }],
    ['staff add <@UA|Ada Lovelace>', { name: 'staff add', userId: 'UA' }],
    ['pair <@UA|Ada Lovelace> <@UB|zoë> Backend', { name: 'pair', mentorId: 'UA', menteeId: 'UB', program: 'Backend' }],
  ])('%j', (text, command) => {
    expect(parseTandemCommand(text)).toEqual(ok(command));
  });
});

describe('parseTandemCommand: mistakes get a usage line', () => {
  test.each<[string, string, string]>([
    ['pair', 'Mention the mentor, then the mentee, with @.', usage.pair as string],
    ['pair ada bo', 'Mention the mentor, then the mentee, with @.', usage.pair as string],
    ['pair @ada @bo', 'Mention the mentor, then the mentee, with @.', usage.pair as string],
    ['pair <@U123>', 'Mention the mentor, then the mentee, with @.', usage.pair as string],
    ['pair <@U123> bo Backend', 'Mention the mentor, then the mentee, with @.', usage.pair as string],
    ['pair <@u123> <@u456>', 'Mention the mentor, then the mentee, with @.', usage.pair as string],
    ['pair <#C123|general> <@U456>', 'Mention the mentor, then the mentee, with @.', usage.pair as string],
    ['unpair', 'Mention the mentor and the mentee with @.', usage.unpair as string],
    ['unpair <@U123>', 'Mention the mentor and the mentee with @.', usage.unpair as string],
    ['unpair <@U123> Backend', 'Mention the mentor and the mentee with @.', usage.unpair as string],
    ['pause', 'Mention the pair with @.', usage.pause as string],
    ['pause until 2027-02-01', 'Mention the pair with @.', usage.pause as string],
    ['resume bo', 'Mention the pair with @.', usage.resume as string],
    ['pause <@U123> <@U456> until', 'After “until” give a date as YYYY-MM-DD.', usage.pause as string],
    ['pause <@U123> <@U456> until tomorrow', 'After “until” give a date as YYYY-MM-DD.', usage.pause as string],
    ['pause <@U123> <@U456> until 2027-02-30', 'After “until” give a date as YYYY-MM-DD.', usage.pause as string],
    ['pause <@U123> <@U456> until 2027-2-1', 'After “until” give a date as YYYY-MM-DD.', usage.pause as string],
    ['pause <@U456> until 01/02/2027 Backend', 'After “until” give a date as YYYY-MM-DD.', usage.pause as string],
    ['staff', 'Mention the person to add with @.', usage['staff add'] as string],
    ['staff add', 'Mention the person to add with @.', usage['staff add'] as string],
    ['staff add cy', 'Mention the person to add with @.', usage['staff add'] as string],
    ['staff remove', 'Mention the person to remove with @.', usage['staff remove'] as string],
    ['staff remove cy', 'Mention the person to remove with @.', usage['staff remove'] as string],
    ['staff promote <@U789>', 'Mention the person to add with @.', usage['staff add'] as string],
  ])('%j', (text, why, usageLine) => {
    expect(parseTandemCommand(text)).toEqual({ ok: false, message: `${why} Usage: ${usageLine}` });
  });

  test.each<[string, string, string | null]>([
    // Note only, a missing second person, mentions that are not mentions: refused, and the note given back.
    ['match | likes Go', 'Mention the mentor, then the mentee, with @.', 'likes Go'],
    ['match "likes Go"', 'Mention the mentor, then the mentee, with @.', 'likes Go'],
    ['match', 'Mention the mentor, then the mentee, with @.', null],
    ['match <@UA|ada> | likes Go', 'Mention the mentee too, after the mentor, with @.', 'likes Go'],
    ['match <@UA|ada>', 'Mention the mentee too, after the mentor, with @.', null],
    ['match <@UA|ada> bo | likes Go', 'Mention the mentee too, after the mentor, with @.', 'likes Go'],
    ['match <@UA|ada> | <@UB|bo> likes Go', 'Mention the mentee too, after the mentor, with @.', '&lt;@UB|bo&gt; likes Go'],
    [
      'match @ada @bo | likes <b>Go</b> & <!channel>',
      'Mention the mentor, then the mentee, with @.',
      'likes &lt;b&gt;Go&lt;/b&gt; &amp; &lt;!channel&gt;',
    ],
    ['match <@UA|ada> <@UB|bo> "likes Go" "and Rust"', 'Give one note: after a | or in one pair of quotes.', 'likes Go and Rust'],
    ['note bo likes Go', 'Mention the mentee with @ first.', 'bo likes Go'],
    ['note', 'Mention the mentee with @ first.', null],
  ])('%j is refused and gives back the note', (text, why, kept) => {
    expect(parseTandemCommand(text)).toEqual({
      ok: false,
      message: `${why} Usage: ${(text.startsWith('note') ? usage.note : usage.match) as string}${kept === null ? '' : `\nNothing was sent. Your note, to copy: “${kept}”`}`,
    });
  });

  test('program with no or an unknown subcommand points at every program command', () => {
    for (const text of ['program', 'program delete Backend']) {
      const r = parseTandemCommand(text);
      expect(r).toEqual({
        ok: false,
        message:
          'Try `/tandem program new`, `/tandem program list`, `/tandem program edit [program]` or `/tandem program close [program]`.',
      });
    }
  });

  test('program edit and program close take an optional program name, spaces and all', () => {
    expect(parseTandemCommand('program edit')).toEqual({ ok: true, command: { name: 'program edit', program: undefined } });
    expect(parseTandemCommand('program close Spring 2027')).toEqual({
      ok: true,
      command: { name: 'program close', program: 'Spring 2027' },
    });
    expect(parseTandemCommand('PROGRAM Edit R&amp;D')).toEqual({ ok: true, command: { name: 'program edit', program: 'R&D' } });
  });

  test('an unknown subcommand is named back and help is suggested', () => {
    expect(parseTandemCommand('frobnicate <@U123>')).toEqual({
      ok: false,
      message: "I don't know “frobnicate”. Try `/tandem help`.",
    });
  });

  test('an unknown subcommand is echoed back at most 40 characters long', () => {
    const word = 'z'.repeat(500);
    const r = parseTandemCommand(word);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toBe(`I don't know “${'z'.repeat(40)}”. Try \`/tandem help\`.`);
  });
});

describe('parseTandemCommand: very long text', () => {
  test('a huge program name is cut to the first 2000 characters of the command', () => {
    const text = `pair <@U123> <@U456> ${'Backend '.repeat(2_000)}`;
    const r = parseTandemCommand(text);
    expect(r.ok).toBe(true);
    if (!r.ok || r.command.name !== 'pair') throw new Error('expected a pair command');
    expect(r.command).toMatchObject({ mentorId: 'U123', menteeId: 'U456' });
    expect(r.command.program?.startsWith('Backend Backend')).toBe(true);
    expect(r.command.program?.length).toBeLessThanOrEqual(2_000);
  });

  test('a command whose mentions lie beyond the first 2000 characters is refused, not parsed from the tail', () => {
    const r = parseTandemCommand(`pair ${' '.repeat(5_000)}<@U123> <@U456>`);
    expect(r).toEqual({ ok: false, message: `Mention the mentor, then the mentee, with @. Usage: ${usage.pair}` });
  });

  test('a hundred thousand characters of list arguments still parse', () => {
    const r = parseTandemCommand(`list ${'a '.repeat(50_000)}`);
    expect(r.ok).toBe(true);
    if (!r.ok || r.command.name !== 'list') throw new Error('expected a list command');
    expect(r.command.program?.length).toBeLessThanOrEqual(2_000);
  });
});

test('the help text lists every command it can parse, and says how to give a match note', () => {
  for (const name of Object.keys(usage).filter((n) => n !== 'help')) {
    expect(helpText).toContain(usage[name]);
  }
  expect(usage.match).toBe('`/tandem match @mentor @mentee [program] [| background note]` (or the note in "quotes")');
});

describe('free text arrives the way Slack sends it', () => {
  test('&amp;, &lt; and &gt; in a note, a match note and a program name are stored as the person typed them', () => {
    expect(parseTandemCommand('note <@U1|ada> R&amp;D went well &lt;3 -&gt; next')).toEqual({
      ok: true,
      command: { name: 'note', menteeId: 'U1', text: 'R&D went well <3 -> next' },
    });
    expect(parseTandemCommand('match <@U1|ada> <@U2|bo> Q&amp;A | likes &lt;b&gt; &amp;amp;')).toMatchObject({
      ok: true,
      command: { program: 'Q&A', note: 'likes <b> &amp;' },
    });
    expect(parseTandemCommand('pair <@U1> <@U2> R&amp;D')).toMatchObject({ ok: true, command: { program: 'R&D' } });
  });
});
