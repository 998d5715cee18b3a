import type { Button, ContextBlock, DividerBlock, KnownBlock, PlainTextElement, SectionBlock } from '@slack/types';

/** A message as Slack takes it: the notification text and its Block Kit blocks. */
export type Message = { text: string; blocks: KnownBlock[] };
export type { KnownBlock };

declare const typedByPerson: unique symbol;
/**
 * Text a person typed (a reason, a note, an answer, a program name) or a Slack profile name. It is
 * stored and compared as is, and reaches mrkdwn only through `escapeMrkdwn`.
 */
export type UserText = string & { readonly [typedByPerson]: true };
export const userText = (text: string): UserText => text as UserText;
export const userTextOrNull = (text: string | null | undefined): UserText | null => (text == null ? null : userText(text));
/** A person's DTR answers, keyed by question id. */
export type UserAnswers = Readonly<Record<string, UserText>>;
export const userAnswers = (answers: Readonly<Record<string, string>>): UserAnswers => answers as UserAnswers;

/**
 * The one way person-typed text enters mrkdwn: &, < and > escaped, so nothing they typed becomes a live
 * broadcast (<!channel>), mention (<@U…>) or disguised link (<https://…|…>).
 */
export function escapeMrkdwn(text: UserText | string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts text to Slack's limit for a field, marking the cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Person text escaped for mrkdwn and cut to at most `max` characters as sent (escaping makes `&` five
 * long), never inside an entity, the cut marked with an ellipsis.
 */
export function escapeAndClip(text: UserText | string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  let cut = escaped.slice(0, max - 1);
  const amp = cut.lastIndexOf('&');
  if (amp !== -1 && !cut.includes(';', amp)) cut = cut.slice(0, amp);
  return `${cut}…`;
}

export const mention = (userId: string) => `<@${userId}>`;

export const section = (text: string): SectionBlock => ({ type: 'section', text: { type: 'mrkdwn', text: clip(text, 3000) } });
export const context = (text: string): ContextBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: clip(text, 3000) }],
});
export const divider: DividerBlock = { type: 'divider' };
/** A button whose value names what it acts on; `style` only for the one action a message wants first. */
export const button = (actionId: string, text: string, value: string, style?: 'primary' | 'danger'): Button => ({
  type: 'button',
  action_id: actionId,
  text: plain(text),
  value,
  ...(style ? { style } : {}),
});
export const plain = (text: string, max = 75): PlainTextElement => ({ type: 'plain_text', text: clip(text, max), emoji: true });

/**
 * Packs lines into as few section blocks as fit Slack's 3000-character limit, so long answers are
 * shown whole rather than cut to a fixed share; only a single line longer than a block is clipped.
 */
export function packSections(lines: readonly string[], separator = '\n\n'): SectionBlock[] {
  const out: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = clip(raw, 3000);
    if (current && current.length + separator.length + line.length > 3000) {
      out.push(current);
      current = line;
    } else current = current ? `${current}${separator}${line}` : line;
  }
  if (current) out.push(current);
  return out.map(section);
}

/** "1 mentee", "3 mentees": a count with its noun, never "mentee(s)". */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
