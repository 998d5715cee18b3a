import { describe, expect, test } from 'vitest';
import { helpText, parseTandemCommand, usage, type TandemCommand } from '../../src/slack/listeners/commands/tandem-command.js';

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
    ['pair <@U123|ada> <@U456|bo> Backend Module 3', { name: 'pair', mentorId: 'U123', menteeId: 'U456', program: 'Backend Module 3' }],
    ['  pair   <@U123>   <@U456>   Backend    Module 3  ', { name: 'pair', mentorId: 'U123', menteeId: 'U456', program: 'Backend Module 3' }],
    ['pair <@U123> <@U456> "Backend Module 3"', { name: 'pair', mentorId: 'U123', menteeId: 'U456', program: 'Backend Module 3' }],
    ['unpair <@U123|ada> <@U456|bo>', { name: 'unpair', users: ['U123', 'U456'], program: undefined }],
    ['unpair <@U123> <@U456> Backend Module 3', { name: 'unpair', users: ['U123', 'U456'], program: 'Backend Module 3' }],
    ['resume <@U123> <@U456>', { name: 'resume', users: ['U123', 'U456'], program: undefined }],
    ['resume <@U456|bo>', { name: 'resume', users: ['U456'], program: undefined }],
    ['pause <@U123> <@U456>', { name: 'pause', users: ['U123', 'U456'], program: undefined }],
    // A mentor or mentee names just their partner.
    ['pause <@U456|bo>', { name: 'pause', users: ['U456'], program: undefined }],
    ['pause <@U456> Backend Module 3', { name: 'pause', users: ['U456'], program: 'Backend Module 3' }],
    ['pause <@U123> <@U456> until 2027-02-01', { name: 'pause', users: ['U123', 'U456'], until: '2027-02-01', program: undefined }],
    ['pause <@U456> UNTIL 2028-02-29', { name: 'pause', users: ['U456'], until: '2028-02-29', program: undefined }],
    ['pause <@U123> <@U456> until 2027-02-01 Backend Module 3', { name: 'pause', users: ['U123', 'U456'], until: '2027-02-01', program: 'Backend Module 3' }],
    ['staff add <@U789|cy>', { name: 'staff add', userId: 'U789' }],
    ['Staff ADD <@U789>', { name: 'staff add', userId: 'U789' }],
    ['list', { name: 'list', program: undefined }],
    ['list Backend Module 3', { name: 'list', program: 'Backend Module 3' }],
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
    ['staff remove <@U789>', 'Mention the person to add with @.', usage['staff add'] as string],
  ])('%j', (text, why, usageLine) => {
    expect(parseTandemCommand(text)).toEqual({ ok: false, message: `${why} Usage: ${usageLine}` });
  });

  test('program with no or an unknown subcommand points at both program commands', () => {
    for (const text of ['program', 'program delete Backend']) {
      const r = parseTandemCommand(text);
      expect(r).toEqual({ ok: false, message: 'Try `/tandem program new` opens a form or `/tandem program list`.' });
    }
  });

  test('an unknown subcommand is named back and help is suggested', () => {
    expect(parseTandemCommand('frobnicate <@U123>')).toEqual({ ok: false, message: "I don't know “frobnicate”. Try `/tandem help`." });
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

test('the help text lists every command it can parse', () => {
  for (const name of ['program new', 'program list', 'pair', 'unpair', 'pause', 'resume', 'staff add', 'list']) {
    expect(helpText).toContain(usage[name]);
  }
});
