import type { PairingRepository } from '../../db/repositories/pairing-repository.js';
import type { PeopleRepository } from '../../db/repositories/people-repository.js';
import type { AwayEntry, PausedPair } from '../../messages/away.js';

/** Who in a program is away now or soon, and which of its pairs are paused (by whom, until when): for staff. */
export async function programAbsences(
  deps: { people: Pick<PeopleRepository, 'awayInProgram'>; pairings: Pick<PairingRepository, 'listByProgram'> },
  programId: number,
  now: Date,
): Promise<{ away: AwayEntry[]; pausedPairs: PausedPair[] }> {
  const away = (await deps.people.awayInProgram(programId, now)).map((a) => ({
    personId: a.slack_id,
    from: a.away_from ?? a.away_until ?? '',
    until: a.away_until ?? '',
  }));
  const pausedPairs = (await deps.pairings.listByProgram(programId, ['paused'])).map((q) => ({
    mentorId: q.mentor_id,
    menteeId: q.mentee_id,
    pausedBy: q.paused_by,
    until: q.paused_until,
  }));
  return { away, pausedPairs };
}
