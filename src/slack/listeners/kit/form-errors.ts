/**
 * A refused form submission as Slack's `response_action: errors` wants it: each field error under the block
 * that holds the field (`blocks`: the service's field name -> the form's block id), anything else under
 * `fallback`, the form's first block.
 */
export function formErrors(
  refusal: { message: string; errors?: Record<string, string> } | { message?: undefined; errors: Record<string, string> },
  blocks: Record<string, string>,
  fallback: string,
): Record<string, string> {
  if (!refusal.errors) return { [fallback]: refusal.message ?? '' };
  return Object.fromEntries(Object.entries(refusal.errors).map(([field, message]) => [blocks[field] ?? fallback, message]));
}
