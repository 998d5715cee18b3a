import type { Db } from '../database.js';
import type { PairingStatus } from '../schema.js';
import type { PairReportRows } from '../../domain/pair-report.js';

export type { PairReportRows };

export function createReportRepository(db: Db) {
  const withProgram = () => db.selectFrom('pairings').innerJoin('programs', 'programs.id', 'pairings.program_id');
  return {
    /** The pairings of these two people (either way round), newest first, whatever their status. */
    async pairingsBetween(
      a: string,
      b: string,
    ): Promise<{ id: number; programName: string; status: PairingStatus; mentorId: string; menteeId: string }[]> {
      return withProgram()
        .where((eb) =>
          eb.or([
            eb.and([eb('mentor_id', '=', a), eb('mentee_id', '=', b)]),
            eb.and([eb('mentor_id', '=', b), eb('mentee_id', '=', a)]),
          ]),
        )
        .select([
          'pairings.id as id',
          'programs.name as programName',
          'pairings.status as status',
          'mentor_id as mentorId',
          'mentee_id as menteeId',
        ])
        .orderBy('pairings.created_at', 'desc')
        .orderBy('pairings.id', 'desc')
        .execute();
    },

    /** Who is in a pairing and its program's name. */
    async pairBasics(
      pairingId: number,
    ): Promise<{ id: number; programName: string; mentorId: string; menteeId: string } | undefined> {
      return withProgram()
        .where('pairings.id', '=', pairingId)
        .select(['pairings.id as id', 'programs.name as programName', 'mentor_id as mentorId', 'mentee_id as menteeId'])
        .executeTakeFirst();
    },

    async pairReport(pairingId: number): Promise<PairReportRows | undefined> {
      const pairing = await withProgram()
        .where('pairings.id', '=', pairingId)
        .select([
          'pairings.id as id',
          'programs.id as programId',
          'programs.name as programName',
          'programs.time_zone as timeZone',
          'programs.start_date as startDate',
          'programs.length_weeks as lengthWeeks',
          'pairings.mentor_id as mentorId',
          'pairings.mentee_id as menteeId',
          'pairings.status as status',
          'pairings.paused_until as pausedUntil',
          'pairings.goals as goals',
          'pairings.conversation_id as conversationId',
        ])
        .executeTakeFirst();
      if (!pairing) return undefined;
      const [checkins, sessions, standups, reschedules, milestones, dtrAnswers, alerts] = await Promise.all([
        db
          .selectFrom('checkins')
          .leftJoin('checkin_answers', 'checkin_answers.checkin_id', 'checkins.id')
          .where('checkins.pairing_id', '=', pairingId)
          .select([
            'checkins.week_key as weekKey',
            'checkins.prompt_at as promptAt',
            'checkin_answers.person_id as personId',
            'checkin_answers.answer as answer',
            'checkin_answers.rating as rating',
            'checkin_answers.topics as topics',
            'checkin_answers.blockers as blockers',
            'checkin_answers.answered_at as answeredAt',
          ])
          .orderBy('checkins.prompt_at')
          .execute(),
        db
          .selectFrom('session_logs')
          .where('pairing_id', '=', pairingId)
          .select(['session_date as sessionDate', 'minutes', 'done', 'private_notes as privateNotes', 'author_id as authorId'])
          .orderBy('session_date')
          .orderBy('id')
          .execute(),
        db
          .selectFrom('standup_entries')
          .innerJoin('standups', 'standups.id', 'standup_entries.standup_id')
          .where('standup_entries.pairing_id', '=', pairingId)
          .select([
            'standups.week_key as weekKey',
            'standups.prompt_at as promptAt',
            'standup_entries.status as status',
            'standup_entries.met as met',
            'standup_entries.minutes as minutes',
            'standup_entries.concerns as concerns',
          ])
          .orderBy('standups.prompt_at')
          .execute(),
        db
          .selectFrom('reschedules')
          .where('pairing_id', '=', pairingId)
          .select([
            'requested_by as requestedBy',
            'original_at as originalAt',
            'new_at as newAt',
            'cancelled',
            'late_notice as lateNotice',
            'created_at as createdAt',
          ])
          .orderBy('original_at')
          .execute(),
        db
          .selectFrom('milestones')
          .where('pairing_id', '=', pairingId)
          .select(['milestone', 'completed_at as completedAt'])
          .execute(),
        db
          .selectFrom('dtr_answers as d')
          // A program's own question set, for who reads each answer (built-in sets are in the code).
          .leftJoin('program_question_sets as q', (j) =>
            j
              .on('q.program_id', '=', pairing.programId)
              .onRef('q.milestone', '=', 'd.milestone')
              .onRef('q.version', '=', 'd.set_version')
              .on('d.set_source', '=', 'program'),
          )
          .where('d.pairing_id', '=', pairingId)
          .select([
            'd.milestone',
            'd.person_id as personId',
            'd.role',
            'd.set_source as setSource',
            'd.set_version as setVersion',
            'd.answers',
            'd.submitted_at as submittedAt',
            'q.definition as setDefinition',
          ])
          .orderBy('d.submitted_at')
          .execute(),
        db
          .selectFrom('alerts')
          .where('pairing_id', '=', pairingId)
          .select([
            'id',
            'reason',
            'subject',
            'since',
            'status',
            'resolved_at as resolvedAt',
            'resolved_by as resolvedBy',
            'owner_id as ownerId',
          ])
          .orderBy('since')
          .orderBy('id')
          .execute(),
      ]);
      return { pairing, checkins, sessions, standups, reschedules, milestones, dtrAnswers, alerts };
    },
  };
}

export type ReportRepository = ReturnType<typeof createReportRepository>;
