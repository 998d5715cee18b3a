import { systemClock } from '../services/clock.js';
import { slackUserIdPattern } from '../services/people/data-rights-service.js';
import { load, type CliContext } from './context.js';

/** `tandem forget`: Deletes or pseudonymises everything stored about a person. */
export async function run(c: CliContext): Promise<number> {
  const { args, env, out, open } = c;
  const id = args[0];
  if (args.length !== 1 || !id || !slackUserIdPattern.test(id)) {
    process.stderr.write(
      `forget needs exactly one Slack user id such as U012ABCDEF${id && !slackUserIdPattern.test(id) ? ` (“${id}” is not one)` : ''}.\nUsage: tandem forget <slack-id>\n`,
    );
    return 2;
  }
  const config = (await import('../config.js')).loadDatabaseConfig(env);
  const app = await load();
  const { log, db } = await open(config);
  try {
    const result = await app
      .createDataRightsService({ dataRights: app.createDataRightsRepository(db.db), clock: systemClock, logger: log })
      .forgetPerson(id);
    if (!result.ok) {
      process.stderr.write(`${result.message}\nUsage: tandem forget <slack-id>\n`);
      return 2;
    }
    if (!result.found) out(`Nothing was stored about ${id}: there was nothing to forget.`);
    else {
      out(`Forgot ${id}: what is left of them is now ${result.pseudonym}.`);
      out(
        `deleted: ${
          Object.entries(result.changes.deleted)
            .map(([table, n]) => `${n} from ${table}`)
            .join(', ') || 'nothing'
        }`,
      );
      out(`anonymised: ${Object.keys(result.changes.anonymised).join(', ') || 'nothing'}`);
    }
  } finally {
    await db.close();
  }
  return 0;
}
