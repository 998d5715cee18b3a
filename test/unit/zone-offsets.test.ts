import { DateTime, IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { zoneOffsetUncached } from '../../src/domain/zone-offsets.js';
import { addWorkDays, holidaySet } from '../../src/domain/work-days.js';

// Zones with DST in both hemispheres, half- and quarter-hour offsets, a 30-minute DST shift, none at all.
const zones = [
  'Europe/Berlin',
  'America/New_York',
  'America/Santiago',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Asia/Kolkata',
  'Pacific/Chatham',
  'America/St_Johns',
  'Africa/Casablanca',
  'Asia/Tehran',
  'UTC',
];

/** Every instant where a zone's offset changes in 2026-2028, found by bisection on the uncached offset. */
function transitions(zone: string): number[] {
  const found: number[] = [];
  const step = 6 * 3600_000;
  for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2029, 0, 1); t += step) {
    if (zoneOffsetUncached(zone, t) === zoneOffsetUncached(zone, t + step)) continue;
    let lo = t;
    let hi = t + step;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (zoneOffsetUncached(zone, mid) === zoneOffsetUncached(zone, lo)) lo = mid;
      else hi = mid;
    }
    found.push(hi);
  }
  return found;
}

describe('remembered zone offsets', () => {
  it('are exactly luxon’s own at every DST change of 2026-2028 and a millisecond either side, asked twice', () => {
    let checked = 0;
    for (const zone of zones) {
      const edges = transitions(zone);
      if (zone !== 'UTC' && zone !== 'Asia/Kolkata' && zone !== 'Asia/Kathmandu' && zone !== 'Asia/Tehran')
        expect(edges.length, zone).toBeGreaterThanOrEqual(4);
      const z = IANAZone.create(zone);
      for (const edge of edges)
        for (const ts of [edge - 1, edge, edge + 1, edge - 1])
          for (let round = 0; round < 2; round++) {
            expect(z.offset(ts), `${zone} at ${new Date(ts).toISOString()}`).toBe(zoneOffsetUncached(zone, ts));
            checked++;
          }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('are exactly luxon’s own at 5,000 random instants, and local times built from them agree', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 5_000; i++) {
      const zone = zones[Math.floor(random() * zones.length)] ?? 'UTC';
      const ts = Date.UTC(2026, 0, 1) + Math.floor(random() * 3 * 365 * 86_400_000);
      expect(IANAZone.create(zone).offset(ts), `${zone} ${ts}`).toBe(zoneOffsetUncached(zone, ts));
      // Asked through DateTime, the way every rule asks: the same wall clock as Intl gives.
      const local = DateTime.fromMillis(ts, { zone }).toFormat('yyyy-MM-dd HH:mm');
      const intl = new Intl.DateTimeFormat('sv-SE', {
        timeZone: zone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(new Date(ts));
      expect(local, `${zone} ${new Date(ts).toISOString()}`).toBe(intl);
    }
  });

  it('keep the work-day rule across a spring-forward: Friday 09:00 Berlin + 1 work day is Monday 09:00 after the change', () => {
    const friday = DateTime.fromISO('2027-03-26T09:00', { zone: 'Europe/Berlin' });
    for (let round = 0; round < 2; round++) {
      const monday = addWorkDays(friday, 1, 'Europe/Berlin', holidaySet([]));
      expect(monday.toUTC().toISO()).toBe('2027-03-29T07:00:00.000Z');
    }
  });
});
