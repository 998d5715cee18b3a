import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { Services } from '../../../services/index.js';

const humanMessage = z.object({
  channel: z.string().min(1),
  user: z.string().regex(/^[UW][A-Z0-9]+$/),
  ts: z.string().regex(/^\d{9,11}\.\d{1,6}$/),
  thread_ts: z
    .string()
    .regex(/^\d{9,11}\.\d{1,6}$/)
    .optional(),
  channel_type: z.enum(['mpim', 'im', 'group', 'channel']).optional(),
});

const reaction = z.object({
  user: z.string().regex(/^[UW][A-Z0-9]+$/),
  reaction: z.string().min(1).max(100),
  item: z.object({ type: z.literal('message'), channel: z.string().min(1), ts: z.string().regex(/^\d{9,11}\.\d{1,6}$/) }),
  event_ts: z.string().optional(),
});

/**
 * Events are acknowledged by Bolt before the listener runs (HTTP mode answers 200 at once). Slack
 * may deliver an event again, and in any order with others; the handlers store each as a keyed
 * fact and settle the pair from all of them, so a repeat changes nothing and order does not matter.
 * Repeats of one event id stop before these handlers (request-middleware.ts), and a handler's error
 * goes there too: logged, and the event left for Slack's retry.
 */
export function registerEvents(app: App, services: Services): void {
  app.event('message', async ({ event }) => {
    const e = event as unknown as Record<string, unknown>;
    // Edits, deletions, joins and bot posts are not someone answering their partner.
    if (e.subtype !== undefined && e.subtype !== 'file_share' && e.subtype !== 'thread_broadcast') return;
    if (e.bot_id) return;
    const m = humanMessage.safeParse(e);
    if (!m.success || m.data.channel_type !== 'mpim') return;
    await services.responseWindow.onPairMessage({
      channel: m.data.channel,
      user: m.data.user,
      ts: m.data.ts,
      threadTs: m.data.thread_ts,
    });
  });

  app.event('app_home_opened', async ({ event }) => {
    const e = z.object({ user: z.string().regex(/^[UW][A-Z0-9]+$/), tab: z.string().optional() }).safeParse(event);
    if (!e.success || (e.data.tab && e.data.tab !== 'home')) return;
    await services.home.publish(e.data.user);
  });

  app.event('reaction_added', async ({ event }) => {
    const r = reaction.safeParse(event);
    if (!r.success) return;
    await services.responseWindow.onReaction({
      channel: r.data.item.channel,
      user: r.data.user,
      itemTs: r.data.item.ts,
      reaction: r.data.reaction,
      eventTs: r.data.event_ts,
    });
  });
}
