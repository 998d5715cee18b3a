import type { App } from '@slack/bolt';
import { weekdayName } from '../../../domain/weekdays.js';
import type { Services } from '../../../services/index.js';
import { readProgramModal } from '../../blocks/program-modal.js';
import { escapeMrkdwn } from '../../blocks/text.js';
import { ids } from '../../ids.js';

/** Slack waits three seconds for the answer to a submission; leave room for the network. */
const submissionBudgetMs = 2_500;

export function registerProgramNewView(app: App, services: Services): void {
  registerProgramEditView(app, services);
  const log = services.logger.child({ component: 'program-new' });

  app.view(ids.views.programNew, async ({ ack, body, view }) => {
    const actor = body.user.id;
    const fields = readProgramModal(view.state as never);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), submissionBudgetMs);
    });
    try {
      const result = await Promise.race([services.programs.create(actor, fields as never), timeout]);
      if (result === 'timeout') {
        // Nothing typed is lost: the modal stays open with a note, and Submit can be pressed again.
        await ack({ response_action: 'errors', errors: { [ids.programFields.name]: 'Tandem is slow to answer right now. Wait a moment and press Create again.' } });
        return;
      }
      if (!result.ok) {
        const errors = 'fields' in result ? result.fields : { [ids.programFields.name]: result.message };
        await ack({ response_action: 'errors', errors: onlyKnownBlocks(errors, result.message) });
        return;
      }
      await ack();
      const p = result.program;
      await services.repos.deliveries.enqueue({
        dedupeKey: `program-created:${p.id}`,
        kind: 'program_created',
        channel: actor,
        payload: {
          text: `Program “${escapeMrkdwn(p.name)}” is ready: starts ${p.start_date} for ${p.length_weeks} weeks (${p.time_zone}). Check-ins go out ${weekdayName(p.checkin_weekday)} at ${p.checkin_time}; alerts go to <#${p.alerts_channel_id}>. Pair people with \`/tandem pair @mentor @mentee ${escapeMrkdwn(p.name)}\`.`,
        },
        notBefore: services.clock(),
      });
      services.sender.kick();
    } catch (err) {
      log.error({ err }, 'program form failed');
      await ack({ response_action: 'errors', errors: { [ids.programFields.name]: 'Something went wrong on our side; nothing was saved. Press Create again in a minute.' } }).catch(() => undefined);
    } finally {
      clearTimeout(timer);
    }
  });
}

/** The same form, editing a program: saved settings apply from the next slot. */
function registerProgramEditView(app: App, services: Services): void {
  const log = services.logger.child({ component: 'program-edit' });
  app.view(ids.views.programEdit, async ({ ack, body, view }) => {
    const actor = body.user.id;
    const programId = Number(view.private_metadata);
    const fields = readProgramModal(view.state as never);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), submissionBudgetMs);
    });
    try {
      if (!Number.isInteger(programId) || programId <= 0) {
        await ack({ response_action: 'errors', errors: { [ids.programFields.name]: 'This form lost track of its program. Close it and run /tandem program edit again.' } });
        return;
      }
      const result = await Promise.race([services.programs.update(actor, programId, fields as never), timeout]);
      if (result === 'timeout') {
        await ack({ response_action: 'errors', errors: { [ids.programFields.name]: 'Tandem is slow to answer right now. Wait a moment and press Save again.' } });
        return;
      }
      if (!result.ok) {
        const errors = 'fields' in result ? result.fields : { [ids.programFields.name]: result.message };
        await ack({ response_action: 'errors', errors: onlyKnownBlocks(errors, result.message) });
        return;
      }
      await ack();
      const p = result.program;
      await services.repos.deliveries.enqueue({
        dedupeKey: `program-edited:${p.id}:${body.view.id}:${view.hash}`,
        kind: 'program_edited',
        channel: actor,
        payload: {
          text: `Saved “${escapeMrkdwn(p.name)}”: ${p.length_weeks} weeks from ${p.start_date} (${p.time_zone}); check-ins ${weekdayName(p.checkin_weekday)} at ${p.checkin_time}, standups ${weekdayName(p.standup_weekday)} at ${p.standup_time}; alerts to <#${p.alerts_channel_id}>. The changes apply from the next check-in and standup.`,
        },
        notBefore: services.clock(),
      });
      services.sender.kick();
    } catch (err) {
      log.error({ err }, 'program edit form failed');
      await ack({ response_action: 'errors', errors: { [ids.programFields.name]: 'Something went wrong on our side; nothing was saved. Press Save again in a minute.' } }).catch(() => undefined);
    } finally {
      clearTimeout(timer);
    }
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
