/** How a time is written for a person (src/messages/time.ts), with dates pinned on both sides of a DST change. */
import { describe, expect, test } from 'vitest';
import { clockIn, slackDate, slackTime, weeklySlot, zonedDate, zonedTime } from '../../src/messages/time.js';

// Europe/Berlin moves from CET (UTC+1) to CEST (UTC+2) on Sunday 28 March 2027 at 02:00.
const beforeDst = new Date('2027-03-24T20:45:00Z'); // Wed 24 Mar, 21:45 CET
const afterDst = new Date('2027-03-31T19:45:00Z'); // Wed 31 Mar, 21:45 CEST

describe('slackTime', () => {
  test('a date token each reader sees in their own zone; the fallback is in the given zone and names it', () => {
    expect(slackTime(beforeDst, 'Europe/Berlin')).toBe(
      '<!date^1805921100^{date_short_pretty} at {time}|Wed 24 Mar at 21:45 Europe/Berlin>',
    );
    expect(slackTime(beforeDst, 'Asia/Kolkata')).toBe(
      '<!date^1805921100^{date_short_pretty} at {time}|Thu 25 Mar at 02:15 Asia/Kolkata>',
    );
  });

  test('the same wall-clock time a week apart across the DST change is 23 hours less than a week apart, and both fallbacks read 21:45', () => {
    expect(slackTime(afterDst, 'Europe/Berlin')).toBe(
      '<!date^1806522300^{date_short_pretty} at {time}|Wed 31 Mar at 21:45 Europe/Berlin>',
    );
    expect(1806522300 - 1805921100).toBe(7 * 86_400 - 3_600);
    expect(slackTime(afterDst, 'America/New_York')).toContain('|Wed 31 Mar at 15:45 America/New_York>');
  });

  test('seconds are cut, never rounded up to the next minute', () => {
    expect(slackTime(new Date('2027-01-18T15:00:59.900Z'), 'UTC')).toBe(
      '<!date^1800284459^{date_short_pretty} at {time}|Mon 18 Jan at 15:00 UTC>',
    );
  });

  test('a format without a time gets a fallback without one', () => {
    expect(slackTime(beforeDst, 'Asia/Kolkata', '{date_long}')).toBe('<!date^1805921100^{date_long}|Thu 25 Mar>');
    expect(slackDate(beforeDst, 'Europe/Berlin')).toBe('<!date^1805921100^{date_short_pretty}|Wed 24 Mar>');
  });
});

describe('times written out, for text Slack shows as is', () => {
  test('an instant names its zone', () => {
    expect(zonedTime(beforeDst, 'Europe/Berlin')).toBe('Wed 24 Mar at 21:45 Europe/Berlin');
    expect(zonedTime(afterDst, 'Europe/Berlin')).toBe('Wed 31 Mar at 21:45 Europe/Berlin');
    expect(zonedTime(afterDst, 'UTC')).toBe('Wed 31 Mar at 19:45 UTC');
    expect(zonedDate(beforeDst, 'Asia/Kolkata')).toBe('Thu 25 Mar');
  });

  test('a wall-clock time and a weekly slot name the zone they are meant in', () => {
    expect(clockIn('18:00', 'Europe/Berlin')).toBe('18:00 Europe/Berlin');
    expect(weeklySlot(3, '18:00', 'Europe/Berlin')).toBe('Wednesdays at 18:00 Europe/Berlin');
  });
});
