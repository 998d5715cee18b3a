import { DateTime } from 'luxon';
import type { TopLevelSpec } from 'vega-lite';
import { answerRateLabel } from '../domain/answer-rate.js';
import { hoursLabel } from '../domain/hours.js';
import type { ProgramWeek } from '../domain/program-weeks.js';

/**
 * The weekly chart staff get with the Monday digest and the program summary: one small bar chart per
 * figure, one bar per week. Only numbers, week dates, fixed labels and the program's name: never a
 * person's name or anything else someone typed.
 */

export const chartMeasures = {
  answerRate: 'Check-in answer rate (%)',
  pairsMet: 'Pairs that met',
  openAlerts: 'Open alerts at the week’s end',
  hours: 'Hours logged',
} as const;
export type ChartMeasure = keyof typeof chartMeasures;

/** One bar: a figure of one week. `label` is written as the digest writes it (75%, 3.00). */
export type ChartRow = { measure: ChartMeasure; week: string; order: number; value: number | null; label: string };

/** "4 Jan": the week's Monday, as the axis shows it. */
export const chartWeekLabel = (monday: string) => DateTime.fromISO(monday, { zone: 'UTC' }).setLocale('en-GB').toFormat('d LLL');

/** The weeks a chart shows: the last 8 of those given (a digest), or up to a year of them (a summary). */
export const chartWeeks = (weeks: readonly ProgramWeek[], max = 8) => weeks.slice(-max);

export function chartRows(weeks: readonly ProgramWeek[]): ChartRow[] {
  return weeks.flatMap((w, order) => {
    const week = chartWeekLabel(w.monday);
    return [
      { measure: 'answerRate' as const, week, order, value: w.answerRate, label: answerRateLabel(w.answerRate, '') },
      { measure: 'pairsMet' as const, week, order, value: w.pairsMet, label: String(w.pairsMet) },
      { measure: 'openAlerts' as const, week, order, value: w.openAlerts, label: String(w.openAlerts) },
      { measure: 'hours' as const, week, order, value: Number(hoursLabel(w.minutes)), label: hoursLabel(w.minutes) },
    ];
  });
}

const width = 560;
const font = 'Noto Sans';

/** The vega-lite spec of the chart; its data (`data.values`) are exactly chartRows(weeks). */
export function programChartSpec(
  programName: string,
  weeks: readonly ProgramWeek[],
): TopLevelSpec & { data: { values: ChartRow[] } } {
  const rows = chartRows(weeks);
  const measures = Object.keys(chartMeasures) as ChartMeasure[];
  const panel = (measure: ChartMeasure, last: boolean) => {
    const integer = measure === 'pairsMet' || measure === 'openAlerts';
    const domain = measure === 'answerRate' ? [0, 100] : { unionWith: [0, integer ? 2 : 1] };
    const y = {
      field: 'value',
      type: 'quantitative' as const,
      title: null,
      scale: { domain },
      axis: { tickCount: 3, ...(integer ? { format: 'd', tickMinStep: 1 } : {}), grid: true },
    };
    return {
      width,
      height: 64,
      title: {
        text: chartMeasures[measure],
        anchor: 'start' as const,
        frame: 'group' as const,
        fontSize: 12,
        fontWeight: 'normal' as const,
        offset: 12,
      },
      transform: [{ filter: { field: 'measure', equal: measure } }],
      encoding: {
        x: {
          field: 'week',
          type: 'ordinal' as const,
          sort: { field: 'order', op: 'min' as const },
          title: null,
          axis: last ? { labelAngle: 0, labelOverlap: 'greedy' as const } : { labels: false, ticks: false, domain: true },
        },
      },
      layer: [
        { mark: { type: 'bar' as const, color: '#4c78a8' }, encoding: { y } },
        {
          mark: { type: 'text' as const, baseline: 'bottom' as const, dy: -2, fontSize: 10, color: '#333333' },
          encoding: { y: { field: 'value', type: 'quantitative' as const }, text: { field: 'label', type: 'nominal' as const } },
        },
      ],
    };
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: programName, anchor: 'start', fontSize: 16, limit: width, offset: 8 },
    background: 'white',
    padding: 16,
    data: { values: rows },
    vconcat: measures.map((m, i) => panel(m, i === measures.length - 1)),
    spacing: 18,
    config: {
      font,
      view: { stroke: null },
      axis: { labelFontSize: 11, labelColor: '#333333', domainColor: '#888888', tickColor: '#888888', gridColor: '#e6e6e6' },
    },
  } as TopLevelSpec & { data: { values: ChartRow[] } };
}

/** The chart in words, for the message that carries it (what a screen reader reads instead of the picture). */
export function chartDescription(weeks: readonly ProgramWeek[]): string {
  const first = weeks[0];
  const last = weeks.at(-1);
  if (!first || !last) return 'No weeks to show yet.';
  const of = (w: ProgramWeek) =>
    `check-in answer rate ${answerRateLabel(w.answerRate, 'n/a (no check-ins)')}, ${w.pairsMet} of ${w.pairs.length} pairs met, ${w.openAlerts} open alert${w.openAlerts === 1 ? '' : 's'} at the week’s end, ${hoursLabel(w.minutes)} hours logged`;
  const span =
    weeks.length === 1
      ? `the week of ${chartWeekLabel(first.monday)}`
      : `${weeks.length} weeks, ${chartWeekLabel(first.monday)} to ${chartWeekLabel(last.monday)}`;
  const lines = [`Chart of ${span}, one bar per week.`, `Week of ${chartWeekLabel(last.monday)}: ${of(last)}.`];
  if (weeks.length > 1) lines.push(`Week of ${chartWeekLabel(first.monday)}: ${of(first)}.`);
  return lines.join(' ');
}
