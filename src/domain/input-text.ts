// C0 and C1 controls and DEL, except tab and newline. PostgreSQL refuses NUL in text outright.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const controls = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** What a person typed, as stored: control characters removed, lone surrogates repaired, Unicode NFC. */
export function normalizeInputText(s: string): string {
  return s.replace(controls, '').replace(loneSurrogate, '\ufffd').normalize('NFC');
}

/**
 * Normalizes every string in a parsed request body in place, so each listener, service and
 * repository sees the same clean text whichever field it reads.
 */
export function normalizeInputStrings(value: unknown, depth = 0): void {
  if (depth > 32 || typeof value !== 'object' || value === null) return;
  const record = value as Record<string, unknown>;
  for (const k of Object.keys(record)) {
    const v = record[k];
    if (typeof v === 'string') {
      const clean = normalizeInputText(v);
      if (clean !== v) record[k] = clean;
    } else normalizeInputStrings(v, depth + 1);
  }
}

/**
 * Slack sends &, < and > that a person typed in a slash command as &amp;, &lt; and &gt; (the real < and >
 * are its own markup: mentions, channels, links). Free text taken from a command is decoded once, so a
 * note "R&D <3" is stored as typed and escaped once on its way back out.
 */
export function decodeSlackEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
