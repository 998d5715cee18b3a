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

/** A word of command text, where it stood, and whether it was a "quoted phrase". */
export type Token = { value: string; start: number; end: number; quoted: boolean };

/**
 * A "quoted phrase" (straight or curly quotes, which phones type), or a word. Slack's escaped markup
 * (<@U1|Ada Lovelace>, <#C1|general>, <https://…|label>) stays whole inside a word, spaces and | included.
 */
const tokenPattern = /"([^"]*)"|“([^”]*)”|((?:<[^<>\n]*>|\S)+)/g;

/** Splits command text into tokens, keeping "quoted phrases" and Slack's <…> markup together. */
export function scan(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(tokenPattern)) {
    const quoted = m[3] === undefined;
    out.push({ value: m[1] ?? m[2] ?? m[3] ?? '', start: m.index, end: m.index + m[0].length, quoted });
  }
  return out;
}

/** Splits command text into words, keeping "quoted phrases" and mentions together. */
export function tokenize(text: string): string[] {
  return scan(text).map((t) => t.value);
}

/** Where the first | of a word stands outside Slack's markup, or -1. */
function barIn(word: string): number {
  const markup = /<[^<>\n]*>/y;
  for (let i = 0; i < word.length; i++) {
    if (word[i] === '<') {
      markup.lastIndex = i;
      if (markup.test(word)) i = markup.lastIndex - 1;
    } else if (word[i] === '|') return i;
  }
  return -1;
}

/**
 * Cuts command text at its first | that is neither part of Slack's markup (the | in <@U1|ada> belongs to
 * the mention) nor inside a "quoted phrase". Returns the text before it and, when there is one, all of
 * the text after it as typed.
 */
export function splitAtBar(text: string): { head: string; tail: string | null } {
  for (const t of scan(text)) {
    const at = t.quoted ? -1 : barIn(text.slice(t.start, t.end));
    if (at >= 0) return { head: text.slice(0, t.start + at), tail: text.slice(t.start + at + 1) };
  }
  return { head: text, tail: null };
}
