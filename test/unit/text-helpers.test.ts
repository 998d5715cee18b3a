/** The small helpers of the escaping module (src/messages/text.ts) not covered elsewhere. */
import { describe, expect, test } from 'vitest';
import { counted, escapeAndClip } from '../../src/messages/text.js';

describe('escapeAndClip', () => {
  test('text that fits once escaped is left whole, up to exactly max', () => {
    expect(escapeAndClip('a<b', 6)).toBe('a&lt;b');
    expect(escapeAndClip('a<b', 5)).toBe('a…');
  });
  test('never cuts inside an entity', () => {
    expect(escapeAndClip('ab&cd', 5)).toBe('ab…');
    expect(escapeAndClip('ab&cdef', 9)).toBe('ab&amp;c…');
    // An & already closed by its ; before the cut stays.
    expect(escapeAndClip('&x&yyyy', 10)).toBe('&amp;x…');
    expect(escapeAndClip('abcdefgh', 5)).toBe('abcd…');
  });
});

describe('counted', () => {
  test('a count with its noun', () => {
    expect(counted(1, 'mentee')).toBe('1 mentee');
    expect(counted(0, 'mentee')).toBe('0 mentees');
    expect(counted(3, 'person', 'people')).toBe('3 people');
    expect(counted(1, 'person', 'people')).toBe('1 person');
  });
});
