import { filledValue } from '../../../messages/form-state.js';
import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { Services } from '../../../services/index.js';
import { checkinNoteFields, viewIds } from '../../../messages/ids.js';
import { form } from '../kit/form.js';

const metadata = z.object({ checkinId: z.number().int().positive() });
const note = z.object({
  answer: z.enum(['met', 'not_yet', 'rescheduled'], { error: 'Pick one' }),
  rating: z.coerce.number().int().min(1).max(5).nullable(),
  topics: z.string().max(1000, 'At most 1000 characters').nullable(),
  blockers: z.string().max(1000, 'At most 1000 characters').nullable(),
});

export function registerCheckinNoteView(app: App, services: Services): void {
  const log = services.logger.child({ component: 'checkin-note' });
  app.view(
    viewIds.checkinNote,
    form(
      log,
      {
        metadata,
        formWide: checkinNoteFields.answer,
        outOfDate: 'This form is out of date. Close it and press “Add a note” again.',
        submit: 'Save',
      },
      async ({ actor, meta, view, refuse }) => {
        const read = (block: string) => filledValue(view.state, block);
        const parsed = note.safeParse({
          answer: read(checkinNoteFields.answer),
          rating: read(checkinNoteFields.rating),
          topics: read(checkinNoteFields.topics),
          blockers: read(checkinNoteFields.blockers),
        });
        if (!parsed.success) {
          const errors: Record<string, string> = {};
          for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
          return { errors };
        }
        const r = await services.checkins.addNote(actor, meta.checkinId, parsed.data);
        if (!r.ok) return refuse(r.message);
      },
    ),
  );
}
