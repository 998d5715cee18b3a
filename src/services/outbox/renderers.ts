import type { DeliveryPayload, DeliveryRenderRef } from '../../db/schema.js';

/**
 * Renders a queued message from what it is about, as it is when the sender posts it. Undefined means
 * there is nothing left to say (what it was about is gone): the delivery is dropped, not sent.
 */
export type DeliveryRenderer = (ids: DeliveryRenderRef['ids']) => Promise<DeliveryPayload | undefined>;

/** A renderer was asked for a kind nobody registered: a wiring mistake, never Slack's fault. */
export class NoRendererError extends Error {
  override name = 'NoRendererError';
  constructor(readonly kind: string) {
    super(`no renderer is registered for deliveries of kind ${kind}`);
  }
}

/**
 * Renderers by kind. The composition root registers each feature's renderer; the sender only looks
 * them up, so it knows no feature.
 */
export function createRendererRegistry() {
  const byKind = new Map<string, DeliveryRenderer>();
  const afterSent = new Map<string, (ids: DeliveryRenderRef['ids'], at: Date) => Promise<void>>();
  return {
    /** What follows a posted message of this kind (a check-in's window starts when it is posted). */
    onSent(kind: string, fn: (ids: DeliveryRenderRef['ids'], at: Date) => Promise<void>): void {
      if (afterSent.has(kind)) throw new Error(`an after-send step for deliveries of kind ${kind} is already registered`);
      afterSent.set(kind, fn);
    },
    async sent(ref: DeliveryRenderRef, at: Date): Promise<void> {
      await afterSent.get(ref.kind)?.(ref.ids, at);
    },
    register(kind: string, renderer: DeliveryRenderer): void {
      if (byKind.has(kind)) throw new Error(`a renderer for deliveries of kind ${kind} is already registered`);
      byKind.set(kind, renderer);
    },
    async render(ref: DeliveryRenderRef): Promise<DeliveryPayload | undefined> {
      const renderer = byKind.get(ref.kind);
      if (!renderer) throw new NoRendererError(ref.kind);
      return renderer(ref.ids);
    },
  };
}

export type RendererRegistry = ReturnType<typeof createRendererRegistry>;
