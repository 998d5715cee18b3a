import { createRepositories } from '../../src/db/repositories/index.js';
import { PNG } from 'pngjs';
import { describe, expect } from 'vitest';
import { chartMeasures, programChartSpec, type ChartRow } from '../../src/charts/program-chart.js';
import { renderPng } from '../../src/charts/render.js';
import { createServices } from '../../src/services/index.js';
import { createWebApiPort, createWebClient } from '../../src/slack/web-api-port.js';
import type { FakeFile, FakeMessage } from '../support/fake-slack.js';
import { botToken } from '../support/harness.js';
import { seedProgram, worldTest, type World } from '../support/world.js';

/**
 * The chart that comes with the Monday digest and the program summary, end to end: the real bot
 * against the fake Slack over HTTP, a pinned clock, PostgreSQL. Program "Backend" in Denver from
 * Monday 2027-01-11: check-ins Mondays 10:00 (17:00Z), standups Fridays 10:00 in each mentor's zone,
 * the digest Mondays 09:00 (16:00Z). Ada (Berlin) mentors M1 and M2, Lee (Los Angeles) mentors M3.
 */
let h: World;
const ADMIN = 'UADMIN';
const ADA = 'UADA';
const LEE = 'ULEE';
const [M1, M2, M3] = ['UMENTEE1', 'UMENTEE2', 'UMENTEE3'] as const;
const ALERTS = 'GALERTS';
const PROGRAM = 'Backend';
const people = [ADMIN, ADA, LEE, M1, M2, M3, 'Ada Mentor', 'Lee Mentor'];

async function ticks(...at: string[]) {
  for (const t of at) await h.tick(t);
}

const alertsChannel = () => h.slack.conversations.get(ALERTS)?.messages ?? [];
const digests = () => alertsChannel().filter((m) => m.metadata?.event_payload?.kind === 'digest');
const charts = (): FakeFile[] => h.slack.files.filter((f) => f.completed && f.channel_id === ALERTS);

async function answer(user: string, mentor: string, mentee: string, value: 'met' | 'not_yet') {
  const checkin = h.messagesTo(h.pairConversation(mentor, mentee)?.id, 'checkin').at(-1);
  if (!checkin) throw new Error('no check-in in that pair conversation');
  const res = await h.click(user, checkin, `checkin_answer:${value}`);
  expect(res.status).toBe(200);
}

/** The mentor's standup for this week, filled in: met and hours per mentee. */
async function standup(mentor: string, perMentee: Record<string, { met: 'yes' | 'no'; hours: string }>) {
  const prompt = h.messagesTo(mentor, 'standup_prompt').at(-1) as FakeMessage;
  const value = /"value":"(\d+)"/.exec(JSON.stringify(prompt.blocks))?.[1];
  const view = await h.viewOpenedBy(() =>
    h.sender.action({
      user: mentor,
      trigger_id: '1.2.s',
      actions: [{ type: 'button', action_id: 'standup_open', value, action_ts: '1' }],
      container: { type: 'message', channel_id: prompt.channel, message_ts: prompt.ts },
      channel: { id: prompt.channel },
      message: { ts: prompt.ts },
    }),
  );
  const ids = await h.database.db.selectFrom('pairings').select(['id', 'mentee_id']).execute();
  const values: Record<string, Record<string, unknown>> = {};
  for (const b of view.blocks) {
    const m = /^(status|met|hours|concerns)_(\d+)$/.exec(b.block_id ?? '');
    if (!m) continue;
    const mentee = ids.find((p) => p.id === Number(m[2]))?.mentee_id ?? '';
    const a = perMentee[mentee] ?? { met: 'yes', hours: '0' };
    const field = m[1];
    values[b.block_id as string] = {
      value:
        field === 'status'
          ? { type: 'static_select', selected_option: { value: 'on_track' } }
          : field === 'met'
            ? { type: 'static_select', selected_option: { value: a.met } }
            : { type: 'plain_text_input', value: field === 'hours' ? a.hours : null },
    };
  }
  const res = await h.submit(mentor, view, { values });
  expect(res.status).toBe(200);
}

/** The four figures as the digest's text states them. */
function digestNumbers(digest: FakeMessage) {
  const text = JSON.stringify(digest.blocks);
  const rate = /\*Check-in answer rate:\* (\d+%)/.exec(text)?.[1];
  const met = /\*Pairs that met:\* (\d+) of (\d+)/.exec(text);
  const alerts = /\*Open alerts at the week’s end:\* (\d+)/.exec(text)?.[1];
  const hours = /\*Hours logged:\* (\d+\.\d\d)/.exec(text)?.[1];
  return { answerRate: rate, pairsMet: met?.[1], pairs: met?.[2], openAlerts: alerts, hours };
}

