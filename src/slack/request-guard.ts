import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { HTTPModuleFunctions, isValidSlackRequest, type BufferedIncomingMessage, type HTTPReceiver } from '@slack/bolt';
import { z } from 'zod';
import type { Logger } from '../logger.js';

/**
 * Slack signs with its clock and we check with ours; they agree within seconds. Bolt refuses
 * signatures older than five minutes but not ones from the future, which would stretch a captured
 * request's replay window; a minute of skew is allowed.
 */
export const futureSkewSec = 60;

// Only the shape is checked here; whether the id is someone is the listeners' business.
const user = z.object({ id: z.string() });
const withUser = z.object({ type: z.string(), user });
const interaction = z.discriminatedUnion('type', [
  withUser.extend({ type: z.literal('block_actions'), actions: z.array(z.object({ action_id: z.string() })).min(1) }),
  withUser.extend({ type: z.literal('view_submission'), view: z.object({ id: z.string(), callback_id: z.string() }) }),
  withUser.extend({ type: z.literal('view_closed'), view: z.object({ id: z.string() }) }),
  withUser.extend({ type: z.enum(['shortcut', 'message_action']), callback_id: z.string() }),
  withUser.extend({ type: z.literal('block_suggestion'), action_id: z.string() }),
]);
const jsonEnvelope = z.discriminatedUnion('type', [
  z.object({ type: z.literal('event_callback'), event_id: z.string().min(1), event: z.object({ type: z.string() }) }),
  z.object({ type: z.literal('url_verification'), challenge: z.string() }),
  z.object({ type: z.literal('app_rate_limited') }),
]);
const slashCommand = z.object({ command: z.string().startsWith('/') });

/** What is wrong with a signed body, in a few words, or null when its envelope has the shape Bolt relies on. */
export function envelopeProblem(rawBody: string, contentType: string | undefined): string | null {
  if ((contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json') {
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      return 'the body is not JSON';
    }
    return describe(jsonEnvelope.safeParse(body));
  }
  // Bolt reads a form only under exactly this content type.
  if (contentType === 'application/x-www-form-urlencoded') {
    const form = parseQuery(rawBody);
    if (form.payload === undefined) return describe(slashCommand.safeParse(form));
    if (typeof form.payload !== 'string') return 'more than one payload';
    let payload: unknown;
    try {
      payload = JSON.parse(form.payload);
    } catch {
      return 'the payload is not JSON';
    }
    const kind = (payload as { type?: unknown } | null)?.type;
    if (
      typeof kind === 'string' &&
      !['block_actions', 'view_submission', 'view_closed', 'shortcut', 'message_action', 'block_suggestion'].includes(kind)
    ) {
      return describe(withUser.safeParse(payload));
    }
    return describe(interaction.safeParse(payload));
  }
  return 'unsupported content type';
}

function describe(r: { success: true } | { success: false; error: z.ZodError }): string | null {
  if (r.success) return null;
  const issue = r.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'the envelope';
  return `${where}: ${issue?.code === 'invalid_union' ? 'unknown type' : (issue?.message ?? 'invalid')}`.slice(0, 200);
}

/**
 * Runs in front of Bolt on its events endpoint: a timestamp from the future gets 401, and a properly
 * signed body whose envelope Bolt would trip over (actions not an array, no view, no user, payload
 * not JSON) gets 400 with a short reason instead of a 500 from inside Bolt. Everything else, including
 * every signature failure, goes to Bolt as it came (the body buffered the way Bolt buffers it).
 */
export function guardSlackRequests(
  receiver: HTTPReceiver,
  options: { signingSecret: string; endpoints: string[]; logger: Logger; now?: () => number },
): void {
  const log = options.logger.child({ component: 'request-guard' });
  const now = options.now ?? Date.now;
  const inner = receiver.requestListener;
  const refuse = (res: ServerResponse, status: number, reason: string) => {
    log.warn({ status, reason }, 'refused a Slack request');
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(status === 400 ? `Bad request: ${reason}\n` : status === 401 ? 'Unauthorized\n' : 'Payload too large\n');
  };

  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (req.method !== 'POST' || !options.endpoints.includes(path)) return inner(req, res);
    void (async () => {
      const stamp = Number(req.headers['x-slack-request-timestamp']);
      if (Number.isFinite(stamp) && stamp > Math.floor(now() / 1000) + futureSkewSec)
        return refuse(res, 401, 'request timestamp is in the future');
      let buffered: BufferedIncomingMessage;
      try {
        buffered = await HTTPModuleFunctions.bufferIncomingMessage(req, HTTPModuleFunctions.defaultBodyLimit);
      } catch {
        return refuse(res, 413, 'body too large or unreadable');
      }
      const rawBody = buffered.rawBody.toString();
      const signature = req.headers['x-slack-signature'];
      const signed =
        typeof signature === 'string' &&
        isValidSlackRequest({
          signingSecret: options.signingSecret,
          body: rawBody,
          headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': stamp },
        });
      // Unsigned requests (and Slack's unsigned ssl_check) are Bolt's to answer.
      const problem = signed ? envelopeProblem(rawBody, req.headers['content-type']) : null;
      if (problem) return refuse(res, 400, problem);
      inner(buffered, res);
    })().catch((err: unknown) => {
      log.error({ err }, 'could not check a Slack request');
      if (!res.headersSent) refuse(res, 400, 'unreadable request');
    });
  };
}
