import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import type { Db } from '../src/db/database.js';
import { checkinSlotForWeek } from '../src/domain/checkin-slot.js';
import { holidaySet, responseDeadlines } from '../src/domain/work-days.js';
import { createCheckinRepository } from '../src/db/repositories/checkin-repository.js';
import { createDeliveryRepository } from '../src/db/repositories/delivery-repository.js';
import { createLogger } from '../src/logger.js';
import { weekLabel } from '../src/services/checkins/checkin-service.js';
import { createServices } from '../src/services/index.js';
import type { SlackPort } from '../src/services/slack-port.js';
import { checkinMessage } from '../src/messages/checkin.js';
import { createBenchDatabase } from './lib/db.js';
import { seedInstants, seedLarge } from '../test/support/seed-large.js';
import {
  captureStatement,
  createStatementStats,
  explainAnalyze,
  type SampledStatement,
  type StatementStat,
} from './lib/queries.js';
import { countRows } from './lib/seed.js';
import { fmtInt, fmtMs, sampleRss, type Report } from './lib/report.js';

/** Planning never talks to Slack; anything that tries is a bug in the benchmark's assumptions. */
const noSlack: SlackPort = new Proxy({} as SlackPort, {
  get(_t, method) {
    return () => Promise.reject(new Error(`the scheduler pass benchmark must not call Slack (${String(method)})`));
  },
});

function statRows(stats: StatementStat[]): string[][] {
  return stats.map((s) => [
    `\`${s.label.replace(/\|/g, '\\|')}\``,
    fmtInt(s.count),
    fmtMs(s.totalMs),
    `${(s.totalMs / s.count).toFixed(3)} ms`,
    fmtMs(s.maxMs),
  ]);
}

/** Earlier weeks of check-ins added before the last no-op passes. */
const historyWeeks = 12;

/**
 * The per-pairing work plan() does in JS (slot, message, two response windows, payload JSON),
 * repeated here without any statement: the floor that batching the inserts could get down to.
 */
async function jsMsPerPairing(db: Db, now: Date): Promise<number> {
  const rows = await sql<{
    pairing_id: number;
    mentor_id: string;
    mentee_id: string;
    weekday: number;
    time: string;
    zone: string;
    start_date: string;
    length_weeks: number;
    window_days: number;
    mentor_zone: string;
    mentee_zone: string;
  }>`
    select p.id as pairing_id, p.mentor_id, p.mentee_id, pr.checkin_weekday as weekday, pr.checkin_time as time, pr.time_zone as zone, pr.start_date, pr.length_weeks,
           pr.response_window_days as window_days, m.time_zone as mentor_zone, e.time_zone as mentee_zone
    from pairings p join programs pr on pr.id = p.program_id join people m on m.slack_id = p.mentor_id join people e on e.slack_id = p.mentee_id
    where p.status = 'active' order by p.id limit 5000`.execute(db);
  const nowDt = DateTime.fromJSDate(now);
  const holidays = holidaySet([]);
  let sink = 0;
  const t = performance.now();
  for (const c of rows.rows) {
    const slot = checkinSlotForWeek(nowDt, {
      weekday: c.weekday,
      time: c.time,
      zone: c.zone,
      holidays,
      programStartDate: c.start_date,
      programLengthWeeks: c.length_weeks,
    });
    if (!slot) continue;
    const payload = checkinMessage({
      checkinId: c.pairing_id,
      mentorId: c.mentor_id,
      menteeId: c.mentee_id,
      weekLabel: weekLabel(slot.promptAt.toJSDate(), c.zone),
      answers: [],
    });
    sink += JSON.stringify(payload).length;
    const startedAt = DateTime.max(slot.promptAt, nowDt);
    for (const zone of [c.mentor_zone, c.mentee_zone])
      sink += responseDeadlines(startedAt, c.window_days, zone, holidays).dueAt.toMillis() > 0 ? 1 : 0;
  }
  const ms = performance.now() - t;
  return sink > 0 ? ms / Math.max(1, rows.rows.length) : Number.NaN;
}

/**
 * services.checkins.plan() over a large program: DB time only. The sender's kick is switched off so
 * nothing is sent; the outbox just fills. Then a second pass, which should find nothing to do.
 */
