/**
 * The fake Slack for the ack benchmark, in its own process (child_process.fork): in production Slack is
 * not in the bot's process, so its work (answering respond(), chat.update, views.publish) must not
 * queue on the bot's event loop in front of the next request's ack. Messages over IPC, each answered
 * with one reply: 'start', 'now' (move the fake's clock), 'seed' (users and the alerts channel),
 * 'responseUrl', 'checkin' (the posted check-in message), 'exit'.
 */
import { startFakeSlack, type FakeMessage, type FakeSlack } from '../../test/support/fake-slack.js';

export type AckFakeRequest =
  | { type: 'start'; botToken: string; now: number }
  | { type: 'now'; now: number }
  | {
      type: 'seed';
      users: { id: string; name: string; tz: string }[];
      channel: { id: string; name: string; members: string[] };
    }
  | { type: 'responseUrl'; id: string }
  | { type: 'checkin' }
  | { type: 'exit' };
export type AckFakeReply = { url?: string; message?: FakeMessage | null; error?: string };

let fake: FakeSlack | undefined;
let now = 0;

async function handle(m: AckFakeRequest): Promise<AckFakeReply> {
  if (m.type === 'start') {
    now = m.now;
    fake = await startFakeSlack({ botToken: m.botToken, now: () => now });
    return { url: fake.url };
  }
  if (!fake) throw new Error('the fake is not started');
  switch (m.type) {
    case 'now':
      now = m.now;
      return {};
    case 'seed':
      for (const u of m.users) fake.addUser(u);
      fake.addChannel({ ...m.channel, is_private: true });
      return {};
    case 'responseUrl':
      return { url: fake.responseUrl(m.id) };
    case 'checkin':
      return {
        message:
          [...fake.conversations.values()]
            .flatMap((c) => c.messages)
            .find((x) => x.metadata?.event_payload?.kind === 'checkin') ?? null,
      };
    case 'exit':
      await fake.close();
      process.exit(0);
  }
}

process.on('message', (m: AckFakeRequest) => {
  handle(m).then(
    (reply) => process.send?.(reply),
    (err: unknown) => process.send?.({ error: String(err) }),
  );
});
// Never outlive the benchmark.
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
