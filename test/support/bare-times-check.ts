/**
 * Run after every test (vitest setupFiles): fails the test during which the bot showed a clock time
 * without a Slack date token or a zone (test/support/fake-slack/bare-times.ts), naming each call and text.
 */
import { afterEach } from 'vitest';
import { fakesToCheck } from './fake-slack/bare-times.js';

afterEach(() => {
  const found = new Set<string>();
  for (const fake of fakesToCheck) {
    if (!fake.ignoreBareTimes) for (const f of fake.bareTimes) found.add(f);
    fake.bareTimes.length = 0;
    if (fake.closed) fakesToCheck.delete(fake);
  }
  if (found.size > 0)
    throw new Error(
      `The bot showed a clock time that is neither a Slack date token (<!date^…>, src/messages/time.ts) nor names its zone:\n${[...found].join('\n')}`,
    );
});
