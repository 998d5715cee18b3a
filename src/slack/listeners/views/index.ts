import type { App } from '@slack/bolt';
import type { Services } from '../../../services/index.js';
import { registerCheckinNoteView } from './checkin-note.js';
import { registerDtrSubmitView } from './dtr-submit.js';
import { registerLifecycleViews } from './lifecycle-views.js';
import { registerProgramNewView } from './program-new.js';
import { registerRecordsViews } from './records-views.js';

export function registerViews(app: App, services: Services): void {
  registerProgramNewView(app, services);
  registerCheckinNoteView(app, services);
  registerDtrSubmitView(app, services);
  registerRecordsViews(app, services);
  registerLifecycleViews(app, services);
}
