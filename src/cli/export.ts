import { systemClock } from '../services/clock.js';
import { slackUserIdPattern } from '../services/people/data-rights-service.js';
import { load, type CliContext } from './context.js';

/** `tandem export`: A month's hours as CSV, or everything stored about a person as JSON, on stdout. */
export async function run(c: CliContext): Promise<number> {
  const { args, env, out, open } = c;
  if (args[0] === 'person') {
    const id = args[1];
    if (args.length !== 2 || !id || !slackUserIdPattern.test(id)) {
      process.stderr.write(
        `export person needs exactly one Slack user id such as U012ABCDEF${id && !slackUserIdPattern.test(id) ? ` (“${id}” is not one)` : ''}.\nUsage: tandem export person <slack-id>\n`,
      );
      return 2;
    }
    const config = (await import('../config.js')).loadDatabaseConfig(env);
    const app = await load();
    // stdout is the export itself: log lines go to stderr.
    const { log, db } = await open(config, 'stderr');
    try {
      const result = await app
        .createDataRightsService({ dataRights: app.createDataRightsRepository(db.db), clock: systemClock, logger: log })
        .exportPerson(id);
      if (!result.ok) {
        process.stderr.write(`${result.message}\nUsage: tandem export person <slack-id>\n`);
        return 2;
      }
      out(JSON.stringify(result.data, null, 2));
    } finally {
      await db.close();
    }
    return 0;
  }
  const monthIndex = args.indexOf('--month');
  const month = monthIndex >= 0 ? args[monthIndex + 1] : undefined;
  const { monthRange } = await import('../domain/hours.js');
  if (args[0] !== 'hours' || !month || !monthRange(month)) {
    process.stderr.write('Usage: tandem export hours --month YYYY-MM\n       tandem export person <slack-id>\n');
    return 2;
  }
  const config = (await import('../config.js')).loadDatabaseConfig(env);
  const app = await load();
  const { db } = await open(config, 'stderr');
  try {
    const repos = { sessionLogs: app.createSessionLogRepository(db.db), people: app.createPeopleRepository(db.db) };
    process.stdout.write((await app.hoursCsv(repos, month))?.csv ?? '');
  } finally {
    await db.close();
  }
  return 0;
}
