import type { App } from '@slack/bolt';
import type { Services } from '../../../services/index.js';
import type { FormState } from '../../../messages/form-state.js';
import { readProgramModal } from '../../../messages/program-modal.js';
import { ids } from '../../../messages/ids.js';

/** Slack waits three seconds for the answer to a submission; leave room for the network. */
const submissionBudgetMs = 2_500;

type SaveOutcome = { ok: true } | { ok: false; message: string; fields?: Record<string, string> };

/**
 * The program form's submission, new or edited: saved within Slack's three seconds (or the modal
 * stays open saying so, nothing typed lost), field errors back on their fields, and on success a DM
 * to the staff member through the outbox.
 */
function registerProgramForm(
  app: App,
  services: Services,
  form: {
    callbackId: string;
    component: string;
    button: string;
    save: (
      actor: string,
      view: { id: string; hash?: string; private_metadata?: string; state?: FormState },
    ) => Promise<SaveOutcome>;
  },
): void {
  const log = services.logger.child({ component: form.component });
  app.view(form.callbackId, async ({ ack, body, view }) => {
    const actor = body.user.id;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), submissionBudgetMs);
    });
    try {
      const result = await Promise.race([form.save(actor, view), timeout]);
      if (result === 'timeout') {
        await ack({
          response_action: 'errors',
          errors: {
            [ids.programFields.name]: `Tandem is slow to answer right now. Wait a moment and press ${form.button} again.`,
          },
        });
        return;
      }
      if (!result.ok) {
        await ack({
          response_action: 'errors',
          errors: onlyKnownBlocks(result.fields ?? { [ids.programFields.name]: result.message }, result.message),
        });
        return;
      }
      await ack();
    } catch (err) {
      log.error({ err }, 'program form failed');
      await ack({
        response_action: 'errors',
        errors: {
          [ids.programFields.name]:
            `Something went wrong on our side; nothing was saved. Press ${form.button} again in a minute.`,
        },
      }).catch((err: unknown) => log.warn({ err }, 'could not answer the form'));
    } finally {
      clearTimeout(timer);
    }
  });
}

export function registerProgramNewView(app: App, services: Services): void {
  registerProgramForm(app, services, {
    callbackId: ids.views.programNew,
    component: 'program-new',
    button: 'Create',
    save: (actor, view) => services.programs.create(actor, readProgramModal(view.state), { key: view.id }),
  });
  // The same form, editing a program (its id in private_metadata): saved settings apply from the next slot.
  registerProgramForm(app, services, {
    callbackId: ids.views.programEdit,
    component: 'program-edit',
    button: 'Save',
    save: async (actor, view) => {
      const programId = Number(view.private_metadata);
      if (!Number.isInteger(programId) || programId <= 0)
        return { ok: false, message: 'This form lost track of its program. Close it and run /tandem program edit again.' };
      return services.programs.update(actor, programId, readProgramModal(view.state), { key: `${view.id}:${view.hash ?? ''}` });
    },
  });
}

/** Slack rejects errors for block ids the view does not have; fold those onto the first field. */
function onlyKnownBlocks(errors: Record<string, string>, fallback: string): Record<string, string> {
  const known = new Set<string>(Object.values(ids.programFields));
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors)) {
    if (known.has(field)) out[field] = message;
    else out[ids.programFields.name] ??= message;
  }
  if (Object.keys(out).length === 0) out[ids.programFields.name] = fallback;
  return out;
}
