import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import { chartDescription, chartRows, chartWeekLabel, chartWeeks, programChartSpec } from '../../src/charts/program-chart.js';
import { renderPng, shippedChartFont } from '../../src/charts/render.js';
import { answerRate, answerRateLabel } from '../../src/domain/answer-rate.js';
import { programWeekKeys, weeksEndingAt, type ProgramWeek } from '../../src/domain/program-weeks.js';

const week = (monday: string, f: Partial<ProgramWeek> = {}): ProgramWeek => ({
  weekKey: 'unused',
  monday,
  pairs: [],
  checkins: 0,
  answers: 0,
  answerRate: null,
  pairsMet: 0,
  openAlerts: 0,
  minutes: 0,
  ...f,
});

describe('the answer rate', () => {
  test('answers over the two asked per check-in, in whole percent; nothing asked is no rate at all', () => {
    expect(answerRate(0, 0)).toBeNull();
    expect(answerRate(3, 3)).toBe(50);
    expect(answerRate(5, 3)).toBe(83);
    expect(answerRate(2, 1)).toBe(100);
    expect(answerRate(1, 1)).toBe(50);
    expect(answerRateLabel(answerRate(1, 3), 'none')).toBe('17%');
    expect(answerRateLabel(null, 'not asked yet')).toBe('not asked yet');
  });

  test('is computed in one place only', () => {
    const src = fileURLToPath(new URL('../../src/', import.meta.url));
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const percentages = files.filter((f) => /Math\.round\(\(100 \*/.test(readFileSync(path.join(src, f), 'utf8')));
    expect(percentages).toEqual([path.join('domain', 'answer-rate.ts')]);
  });
});

describe('program weeks', () => {
  const program = { start_date: '2027-01-13', length_weeks: 2, time_zone: 'America/Denver' };

  test('a program starting mid-week runs in the ISO weeks of its first and last days', () => {
    expect(programWeekKeys(program)).toEqual(['2027-W02', '2027-W03', '2027-W04']);
    expect(programWeekKeys({ start_date: '2026-12-28', length_weeks: 2, time_zone: 'Pacific/Auckland' })).toEqual([
      '2026-W53',
      '2027-W01',
    ]);
  });

  test('a digest shows up to 8 weeks before its own, none before the program', () => {
    expect(weeksEndingAt(program, '2027-W03', 8)).toEqual(['2027-W02', '2027-W03']);
    const long = { start_date: '2026-11-02', length_weeks: 20, time_zone: 'UTC' };
    expect(weeksEndingAt(long, '2027-W02', 8)).toEqual([
      '2026-W48',
      '2026-W49',
      '2026-W50',
      '2026-W51',
      '2026-W52',
      '2026-W53',
      '2027-W01',
      '2027-W02',
    ]);
  });
});

describe('the chart', () => {
  const pairs = [1, 2, 3].map((pairingId) => ({
    pairingId,
    mentorId: 'UMENTOR',
    menteeId: `UMENTEE${pairingId}`,
    checkins: 1,
    answers: 1,
    met: false,
    saidNotYet: false,
    minutes: 0,
  }));
  const weeks = [
    week('2027-01-11', { pairs, checkins: 3, answers: 3, answerRate: 50, pairsMet: 1, openAlerts: 3, minutes: 90 }),
    week('2027-01-18', { pairs, checkins: 3, answers: 5, answerRate: 83, pairsMet: 3, openAlerts: 5, minutes: 195 }),
  ];

  test('its data: four figures per week, labelled as the digest writes them, weeks by their Monday', () => {
    expect(chartWeekLabel('2027-01-04')).toBe('4 Jan');
    expect(chartRows(weeks).filter((r) => r.week === '18 Jan')).toEqual([
      { measure: 'answerRate', week: '18 Jan', order: 1, value: 83, label: '83%' },
      { measure: 'pairsMet', week: '18 Jan', order: 1, value: 3, label: '3' },
      { measure: 'openAlerts', week: '18 Jan', order: 1, value: 5, label: '5' },
      { measure: 'hours', week: '18 Jan', order: 1, value: 3.25, label: '3.25' },
    ]);
    expect(chartRows([week('2027-01-04')])[0]).toMatchObject({ measure: 'answerRate', value: null, label: '' });
    expect(programChartSpec('Backend', weeks).data.values).toEqual(chartRows(weeks));
    expect(chartWeeks(Array.from({ length: 12 }, (_, i) => week(`2027-01-0${i}`)))).toHaveLength(8);
  });

  test('in words', () => {
    expect(chartDescription(weeks)).toBe(
      'Chart of 2 weeks, 11 Jan to 18 Jan, one bar per week. Week of 18 Jan: check-in answer rate 83%, 3 of 3 pairs met, 5 open alerts at the week’s end, 3.25 hours logged. Week of 11 Jan: check-in answer rate 50%, 1 of 3 pairs met, 3 open alerts at the week’s end, 1.50 hours logged.',
    );
  });

  test('draws to a PNG that decodes, the same bytes every time, whatever the program is called', async () => {
    const hostile = '<script>&amp; "Ελληνικά" </svg> Кириллица ' + 'x'.repeat(300);
    const a = await renderPng(programChartSpec(hostile, weeks));
    const b = await renderPng(programChartSpec(hostile, weeks));
    expect(Buffer.compare(a, b)).toBe(0);
    const png = PNG.sync.read(a);
    expect(png.width).toBeGreaterThan(1000);
    expect(png.height).toBeGreaterThan(800);
    const spec = programChartSpec(hostile, weeks);
    expect(spec.title).toMatchObject({ text: hostile });
    // The program's name is the only text from people: nobody's id or name reaches the picture.
    expect(JSON.stringify(spec)).not.toMatch(/UMENTOR|UMENTEE/);
  });

  test('a font file that is not a font is refused, by name', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tandem-font-'));
    const notFont = path.join(dir, 'font.ttf');
    writeFileSync(notFont, 'hello');
    await expect(renderPng(programChartSpec('Backend', weeks), { extraFonts: [notFont] })).rejects.toThrow(
      /not a TrueType or OpenType font/,
    );
    expect(shippedChartFont()).toMatch(/assets\/fonts\/NotoSans-Regular\.ttf$/);
  });

  test('vega, vega-lite and resvg are never imported at start-up, only when a chart is drawn', () => {
    const src = fileURLToPath(new URL('../../src/', import.meta.url));
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const eager = files.filter((f) =>
      /^import (?!type )[^;]*from '(vega|vega-lite|@resvg\/resvg-js)'/m.test(readFileSync(path.join(src, f), 'utf8')),
    );
    expect(eager).toEqual([]);
    // The renderer itself is reached through a dynamic import only.
    const renderers = files.filter((f) =>
      /^import [^;]*from '[./]*charts\/render\.js'/m.test(readFileSync(path.join(src, f), 'utf8')),
    );
    expect(renderers).toEqual([]);
  });
});
