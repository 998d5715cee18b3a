import os from 'node:os';
import { sql, type CompiledQuery } from 'kysely';
import { createDeliveryRepository } from '../src/db/repositories/delivery-repository.js';
import { createBenchDatabase } from './lib/db.js';
import { captureStatement, explainAnalyze } from './lib/queries.js';
import { fmtInt, type Report } from './lib/report.js';

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');

/**
 * The sender's claim (repos.deliveries.claimDue, batch 50) with N pending deliveries all due at the
 * same instant (as a planning pass leaves them), beside N sent ones and 20 lapsed claims, after
 * ANALYZE. Reported: the server's execution time (EXPLAIN ANALYZE, rolled back, median of 9 with its
 * range), the wall time of real claims that commit as the sender's do (rounds of runs: the median of the
 * round medians with their spread), and the claim before migration 0014 on its old index, for comparison.
 */
export async function runClaim(report: Report, o: { pending: number; rounds?: number; runs?: number }): Promise<void> {
  const rounds = o.rounds ?? 5;
  const runs = o.runs ?? 20;
  report.heading(`Outbox claim with ${fmtInt(o.pending)} pending deliveries`);
  const database = await createBenchDatabase(4);
  try {
    const db = database.db;
    const now = new Date();
    const seed = (status: string, n: number, notBefore: string, claimedUntil: Date | null) =>
      sql`
        insert into deliveries (dedupe_key, kind, channel, payload, status, not_before, sent_at, claimed_until)
        select ${status} || ':' || g, 'checkin', 'C' || (g % 5000), '{"render":{"kind":"checkin","ids":{"checkinId":1}}}'::jsonb,
               ${status}, ${now}::timestamptz - ${notBefore}::interval,
               case when ${status} = 'sent' then ${now}::timestamptz - ${notBefore}::interval end, ${claimedUntil}::timestamptz
        from generate_series(1, ${n}::int) g`.execute(db);
    await seed('pending', o.pending, '5 minutes', null);
    await seed('sent', o.pending, '3 days', null);
    await seed('sending', 20, '10 minutes', new Date(now.getTime() - 60_000));
    await sql`analyze deliveries`.execute(db);
    report.item(
      'table',
      `${fmtInt(o.pending)} pending (all due at one instant), ${fmtInt(o.pending)} sent, 20 lapsed claims; ANALYZE done`,
    );
    report.item('load average before (1/5/15 min)', load());

    const execution = async (q: CompiledQuery) => {
      const times: number[] = [];
      for (let i = 0; i < 9; i++)
        times.push(Number(/Execution Time: ([\d.]+) ms/.exec((await explainAnalyze(db, q)).join('\n'))?.[1] ?? NaN));
      const t = [...times].sort((a, b) => a - b);
      return `median ${median(t).toFixed(2)} ms (min ${t[0]?.toFixed(2)}, max ${t.at(-1)?.toFixed(2)} ms, ${t.length} runs)`;
    };

    const repo = createDeliveryRepository(db);
    const claim = await captureStatement((capturing) => createDeliveryRepository(capturing).claimDue(now, 'bench', 50, 60_000));
    const plan = await explainAnalyze(db, claim);
    report.line();
    report.line('EXPLAIN ANALYZE of claimDue (batch 50) as issued (rolled back):');
    report.code(plan);
    const newExecution = await execution(claim);
    report.item('server execution time (EXPLAIN ANALYZE, rolled back)', `**${newExecution}**`);

    // Warm-up, then timed rounds; every run claims (and commits) 50 rows, as a sender does.
    for (let i = 0; i < 5; i++) await repo.claimDue(now, 'warm-up', 50, 60_000);
    const medians: number[] = [];
    let claimed = 0;
    for (let r = 0; r < rounds; r++) {
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        claimed += (await repo.claimDue(now, `bench-${r}`, 50, 60_000)).length;
        samples.push(performance.now() - t0);
      }
      medians.push(median(samples));
    }
    const sorted = [...medians].sort((a, b) => a - b);
    const wall = `median ${median(medians).toFixed(2)} ms (round medians ${sorted.map((m) => m.toFixed(2)).join(' / ')} ms; spread ${((sorted.at(-1) ?? 0) - (sorted[0] ?? 0)).toFixed(2)} ms)`;
    report.item(
      `claimDue wall time per batch of 50 with its commit, ${rounds} rounds x ${runs} runs`,
      `${wall}; ${fmtInt(claimed)} rows claimed in all`,
    );
    report.item('load average after (1/5/15 min)', load());

    // The claim before 0014, on the index it had, for comparison (rolled back).
    await sql`create index deliveries_due_idx on deliveries (not_before) where status in ('pending', 'sending')`.execute(db);
    await sql`analyze deliveries`.execute(db);
    const oldClaim = sql`
        update deliveries set status = 'sending', claimed_by = 'old', claimed_until = ${new Date(now.getTime() + 60_000)},
          attempts = attempts + 1, error = case when status = 'sending' then 'lease_expired' else error end
        where id in (
          select id from deliveries
          where (status = 'pending' and not_before <= ${now}) or (status = 'sending' and claimed_until < ${now})
          order by not_before, id limit 50 for update skip locked)
        returning *`.compile(db);
    const before = await explainAnalyze(db, oldClaim);
    report.line();
    report.line('For comparison, the claim before migration 0014 (one OR over pending and sending) on its old index:');
    report.code(before);
    const oldExecution = await execution(oldClaim);
    report.item('server execution time before 0014 (EXPLAIN ANALYZE, rolled back)', oldExecution);
    report.summary(
      `outbox claim, ${fmtInt(o.pending)} pending: server execution ${newExecution} (target < 5 ms; before 0014: ${oldExecution}); wall per batch of 50 with its commit ${wall}`,
    );
  } finally {
    await database.close();
  }
}
