import { randomUUID } from 'node:crypto';
import type { DeliveryRepository } from '../../db/repositories/delivery-repository.js';
import type { Delivery, DeliveryPayload, DeliveryRenderRef } from '../../db/schema.js';
import {
  attemptBudgetSpent,
  decideAfterFailure,
  defaultRetryPolicy,
  hasExpired,
  type RetryPolicy,
} from '../../domain/delivery-retry.js';
import type { Logger } from '../../logger.js';
import type { Clock } from '../clock.js';
import { SlackCallError, type SlackPort } from '../slack-port.js';
import { createRendererRegistry, NoRendererError, type RendererRegistry } from './renderers.js';

/** Every message Tandem posts carries this metadata, so a resend can first look for the original. */
export const deliveryEventType = 'tandem_delivery';

/** A delivery that has kept failing transiently for this long is shown to staff as stuck. */
export const stuckAfterMs = 3_600_000;

/** 'chart.png' -> 'chart-d42.png': unique per delivery, so a file found in the channel is this delivery's. */
export function fileNameFor(filename: string, deliveryId: number): string {
  const dot = filename.lastIndexOf('.');
  return dot > 0 ? `${filename.slice(0, dot)}-d${deliveryId}${filename.slice(dot)}` : `${filename}-d${deliveryId}`;
}

export type SendReport = { sent: number; recovered: number; retried: number; failed: number };

export type DeliverySenderOptions = {
  deliveries: DeliveryRepository;
  slack: SlackPort;
  clock: Clock;
  logger: Logger;
  /** How long a claim is held before another sender may take the delivery over. */
  leaseMs?: number;
  batchSize?: number;
  /**
   * Attempts whose outcome was unknown (the sender died holding the claim). 429s, 5xx and network
   * errors do not count: they are retried until transientHorizonMs has passed since the first of them.
   */
  maxAttempts?: number;
  /** How long a delivery keeps being retried through 429s, 5xx and network errors (default 24 h). */
  transientHorizonMs?: number;
  /** Longest back-off between two tries (default 10 minutes). */
  maxBackoffMs?: number;
  /** Source of jitter in [0, 1). */
  random?: () => number;
  /** Minimum gap between two posts to one channel (Slack allows about one per second). */
  channelGapMs?: number;
  /** Posts per minute across the workspace, spread evenly (default 291: 3% under Slack's 300). */
  workspacePerMinute?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Renders deliveries stored as { render: { kind, ids } } when they are posted. */
  renderers?: RendererRegistry;
};

/**
 * Sends what the outbox holds, once. chat.postMessage has no idempotency key, so the rule is:
 * a delivery whose earlier attempt reached chat.postMessage may have been posted without being recorded; look it up
 * by its metadata in the channel's history before posting it again. A file (files.uploadV2) is looked up the
 * same way, by its name.
 */
