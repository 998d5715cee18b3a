import type { App } from '@slack/bolt';
import type { Services } from '../../../services/index.js';
import { registerAlertActions } from './alert-actions.js';
import { registerCheckinActions } from './checkin-actions.js';
import { registerDtrActions } from './dtr-actions.js';
import { registerLifecycleActions } from './lifecycle-actions.js';
import { registerProgramActions } from './program-actions.js';
import { registerRecordsActions } from './records-actions.js';
import { registerReportActions } from './report-actions.js';

export function registerActions(app: App, services: Services): void {
  registerCheckinActions(app, services);
  registerAlertActions(app, services);
  registerProgramActions(app, services);
  registerDtrActions(app, services);
  registerRecordsActions(app, services);
  registerLifecycleActions(app, services);
  registerReportActions(app, services);
}
