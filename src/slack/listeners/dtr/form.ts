import type { App } from '@slack/bolt';
import { firstInputBlockId } from '../kit/payload.js';
import { z } from 'zod';
import type { Services } from '../../../services/index.js';
import { readDtrModal } from '../../../messages/dtr.js';
import { dtrIds } from '../../../messages/ids.js';

const meta = z.object({
  m: z.enum(['kickoff', 'midmod', 'exit']),
  p: z.number().int().positive().nullable(),
  s: z.enum(['builtin', 'program']),
  v: z.number().int().positive(),
});

/** Slack waits three seconds for the answer to a submission; leave room for the network. */
const budgetMs = 2_500;

export function registerDtrSubmitView(app: App, services: Services): void {
  const log = services.logger.child({ component: 'dtr-submit' });

  app.view(dtrIds.view, async ({ ack, body, view }) => {
    let parsedMeta: z.infer<typeof meta> | null = null;
    try {
      parsedMeta = meta.parse(JSON.parse(view.private_metadata || 'null'));
    } catch {
      parsedMeta = null;
    }
    const values = readDtrModal(view.state);
    const firstBlock = firstInputBlockId(view.blocks) ?? 'name';
    if (!parsedMeta) {
      await ack({
        response_action: 'errors',
        errors: { [firstBlock]: 'This form is out of date. Close it and run the /dtr command again.' },
      });
      return;
    }
    const pairingId = parsedMeta.p ?? Number(values[dtrIds.pairingBlock] ?? NaN);
    if (!Number.isInteger(pairingId) || pairingId <= 0) {
      await ack({ response_action: 'errors', errors: { [dtrIds.pairingBlock]: 'Pick the partner this DTR is with.' } });
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), budgetMs);
    });
    try {
      // Who answers is who Slack says submitted; the pairing in the metadata is checked against them.
      const r = await Promise.race([
        services.dtr.submit(body.user.id, {
          milestone: parsedMeta.m,
          pairingId,
          ref: { source: parsedMeta.s, version: parsedMeta.v },
          values,
        }),
        timeout,
      ]);
      if (r === 'timeout') {
        await ack({
          response_action: 'errors',
          errors: {
            [firstBlock]: 'Tandem is slow to answer right now. Wait a moment and press Save again; nothing you typed is lost.',
          },
        });
        return;
      }
      if (!r.ok) {
        const errors =
          r.reason === 'fields' && 'errors' in r
            ? r.errors
            : {
                [parsedMeta.p === null ? dtrIds.pairingBlock : firstBlock]:
                  'message' in r ? r.message : 'Please check your answers.',
              };
        await ack({ response_action: 'errors', errors });
        return;
      }
      await ack();
    } catch (err) {
      log.error({ err }, 'saving a DTR failed');
      await ack({
        response_action: 'errors',
        errors: { [firstBlock]: 'Something went wrong on our side; nothing was saved. Press Save again in a minute.' },
      }).catch((err: unknown) => log.warn({ err }, 'could not answer the form'));
    } finally {
      clearTimeout(timer);
    }
  });
}