export async function runPass(report: Report, o: { pairings: number }): Promise<void> {
  report.heading(`2. Scheduler pass: checkins.plan() over ${fmtInt(o.pairings)} pairings`);
  const rss = sampleRss(100);
  const database = await createBenchDatabase();
  try {
    // A pinned instant (a Sunday when the EU springs forward), so every run plans the same rows.
    const now = seedInstants.euSpringForward;
    const tSeed = performance.now();
    const seeded = await seedLarge(database.db, { pairings: o.pairings, now });
    const seedMs = performance.now() - tSeed;

    const stats = createStatementStats(database.db);
    const logger = createLogger('warn', { write: () => undefined });
    // Pinned at `now`, then moved through the following day for the minute-by-minute passes.
    let clock = now;
    const services = createServices({ db: stats.db, slack: noSlack, clock: () => clock, logger });
    // plan() ends with onEnqueued -> sender.kick(); this benchmark measures planning only.
    let kicks = 0;
    services.sender.kick = () => {
      kicks++;
    };

    // A running bot has used luxon long before its first big pass (start-up, App Home, the ticks before):
    // its one-time set-up (the system locale and Intl data, 30-60 ms on this machine) is done here first
    // rather than counted as a stall of the pass.
    DateTime.now().setZone('Europe/Berlin').plus({ days: 1 }).toISO();

    // The scheduler pass shares the bot's event loop: the longest stall during it is how late an ack
    // (or any other request) can be because of it. 10 ms resolution; `max` is the longest delay seen.
    const loop = monitorEventLoopDelay({ resolution: 10 });
    // The floor: the same measure over 5 s of doing nothing, just before. On a loaded machine the OS
    // alone keeps a process off the CPU for tens of milliseconds at times.
    loop.enable();
    await new Promise((r) => setTimeout(r, 5_000));
    loop.disable();
    const idleMax = loop.max / 1e6;
    const idleP99 = loop.percentile(99) / 1e6;
    loop.reset();
    const load1 = os.loadavg()[0] ?? 0;
    const cpu1 = process.cpuUsage();
    loop.enable();
    const t1 = performance.now();
    const planned = await services.checkins.plan();
    const firstMs = performance.now() - t1;
    loop.disable();
    const firstCpu = process.cpuUsage(cpu1);
    const firstStats = stats.snapshot();
    const firstSampled = stats.sampled();
    stats.reset();
    const t2 = performance.now();
    const plannedAgain = await services.checkins.plan();
    const secondMs = performance.now() - t2;
    const secondStats = stats.snapshot();
    const secondSampled = stats.sampled();
    const rssPeak = rss.stop();
    const jsMs = await jsMsPerPairing(database.db, now);

    const [checkins, deliveries, expectations] = [
      await countRows(database.db, 'checkins'),
      await countRows(database.db, 'deliveries'),
      await countRows(database.db, 'expectations'),
    ];
    const statements = firstStats.reduce((a, s) => a + s.count, 0);

    report.item('engine', `${database.engine} (${database.where})`);
    report.item(
      'seeding (test/support/seed-large.ts)',
      `${fmtInt(seeded.programs)} programs, ${fmtInt(seeded.people)} people, ${fmtInt(seeded.pairings)} pairings (active ${fmtInt(seeded.byStatus.active ?? 0)}, paused ${fmtInt(seeded.byStatus.paused ?? 0)}, ended ${fmtInt(seeded.byStatus.ended ?? 0)}), ${fmtInt(seeded.zones)} zones, ${fmtInt(seeded.holidays)} holidays, overrides: zone ${fmtInt(seeded.overrides.zone)}, weekday ${fmtInt(seeded.overrides.weekday)}, time ${fmtInt(seeded.overrides.time)}, reply window ${fmtInt(seeded.overrides.replyWindow)}; in ${fmtMs(seedMs)}`,
    );
    report.item('planning instant (pinned clock)', `${now.toISOString()} (Sunday; Europe springs forward that night)`);
    report.item(
      'first pass',
      `**${fmtMs(firstMs)}**: ${fmtInt(planned)} check-ins planned (${(firstMs / Math.max(1, planned)).toFixed(3)} ms per pairing, ${fmtInt(Math.round(planned / (firstMs / 1000)))} pairings/s); ${fmtInt(statements)} statements; Node CPU ${fmtMs((firstCpu.user + firstCpu.system) / 1000)}; load average (1 min) ${load1.toFixed(2)} at its start`,
    );
    const stallMs = loop.max / 1e6;
    report.item(
      'event loop during the first pass (monitorEventLoopDelay, 10 ms resolution)',
      `longest stall **${fmtMs(stallMs)}**, p99 ${fmtMs(loop.percentile(99) / 1e6)}, mean ${fmtMs(loop.mean / 1e6)} (target: longest < 50 ms); idle floor just before (5 s, nothing running): longest ${fmtMs(idleMax)}, p99 ${fmtMs(idleP99)}`,
    );
    const stmtMs = firstStats.reduce((a, st) => a + st.totalMs, 0);
    report.item(
      'where the time goes',
      `${fmtMs(stmtMs)} waiting on statements (${((100 * stmtMs) / firstMs).toFixed(0)}%), the rest in JS and commits; the per-pairing JS alone (slot, message, 2 response windows) measures ${jsMs.toFixed(3)} ms, i.e. ${fmtMs(jsMs * planned)} for this pass`,
    );
    report.item(
      'rows written',
      `checkins ${fmtInt(checkins)}, deliveries ${fmtInt(deliveries)}, expectations ${fmtInt(expectations)}; sender kicks suppressed: ${kicks}`,
    );
    report.item(
      'second (no-op) pass',
      `**${fmtMs(secondMs)}**: ${fmtInt(plannedAgain)} planned, ${fmtInt(secondStats.reduce((a, s) => a + s.count, 0))} statements`,
    );
    report.item('RSS peak', `${(rssPeak / 1024 / 1024).toFixed(0)} MiB`);
    report.line();
    report.line('Statements issued by the first pass (time from issue to result, includes pool waits):');
    report.line();
    report.table(['statement', 'count', 'total', 'mean', 'max'], statRows(firstStats));
    report.line();
    report.line('Second pass:');
    report.line();
    report.table(['statement', 'count', 'total', 'mean', 'max'], statRows(secondStats));

    // What the passes really sent: the first statement of each shape, EXPLAINed now (every pair of
    // this week planned; inserts rolled back, so the ones of the first pass meet their conflicts).
    const explainSampled = async (title: string, sampled: SampledStatement[]) => {
      // A cursor's fetch has no plan of its own (its query is EXPLAINed through the declare), nor has ANALYZE.
      for (const st of sampled.filter((s) => !/^\s*(fetch|analyze)\b/i.test(s.query.sql))) {
        report.line();
        report.line(
          `EXPLAIN ANALYZE (rolled back) of \`${st.label.replace(/`/g, "'")}\` as ${title} sent it (${fmtInt(st.query.parameters.length)} parameters):`,
        );
        report.code(await explainAnalyze(database.db, st.query));
      }
    };
    await explainSampled('the first pass', firstSampled);
    await explainSampled('the no-op pass', secondSampled);

    // The outbox now holds one pending delivery per pairing, all with the same not_before: what the
    // sender's claim costs at this size.
    const claim = await captureStatement((db) => createDeliveryRepository(db).claimDue(now, 'bench-owner', 50, 60_000));
    const claimPlan = await explainAnalyze(database.db, claim);
    report.line();
    report.line(
      `EXPLAIN ANALYZE of the sender's claim (repos.deliveries.claimDue, batch 50) with ${fmtInt(deliveries)} pending deliveries (rolled back):`,
    );
    report.code(claimPlan);
    const claimTime = /Execution Time: ([\d.]+) ms/.exec(claimPlan.join('\n'))?.[1];

    // Steady state: the outbox keeps every sent row. With all but 50 sent, does the claim still read them all?
    await sql`update deliveries set status = 'sent', sent_at = now() where id not in (select id from deliveries order by id desc limit 50)`.execute(
      database.db,
    );
    await sql`vacuum analyze deliveries`.execute(database.db);
    const steadyPlan = await explainAnalyze(database.db, claim);
    report.line();
    report.line(
      `The same claim once all but 50 of the ${fmtInt(deliveries)} deliveries are sent (history kept, VACUUM ANALYZE done):`,
    );
    report.code(steadyPlan);
    const steadyTime = /Execution Time: ([\d.]+) ms/.exec(steadyPlan.join('\n'))?.[1];

    // A program that has run a while: `historyWeeks` earlier weeks of check-ins per pair. The candidate
    // query's NOT EXISTS only ever needs this week's rows; see whether the no-op pass grows with history.
    const tHistory = performance.now();
    await sql`
      insert into checkins (pairing_id, week_key, prompt_at, closes_at)
      select p.id, to_char(${now}::timestamptz - make_interval(weeks => w), 'IYYY-"W"IW'),
             ${now}::timestamptz - make_interval(weeks => w), ${now}::timestamptz - make_interval(weeks => w - 1)
      from pairings p cross join generate_series(1, ${historyWeeks}::int) w`.execute(database.db);
    await sql`analyze checkins`.execute(database.db);
    const historyMs = performance.now() - tHistory;
    const checkinsWithHistory = await countRows(database.db, 'checkins');
    const t3 = performance.now();
    const plannedThird = await services.checkins.plan();
    const thirdMs = performance.now() - t3;
    // Autovacuum would soon set the visibility map; measure that steady state too.
    await sql`vacuum analyze checkins`.execute(database.db);
    const t4 = performance.now();
    const plannedFourth = await services.checkins.plan();
    const fourthMs = performance.now() - t4;
    const historyCandidates = await captureStatement((db) => createCheckinRepository(db).dueCandidates(now));
    const historyPlan = await explainAnalyze(database.db, historyCandidates);
    report.line();
    report.item(
      `no-op pass after adding ${historyWeeks} earlier weeks of check-ins (${fmtInt(checkinsWithHistory)} rows, inserted in ${fmtMs(historyMs)})`,
      `**${fmtMs(thirdMs)}** right after ANALYZE, **${fmtMs(fourthMs)}** after VACUUM ANALYZE (vs ${fmtMs(secondMs)} with one week); ${fmtInt(plannedThird + plannedFourth)} planned`,
    );
    report.line();
    report.line('EXPLAIN ANALYZE of the candidate query with that history (after VACUUM):');
    report.code(historyPlan);

    // The passes of the following day, every 15 minutes: what a running bot does between the weekly peaks
    // (each pass looks only at the pairs whose recheck instant has come, and plans those now due).
    const dayMs: number[] = [];
    let dayPlanned = 0;
    let busiest = { at: now, ms: 0, planned: 0 };
    for (let minutes = 15; minutes <= 24 * 60; minutes += 15) {
      clock = new Date(now.getTime() + minutes * 60_000);
      const t = performance.now();
      const n = await services.checkins.plan();
      const ms = performance.now() - t;
      dayMs.push(ms);
      dayPlanned += n;
      if (ms > busiest.ms) busiest = { at: clock, ms, planned: n };
    }
    clock = now;
    const sortedDay = [...dayMs].sort((a, b) => a - b);
    const dayMedian = sortedDay[Math.floor(sortedDay.length / 2)] ?? 0;
    report.line();
    report.item(
      `the next day's passes, every 15 minutes (${dayMs.length})`,
      `median **${fmtMs(dayMedian)}**, longest ${fmtMs(busiest.ms)} (at ${busiest.at.toISOString()}, planning ${fmtInt(busiest.planned)}); ${fmtInt(dayPlanned)} check-ins planned in the day`,
    );

    report.summary(
      `pass: ${fmtInt(o.pairings)} pairings on ${database.engine}: first plan() ${fmtMs(firstMs)} (${fmtInt(planned)} planned, ${fmtInt(statements)} statements, longest event-loop stall ${fmtMs(stallMs)}), ` +
        `no-op second pass ${fmtMs(secondMs)} (${fmtMs(thirdMs)} / ${fmtMs(fourthMs)} before / after VACUUM with ${historyWeeks} weeks of check-in history), the next day's passes every 15 minutes median ${fmtMs(dayMedian)}; claimDue ${claimTime ?? '?'} ms with ${fmtInt(deliveries)} pending, ${steadyTime ?? '?'} ms with 50 pending among ${fmtInt(deliveries)} rows`,
    );
    if (planned === 0 || plannedAgain !== 0 || plannedThird !== 0 || plannedFourth !== 0) {
      report.line(
        `**Unexpected:** planned ${planned} of ${o.pairings}, then ${plannedAgain}, ${plannedThird} and ${plannedFourth} in the no-op passes.`,
      );
      report.failed = true;
    }
  } finally {
    rss.stop();
    await database.close();
  }
}
