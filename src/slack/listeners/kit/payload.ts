/**
 * The first input block of a submitted view, to hang a form-wide error on. Tolerant of junk payloads:
 * a view submission is input like any other and must never throw before ack().
 */
export function firstInputBlockId(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks)) return undefined;
  for (const b of blocks as unknown[]) {
    if (typeof b !== 'object' || b === null) continue;
    const { type, block_id } = b as { type?: unknown; block_id?: unknown };
    if (type === 'input' && typeof block_id === 'string') return block_id;
  }
  return undefined;
}
