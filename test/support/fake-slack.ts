/** The fake Slack Web API; its parts live in ./fake-slack/ (one file per Web API family). */
export * from './fake-slack/index.js';
