import { formErrors } from '../kit/form-errors.js';
import type { App } from '@slack/bolt';
import { firstInputBlockId } from '../kit/payload.js';
import { z } from 'zod';
import type { Services } from '../../../services/index.js';
import { standupPageSize } from '../../../messages/standup.js';
import { filledValue } from '../../../messages/form-state.js';
import { sessionLogIds, standupIds } from '../../../messages/ids.js';

const parseJson = (s: string | undefined) => {
  try {
    return JSON.parse(s || 'null') as unknown;
  } catch {
    return null;
  }
};

const standupMeta = z.object({ s: z.number().int().positive(), page: z.number().int().min(0) });
const logMeta = z.object({ id: z.number().int().positive().nullable() });

export function registerRecordsViews(app: App, services: Services): void {
  const log = services.logger.child({ component: 'records-views' });

  app.view(standupIds.view, async ({ ack, body, view }) => {
    const meta = standupMeta.safeParse(parseJson(view.private_metadata));
    if (!meta.success) {
      await ack({
        response_action: 'errors',
        errors: { [standupIds.generalNote]: 'This form is out of date; open the standup again.' },
      });
      return;
    }
    const actor = body.user.id;
    try {
      const r = await services.standups.forMentor(actor, meta.data.s);
      if (!r.ok) {
        await ack({
          response_action: 'errors',
          errors: { [firstInputBlockId(view.blocks) ?? standupIds.generalNote]: r.message },
        });
        return;
      }
      const pages = r.pages;
      const onPage = r.mentees.slice(meta.data.page * standupPageSize, (meta.data.page + 1) * standupPageSize);
      const entries = onPage.map((m) => ({
        pairingId: m.pairingId,
        status: filledValue(view.state, standupIds.field('status', m.pairingId)) ?? '',
        met: filledValue(view.state, standupIds.field('met', m.pairingId)) ?? '',
        hours: filledValue(view.state, standupIds.field('hours', m.pairingId)) ?? '',
        concerns: filledValue(view.state, standupIds.field('concerns', m.pairingId)),
      }));
      const last = meta.data.page >= pages - 1;
      const saved = await services.standups.savePage(
        actor,
        meta.data.s,
        entries,
        last ? { generalNote: filledValue(view.state, standupIds.generalNote) } : null,
      );
      if (!saved.ok) {
        await ack({
          response_action: 'errors',
          errors: 'errors' in saved ? saved.errors : { [standupIds.generalNote]: saved.message },
        });
        return;
      }
      if (!last) {
        // A page at a time keeps a long list of mentees inside one modal's 100 blocks.
        const next = await services.standups.form(actor, meta.data.s, meta.data.page + 1);
        if (next.ok) {
          await ack({ response_action: 'update', view: next.view });
          return;
        }
      }
      await ack();
    } catch (err) {
      log.error({ err }, 'saving the standup failed');
      await ack({
        response_action: 'errors',
        errors: {
          [standupIds.generalNote]: 'Something went wrong on our side; nothing was lost. Press Submit again in a minute.',
        },
      }).catch((err: unknown) => log.warn({ err }, 'could not answer the form'));
    }
  });

  app.view(sessionLogIds.view, async ({ ack, body, view, client }) => {
    const meta = logMeta.safeParse(parseJson(view.private_metadata));
    const f = sessionLogIds.fields;
    if (!meta.success) {
      await ack({ response_action: 'errors', errors: { [f.pairing]: 'This form is out of date; open it again.' } });
      return;
    }
    try {
      const r = await services.records.saveLog(
        body.user.id,
        {
          pairingId: filledValue(view.state, f.pairing) ?? '',
          sessionDate: filledValue(view.state, f.date) ?? '',
          minutes: filledValue(view.state, f.minutes) ?? '',
          done: filledValue(view.state, f.done),
          homework: filledValue(view.state, f.homework),
          privateNotes: filledValue(view.state, f.privateNotes),
        },
        meta.data.id ?? undefined,
        typeof view.id === 'string' && view.id !== '' ? view.id : undefined,
      );
      if (!r.ok) {
        await ack({
          response_action: 'errors',
          errors: formErrors(
            r,
            {
              pairingId: f.pairing,
              sessionDate: f.date,
              minutes: f.minutes,
              done: f.done,
              homework: f.homework,
              privateNotes: f.privateNotes,
            },
            f.pairing,
          ),
        });
        return;
      }
      await ack();
      await client.chat
        .postEphemeral({ channel: body.user.id, user: body.user.id, ...r.confirmation })
        .catch((err: unknown) => log.warn({ err }, 'could not confirm the session log'));
    } catch (err) {
      log.error({ err }, 'saving a session log failed');
      await ack({
        response_action: 'errors',
        errors: { [f.pairing]: 'Something went wrong on our side; nothing was saved. Press Save again in a minute.' },
      }).catch((err: unknown) => log.warn({ err }, 'could not answer the form'));
    }
  });
}