/** The chart's data for one week, as labelled on its bars. */
function chartWeek(rows: ChartRow[], week: string) {
  const label = (m: keyof typeof chartMeasures) => rows.find((r) => r.week === week && r.measure === m)?.label;
  return { answerRate: label('answerRate'), pairsMet: label('pairsMet'), openAlerts: label('openAlerts'), hours: label('hours') };
}

function decodePng(bytes: Buffer | undefined) {
  expect(bytes).toBeDefined();
  const buf = bytes as Buffer;
  expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  const png = PNG.sync.read(buf);
  // The bars are drawn: many pixels of their colour (#4c78a8).
  let bar = 0;
  for (let i = 0; i < png.data.length; i += 4)
    if (png.data[i] === 0x4c && png.data[i + 1] === 0x78 && png.data[i + 2] === 0xa8) bar++;
  return {
    width: png.width,
    height: png.height,
    barPixels: bar,
    ihdr: { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) },
  };
}

async function program() {
  return h.database.db.selectFrom('programs').selectAll().executeTakeFirstOrThrow();
}

const test = worldTest({ admins: [ADMIN], now: '2027-01-10T12:00:00Z' });

test.beforeEach(async ({ world }) => {
  h = world;
  await h.reset({ clearFiles: true });
  await seedProgram(h, {
    people: [
      { id: ADMIN, name: 'sam', tz: 'America/Denver' },
      { id: ADA, name: 'ada', real_name: 'Ada Mentor', tz: 'Europe/Berlin' },
      { id: LEE, name: 'lee', real_name: 'Lee Mentor', tz: 'America/Los_Angeles' },
      ...[M1, M2, M3].map((m) => ({ id: m, name: m.toLowerCase(), tz: 'America/New_York' })),
    ],
    at: '2027-01-10T12:00:00Z',
    program: { name: PROGRAM },
    pairs: [
      [ADA, M1],
      [ADA, M2],
      [LEE, M3],
    ],
  });
});

/** Week 1 (from 11 Jan): M1's pair both say met, M2 says not yet, M3's pair is silent; Ada reports 1.5 h with M1. */
async function weekOne() {
  await ticks('2027-01-11T17:00:00Z', '2027-01-11T17:01:00Z');
  await answer(ADA, ADA, M1, 'met');
  await answer(M1, ADA, M1, 'met');
  await answer(M2, ADA, M2, 'not_yet');
  await h.tandem.services.sender.idle();
  // The week goes on: reminders, then alerts for the unanswered check-ins.
  await ticks('2027-01-12T20:00:00Z', '2027-01-13T20:00:00Z', '2027-01-14T20:00:00Z', '2027-01-15T09:00:00Z');
  await standup(ADA, { [M1]: { met: 'yes', hours: '1.5' }, [M2]: { met: 'no', hours: '0' } });
  await ticks('2027-01-15T18:00:00Z', '2027-01-16T07:30:00Z');
}

