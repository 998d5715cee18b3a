import { chartDescription, chartWeekLabel, programChartSpec } from '../../charts/program-chart.js';
import type { DeliveryPayload } from '../../db/schema.js';
import type { Logger } from '../../logger.js';
import { escapeMrkdwn, type UserText } from '../../messages/text.js';
import type { ProgramWeek } from '../../domain/program-weeks.js';

/**
 * Charts for staff, rendered when a digest or a summary is planned and queued in the outbox with it,
 * as a file for the alerts channel. A chart that cannot be rendered is logged and left out: the text
 * it goes with is sent all the same.
 */
export function createChartService(deps: { logger: Logger; fonts?: readonly string[] }) {
  const log = deps.logger.child({ component: 'charts' });

  return {
    /**
     * The program's weekly figures as a PNG file payload: the picture carries the program's name as its
     * title, and the comment says the numbers in words. Null when rendering failed.
     */
    async programChart(
      program: { id: number; name: UserText },
      weeks: readonly ProgramWeek[],
      purpose: 'digest' | 'summary',
    ): Promise<DeliveryPayload | null> {
      const last = weeks.at(-1);
      if (!last) return null;
      const started = Date.now();
      try {
        // Loaded on the first chart only: vega is large, and start-up does not need it.
        const { renderPng } = await import('../../charts/render.js');
        const png = await renderPng(programChartSpec(program.name, weeks), { extraFonts: deps.fonts ?? [] });
        log.info(
          { programId: program.id, purpose, weeks: weeks.length, bytes: png.length, ms: Date.now() - started },
          'chart rendered',
        );
        const what =
          purpose === 'digest'
            ? `Weekly figures for ${escapeMrkdwn(program.name)}`
            : `${escapeMrkdwn(program.name)}, week by week`;
        return {
          text: `${what}. ${chartDescription(weeks)}`,
          file: {
            filename:
              purpose === 'digest' ? `tandem-weekly-figures-${last.monday}.png` : `tandem-program-summary-${last.monday}.png`,
            title:
              purpose === 'digest'
                ? `Weekly figures to the week of ${chartWeekLabel(last.monday)}`
                : 'Program figures, week by week',
            base64: png.toString('base64'),
          },
        };
      } catch (err) {
        // Only what went wrong, never the program's name or anything else someone typed.
        const e = err as { name?: unknown; code?: unknown; message?: unknown };
        const message =
          typeof e.message === 'string' ? e.message.split(program.name).join('[program name]').slice(0, 300) : undefined;
        log.warn(
          { programId: program.id, purpose, error: { name: e.name, code: e.code, message } },
          'chart not rendered; the text goes without it',
        );
        return null;
      }
    },
  };
}

export type ChartService = ReturnType<typeof createChartService>;
