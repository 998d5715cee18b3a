import { IANAZone } from 'luxon';

/**
 * luxon asks Intl for a zone's UTC offset at an instant on every conversion (`formatToParts`, its
 * costliest step: most of a big planning pass's CPU went there). The offset is a pure function of the
 * zone and the instant, so it is remembered here, per zone and exact millisecond (nothing is rounded,
 * so a daylight-saving change is never smeared), for up to `limit` instants; then the memory starts over.
 * Loaded once by the time rules (domain/work-days.ts); every DateTime in the process benefits.
 */
const limit = 200_000;
const offsets = new Map<string, Map<number, number>>();
let size = 0;

const uncached = IANAZone.prototype.offset;

/** The offset as luxon computes it without the memory (for the test that compares the two). */
export function zoneOffsetUncached(zone: string, ts: number): number {
  return uncached.call(IANAZone.create(zone), ts) as number;
}

IANAZone.prototype.offset = function offset(this: IANAZone, ts: number): number {
  if (!this.isValid) return NaN;
  let byTs = offsets.get(this.name);
  if (byTs === undefined) offsets.set(this.name, (byTs = new Map()));
  const known = byTs.get(ts);
  if (known !== undefined) return known;
  const value = uncached.call(this, ts) as number;
  if (size >= limit) {
    offsets.clear();
    size = 0;
    offsets.set(this.name, (byTs = new Map()));
  }
  byTs.set(ts, value);
  size++;
  return value;
};
