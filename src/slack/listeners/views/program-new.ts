import type { App } from '@slack/bolt';
import { weekdayName } from '../../../domain/weekdays.js';
import type { Services } from '../../../services/index.js';
import { readProgramModal } from '../../../messages/program-modal.js';
import { escapeMrkdwn } from '../../../messages/text.js';
import { ids } from '../../../messages/ids.js';

/** Slack waits three seconds for the answer to a submission; leave room for the network. */
const submissionBudgetMs = 2_500;

type ProgramSaved = { id: number; name: string; start_date: string; length_weeks: number; time_zone: string; checkin_weekday: number; checkin_time: string; standup_weekday: number; standup_time: string; alerts_channel_id: string | null };
type SaveOutcome = { ok: true; program: ProgramSaved } | { ok: false; message: string; fields?: Record<string, string> };

/**
 * The program form's submission, new or edited: saved within Slack's three seconds (or the modal
 * stays open saying so, nothing typed lost), field errors back on their fields, and on success a DM
 * to the staff member through the outbox.
 */
function registerProgramForm(
  app: App,
  services: Services,
  form: { callbackId: string; component: string; button: string; save: (actor: string, view: { private_metadata?: string; state?: unknown }) => Promise<SaveOutcome>; saved: (p: ProgramSaved, view: { id: string; hash?: string }) => { dedupeKey: string; kind: string; text: string } },
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
        await ack({ response_action: 'errors', errors: { [ids.programFields.name]: `Tandem is slow to answer right now. Wait a moment and press ${form.button} again.` } });
        return;
      }
      if (!result.ok) {
        await ack({ response_action: 'errors', errors: onlyKnownBlocks(result.fields ?? { [ids.programFields.name]: result.message }, result.message) });
        return;
      }
      await ack();
      const note = form.saved(result.program, view);
      await services.repos.deliveries.enqueue({ dedupeKey: note.dedupeKey, kind: note.kind, channel: actor, payload: { text: note.text }, notBefore: services.clock() });
      services.sender.kick();
    } catch (err) {
      log.error({ err }, 'program form failed');
      await ack({ response_action: 'errors', errors: { [ids.programFields.name]: `Something went wrong on our side; nothing was saved. Press ${form.button} again in a minute.` } }).catch(() => undefined);
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
    save: (actor, view) => services.programs.create(actor, readProgramModal(view.state as never) as never),
    saved: (p) => ({
      dedupeKey: `program-created:${p.id}`,
      kind: 'program_created',
      text: `Program “${escapeMrkdwn(p.name)}” is ready: starts ${p.start_date} for ${p.length_weeks} weeks (${p.time_zone}). Check-ins go out ${weekdayName(p.checkin_weekday)} at ${p.checkin_time}; alerts go to <#${p.alerts_channel_id}>. Pair people with \`/tandem pair @mentor @mentee ${escapeMrkdwn(p.name)}\`.`,
    }),
  });
  // The same form, editing a program (its id in private_metadata): saved settings apply from the next slot.
  registerProgramForm(app, services, {
    callbackId: ids.views.programEdit,
    component: 'program-edit',
    button: 'Save',
    save: async (actor, view) => {
      const programId = Number(view.private_metadata);
      if (!Number.isInteger(programId) || programId <= 0) return { ok: false, message: 'This form lost track of its program. Close it and run /tandem program edit again.' };
      return services.programs.update(actor, programId, readProgramModal(view.state as never) as never);
    },
    saved: (p, view) => ({
      dedupeKey: `program-edited:${p.id}:${view.id}:${view.hash ?? ''}`,
      kind: 'program_edited',
      text: `Saved “${escapeMrkdwn(p.name)}”: ${p.length_weeks} weeks from ${p.start_date} (${p.time_zone}); check-ins ${weekdayName(p.checkin_weekday)} at ${p.checkin_time}, standups ${weekdayName(p.standup_weekday)} at ${p.standup_time}; alerts to <#${p.alerts_channel_id}>. The changes apply from the next check-in and standup.`,
    }),
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
