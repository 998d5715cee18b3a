/**
 * Two small network stand-ins for the reliability tests in crash-and-outage.test.ts:
 *
 * - a TCP proxy in front of PostgreSQL that the test can cut (close every socket and refuse new
 *   connections, or accept them and never answer) and restore, and that can cut itself the moment a
 *   given SQL text goes over the wire (a deterministic "the database went away mid-transaction");
 * - an HTTP proxy in front of the fake Slack that, for a seeded random share of calls, queues a fault
 *   in the fake just before forwarding the call, so the fake itself serves the 429 / 5xx / held
 *   answer and records it with the time it did.
 */
import {
  Agent,
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createNetServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Fault, FakeSlack } from '../../support/fake-slack.js';

// ----- seeded randomness ---------------------------------------------------------------------------

/** mulberry32: small, fast, good enough to make fault patterns and kill times reproducible from a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ----- TCP proxy in front of PostgreSQL ------------------------------------------------------------

export type CutMode = 'refuse' | 'blackhole';

export type TcpProxy = {
  port: number;
  /** The same connection string, pointed at the proxy. */
  url: (databaseUrl: string) => string;
  /** Destroys every open connection; then refuses new ones ('refuse') or accepts and ignores them ('blackhole'). */
  cut: (mode?: CutMode) => Promise<void>;
  restore: () => Promise<void>;
  /**
   * Arms a trip wire: when a client sends SQL containing `text` for the `nth` time (counted from now),
   * that chunk is forwarded and every connection is cut at once ('refuse'). Resolves when it fired.
   */
  cutOnQuery: (text: string, nth: number) => Promise<void>;
  readonly state: 'open' | CutMode;
  /** Connections accepted so far (forwarded ones; blackholed ones are counted apart). */
  readonly accepted: number;
  readonly blackholed: number;
  close: () => Promise<void>;
};

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let state: 'open' | CutMode = 'open';
  let accepted = 0;
  let blackholed = 0;
  const sockets = new Set<Socket>();
  let wire: { text: string; remaining: number; fired: () => void } | null = null;

  const track = (s: Socket) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  };

  const destroyAll = () => {
    for (const s of sockets) s.destroy();
    sockets.clear();
  };

  const onConnection = (client: Socket) => {
    track(client);
    if (state === 'blackhole') {
      blackholed++;
      return; // accepted, never answered: the client's own timeout must save it
    }
    if (state === 'refuse') {
      client.destroy();
      return;
    }
    accepted++;
    const upstream = connect(target.port, target.host);
    track(upstream);
    client.on('data', (chunk: Buffer) => {
      if (wire && chunk.toString('latin1').includes(wire.text) && --wire.remaining === 0) {
        const fired = wire.fired;
        wire = null;
        // The statement reaches the server; then the connection (and every other) dies before a commit can follow.
        upstream.write(chunk, () => void cut('refuse').then(fired));
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  };

  let server: Server = createNetServer(onConnection);
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const port = await listen(0);

  async function cut(mode: CutMode = 'refuse'): Promise<void> {
    if (state === 'refuse' && mode === 'refuse') return;
    const wasListening = state !== 'refuse';
    state = mode;
    destroyAll();
    if (mode === 'refuse' && wasListening) {
      const closing = server;
      await new Promise<void>((resolve) => closing.close(() => resolve()));
    }
  }

  return {
    port,
    url: (databaseUrl: string) => {
      const u = new URL(databaseUrl);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    cut,
    async restore() {
      if (state === 'open') return;
      const wasRefusing = state === 'refuse';
      destroyAll(); // blackholed sockets go; their clients gave up long ago
      state = 'open';
      if (wasRefusing) {
        server = createNetServer(onConnection);
        await listen(port);
      }
    },
    cutOnQuery(text, nth) {
      return new Promise<void>((resolve) => {
        wire = { text, remaining: nth, fired: resolve };
      });
    },
    get state() {
      return state;
    },
    get accepted() {
      return accepted;
    },
    get blackholed() {
      return blackholed;
    },
    async close() {
      wire = null;
      destroyAll();
      if (state !== 'refuse') await new Promise<void>((resolve) => server.close(() => resolve()));
      state = 'refuse';
    },
  };
}

// ----- HTTP fault proxy in front of the fake Slack -------------------------------------------------

export type FaultRule = {
  /** Share of calls to this method that get a fault (0..1). */
  rate: number;
  /** Picks the fault for one call. */
  pick: (random: () => number) => Fault;
};

export type FaultProxy = {
  /** WebClient `slackApiUrl` form. */
  url: string;
  /** Faults queued in the fake, per method, in the order queued (the fake serves them FIFO). */
  injected: Map<string, Fault[]>;
  /**
   * 429 answers the client actually received (the proxy finished writing them before the client gave
   * up), with the channel the request named, when, and how long after the request reached the proxy: a 429 that arrived after the client's own timeout
   * was never heard, so its Retry-After could not be honoured.
   */
  heard429: { method: string; channel: string | undefined; at: number; retryAfter: number; elapsedMs: number }[];
  /** Stops adding faults (calls still pass through). */
  calm: () => void;
  close: () => Promise<void>;
};

/**
 * Forwards every request to the fake. For a seeded random share of calls to the methods in `rules`,
 * queues one fault in the fake right before forwarding; the fake serves queued faults in order, so the
 * k-th faulted call the fake records for a method is the k-th fault queued for it here (whichever
 * concurrent request of that method reached the fake first takes it — equally random).
 */
/** The channel a Web API request names (form-encoded, as WebClient sends it, or JSON). */
function channelOf(body: string): string | undefined {
  try {
    if (body.trimStart().startsWith('{')) return (JSON.parse(body) as { channel?: string }).channel;
  } catch {
    return undefined;
  }
  return new URLSearchParams(body).get('channel') ?? undefined;
}

export async function startFaultProxy(
  fake: FakeSlack,
  rules: Record<string, FaultRule>,
  random: () => number,
): Promise<FaultProxy> {
  const target = new URL(fake.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const injected = new Map<string, Fault[]>();
  const heard429: FaultProxy['heard429'] = [];
  let calm = false;

  const server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const method = /^\/api\/(.+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname)?.[1];
    const rule = method ? rules[method] : undefined;
    if (method && rule && !calm && random() < rule.rate) {
      const fault = rule.pick(random);
      fake.inject(method, fault);
      injected.set(method, [...(injected.get(method) ?? []), fault]);
    }
    const arrivedAt = Date.now();
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: target.host },
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (answer.statusCode === 429 && method) {
          res.on('finish', () =>
            heard429.push({
              method,
              channel: channelOf(body),
              at: Date.now(),
              retryAfter: Number(answer.headers['retry-after'] ?? 0),
              elapsedMs: Date.now() - arrivedAt,
            }),
          );
        }
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    // The client gave up (its own timeout): drop the forwarded request as well.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    injected,
    heard429,
    calm: () => {
      calm = true;
    },
    close: async () => {
      server.closeAllConnections();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
