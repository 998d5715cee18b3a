import { filledValue } from '../../../messages/form-state.js';
import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { Services } from '../../../services/index.js';
import { checkinNoteFields, viewIds } from '../../../messages/ids.js';

const metadata = z.object({ checkinId: z.number().int().positive() });
const note = z.object({
  answer: z.enum(['met', 'not_yet', 'rescheduled'], { error: 'Pick one' }),
  rating: z.coerce.number().int().min(1).max(5).nullable(),
  topics: z.string().max(1000, 'At most 1000 characters').nullable(),
  blockers: z.string().max(1000, 'At most 1000 characters').nullable(),
});

export function registerCheckinNoteView(app: App, services: Services): void {
  const log = services.logger.child({ component: 'checkin-note' });
  app.view(viewIds.checkinNote, async ({ ack, body, view }) => {
    const meta = metadata.safeParse(
      (() => {
        try {
          return JSON.parse(view.private_metadata || '{}');
        } catch {
          return {};
        }
      })(),
    );
    const read = (block: string) => filledValue(view.state, block);
    const parsed = note.safeParse({
      answer: read(checkinNoteFields.answer),
      rating: read(checkinNoteFields.rating),
      topics: read(checkinNoteFields.topics),
      blockers: read(checkinNoteFields.blockers),
    });
    if (!meta.success) {
      await ack({
        response_action: 'errors',
        errors: { [checkinNoteFields.answer]: 'This form is out of date. Close it and press “Add a note” again.' },
      });
      return;
    }
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
      await ack({ response_action: 'errors', errors });
      return;
    }
    try {
      // The person is who Slack says submitted, never anything carried in the view.
      const r = await services.checkins.addNote(body.user.id, meta.data.checkinId, parsed.data);
      if (!r.ok) {
        await ack({ response_action: 'errors', errors: { [checkinNoteFields.answer]: r.message } });
        return;
      }
      await ack();
    } catch (err) {
      log.error({ err }, 'saving a check-in note failed');
      await ack({
        response_action: 'errors',
        errors: {
          [checkinNoteFields.answer]: 'Something went wrong on our side; nothing was saved. Press Save again in a minute.',
        },
      }).catch((err: unknown) => log.warn({ err }, 'could not answer the form'));
    }
  });
}
