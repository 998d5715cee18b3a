/**
 * The outbox at scale, on the real test server: the claim is served by an index whatever the state
 * of the rows it claims (EXPLAIN on a table with enough rows, after ANALYZE), and pruning deletes
 * exactly the settled rows past the retention, in bounded batches.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createDeliveryRepository } from '../../src/db/repositories/delivery-repository.js';
import { createLogger } from '../../src/logger.js';
import { createDeliveryPruning, prunedKinds } from '../../src/services/outbox/delivery-pruning.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const NOW = new Date('2027-03-01T12:00:00Z');
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

let t: TestDatabase;
const repo = () => createDeliveryRepository(t.db);

beforeAll(async () => {
  t = await createTestDatabase({ poolSize: 2 });
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await sql`delete from deliveries`.execute(t.db);
});

/** `n` rows in one statement: status, kind, when due and when sent, as given. */
async function rows(
  n: number,
  r: { status: string; kind?: string; notBefore: Date; sentAt?: Date | null; claimedUntil?: Date | null; key: string },
) {
  await sql`
    insert into deliveries (dedupe_key, kind, channel, payload, status, not_before, sent_at, claimed_until)
    select ${r.key} || ':' || g, ${r.kind ?? 'checkin'}, 'C1', '{"text":"x"}'::jsonb, ${r.status}, ${r.notBefore},
           ${r.sentAt ?? null}::timestamptz, ${r.claimedUntil ?? null}::timestamptz
    from generate_series(1, ${n}) g`.execute(t.db);
}

describe('the claim', () => {
  test('is planned on the pending and sending indexes, never a scan of the table, with 20k pending and 20k sent rows', async () => {
    await rows(20_000, { status: 'pending', notBefore: ago(1), key: 'p' });
    await rows(20_000, { status: 'sent', notBefore: ago(3), sentAt: ago(3), key: 's' });
    await rows(5, { status: 'sending', notBefore: ago(2), claimedUntil: ago(1), key: 'l' });
    await sql`analyze deliveries`.execute(t.db);
    const plan = (await repo().explainClaim(NOW, 50)).join('\n');
    expect(plan).toContain('deliveries_pending_idx');
    expect(plan).toContain('deliveries_sending_idx');
    expect(plan).not.toMatch(/Seq Scan on deliveries/);
  });

  test('takes lapsed claims and due pending rows together, earliest due first, up to the limit', async () => {
    await rows(3, { status: 'pending', notBefore: ago(1), key: 'p' });
    await rows(1, { status: 'pending', notBefore: new Date(NOW.getTime() + 1), key: 'future' });
    await rows(2, { status: 'sending', notBefore: ago(2), claimedUntil: ago(1), key: 'lapsed' });
    await rows(1, { status: 'sending', notBefore: ago(2), claimedUntil: new Date(NOW.getTime() + 60_000), key: 'held' });
    const first = await repo().claimDue(NOW, 'me', 4, 60_000);
    expect(first.map((d) => [d.dedupe_key, d.error])).toEqual([
      ['lapsed:1', 'lease_expired'],
      ['lapsed:2', 'lease_expired'],
      ['p:1', null],
      ['p:2', null],
    ]);
    expect((await repo().claimDue(NOW, 'me', 4, 60_000)).map((d) => d.dedupe_key)).toEqual(['p:3']);
  });
});

describe('pruning', () => {
  const pruning = (over: { batchSize?: number; batchesPerPass?: number; retentionDays?: number } = {}) =>
    createDeliveryPruning({ deliveries: repo(), clock: () => NOW, logger: createLogger('silent'), ...over });
  const left = async () =>
    (await t.db.selectFrom('deliveries').select('dedupe_key').orderBy('dedupe_key').execute()).map((d) => d.dedupe_key);

  test('deletes settled rows of the weekly kinds past 30 days; recent, unsettled and once-only rows stay', async () => {
    await rows(1, { status: 'sent', notBefore: ago(40), sentAt: ago(40), key: 'old-sent' });
    await rows(1, { status: 'failed', notBefore: ago(31), key: 'old-failed' });
    await rows(1, { status: 'skipped', notBefore: ago(31), key: 'old-skipped' });
    await rows(1, { status: 'sent', notBefore: ago(29), sentAt: ago(29), key: 'recent-sent' });
    // Queued long ago, sent (after a requeue) recently: kept until its sending is old.
    await rows(1, { status: 'sent', notBefore: ago(10), sentAt: ago(10), key: 'late-sent' });
    await sql`update deliveries set created_at = ${ago(60)} where dedupe_key = 'late-sent:1'`.execute(t.db);
    await rows(1, { status: 'pending', notBefore: ago(40), key: 'old-pending' });
    await rows(1, { status: 'sending', notBefore: ago(40), claimedUntil: ago(39), key: 'old-sending' });
    // An introduction's key is what stops it being sent twice: never pruned.
    await rows(1, { status: 'sent', kind: 'pair_intro', notBefore: ago(90), sentAt: ago(90), key: 'old-intro' });
    // A pair's alert message is edited for as long as the alert lives.
    await rows(1, { status: 'sent', kind: 'alert', notBefore: ago(90), sentAt: ago(90), key: 'old-alert' });

    expect(await pruning().prune()).toBe(3);
    expect(await left()).toEqual([
      'late-sent:1',
      'old-alert:1',
      'old-intro:1',
      'old-pending:1',
      'old-sending:1',
      'recent-sent:1',
    ]);
  });

  test('a pass deletes at most batchSize x batchesPerPass rows; the rest go on the next passes', async () => {
    await rows(7, { status: 'sent', notBefore: ago(40), sentAt: ago(40), key: 'old' });
    const p = pruning({ batchSize: 2, batchesPerPass: 2 });
    expect(await p.prune()).toBe(4);
    expect(await left()).toHaveLength(3);
    expect(await p.prune()).toBe(3);
    expect(await p.prune()).toBe(0);
    expect(await left()).toEqual([]);
  });

  test('the retention is configurable (default 30 days)', async () => {
    await rows(1, { status: 'sent', notBefore: ago(20), sentAt: ago(20), key: 'twenty' });
    expect(pruning().retentionDays).toBe(30);
    expect(await pruning().prune()).toBe(0);
    expect(await pruning({ retentionDays: 15 }).prune()).toBe(1);
  });

  test('every weekly kind is pruned; the deletion uses the settled index', async () => {
    for (const kind of prunedKinds) await rows(1, { status: 'sent', kind, notBefore: ago(40), sentAt: ago(40), key: kind });
    await rows(20_000, { status: 'sent', kind: 'pair_intro', notBefore: ago(90), sentAt: ago(90), key: 'intro' });
    await sql`analyze deliveries`.execute(t.db);
    const plan = await repo().explainPrune(prunedKinds, ago(30), 1_000);
    expect(plan.join('\n')).toContain('deliveries_settled_idx');
    expect(await pruning().prune()).toBe(prunedKinds.length);
    expect(await t.db.selectFrom('deliveries').select('kind').distinct().execute()).toEqual([{ kind: 'pair_intro' }]);
  });
});
