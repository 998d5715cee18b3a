import type { SlackPort } from '../../src/services/slack-port.js';

/** A Slack port for work that must never talk to Slack (planning): any call fails, naming the method. */
export function noSlack(work = 'planning'): SlackPort {
  return new Proxy({} as SlackPort, {
    get(_t, method) {
      return () => Promise.reject(new Error(`${work} must not call Slack (${String(method)})`));
    },
  });
}
