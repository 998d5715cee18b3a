import type { FakeSlack } from './fake-slack.js';

/** What a person might type to make the bot ping everyone, mention someone or disguise a link. */
export const HOSTILE = '<!channel> <!here> <!everyone> <@UEVIL0001> <https://evil.example/login|https://slack.com/signin> & co';

/** The live forms of HOSTILE's parts: none of these may appear in anything the bot sent. */
const live = ['<!channel>', '<!here>', '<!everyone>', '<@UEVIL0001>', '<https://evil.example'];

/**
 * Every live broadcast, mention or link from HOSTILE found in what the fake Slack received: messages,
 * updates, views, ephemeral and response_url replies. Empty when all of it arrived escaped.
 */
export function liveMarkupFound(slack: FakeSlack): string[] {
  const found: string[] = [];
  const scan = (where: string, value: unknown) => {
    const text = JSON.stringify(value);
    for (const l of live) if (text.includes(l)) found.push(`${where}: ${l}`);
  };
  for (const c of slack.calls) if (/^(chat\.|views\.)/.test(c.method)) scan(c.method, c.args);
  for (const r of slack.responses) scan('response_url', r.body);
  return found;
}

/** The strings Slack renders as mrkdwn: a message's `text` and every mrkdwn text object in its blocks or views. */
function mrkdwnStrings(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) mrkdwnStrings(v, out);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
    for (const v of Object.values(o)) mrkdwnStrings(v, out);
  }
  return out;
}

/**
 * Like liveMarkupFound, but only where Slack parses markup: message text and mrkdwn objects. A form's
 * pre-filled input or a plain_text label shows what the person typed literally, so it may hold it as is.
 */
export function liveMrkdwnFound(slack: FakeSlack): string[] {
  const found: string[] = [];
  const scan = (where: string, texts: string[]) => {
    for (const t of texts) for (const l of live) if (t.includes(l)) found.push(`${where}: ${l}`);
  };
  for (const c of slack.calls) {
    if (!/^(chat\.|views\.)/.test(c.method)) continue;
    const args = c.args as Record<string, unknown>;
    scan(c.method, [
      ...(typeof args.text === 'string' && c.method.startsWith('chat.') ? [args.text] : []),
      ...mrkdwnStrings(args),
    ]);
  }
  for (const r of slack.responses) {
    const body = r.body as Record<string, unknown>;
    scan('response_url', [...(typeof body?.text === 'string' ? [body.text] : []), ...mrkdwnStrings(body)]);
  }
  return found;
}
