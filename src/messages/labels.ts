import type { AlertReason } from '../domain/vocabulary.js';

/** An alert's reason in a few words, where staff see a list (App Home, the pair report). */
export const alertReasonShort: Record<AlertReason, string> = {
  checkin_unanswered: 'check-in not answered',
  reply_overdue: 'message not answered',
  missed_meetings: 'no meeting two weeks running',
  milestone_overdue: 'DTR overdue',
  mentor_concern: 'mentor concern',
  note_signal: 'check-in note needs a look',
};
