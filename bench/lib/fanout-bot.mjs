/* global performance, setInterval, clearInterval */
// The bot side of the fan-out benchmark in its own process, running the built JavaScript (dist/) as
// production does (`node dist/...`, no tsx), so its RSS is what a deployed Tandem holds during a
// fan-out. Plain JavaScript on purpose: a TypeScript loader would add its own memory.
// IPC: { type: 'run', databaseUrl, apiUrl, botToken, sender } -> { type: 'done', ... }.
import { sql } from 'kysely';

const dist = new URL('../../dist/src/', import.meta.url);
const { openDatabase } = await import(new URL('db/database.js', dist).href);
const { createServices } = await import(new URL('services/index.js', dist).href);
const { createWebApiPort, createWebClient } = await import(new URL('slack/web-api-port.js', dist).href);
const { createLogger } = await import(new URL('logger.js', dist).href);

const rssNow = () => process.memoryUsage().rss;

process.on('message', async (m) => {
  if (m.type !== 'run') return process.exit(0);
  const rssBefore = rssNow();
  let peak = rssBefore;
  const heap = { usedPeak: 0, totalPeak: 0, externalPeak: 0 };
  const timer = setInterval(() => {
    const u = process.memoryUsage();
    peak = Math.max(peak, u.rss);
    heap.usedPeak = Math.max(heap.usedPeak, u.heapUsed);
    heap.totalPeak = Math.max(heap.totalPeak, u.heapTotal);
    heap.externalPeak = Math.max(heap.externalPeak, u.external);
  }, 100);
  let warnings = 0;
  const logger = createLogger('warn', { write: () => void warnings++ });
  const database = await openDatabase({ databaseUrl: m.databaseUrl });
  const services = createServices({
    db: database.db,
    slack: createWebApiPort(createWebClient(m.botToken, { apiUrl: m.apiUrl, logger })),
    clock: () => new Date(),
    logger,
    sender: m.sender,
  });
  const t0 = performance.now();
  const planned = await services.checkins.plan();
  const tPlanned = performance.now();
  for (;;) {
    await services.sender.deliverDue();
    await services.sender.idle();
    const left =
      await sql`select count(*)::int as n, min(case when status = 'pending' then not_before else claimed_until end) as next
      from deliveries where status in ('pending', 'sending')`.execute(database.db);
    if (Number(left.rows[0]?.n ?? 0) === 0) break;
    const next = left.rows[0]?.next;
    await new Promise((r) =>
      setTimeout(r, Math.min(1_000, Math.max(5, (next ? new Date(next).getTime() : Date.now()) - Date.now()))),
    );
  }
  const tDone = performance.now();
  clearInterval(timer);
  peak = Math.max(peak, rssNow());
  // What is still alive once the run is over (needs --expose-gc; the benchmark passes it).
  globalThis.gc?.();
  const liveAfter = process.memoryUsage().heapUsed;
  await database.close();
  process.send({
    type: 'done',
    planned,
    planMs: tPlanned - t0,
    deliveryMs: tDone - tPlanned,
    rssBefore,
    rssPeak: peak,
    warnings,
    heap: { ...heap, liveAfter },
  });
});
process.send({ type: 'ready' });
