import { describe, expect, test } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createOutageLog } from '../../src/scheduler/scheduler.js';
import { LogCapture } from '../support/harness.js';

describe('a scheduler pass that cannot run', () => {
  test('logs one error per outage and one recovery line, with how many passes were missed', () => {
    const logs = new LogCapture();
    const outage = createOutageLog(createLogger('trace', logs));
    outage.succeeded();
    expect(logs.lines).toHaveLength(0);
    for (let i = 0; i < 5; i++) outage.failed(new Error('connect ECONNREFUSED'), 'scheduler pass could not start');
    const records = () =>
      logs.lines.map((l) => JSON.parse(l) as { level: string; msg: string; missedPasses?: number; err?: { message?: string } });
    expect(records()).toHaveLength(1);
    expect(records()[0]).toMatchObject({ level: 'error', err: { message: 'connect ECONNREFUSED' } });
    expect(records()[0]?.msg).toContain('scheduler pass could not start');
    outage.succeeded();
    outage.succeeded();
    expect(records()).toHaveLength(2);
    expect(records()[1]).toMatchObject({ level: 'info', missedPasses: 5 });
    // A second outage is logged again.
    outage.failed(new Error('timeout'), 'tick failed');
    expect(records()).toHaveLength(3);
  });
});
