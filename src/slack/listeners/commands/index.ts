import type { App } from '@slack/bolt';
import type { Services } from '../../../services/index.js';
import { registerDtrCommand } from './dtr.js';
import { registerTandemCommand } from './tandem.js';

export function registerCommands(app: App, services: Services): void {
  registerTandemCommand(app, services);
  registerDtrCommand(app, services);
}
