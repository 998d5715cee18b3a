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
  return {
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
