/**
 * The fake Slack, split by Web API family: server.ts (HTTP, recording, faults, rate limits),
 * workspace.ts (the state and Slack's serializations), and one file per method family
 * (auth, users, conversations, chat, views, reactions, files). See server.ts for usage.
 */
export { FakeSlack, startFakeSlack } from './server.js';
export * from './types.js';
