/** A weekly check-in asks both people of the pair. */
export const answersPerCheckin = 2;

/**
 * The check-in answer rate, in whole percent: the answers given over the answers asked for (two per
 * check-in, one from each side). Null when no check-in was asked. The one formula for every place that
 * shows an answer rate (the digest, its chart, the program summary, the staff Home).
 */
export function answerRate(answers: number, checkins: number): number | null {
  if (checkins <= 0) return null;
  return Math.round((100 * answers) / (answersPerCheckin * checkins));
}

/** "75%", or `none` when nothing was asked. */
export function answerRateLabel(rate: number | null, none: string): string {
  return rate === null ? none : `${rate}%`;
}
