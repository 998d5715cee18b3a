import type { PeopleRepository } from '../../db/repositories/people-repository.js';
import type { Person } from '../../db/schema.js';
import type { Clock } from '../clock.js';
import type { SlackPort } from '../slack-port.js';

/** Names and time zones come from Slack and are refreshed after this long; nobody types them in. */
const refreshAfterMs = 12 * 60 * 60 * 1000;

/** The name people know a person by: their full name, else their Slack name, else the id. */
export function personName(p: { real_name: string | null; name: string } | undefined, fallback: string): string {
  return p?.real_name || p?.name || fallback;
}

export function createPeopleService(deps: { people: PeopleRepository; slack: SlackPort; clock: Clock }) {
  async function ensure(slackId: string, options: { force?: boolean } = {}): Promise<Person> {
    const now = deps.clock();
    const known = await deps.people.find(slackId);
    if (known && !options.force && now.getTime() - known.refreshed_at.getTime() < refreshAfterMs) return known;
    try {
      const u = await deps.slack.userInfo(slackId);
      return await deps.people.upsert(
        {
          slackId: u.id,
          teamId: u.teamId,
          name: u.name,
          realName: u.realName,
          timeZone: u.timeZone,
          isBot: u.isBot,
          deleted: u.deleted,
        },
        now,
      );
    } catch (err) {
      // A stale name and zone beat no answer when Slack is briefly unavailable.
      if (known) return known;
      throw err;
    }
  }

  return {
    ensure,
    ensureMany: (ids: readonly string[]) => Promise.all(ids.map((id) => ensure(id))),
    find: (id: string) => deps.people.find(id),
    findMany: (ids: readonly string[]) => deps.people.findMany(ids),
    setMaxMentees: (id: string, max: number | null) => deps.people.setMaxMentees(id, max),
    awayInProgram: (programId: number, now: Date) => deps.people.awayInProgram(programId, now),
  };
}

export type PeopleService = ReturnType<typeof createPeopleService>;
