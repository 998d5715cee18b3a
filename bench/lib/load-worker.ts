/**
 * The load generator for bench/ack.ts, run in its own process (child_process.fork) so the bot under
 * test does not share its event loop with the client. Open loop: request i of a phase is fired at
 * t0 + i / rate whether or not earlier ones have answered, each signed as Slack signs them (fresh
 * timestamp), and timed until its response body has been read. Bounded: a phase sends exactly
 * rate × seconds requests, each with a 10 s client timeout.
 */
import { createHmac } from 'node:crypto';

export type LoadRequest = { kind: string; contentType: string; body: string };
export type LoadPhase = { target: string; url: string; rate: number; durationMs: number; requests: LoadRequest[] };
export type LoadSample = { kind: string; ms: number; status: number; lateMs: number };
export type LoadResult = { target: string; rate: number; samples: LoadSample[]; wallMs: number };
export type LoadMessage = { type: 'run'; secret: string; phase: LoadPhase } | { type: 'exit' };

function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

async function one(secret: string, url: string, req: LoadRequest, scheduledAt: number): Promise<LoadSample> {
  const started = performance.now();
  const timestamp = Math.floor(Date.now() / 1000);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': req.contentType,
        'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
        'X-Slack-Request-Timestamp': String(timestamp),
        'X-Slack-Signature': sign(secret, timestamp, req.body),
      },
      body: req.body,
      signal: AbortSignal.timeout(10_000),
    });
    await res.text();
    return { kind: req.kind, ms: performance.now() - started, status: res.status, lateMs: started - scheduledAt };
  } catch {
    return { kind: req.kind, ms: performance.now() - started, status: 0, lateMs: started - scheduledAt };
  }
}

async function runPhase(secret: string, p: LoadPhase): Promise<LoadResult> {
  const total = Math.round((p.rate * p.durationMs) / 1000);
  const gap = 1000 / p.rate;
  const pending: Promise<LoadSample>[] = [];
  const t0 = performance.now() + 20;
  for (let i = 0; i < total; i++) {
    const at = t0 + i * gap;
    const wait = at - performance.now();
    if (wait > 1) await new Promise<void>((r) => setTimeout(r, wait));
    const req = p.requests[i % p.requests.length] as LoadRequest;
    pending.push(one(secret, p.url, req, at));
  }
  const samples = await Promise.all(pending);
  return { target: p.target, rate: p.rate, samples, wallMs: performance.now() - t0 };
}

process.on('message', (m: LoadMessage) => {
  if (m.type === 'exit') process.exit(0);
  void runPhase(m.secret, m.phase).then((r) => process.send?.(r));
});
process.send?.({ ready: true });
