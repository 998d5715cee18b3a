/**
 * Slash commands with should_escape send users as <@U123|name> (older clients send <@U123>).
 * A bare @name cannot be resolved without a directory lookup, so it is reported, not guessed.
 */
const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/;

export function parseUserMention(token: string | undefined): string | null {
  if (!token) return null;
  const m = mention.exec(token.trim());
  return m?.[1] ?? null;
}

/** Splits command text into words, keeping "quoted phrases" together. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] ?? m[2] ?? '');
  return out;
}
