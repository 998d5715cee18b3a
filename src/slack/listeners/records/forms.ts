import { formErrors } from '../kit/form-errors.js';
import type { App } from '@slack/bolt';
import { firstInputBlockId } from '../kit/payload.js';
import { z } from 'zod';
import type { Services } from '../../../services/index.js';
import { standupPageSize } from '../../../messages/standup.js';
import { filledValue } from '../../../messages/form-state.js';
import { sessionLogIds, standupIds } from '../../../messages/ids.js';
import { form } from '../kit/form.js';

const standupMeta = z.object({ s: z.number().int().positive(), page: z.number().int().min(0) });
const logMeta = z.object({ id: z.number().int().positive().nullable() });
const f = sessionLogIds.fields;
// The service's field names -> the form's blocks.
const logFieldBlocks = {
  pairingId: f.pairing,
  sessionDate: f.date,
  minutes: f.minutes,
  done: f.done,
  homework: f.homework,
  privateNotes: f.privateNotes,
};

export function registerRecordsViews(app: App, services: Services): void {
  const log = services.logger.child({ component: 'records-views' });

  app.view(
    standupIds.view,
    form(
      log,
      {
        metadata: standupMeta,
        outOfDate: 'This form is out of date; open the standup again.',
        formWide: standupIds.generalNote,
        submit: 'Submit',
      },
      async ({ actor, meta, view }) => {
        const r = await services.standups.forMentor(actor, meta.s);
        if (!r.ok) return { errors: { [firstInputBlockId(view.blocks) ?? standupIds.generalNote]: r.message } };
        const onPage = r.mentees.slice(meta.page * standupPageSize, (meta.page + 1) * standupPageSize);
        const entries = onPage.map((m) => ({
          pairingId: m.pairingId,
          status: filledValue(view.state, standupIds.field('status', m.pairingId)) ?? '',
          met: filledValue(view.state, standupIds.field('met', m.pairingId)) ?? '',
          hours: filledValue(view.state, standupIds.field('hours', m.pairingId)) ?? '',
          concerns: filledValue(view.state, standupIds.field('concerns', m.pairingId)),
        }));
        const last = meta.page >= r.pages - 1;
        const general = last ? { generalNote: filledValue(view.state, standupIds.generalNote) } : null;
        const saved = await services.standups.savePage(actor, meta.s, entries, general);
        if (!saved.ok) return { errors: 'errors' in saved ? saved.errors : { [standupIds.generalNote]: saved.message } };
        if (last) return;
        // A page at a time keeps a long list of mentees inside one modal's 100 blocks.
        const next = await services.standups.form(actor, meta.s, meta.page + 1);
        if (next.ok) return { update: next.view };
      },
    ),
  );

  app.view(
    sessionLogIds.view,
    form(
      log,
      { metadata: logMeta, outOfDate: 'This form is out of date; open it again.', formWide: f.pairing, submit: 'Save' },
      async ({ actor, meta, view, client }) => {
        const r = await services.records.saveLog(
          actor,
          {
            pairingId: filledValue(view.state, f.pairing) ?? '',
            sessionDate: filledValue(view.state, f.date) ?? '',
            minutes: filledValue(view.state, f.minutes) ?? '',
            done: filledValue(view.state, f.done),
            homework: filledValue(view.state, f.homework),
            privateNotes: filledValue(view.state, f.privateNotes),
          },
          meta.id ?? undefined,
          typeof view.id === 'string' && view.id !== '' ? view.id : undefined,
        );
        if (!r.ok) return { errors: formErrors(r, logFieldBlocks, f.pairing) };
        return { afterAck: () => client.chat.postEphemeral({ channel: actor, user: actor, ...r.confirmation }) };
      },
    ),
  );
}