describe('the Monday digest carries a chart', () => {
  test('one PNG per digest in the alerts channel, its data the digest’s numbers, from the same read model', async () => {
    await weekOne();
    await ticks('2027-01-18T16:00:00Z', '2027-01-18T16:01:00Z');
    expect(digests()).toHaveLength(1);
    expect(charts()).toHaveLength(1);

    // Week 2 (from 18 Jan): everyone but M3 answers "met"; both mentors report.
    await ticks('2027-01-18T17:00:00Z', '2027-01-18T17:01:00Z');
    for (const [user, mentor, mentee] of [
      [ADA, ADA, M1],
      [M1, ADA, M1],
      [ADA, ADA, M2],
      [M2, ADA, M2],
      [LEE, LEE, M3],
    ] as const)
      await answer(user, mentor, mentee, 'met');
    await ticks('2027-01-19T20:00:00Z', '2027-01-22T09:00:00Z');
    await standup(ADA, { [M1]: { met: 'yes', hours: '1' }, [M2]: { met: 'yes', hours: '2' } });
    await h.tick('2027-01-22T18:00:00Z');
    await standup(LEE, { [M3]: { met: 'yes', hours: '0.25' } });
    await ticks('2027-01-25T15:59:00Z', '2027-01-25T16:00:00Z', '2027-01-25T16:01:00Z', '2027-01-25T16:30:00Z');

    expect(digests()).toHaveLength(2);
    const files = charts();
    expect(files).toHaveLength(2);
    expect(h.slack.callsTo('files.completeUploadExternal')).toHaveLength(2);

    // The digests say, week by week:
    const [first, second] = digests().map(digestNumbers);
    expect(first).toMatchObject({ answerRate: '50%', pairsMet: '1', pairs: '3', hours: '1.50' });
    expect(second).toMatchObject({ answerRate: '83%', pairsMet: '3', pairs: '3', hours: '3.25' });

    // The read model gives the chart the same numbers: the spec's data for the same weeks.
    const weeks = await createRepositories(h.database.db).figures.weeks(await program(), ['2027-W02', '2027-W03']);
    const spec = programChartSpec(PROGRAM, weeks);
    const rows = spec.data.values;
    expect(chartWeek(rows, '11 Jan')).toEqual({
      answerRate: first?.answerRate,
      pairsMet: first?.pairsMet,
      openAlerts: first?.openAlerts,
      hours: first?.hours,
    });
    expect(chartWeek(rows, '18 Jan')).toEqual({
      answerRate: second?.answerRate,
      pairsMet: second?.pairsMet,
      openAlerts: second?.openAlerts,
      hours: second?.hours,
    });
    // Open alerts at the week's end: the check-ins nobody answered in week 1 raised some, still open.
    expect(Number(first?.openAlerts)).toBeGreaterThan(0);

    // The uploaded file is a PNG that decodes, and it is exactly that spec drawn: same data, same picture.
    const png = decodePng(files[1]?.content);
    expect(png.ihdr).toEqual({ width: png.width, height: png.height });
    expect(png.width).toBeGreaterThanOrEqual(800);
    expect(png.height).toBeGreaterThanOrEqual(600);
    expect(png.barPixels).toBeGreaterThan(5_000);
    expect(Buffer.compare(files[1]?.content as Buffer, await renderPng(spec))).toBe(0);
    expect(files[1]).toMatchObject({ title: 'Weekly figures to the week of 18 Jan' });
    expect(files[1]?.filename).toMatch(/^tandem-weekly-figures-2027-01-18-d\d+\.png$/);

    // Axis labels are week start dates, the title is the program's name, nobody's name anywhere.
    expect(rows.map((r) => r.week)).toEqual(expect.arrayContaining(['11 Jan', '18 Jan']));
    expect(spec.title).toMatchObject({ text: PROGRAM });
    const specText = JSON.stringify(spec);
    for (const p of people) expect(specText).not.toContain(p);
    expect(specText).not.toMatch(/\d{4}-W\d\d/);

    // The message that carries it says the numbers in words.
    const share = alertsChannel()
      .filter((m) => m.files?.length)
      .at(-1);
    expect(share?.files?.[0]?.id).toBe(files[1]?.id);
    expect(share?.text).toContain(`Week of 18 Jan: check-in answer rate 83%, 3 of 3 pairs met, ${second?.openAlerts} open alert`);
    expect(share?.text).toContain('3.25 hours logged');
    // The chart follows its digest.
    const order = alertsChannel().filter((m) => m.metadata?.event_payload?.kind === 'digest' || m.files?.length);
    expect(order.map((m) => (m.files ? 'chart' : 'digest'))).toEqual(['digest', 'chart', 'digest', 'chart']);
  });

  test('an upload whose answer was lost is found in the channel by its name, not uploaded again', async () => {
    // A second bot on the same database whose Web API client gives up after 500 ms.
    const slack = createWebApiPort(createWebClient(botToken, { apiUrl: h.slack.url, logger: h.logger, timeoutMs: 500 }), {
      retryWaitMs: 2,
    });
    const s = createServices({
      db: h.database.db,
      slack,
      clock: h.tandem.services.clock,
      logger: h.logger,
      sender: { channelGapMs: 5, workspacePerMinute: 60_000 },
    });
    await weekOne();
    // Slack completes the upload and shares the file, but its answer comes too late.
    h.slack.inject('files.completeUploadExternal', { kind: 'timeout', ms: 1_500 });
    await h.tick('2027-01-18T16:00:00Z', s);
    expect(digests()).toHaveLength(1);
    expect(charts()).toHaveLength(1);
    const row = await h.database.db
      .selectFrom('deliveries')
      .selectAll()
      .where('kind', '=', 'digest_chart')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', may_have_posted: true, error: 'request_error' });

    h.setNow(new Date(row.not_before.getTime() + 1).toISOString());
    expect(await s.sender.deliverDue()).toEqual({ sent: 0, recovered: 1, retried: 0, failed: 0 });
    expect(charts()).toHaveLength(1);
    expect(h.slack.callsTo('files.getUploadURLExternal')).toHaveLength(1);
    expect(
      await h.database.db
        .selectFrom('deliveries')
        .select(['status', 'sent_channel'])
        .where('kind', '=', 'digest_chart')
        .executeTakeFirstOrThrow(),
    ).toEqual({ status: 'sent', sent_channel: ALERTS });
  });

  test('a chart that cannot be drawn is left out; the digest goes all the same', async () => {
    // An operator's CHART_FONT that is not there: every render fails.
    const s = createServices({
      db: h.database.db,
      slack: createWebApiPort(createWebClient(botToken, { apiUrl: h.slack.url, logger: h.logger })),
      clock: h.tandem.services.clock,
      logger: h.logger,
      chartFonts: ['/nowhere/NotoSansCJK-Regular.ttc'],
      sender: { channelGapMs: 5, workspacePerMinute: 60_000 },
    });
    await weekOne();
    const logsBefore = h.logs.lines.length;
    await h.tick('2027-01-18T16:00:00Z', s);
    expect(digests()).toHaveLength(1);
    expect(digestNumbers(digests()[0] as FakeMessage)).toMatchObject({ answerRate: '50%', pairsMet: '1', hours: '1.50' });
    expect(charts()).toHaveLength(0);
    expect(h.slack.callsTo('files.getUploadURLExternal')).toHaveLength(0);
    expect(await h.database.db.selectFrom('deliveries').select('kind').where('kind', '=', 'digest_chart').execute()).toEqual([]);
    const logged = h.logs.lines
      .slice(logsBefore)
      .map((l) => JSON.parse(l) as { msg: string; level: string; error?: { code?: string } });
    const failure = logged.find((l) => l.msg === 'chart not rendered; the text goes without it');
    expect(failure).toMatchObject({ level: 'warn', error: { code: 'ENOENT' } });
    expect(JSON.stringify(failure)).not.toContain(PROGRAM);
    // Not retried behind the digest's back: the next tick plans nothing more.
    await h.tick('2027-01-18T17:00:00Z', s);
    expect(digests()).toHaveLength(1);
    expect(charts()).toHaveLength(0);
  });
});

