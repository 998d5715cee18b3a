import type { RequestKeyRepository } from '../../db/repositories/request-key-repository.js';
import type { Logger } from '../../logger.js';
import type { Clock } from '../clock.js';

/**
 * How long a request's key is remembered. Slack refuses signatures older than five minutes (and we
 * refuse ones from the future), so a replayed command or form is stale well within a quarter hour;
 * Slack retries an event for about an hour.
 */
export const requestKeyTtlMs = { command: 15 * 60_000, view: 15 * 60_000, event: 60 * 60_000 } as const;
/** While an event is being handled its key is only leased: a replica that dies mid-way does not swallow Slack's retries. */
export const eventLeaseMs = 2 * 60_000;
const pruneEveryMs = 10 * 60_000;

/** Request keys (Slack event ids, triggers, views): a replay or retry finds its key and does nothing. */
export function createRequestKeyService(deps: { keys: RequestKeyRepository; clock: Clock; logger: Logger }) {
  const log = deps.logger.child({ component: 'request-keys' });
  let lastPrune = 0;
  const prune = (now: Date) => {
    if (now.getTime() - lastPrune < pruneEveryMs && now.getTime() >= lastPrune) return;
    lastPrune = now.getTime();
    void deps.keys.prune(now).catch((err: unknown) => log.warn({ err }, 'could not prune request keys'));
  };

  return {
    /**
     * True the first time a key is claimed (until it expires). When the database cannot answer the
     * request goes ahead: its own work needs the database too, and a refusal there is clearer.
     */
    async claim(key: string, ttlMs: number): Promise<boolean> {
      const now = deps.clock();
      prune(now);
      try {
        return await deps.keys.claim(key, new Date(now.getTime() + ttlMs), now);
      } catch (err) {
        log.warn({ err }, 'could not check a request key; handling the request');
        return true;
      }
    },
    async extend(key: string, ttlMs: number): Promise<void> {
      await deps.keys
        .extend(key, new Date(deps.clock().getTime() + ttlMs))
        .catch((err: unknown) => log.warn({ err }, 'could not keep a request key'));
    },
    async release(key: string): Promise<void> {
      await deps.keys.release(key).catch((err: unknown) => log.warn({ err }, 'could not release a request key'));
    },
    /** A key for the view a form was typed into: a second submission of it changes nothing. */
    viewKey: (viewId: string) => ({ key: `view:${viewId}`, until: new Date(deps.clock().getTime() + requestKeyTtlMs.view) }),
  };
}

export type RequestKeyService = ReturnType<typeof createRequestKeyService>;
