import type { App } from '@slack/bolt';
import type { Services } from '../../../services/index.js';

/** /dtr is declared in the manifest; its conversations land with the DTR feature. Until then it says so plainly. */
export function registerDtrCommand(app: App, _services: Services): void {
  app.command('/dtr', async ({ ack }) => {
    await ack({
      response_type: 'ephemeral',
      text: 'The `/dtr` conversations (kick-off, mid-module, exit) are not available in this version of Tandem yet. Your pairing and weekly check-ins work without them.',
    });
  });
}
