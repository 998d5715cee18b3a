/** The suite-wide check that no clock time reaches a person without a date token or a zone (test/support/fake-slack/bare-times.ts). */
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bareClockTimes } from '../support/fake-slack/bare-times.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';

describe('bareClockTimes', () => {
  test.each([
    ['Every Monday at 10:00 I ask you both', '10:00'],
    ['it is due by Wednesday 13 January at 12:00.', '12:00'],
    ['Next meeting: Thu 14 Jan, 18:00', '18:00'],
    ['starts at 9:45 tomorrow', '9:45'],
    ['at 6:39 PM', '6:39'],
    ['a token, then <!date^1799859600^{time}|22:30 Asia/Kolkata> and 07:15 later', '07:15'],
  ])('finds the bare time in “%s”', (text, time) => {
    const found = bareClockTimes(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(time);
  });

  test.each([
    'first <!date^1799686800^{date_long_pretty} at {time}|Mon 11 Jan at 10:00 America/Denver>.',
    'Wednesdays at 18:00 Europe/Berlin, 45 minutes',
    'Mondays at 10:00 America/Argentina/ComodRivadavia',
    'at 15:00 UTC, or 16:00 GMT+1, or 10:00 EST, or 6:39 PM PST',
    "standups Fridays at 10:00 in each mentor's own zone",
    'at 10:00 (your own time zone)',
    'a weekly 1:1, version 2.10:00 is not a time, nor 12:345',
    'no time at all',
  ])('accepts “%s”', (text) => {
    expect(bareClockTimes(text)).toEqual([]);
  });
});

describe('the fake Slack records bare times in what it is sent', () => {
  let fake: FakeSlack;
  let client: WebClient;
  beforeAll(async () => {
    fake = await startFakeSlack();
    fake.addUser({ id: 'U1', tz: 'Europe/Berlin' });
    fake.addChannel({ id: 'C1', members: ['UBOT', 'U1'] });
    client = new WebClient(fake.botToken, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
  });
  afterAll(() => fake.close());

  test('in message text, in any text of its blocks and in views, naming the call', async () => {
    await client.chat.postMessage({ channel: 'C1', text: 'Meet at 10:00', blocks: [] });
    await client.chat.postMessage({
      channel: 'C1',
      text: 'fine: 10:00 Europe/Berlin',
      blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: 'but not this 11:00' }] }],
    });
    await client.views.publish({
      user_id: 'U1',
      view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Next meeting: Thu 14 Jan, 18:00' } }] },
    });
    const found = fake.bareTimes.splice(0);
    expect(found).toHaveLength(3);
    expect(found[0]).toMatch(/^chat\.postMessage: .*Meet at 10:00/);
    expect(found[1]).toMatch(/^chat\.postMessage: .*but not this 11:00/);
    expect(found[2]).toMatch(/^views\.publish: .*18:00/);
  });

  test('but not in what a person typed into an input, nor in ids and values sent back', async () => {
    await client.views.publish({
      user_id: 'U1',
      view: {
        type: 'home',
        blocks: [
          {
            type: 'input',
            block_id: 'at_10:00',
            label: { type: 'plain_text', text: 'Note' },
            element: { type: 'plain_text_input', action_id: 'v', initial_value: 'we met at 10:00' },
          },
          {
            type: 'actions',
            elements: [{ type: 'button', action_id: 'b', value: '10:00', text: { type: 'plain_text', text: 'Go' } }],
          },
        ],
      },
    });
    expect(fake.bareTimes).toEqual([]);
  });

  // These two run in order: the check after each test (bare-times-check.ts, vitest setupFiles) reads and
  // empties every fake's record, which is how a bare time fails the test that made the bot post it.
  test('a bare time is recorded (this fake is told to let it pass)', async () => {
    fake.ignoreBareTimes = true;
    await client.chat.postMessage({ channel: 'C1', text: 'Meet at 10:00' });
    expect(fake.bareTimes).toHaveLength(1);
  });

  test('and the check after that test has read it', () => {
    fake.ignoreBareTimes = false;
    expect(fake.bareTimes).toEqual([]);
  });
});
