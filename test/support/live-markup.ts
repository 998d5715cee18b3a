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
