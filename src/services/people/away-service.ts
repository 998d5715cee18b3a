import { DateTime } from 'luxon';
import { z } from 'zod';
import type { AuditRepository } from '../../db/repositories/audit-repository.js';
import type { DeliveryRepository } from '../../db/repositories/delivery-repository.js';
import type { ExpectationRepository } from '../../db/repositories/expectation-repository.js';
import type { PairingRepository } from '../../db/repositories/pairing-repository.js';
import type { PeopleRepository } from '../../db/repositories/people-repository.js';
import type { Transact } from '../../db/repositories/index.js';
import { backAfter, isAway } from '../../domain/away.js';
import { normalizeInputText } from '../../domain/input-text.js';
import { isoDate } from '../../domain/program-settings.js';
import { awayNotice, backNotice, dayLabel } from '../../messages/away.js';
import { userTextOrNull } from '../../messages/text.js';
import type { Clock } from '../clock.js';
import type { Outcome } from '../outcome.js';
import type { PeopleService } from './people-service.js';

/** The longest absence one `/tandem away` covers. */
export const maxAwayDays = 90;

const awayInput = z.object({ until: isoDate, note: z.string().trim().max(200, 'Keep the note under 200 characters').nullable() });

/**
 * Out of office, once for every pairing and standup: while away a person gets no check-in question,
 * reminder or deadline, and their partners' deadlines that wait on them move by the days away.
 */
export function createAwayService(deps: {
  transact: Transact;
  people: PeopleRepository;
  peopleService: PeopleService;
  pairings: PairingRepository;
  expectations: ExpectationRepository;
  deliveries: DeliveryRepository;
  audit: AuditRepository;
  clock: Clock;
  onEnqueued: () => void;
}) {
  return {
    /** What the away form opens with: today in the person's zone, and their current absence. */
    async current(actor: string): Promise<{ today: string; away: { until: string; note: string | null } | null }> {
      const person = await deps.peopleService.ensure(actor);
      const now = DateTime.fromJSDate(deps.clock());
      const today = now.setZone(person.time_zone).toISODate() ?? '';
      const ongoing = person.away_until && person.away_until >= today;
      return { today, away: ongoing && person.away_until ? { until: person.away_until, note: person.away_note } : null };
    },

    /** From today (in the person's zone) to `until`, inclusive. */
    async setAway(
      actor: string,
      input: { until: string; note?: string | null },
    ): Promise<Outcome<{ until: string; pairs: number }> | { ok: false; reason: 'fields'; errors: Record<string, string> }> {
      const parsed = awayInput.safeParse({
        until: input.until,
        note: input.note ? normalizeInputText(input.note).trim() || null : null,
      });
      if (!parsed.success)
        return {
          ok: false,
          reason: 'fields',
          errors: Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])),
        };
      const { until, note } = parsed.data;
      const person = await deps.peopleService.ensure(actor);
      const now = DateTime.fromJSDate(deps.clock());
      const today = now.setZone(person.time_zone).toISODate() ?? '';
      if (until < today)
        return { ok: false, reason: 'fields', errors: { until: `That day is over: pick ${dayLabel(today)} or later.` } };
      const last = now.setZone(person.time_zone).plus({ days: maxAwayDays }).toISODate() ?? '';
      if (until > last)
        return {
          ok: false,
          reason: 'fields',
          errors: { until: `At most ${maxAwayDays} days at a time: until ${dayLabel(last)}.` },
        };
      const wasAway = isAway(person, now) ? person.away_until : null;
      const from = wasAway && person.away_from ? person.away_from : today;
      const start = wasAway ? backAfter(wasAway, person.time_zone) : now;
      const back = backAfter(until, person.time_zone);
      const pairings = (await deps.pairings.listLiveFor(actor)).filter((p) => p.status === 'active' && p.conversation_id);
      await deps.transact(async (tx) => {
        await tx.people.setAway(actor, { from, until, note });
        // Deadlines move by the days not yet counted (an extended absence moves them by the extension only).
        if (back > start) await tx.expectations.shiftForAway(actor, start.toJSDate(), back.toJSDate());
        for (const p of pairings)
          await tx.deliveries.enqueue({
            dedupeKey: `away:${actor}:${p.id}:${from}:${until}`,
            kind: 'away',
            pairingId: p.id,
            channel: p.conversation_id as string,
            payload: { text: awayNotice(actor, until, userTextOrNull(note)) },
            notBefore: deps.clock(),
          });
        await tx.audit.record({ actor, action: 'away', subject: actor, details: { from, until } }, deps.clock());
      });
      if (pairings.length > 0) deps.onEnqueued();
      return { ok: true, until, pairs: pairings.length };
    },

    /** Back before the planned day: prompts and reminders start again at once. */
    async back(actor: string): Promise<Outcome<{ wasAway: boolean }>> {
      const person = await deps.people.find(actor);
      const now = DateTime.fromJSDate(deps.clock());
      if (!person?.away_until || !isAway(person, now)) {
        if (person?.away_until) await deps.people.setAway(actor, null);
        return { ok: true, wasAway: false };
      }
      const pairings = (await deps.pairings.listLiveFor(actor)).filter((p) => p.status === 'active' && p.conversation_id);
      await deps.transact(async (tx) => {
        await tx.people.setAway(actor, null);
        for (const p of pairings)
          await tx.deliveries.enqueue({
            dedupeKey: `back:${actor}:${p.id}:${now.toISO()}`,
            kind: 'away',
            pairingId: p.id,
            channel: p.conversation_id as string,
            payload: { text: backNotice(actor) },
            notBefore: deps.clock(),
          });
        await tx.audit.record({ actor, action: 'back', subject: actor }, deps.clock());
      });
      if (pairings.length > 0) deps.onEnqueued();
      return { ok: true, wasAway: true };
    },
  };
}

export type AwayService = ReturnType<typeof createAwayService>;
