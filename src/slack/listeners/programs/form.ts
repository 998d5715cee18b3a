import type { App, ViewOutput } from '@slack/bolt';
import type { Services } from '../../../services/index.js';
import type { Logger } from '../../../logger.js';
import { form, submissionBudgetMs } from '../kit/form.js';
import { readProgramModal } from '../../../messages/program-modal.js';
import { ids } from '../../../messages/ids.js';

type SaveOutcome = { ok: true } | { ok: false; message: string; fields?: Record<string, string> };

/**
 * The program form's submission, new or edited: saved within Slack's three seconds (or the modal
 * stays open saying so, nothing typed lost), field errors back on their fields, and on success a DM
 * to the staff member through the outbox.
 */
function programForm(log: Logger, submit: string, save: (actor: string, view: ViewOutput) => Promise<SaveOutcome>) {
  return form(log, { formWide: ids.programFields.name, submit, budgetMs: submissionBudgetMs }, async ({ actor, view }) => {
    const result = await save(actor, view);
    if (!result.ok)
      return { errors: onlyKnownBlocks(result.fields ?? { [ids.programFields.name]: result.message }, result.message) };
  });
}

export function registerProgramNewView(app: App, services: Services): void {
  app.view(
    ids.views.programNew,
    programForm(services.logger.child({ component: 'program-new' }), 'Create', (actor, view) =>
      services.programs.create(actor, readProgramModal(view.state), { key: view.id }),
    ),
  );
  // The same form, editing a program (its id in private_metadata): saved settings apply from the next slot.
  app.view(
    ids.views.programEdit,
    programForm(services.logger.child({ component: 'program-edit' }), 'Save', async (actor, view) => {
      const programId = Number(view.private_metadata);
      if (!Number.isInteger(programId) || programId <= 0)
        return { ok: false, message: 'This form lost track of its program. Close it and run /tandem program edit again.' };
      return services.programs.update(actor, programId, readProgramModal(view.state), { key: `${view.id}:${view.hash ?? ''}` });
    }),
  );
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
