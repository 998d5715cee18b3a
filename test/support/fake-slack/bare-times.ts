/**
 * Every time a person reads is theirs: a clock time in anything the bot shows (message text, every text
 * in its blocks and attachments, modals and App Home views, response_url answers) is either inside a
 * Slack date token (`<!date^…|…>`, which each reader's Slack shows in their own zone) or names the zone
 * it is in ("18:00 Europe/Berlin", "15:00 UTC", "09:00 in each mentor's own zone").
 *
 * The fake records each bare time it receives (server.ts); `bare-times-check.ts` fails the test that
 * was running, naming the call and the text.
 */

/** A clock time such as 9:45, 21:45 or 6:39 PM. */
const clockTime = /(?<![\d:.])\d{1,2}:\d{2}(?![\d:])/g;
const dateToken = /<!date\^[^>]*>/g;
/** What may follow a clock time: an IANA zone, UTC/GMT with an offset, an abbreviation (CET, EST), or whose zone it is. */
const namedZone =
  /^(\s?[AaPp]\.?[Mm]\.?)?\s*\(?(?:[A-Z][A-Za-z_]+\/[A-Za-z_+\-/]+|(?:UTC|GMT)(?:[+-]\d{1,2}(?::?\d{2})?)?|(?![AP]M\b)[A-Z]{2,5}\b|(?:in )?(?:your|their|each [a-z]+['’]s) own (?:time )?zone)/;

/** The bare clock times in one text, each with a little of the text around it. */
export function bareClockTimes(text: string): string[] {
  const withoutTokens = text.replace(dateToken, '<!date>');
  const found: string[] = [];
  for (const m of withoutTokens.matchAll(clockTime)) {
    const after = withoutTokens.slice(m.index + m[0].length);
    if (namedZone.test(after)) continue;
    found.push(`“${withoutTokens.slice(Math.max(0, m.index - 50), m.index + m[0].length + 30)}”`);
  }
  return found;
}

/** Keys whose strings Slack never shows as they are: ids, values sent back, what a person typed into an input. */
const notShown = new Set([
  'action_id',
  'block_id',
  'callback_id',
  'private_metadata',
  'external_id',
  'value',
  'url',
  'image_url',
  'initial_value',
  'initial_time',
  'initial_date',
  'ts',
  'thread_ts',
  'channel',
  'user',
  'metadata',
]);

/** Every string a person may read in a call's arguments (or a response_url body). */
export function shownTexts(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) shownTexts(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (!notShown.has(k)) shownTexts(v, out);
  }
  return out;
}

/** The Web API methods whose arguments hold what people read. */
export const showsText = (method: string) => /^(chat\.(postMessage|update|postEphemeral|scheduleMessage)|views\.)/.test(method);

/** The bare times in a call's arguments, one entry per text. */
export function bareTimesIn(where: string, shown: unknown): string[] {
  return shownTexts(shown).flatMap((t) => bareClockTimes(t).map((excerpt) => `${where}: ${excerpt}`));
}

type Checked = { bareTimes: string[]; ignoreBareTimes: boolean; closed: boolean };
/** The fakes started in this worker; the check after each test drains what they recorded. */
export const fakesToCheck = new Set<Checked>();
