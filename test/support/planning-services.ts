import type { Db } from '../../src/db/database.js';
import { createLogger } from '../../src/logger.js';
import { createServices } from '../../src/services/index.js';
import type { SlackPort } from '../../src/services/slack-port.js';

/** A Slack port for work that must never talk to Slack (planning): any call fails, naming the method. */
function noSlack(work: string): SlackPort {
  return new Proxy({} as SlackPort, {
    get(_t, method) {
      return () => Promise.reject(new Error(`${work} must not call Slack (${String(method)})`));
    },
  });
}

/**
 * The services on `db` for tests of the scheduler's planning: they never call Slack (`work` names what
 * must not), the outbox is filled but never sent, nothing is logged, and every statement they send is
 * counted (`statements()`, back to 0 with `resetStatements()`).
 */
export function planningServices(db: Db, clock: () => Date, work = 'planning') {
  let statements = 0;
  const counted = db.withPlugin({
    transformQuery: (args) => {
      statements++;
      return args.node;
    },
    transformResult: (args) => Promise.resolve(args.result),
  });
  const services = createServices({
    db: counted,
    slack: noSlack(work),
    clock,
    logger: createLogger('warn', { write: () => undefined }),
  });
  services.sender.kick = () => undefined;
  return {
    services,
    statements: () => statements,
    resetStatements: () => {
      statements = 0;
    },
  };
}
