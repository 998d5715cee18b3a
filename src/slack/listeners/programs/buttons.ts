import type { App, BlockButtonAction } from '@slack/bolt';
import type { Services } from '../../../services/index.js';
import { ids } from '../../../messages/ids.js';
import { escapeMrkdwn, plain, section, userText } from '../../../messages/text.js';
import { idButton } from '../kit/button.js';

/** What `/tandem program close` answers: what closing does, and one button (with Slack's own confirm dialog) to do it. */
export function programCloseConfirmation(program: { id: number; name: string; pairings: number }): {
  text: string;
  blocks: unknown[];
} {
  const name = escapeMrkdwn(userText(program.name));
  const text = `Close “${name}” now? Its ${program.pairings === 1 ? 'pairing ends' : `${program.pairings} pairings end`} with a thank-you in each pair conversation, no more check-ins, standups, reminders or digests go out, open alerts are resolved as “program ended”, and the program summary is posted to the alerts channel. This cannot be undone.`;
  return {
    text,
    blocks: [
      section(text),
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: ids.programCloseConfirm,
            style: 'danger',
            text: plain(`Close ${program.name}`),
            value: String(program.id),
            confirm: {
              title: plain('Close the program?', 100),
              text: plain(`“${program.name}” ends now for every pair in it.`, 300),
              confirm: plain('Close it', 30),
              deny: plain('Keep it running', 30),
              style: 'danger',
            },
          },
        ],
      },
    ],
  };
}

export function registerProgramActions(app: App, services: Services): void {
  const log = services.logger.child({ component: 'program-actions' });
  app.action<BlockButtonAction>(
    ids.programCloseConfirm,
    idButton(log, async ({ actor, value: programId, respond }) => {
      const r = await services.lifecycle.closeByStaff(actor, programId);
      if (!r.ok) return void (await respond(r.message));
      const name = escapeMrkdwn(userText(r.programName));
      await respond(
        `Closed “${name}”: ${r.ended === 1 ? 'one pairing ended' : `${r.ended} pairings ended`}, and the program summary is on its way to the alerts channel.`,
        true,
      );
    }),
  );
}
