import { ids } from './ids.js';

/** One input's submitted state, as Slack sends it (Bolt's ViewStateValue fits). */
export type FieldState = {
  value?: string | null;
  selected_option?: { value?: string } | null;
  selected_date?: string | null;
  selected_time?: string | null;
  selected_conversation?: string | null;
  selected_channel?: string | null;
  selected_options?: { value?: string }[] | null;
};

/** A submitted view's state (Bolt's `view.state` fits): block id -> action id -> what was entered. */
export type FormState = { values?: Record<string, Record<string, FieldState | undefined> | undefined> } | undefined;

/**
 * What a person entered in one field of a Tandem form (each input's action id is `value`): the text, the
 * chosen option, date, time or conversation, as sent; null when the field is absent. Never throws on a
 * malformed payload: a view submission is input like any other.
 */
export function fieldValue(state: FormState, blockId: string): string | null {
  const v = state?.values?.[blockId]?.[ids.value];
  if (!v || typeof v !== 'object') return null;
  const raw =
    v.value ??
    v.selected_option?.value ??
    v.selected_date ??
    v.selected_time ??
    v.selected_conversation ??
    v.selected_channel ??
    null;
  return typeof raw === 'string' ? raw : null;
}

/** A field's value trimmed, or null when it was left empty. */
export function filledValue(state: FormState, blockId: string): string | null {
  const raw = fieldValue(state, blockId)?.trim();
  return raw ? raw : null;
}

/** Whether a checkbox field has this option ticked. */
export function isChecked(state: FormState, blockId: string, option: string): boolean {
  const chosen: unknown = state?.values?.[blockId]?.[ids.value]?.selected_options;
  return (
    Array.isArray(chosen) &&
    chosen.some((o: unknown) => typeof o === 'object' && o !== null && (o as { value?: unknown }).value === option)
  );
}

/** Every field of a form by block id (for forms whose fields are data, such as a DTR's questions). */
export function fieldValues(state: FormState): Record<string, string | null> {
  return Object.fromEntries(Object.keys(state?.values ?? {}).map((blockId) => [blockId, fieldValue(state, blockId)]));
}
