import { createHmac, randomBytes } from 'node:crypto';
import type { DataRightsRepository, ForgetChanges } from '../../db/repositories/data-rights-repository.js';
import type { Logger } from '../../logger.js';
import type { Clock } from '../clock.js';
import { cliActor, refuse, type Outcome } from '../outcome.js';

export const slackUserIdPattern = /^[UW][A-Z0-9]{2,}$/;

/**
 * The stand-in for a forgotten person's id: the same for the same id, so their anonymised rows still
 * group together (one mentor's pairings, one person's check-in answers). An HMAC under the
 * installation's random key, so the member list alone does not reverse it; 64 bits keep two people
 * apart. It is still a pseudonym, not anonymous: whoever holds the database holds the key.
 */
export function pseudonymFor(key: string, slackId: string): string {
  return `forgotten:${createHmac('sha256', Buffer.from(key, 'hex')).update(slackId).digest('hex').slice(0, 16)}`;
}

const newPseudonymKey = () => randomBytes(32).toString('hex');

type Row = Record<string, unknown>;

/** Everything Tandem stores about one person, as `tandem export person` prints it. */
export type PersonExport = {
  slack_id: string;
  exported_at: string;
  person: Row | null;
  staff: Row | null;
  pairings: Row[];
  checkin_answers: Row[];
  dtr_answers: Row[];
  expectations: Row[];
  alerts: Row[];
  standups: Row[];
  session_logs: Row[];
  private_notes: Row[];
  /** Notes other people wrote about this person: readable by their authors alone, so only counted. */
  notes_about_you_count: number;
  match_requests: Row[];
  reschedules: Row[];
  /** Messages Tandem sent them directly: kind, status and times, not the text. */
  deliveries: Row[];
  audit_log: Row[];
};

/**
 * Dates become ISO strings; objects from JSON columns get sorted keys, so the same data always
 * prints the same way. A row's own columns keep the order the repository selected them in.
 */
function plain(value: unknown, sortKeys: boolean): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => plain(v, true));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Row);
    if (sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, plain(v, true)]));
  }
  return value;
}

const row = (r: Row): Row => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v, true)]));
const rows = (rs: readonly Row[]): Row[] => rs.map(row);

const invalidId = (id: string | undefined) =>
  refuse(
    'invalid',
    `“${id ?? ''}” is not a Slack user id: it looks like U012ABCDEF (find it in the person's Slack profile under “Copy member ID”).`,
  );

export function createDataRightsService(deps: {
  dataRights: DataRightsRepository;
  clock: Clock;
  logger: Logger;
  actor?: string;
}) {
  const actor = deps.actor ?? cliActor;
  return {
    /** What Tandem stores about a person; an unknown person gets the same shape with empty collections. */
    async exportPerson(slackId: string | undefined): Promise<Outcome<{ found: boolean; data: PersonExport }>> {
      if (!slackId || !slackUserIdPattern.test(slackId)) return invalidId(slackId);
      const now = deps.clock();
      const r = await deps.dataRights.collect(slackId);
      const data: PersonExport = {
        slack_id: slackId,
        exported_at: now.toISOString(),
        person: r.person ? row(r.person) : null,
        staff: r.staff ? row(r.staff) : null,
        pairings: rows(r.pairings),
        checkin_answers: rows(r.checkinAnswers),
        dtr_answers: rows(r.dtrAnswers),
        expectations: rows(r.expectations),
        alerts: rows(r.alerts),
        standups: r.standups.map((s) => ({ ...row(s), entries: rows(s.entries) })),
        session_logs: rows(r.sessionLogs),
        private_notes: rows(r.privateNotes),
        notes_about_you_count: r.notesAboutCount,
        match_requests: rows(r.matchRequests),
        reschedules: rows(r.reschedules),
        deliveries: rows(r.deliveries),
        audit_log: rows(r.auditLog),
      };
      const counts = Object.fromEntries(
        Object.entries(data)
          .filter(([, v]) => Array.isArray(v))
          .map(([k, v]) => [k, (v as unknown[]).length]),
      );
      const found =
        data.person !== null || data.staff !== null || data.notes_about_you_count > 0 || Object.values(counts).some((n) => n > 0);
      // The access is recorded after the read, so an export never contains its own audit row. It names
      // the person only when Tandem holds data about them anyway (a later forget anonymises it with the
      // rest); asking about a stranger does not start storing their id. Log lines, which no forget
      // can reach, carry the pseudonym only.
      const pseudonym = pseudonymFor(await deps.dataRights.pseudonymKey(newPseudonymKey), slackId);
      await deps.dataRights.recordExport(found ? slackId : pseudonym, now, actor, { found, counts });
      deps.logger.info(
        { action: 'data.export', actor, subject: pseudonym, found, counts },
        'exported what Tandem stores about a person',
      );
      return { ok: true, found, data };
    },

    /**
     * Deletes what is only about the person and anonymises the rest (see the repository), keeping
     * every count and total staff report on. A second run finds nothing and changes nothing but the
     * audit trail. The log line and the audit row name the pseudonym only, never the Slack id.
     */
    async forgetPerson(
      slackId: string | undefined,
    ): Promise<Outcome<{ found: boolean; pseudonym: string; changes: ForgetChanges }>> {
      if (!slackId || !slackUserIdPattern.test(slackId)) return invalidId(slackId);
      const pseudonym = pseudonymFor(await deps.dataRights.pseudonymKey(newPseudonymKey), slackId);
      const changes = await deps.dataRights.forget(slackId, pseudonym, deps.clock(), {
        actor,
        action: 'data.forget',
        details: (c) => ({ found: isFound(c), ...c }),
      });
      const found = isFound(changes);
      deps.logger.info(
        { action: 'data.forget', actor, subject: pseudonym, found, deleted: changes.deleted, anonymised: changes.anonymised },
        found ? 'forgot a person' : 'nothing stored about that person',
      );
      return { ok: true, found, pseudonym, changes };
    },
  };
}

const isFound = (c: ForgetChanges) => Object.keys(c.deleted).length > 0 || Object.keys(c.anonymised).length > 0;

export type DataRightsService = ReturnType<typeof createDataRightsService>;
