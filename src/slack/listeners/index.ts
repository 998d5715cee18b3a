import type { App } from '@slack/bolt';
import type { Services } from '../../services/index.js';
import { registerAlertActions } from './alerts/buttons.js';
import { registerCheckinActions } from './checkins/buttons.js';
import { registerCheckinNoteView } from './checkins/note-form.js';
import { registerDtrActions } from './dtr/buttons.js';
import { registerDtrCommand } from './dtr/command.js';
import { registerDtrSubmitView } from './dtr/form.js';
import { registerEvents } from './events/events.js';
import { registerMatching } from './matching/listeners.js';
import { registerReschedule } from './pairings/reschedule.js';
import { registerAway } from './people/away.js';
import { registerProgramActions } from './programs/buttons.js';
import { registerProgramNewView } from './programs/form.js';
import { registerRecordsActions } from './records/buttons.js';
import { registerRecordsViews } from './records/forms.js';
import { registerReportActions } from './reports/buttons.js';
import { registerTandemCommand } from './tandem/command.js';

/**
 * Every listener, by feature. A feature's folder holds its buttons, forms and command; each handler calls
 * one use-case and answers with what it returns.
 */
export function registerListeners(app: App, services: Services): void {
  registerTandemCommand(app, services);
  registerDtrCommand(app, services);
  registerDtrActions(app, services);
  registerDtrSubmitView(app, services);
  registerCheckinActions(app, services);
  registerCheckinNoteView(app, services);
  registerAlertActions(app, services);
  registerReportActions(app, services);
  registerProgramActions(app, services);
  registerProgramNewView(app, services);
  registerRecordsActions(app, services);
  registerRecordsViews(app, services);
  registerMatching(app, services);
  registerReschedule(app, services);
  registerAway(app, services);
  registerEvents(app, services);
}