describe('the program summary carries a chart', () => {
  test('every week of the program, the same numbers as the summary’s text', async () => {
    await weekOne();
    // Six weeks from Mon 11 Jan: the program ends at midnight Denver, Mon 22 Feb (07:00Z).
    await ticks('2027-02-22T07:00:00Z', '2027-02-22T07:05:00Z');
    const summary = alertsChannel().filter((m) => m.metadata?.event_payload?.kind === 'program_summary');
    expect(summary).toHaveLength(1);
    const text = JSON.stringify(summary[0]?.blocks);
    expect(text).toContain('*Check-in answer rate:* 50% (3 of 6 answers)');
    expect(text).toContain('*Weeks a pair met:* 1 of 18 pair-weeks');
    expect(text).toContain('*Mentor hours:* 1.50');

    const files = charts().filter((f) => f.filename.startsWith('tandem-program-summary-'));
    expect(files).toHaveLength(1);
    const weeks = await createRepositories(h.database.db).figures.weeks(await program(), [
      '2027-W02',
      '2027-W03',
      '2027-W04',
      '2027-W05',
      '2027-W06',
      '2027-W07',
    ]);
    const spec = programChartSpec(PROGRAM, weeks);
    expect([...new Set(spec.data.values.map((r) => r.week))]).toEqual(['11 Jan', '18 Jan', '25 Jan', '1 Feb', '8 Feb', '15 Feb']);
    expect(chartWeek(spec.data.values, '11 Jan')).toMatchObject({ answerRate: '50%', pairsMet: '1', hours: '1.50' });
    const png = decodePng(files[0]?.content);
    expect(png.barPixels).toBeGreaterThan(1_000);
    expect(Buffer.compare(files[0]?.content as Buffer, await renderPng(spec))).toBe(0);
    const share = alertsChannel().find((m) => m.files?.[0]?.id === files[0]?.id);
    expect(share?.text).toContain('Backend, week by week.');
    expect(share?.text).toContain('Chart of 6 weeks, 11 Jan to 15 Feb');
  });
});
