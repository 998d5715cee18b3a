import type { App } from '@slack/bolt';
import { firstInputBlockId } from '../kit/payload.js';
import { z } from 'zod';
import type { Services } from '../../../services/index.js';
import { readDtrModal } from '../../../messages/dtr.js';
import { dtrIds } from '../../../messages/ids.js';
import { form, submissionBudgetMs } from '../kit/form.js';

const meta = z.object({
  m: z.enum(['kickoff', 'midmod', 'exit']),
  p: z.number().int().positive().nullable(),
  s: z.enum(['builtin', 'program']),
  v: z.number().int().positive(),
});

export function registerDtrSubmitView(app: App, services: Services): void {
  const log = services.logger.child({ component: 'dtr-submit' });
  const formWide = (view: { blocks: unknown }) => firstInputBlockId(view.blocks) ?? 'name';

  app.view(
    dtrIds.view,
    form(
      log,
      {
        metadata: meta,
        outOfDate: 'This form is out of date. Close it and run the /dtr command again.',
        formWide,
        submit: 'Save my part',
        budgetMs: submissionBudgetMs,
      },
      async ({ actor, meta, view }) => {
        const values = readDtrModal(view.state);
        const pairingId = meta.p ?? Number(values[dtrIds.pairingBlock] ?? NaN);
        if (!Number.isInteger(pairingId) || pairingId <= 0)
          return { errors: { [dtrIds.pairingBlock]: 'Pick the partner this DTR is with.' } };
        // The pairing in the metadata (or picked in the form) is checked against who submitted.
        const r = await services.dtr.submit(actor, {
          milestone: meta.m,
          pairingId,
          ref: { source: meta.s, version: meta.v },
          values,
        });
        if (r.ok) return;
        if (r.reason === 'fields' && 'errors' in r) return { errors: r.errors };
        return {
          errors: {
            [meta.p === null ? dtrIds.pairingBlock : formWide(view)]: 'message' in r ? r.message : 'Please check your answers.',
          },
        };
      },
    ),
  );
}
