/** Two small domain modules with no other unit test: input normalization and the answer rate. */
import { describe, expect, test } from 'vitest';
import { answerRate, answerRateLabel, answersPerCheckin } from '../../src/domain/answer-rate.js';
import { decodeSlackEntities, normalizeInputStrings, normalizeInputText } from '../../src/domain/input-text.js';

describe('normalizeInputText', () => {
  test('removes NUL and the other C0 controls, DEL and the C1 controls; keeps tab and newline', () => {
    const c0 = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('');
    const c1 = Array.from({ length: 33 }, (_, i) => String.fromCharCode(0x7f + i)).join('');
    expect(normalizeInputText(`a${c0}b${c1}c`)).toBe('a\t\nbc');
    expect(normalizeInputText('x\u0000y\u0000z')).toBe('xyz');
  });
  test('keeps printable text around the control ranges', () => {
    expect(normalizeInputText(' ~\u00a0é日本 🙂')).toBe(' ~\u00a0é日本 🙂');
  });
  test('replaces lone surrogates (either half) but keeps pairs', () => {
    expect(normalizeInputText('a\ud83db')).toBe('a\ufffdb');
    expect(normalizeInputText('a\ude42b')).toBe('a\ufffdb');
    expect(normalizeInputText('a\ud83d')).toBe('a\ufffd');
    expect(normalizeInputText('\ude42a\ud83d\ude42\ud83d')).toBe('\ufffda🙂\ufffd');
    expect(normalizeInputText('\ud83d\ude42\ud83d\ude42')).toBe('🙂🙂');
  });
  test('composes to NFC', () => {
    expect(normalizeInputText('e\u0301')).toBe('é');
  });
});

describe('normalizeInputStrings', () => {
  test('cleans every string of a nested body in place, leaving other values', () => {
    const body = {
      text: 'a\u0000b',
      n: 3,
      flag: true,
      none: null,
      view: { state: { values: { b: { a: { value: 'e\u0301' } } } } },
      list: ['x\u0007', { y: 'q\u001f' }],
    };
    normalizeInputStrings(body);
    expect(body).toEqual({
      text: 'ab',
      n: 3,
      flag: true,
      none: null,
      view: { state: { values: { b: { a: { value: 'é' } } } } },
      list: ['x', { y: 'q' }],
    });
  });
  test('leaves a clean string as the same value and ignores non-objects', () => {
    const body = { text: 'fine' };
    normalizeInputStrings(body);
    expect(body.text).toBe('fine');
    expect(() => normalizeInputStrings('a\u0000')).not.toThrow();
    expect(() => normalizeInputStrings(null)).not.toThrow();
    expect(() => normalizeInputStrings(undefined)).not.toThrow();
  });
  test('stops 33 levels down (a hostile body cannot recurse without end)', () => {
    type Nest = { s: string; next?: Nest };
    const root: Nest = { s: '\u0000' };
    let node = root;
    for (let i = 0; i < 40; i++) {
      node.next = { s: '\u0000' };
      node = node.next;
    }
    normalizeInputStrings(root);
    const levels: string[] = [];
    for (let n: Nest | undefined = root; n; n = n.next) levels.push(n.s);
    expect(levels.slice(0, 33).every((s) => s === '')).toBe(true);
    expect(levels.slice(33).every((s) => s === '\u0000')).toBe(true);
  });
});

describe('decodeSlackEntities', () => {
  test('decodes what Slack encoded, once', () => {
    expect(decodeSlackEntities('R&amp;D &lt;3 &gt;_&lt; &amp;lt;')).toBe('R&D <3 >_< &lt;');
    expect(decodeSlackEntities('&lt;&lt;&gt;&gt;&amp;&amp;')).toBe('<<>>&&');
  });
});

describe('answerRate', () => {
  test('two answers per check-in, whole percent', () => {
    expect(answersPerCheckin).toBe(2);
    expect(answerRate(3, 2)).toBe(75);
    expect(answerRate(1, 3)).toBe(17);
    expect(answerRate(0, 1)).toBe(0);
    expect(answerRate(2, 1)).toBe(100);
  });
  test('null when nothing was asked', () => {
    expect(answerRate(0, 0)).toBeNull();
    expect(answerRate(1, -1)).toBeNull();
  });
  test('label', () => {
    expect(answerRateLabel(75, '—')).toBe('75%');
    expect(answerRateLabel(0, '—')).toBe('0%');
    expect(answerRateLabel(null, 'no check-ins')).toBe('no check-ins');
  });
});
