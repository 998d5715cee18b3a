import { readFile } from 'node:fs/promises';
import type { Milestone } from '../domain/vocabulary.js';
import { cliActor } from '../services/outcome.js';
import { load, type CliContext } from './context.js';

const milestones: readonly Milestone[] = ['kickoff', 'midmod', 'exit'];
const usage =
  'Usage: tandem questions show <program> <kickoff|midmod|exit>\n       tandem questions set <program> <kickoff|midmod|exit> <questions.json>';

/**
 * `tandem questions`: a program's own DTR questions. `show` prints the set in use (the program's own, or
 * the built-in one) as JSON, a starting point to edit; `set` checks a file and makes it the program's next
 * version. A DTR already answered keeps the questions it was answered with.
 */
export async function run(c: CliContext): Promise<number> {
  const { args, env, out, open } = c;
  const [verb, program, milestone, file] = args;
  const known = milestones.find((m) => m === milestone);
  if (
    (verb !== 'show' && verb !== 'set') ||
    !program ||
    !known ||
    (verb === 'set' ? !file || args.length !== 4 : args.length !== 3)
  ) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  let definition: unknown;
  if (verb === 'set') {
    const text = await readFile(file as string, 'utf8').catch(() => null);
    if (text === null) {
      process.stderr.write(`Cannot read ${file}\n`);
      return 2;
    }
    try {
      definition = JSON.parse(text);
    } catch (err) {
      process.stderr.write(`${file} is not JSON: ${(err as Error).message}\n`);
      return 2;
    }
  }
  const config = (await import('../config.js')).loadConfig(env);
  const app = await load();
  // stdout is the set itself (show): log lines go to stderr.
  const { log, db } = await open(config, 'stderr');
  try {
    const services = app.buildServices(config, db, log);
    if (verb === 'show') {
      const r = await services.dtr.questionSets.current(program, known);
      if (!r.ok) {
        process.stderr.write(`${r.message}\n`);
        return 2;
      }
      process.stderr.write(
        r.source === 'program'
          ? `“${program}” uses its own version ${r.set.version}.\n`
          : `“${program}” uses the built-in questions.\n`,
      );
      out(JSON.stringify(r.set, null, 2));
      return 0;
    }
    const r = await services.dtr.questionSets.replace(cliActor, program, known, definition);
    if (!r.ok) {
      process.stderr.write(`${r.message}\n`);
      return 2;
    }
    out(
      `Stored version ${r.version} of the ${known} questions for “${program}”. DTRs opened from now on ask them; answers already given keep their own questions.`,
    );
    return 0;
  } finally {
    await db.close();
  }
}
