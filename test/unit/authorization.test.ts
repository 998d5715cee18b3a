import { expect, test } from 'vitest';
import { isInPair, isMentorOf } from '../../src/domain/authorization.js';

const pair = { mentor_id: 'UMENTOR', mentee_id: 'UMENTEE' };

test('either side of a pair is in it; nobody else is', () => {
  expect(isInPair(pair, 'UMENTOR')).toBe(true);
  expect(isInPair(pair, 'UMENTEE')).toBe(true);
  expect(isInPair(pair, 'USTAFF')).toBe(false);
  expect(isInPair(pair, '')).toBe(false);
});

test('only the mentor answers a match request or logs a session; a missing row refuses everyone', () => {
  expect(isMentorOf(pair, 'UMENTOR')).toBe(true);
  expect(isMentorOf(pair, 'UMENTEE')).toBe(false);
  expect(isMentorOf(pair, 'USTAFF')).toBe(false);
  expect(isMentorOf(null, 'UMENTOR')).toBe(false);
  expect(isMentorOf(undefined, 'UMENTOR')).toBe(false);
});
