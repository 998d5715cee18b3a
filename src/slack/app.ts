import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { App, HTTPReceiver, SocketModeReceiver, type Receiver } from '@slack/bolt';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { slackLoggerFrom } from '../logger.js';
import type { Services } from '../services/index.js';
import { registerListeners } from './listeners/index.js';
import { acknowledgeUnknown, dedupeEvents, indexListeners, normalizeRequestText } from './request-middleware.js';
import { guardSlackRequests } from './request-guard.js';
import { createWebClient } from './web-api-port.js';

export type SlackApp = {
  app: App;
  /** The HTTP server (events in HTTP mode, /healthz and /readyz in both modes). */
  server: () => Server | undefined;
  start: () => Promise<number>;
  stop: () => Promise<void>;
};

export type Health = () => Promise<{ ok: boolean; details: Record<string, unknown> }>;

export function createSlackApp(
  config: Pick<Config, 'slack' | 'port'>,
  services: Services,
  logger: Logger,
  health: Health,
): SlackApp {
  const slackLogger = slackLoggerFrom(logger, 'bolt');
  // Liveness: the process serves. An orchestrator restarts on this, so it never depends on the database,
  // which Tandem reconnects to by itself.
  const liveRoute = {
    path: '/healthz',
    method: ['GET'],
    handler: (_req: unknown, res: import('node:http').ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok' }));
    },
  };
  // Readiness: the database answers; a load balancer takes the replica out of rotation meanwhile.
  const readyRoute = {
    path: '/readyz',
    method: ['GET'],
    handler: (_req: unknown, res: import('node:http').ServerResponse) => {
      void health().then(
        (h) => {
          res.writeHead(h.ok ? 200 : 503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: h.ok ? 'ok' : 'degraded', ...h.details }));
        },
        () => {
          res.writeHead(503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: 'degraded' }));
        },
      );
    },
  };

  const socketMode = Boolean(config.slack.appToken);
  let receiver: Receiver;
  let httpReceiver: HTTPReceiver | undefined;
  if (socketMode) {
    receiver = new SocketModeReceiver({
      appToken: config.slack.appToken as string,
      logger: slackLogger,
      customRoutes: [],
      ...(config.slack.apiUrl ? { clientOptions: { slackApiUrl: config.slack.apiUrl } } : {}),
    });
  } else {
    httpReceiver = new HTTPReceiver({
      signingSecret: config.slack.signingSecret as string,
      endpoints: ['/slack/events'],
      customRoutes: [liveRoute, readyRoute],
      logger: slackLogger,
      // Ack as soon as the listener calls ack(); slow work continues after the response.
      processBeforeResponse: false,
    });
    guardSlackRequests(httpReceiver, {
      signingSecret: config.slack.signingSecret as string,
      endpoints: ['/slack/events'],
      logger,
    });
    receiver = httpReceiver;
  }

  // Bolt would call auth.test from its constructor and crash the process on an unhandled rejection
  // when Slack is unreachable at start-up. Our authorize caches the bot's identity once Slack answers
  // and simply tries again on the next request until then.
  const identityClient = createWebClient(config.slack.botToken, { apiUrl: config.slack.apiUrl, logger, timeoutMs: 5_000 });
  let identity: Promise<{ botId: string; botUserId: string }> | null = null;
  const botIdentity = () =>
    (identity ??= identityClient.auth.test().then(
      (r) => ({ botId: r.bot_id ?? '', botUserId: r.user_id ?? '' }),
      (err: unknown) => {
        identity = null;
        throw err;
      },
    ));
  const authorize = async () => ({ botToken: config.slack.botToken, ...(await botIdentity()) });

  const app = new App({
    authorize,
    receiver,
    logger: slackLogger,
    clientOptions: {
      ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
      // Listener calls (views.open, respond) are not retried blindly; see web-api-port.ts.
      retryConfig: { retries: 0 },
    },
  });

  app.error(async (error) => {
    logger.error({ err: error.original ?? error, code: error.code }, 'unhandled error in a Slack listener');
  });

  const listeners = indexListeners(app);
  app.use(normalizeRequestText);
  app.use(dedupeEvents(services.requestKeys, logger));
  app.use(acknowledgeUnknown(listeners, logger));

  // After any command, button or form, the people it touched see a fresh App Home (debounced).
  app.use(async ({ body, next }) => {
    await next();
    const b = body as { user?: { id?: string }; user_id?: string; type?: string };
    const user = b.user?.id ?? b.user_id;
    if (!user || b.type === 'event_callback') return;
    void services.home.changedAround(user);
  });

  registerListeners(app, services);

  let server: Server | undefined;
  return {
    app,
    server: () => server,
    async start() {
      botIdentity().then(
        (id) => logger.info({ botUserId: id.botUserId }, 'connected to Slack'),
        (err: unknown) =>
          logger.error(
            { err },
            'Slack did not confirm the bot token yet (check SLACK_BOT_TOKEN and SLACK_API_URL); will retry on the next request',
          ),
      );
      if (httpReceiver) {
        server = (await app.start(config.port)) as Server;
      } else {
        await app.start();
        // Socket Mode has no inbound HTTP; keep /healthz and /readyz for the orchestrator.
        server = createServer((req, res) => {
          if (req.method === 'GET' && req.url === '/healthz') return liveRoute.handler(req, res);
          if (req.method === 'GET' && req.url === '/readyz') return readyRoute.handler(req, res);
          res.writeHead(404).end();
        });
        await new Promise<void>((resolve) => server?.listen(config.port, resolve));
      }
      const address = server.address();
      return typeof address === 'object' && address ? address.port : config.port;
    },
    async stop() {
      await app.stop();
      if (!httpReceiver && server) await new Promise<void>((resolve) => server?.close(() => resolve()));
    },
  };
}