export function createDeliverySender(options: DeliverySenderOptions) {
  const owner = `sender-${randomUUID()}`;
  const leaseMs = options.leaseMs ?? 60_000;
  const batchSize = options.batchSize ?? 50;
  const policy: RetryPolicy = {
    maxAttempts: options.maxAttempts ?? defaultRetryPolicy.maxAttempts,
    transientHorizonMs: options.transientHorizonMs ?? defaultRetryPolicy.transientHorizonMs,
    maxBackoffMs: options.maxBackoffMs ?? defaultRetryPolicy.maxBackoffMs,
  };
  const random = options.random ?? Math.random;
  // 3% under Slack's limits: jitter on the wire should not turn exact pacing into 429s.
  const channelGapMs = options.channelGapMs ?? 1_030;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const workspaceGapMs = 60_000 / (options.workspacePerMinute ?? 300 * 0.97);
  const lastPostAt = new Map<string, number>();
  let workspaceNextFree = 0;
  const log = options.logger.child({ component: 'delivery-sender' });
  const renderers = options.renderers ?? createRendererRegistry();

  /**
   * Pacing in real time (not the domain clock): one post per channel per channelGapMs, and an even
   * spread across the workspace. Each post reserves its workspace slot before sleeping, so channels
   * sending in parallel queue up instead of bursting into 429s.
   */
  async function pace(channel: string) {
    const now = Date.now();
    if (lastPostAt.size > 10_000) for (const [c, t] of lastPostAt) if (t < now - channelGapMs) lastPostAt.delete(c);
    const last = lastPostAt.get(channel);
    const channelReady = last === undefined ? now : Math.max(now, last + channelGapMs);
    const slot = Math.max(channelReady, workspaceNextFree);
    workspaceNextFree = slot + workspaceGapMs;
    if (slot > now) await sleep(slot - now);
    // The channel's clock starts when the post actually leaves, not when it was planned to.
    lastPostAt.set(channel, Date.now());
  }

  async function resolveChannel(channel: string): Promise<string> {
    // A user id means "DM this person"; history lookups need the IM's own id.
    return /^[UW]/.test(channel) ? options.slack.openConversation([channel]) : channel;
  }

  /** What follows a posted message (a check-in's response window starts); its failure never unsends it. */
  async function afterSent(d: Delivery, ref: DeliveryRenderRef | null): Promise<void> {
    if (!ref) return;
    try {
      await renderers.sent(ref, options.clock());
    } catch (err) {
      log.error({ err, deliveryId: d.id, kind: d.kind }, 'the step after a sent delivery failed');
    }
  }

  async function deliverOne(d: Delivery, report: SendReport): Promise<void> {
    // Stored either rendered (sent as is) or as what to render, which is rendered just before posting.
    const ref = 'render' in d.payload ? d.payload.render : null;
    const stored = 'render' in d.payload ? null : d.payload;
    // A file carries no metadata; its name, made unique by the delivery id, is what a resend looks for.
    const file = stored?.file ? { ...stored.file, filename: fileNameFor(stored.file.filename, d.id) } : null;
    let posting = false;
    if (hasExpired(d.expires_at, options.clock())) {
      if (await options.deliveries.cancel(d.id, owner, 'expired'))
        log.info({ deliveryId: d.id, kind: d.kind }, 'delivery outlived its purpose; cancelled, not sent late');
      return;
    }
    if (attemptBudgetSpent(d.attempts, policy)) {
      await options.deliveries.markFailed(d.id, owner, d.error ?? 'too_many_attempts');
      report.failed++;
      log.warn({ deliveryId: d.id, kind: d.kind, attempts: d.attempts }, 'delivery failed for good: attempt budget spent');
      return;
    }
    try {
      const channel = await resolveChannel(d.channel);
      // Only an attempt that reached chat.postMessage without a definite refusal can have posted;
      // anything else (a 429 on the post, a failure opening the DM or reading history) needs no look.
      if (d.may_have_posted) {
        const ts = file
          ? await options.slack.findFileShare(channel, file.filename, d.created_at)
          : await options.slack.findMessageByMetadata(
              channel,
              deliveryEventType,
              'delivery_id',
              d.id,
              d.created_at,
              stored?.thread_ts,
            );
        if (ts) {
          const recorded = await options.deliveries.markSent(d.id, owner, { channel, ts }, options.clock());
          report.recovered++;
          log.info({ deliveryId: d.id, kind: d.kind }, 'delivery found in history; not sent again');
          if (recorded) await afterSent(d, ref);
          return;
        }
      }
      if (!(await options.deliveries.renewClaim(d.id, owner, options.clock(), leaseMs))) {
        log.warn({ deliveryId: d.id }, 'claim expired while waiting to send; leaving it to its new owner');
        return;
      }
      await pace(channel);
      // Rendered as late as possible: a check-in posted late already shows who has answered.
      const payload: DeliveryPayload | undefined = ref ? await renderers.render(ref) : (stored ?? undefined);
      if (!payload) {
        if (await options.deliveries.cancel(d.id, owner, 'nothing_to_render'))
          log.info({ deliveryId: d.id, kind: d.kind }, 'what the delivery was about is gone; cancelled, not sent');
        return;
      }
      posting = true;
      if (file) {
        await options.slack.uploadFile({
          channel,
          filename: file.filename,
          title: file.title,
          content: Buffer.from(file.base64, 'base64'),
          initialComment: payload.text,
        });
        if (await options.deliveries.markSent(d.id, owner, { channel, ts: null }, options.clock())) report.sent++;
        return;
      }
      const sent = await options.slack.postMessage({
        channel,
        text: payload.text,
        blocks: payload.blocks,
        threadTs: payload.thread_ts,
        metadata: { eventType: deliveryEventType, payload: { delivery_id: d.id, kind: d.kind } },
      });
      if (await options.deliveries.markSent(d.id, owner, sent, options.clock())) {
        report.sent++;
        await afterSent(d, ref);
      }
    } catch (err) {
      if (err instanceof NoRendererError) {
        await options.deliveries.markFailed(d.id, owner, 'no_renderer');
        report.failed++;
        log.error({ deliveryId: d.id, kind: d.kind, renderKind: err.kind }, 'delivery failed: nothing renders its kind');
        return;
      }
      if (!(err instanceof SlackCallError)) throw err;
      const now = options.clock().getTime();
      const decision = decideAfterFailure(
        {
          failure: err.failure,
          nowMs: now,
          transientSinceMs: d.transient_since?.getTime() ?? null,
          transientFailures: d.transient_failures,
          posting,
          mayHavePosted: d.may_have_posted,
        },
        policy,
        random,
      );
      if (decision.action === 'fail') {
        await options.deliveries.markFailed(d.id, owner, decision.error);
        report.failed++;
        log.warn(
          {
            deliveryId: d.id,
            kind: d.kind,
            error: decision.error,
            attempts: d.attempts,
            transientFailures: d.transient_failures,
          },
          'delivery failed for good',
        );
        return;
      }
      await options.deliveries.retryTransient(
        d.id,
        owner,
        new Date(now),
        new Date(now + decision.waitMs),
        decision.error,
        decision.notPosted,
      );
      report.retried++;
      log.info({ deliveryId: d.id, error: decision.error, retryInMs: decision.waitMs }, 'delivery will be retried');
    }
  }

  /** Claims and sends due deliveries until none are left or `deadline` passes. */
  async function deliverDue(limitBatches = 100): Promise<SendReport> {
    const report: SendReport = { sent: 0, recovered: 0, retried: 0, failed: 0 };
    for (let batch = 0; batch < limitBatches; batch++) {
      const claimed = await options.deliveries.claimDue(options.clock(), owner, batchSize, leaseMs);
      if (claimed.length === 0) break;
      // Channels are independent; within a channel, order and pacing matter, so each channel is a queue.
      const byChannel = new Map<string, Delivery[]>();
      for (const d of claimed) byChannel.set(d.channel, [...(byChannel.get(d.channel) ?? []), d]);
      // Every queue is waited for, even after one has failed: a run that ended while another queue was still
      // posting would let idle() return with a post in flight, whose claim could lapse and be taken again.
      const outcomes = await Promise.allSettled(
        [...byChannel.values()].map(async (queue) => {
          for (const d of queue) await deliverOne(d, report);
        }),
      );
      const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failed) throw failed.reason;
    }
    return report;
  }

  let running: Promise<SendReport> | null = null;
  let again = false;
  /** Starts a delivery run soon, coalescing kicks that arrive while one is running. */
  function kick(): void {
    if (running) {
      again = true;
      return;
    }
    running = deliverDue()
      .catch((err: unknown) => {
        log.error({ err }, 'delivery run failed');
        return { sent: 0, recovered: 0, retried: 0, failed: 0 };
      })
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          kick();
        }
      });
  }

  return {
    owner,
    deliverDue,
    kick,
    idle: async () => {
      while (running) await running;
    },
  };
}

export type DeliverySender = ReturnType<typeof createDeliverySender>;
