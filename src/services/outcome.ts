/**
 * Expected outcomes are values, not exceptions. A refusal carries the sentence the person should
 * read; `reason` lets tests and callers tell refusals apart without parsing that sentence.
 */
export type Refusal = { ok: false; reason: 'forbidden' | 'not_found' | 'invalid' | 'conflict'; message: string };
export type Outcome<T> = ({ ok: true } & T) | Refusal;

export const refuse = (reason: Refusal['reason'], message: string): Refusal => ({ ok: false, reason, message });
/** A mention Slack has no user for (mistyped, forged, or from another workspace). */
export const unknownPerson = () =>
  refuse(
    'not_found',
    "I couldn't find one of the people you mentioned in this workspace, so nothing was changed. Pick them from Slack's @-mention list and try again.",
  );
export const staffOnly = () =>
  refuse(
    'forbidden',
    'Only program staff can do that. Ask a staff member to run it, or to add you with `/tandem staff add @you`.',
  );

/** Who acts for an operator at the command line. No Slack user id can look like this. */
export const cliActor = 'cli';
