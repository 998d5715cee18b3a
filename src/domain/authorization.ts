/**
 * Who may act on a pair's things. Kept pure and in one place so the rules can be tested (and
 * mutation-tested) without Slack or a database; services load the row and ask these.
 */
type Pair = { mentor_id: string; mentee_id: string };

/** Either side of the pair: check-in answers, moving a meeting, DTRs. */
export const isInPair = (pair: Pair, actor: string): boolean => pair.mentor_id === actor || pair.mentee_id === actor;

/** Only the mentor: session logs, standups, and the answer to a match request (accept or decline). */
export const isMentorOf = <T extends { mentor_id: string }>(thing: T | null | undefined, actor: string): thing is T =>
  !!thing && thing.mentor_id === actor;
