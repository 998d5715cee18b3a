import type { KnownBlock } from '@slack/types';
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type {
  AlertReason,
  AlertStatus,
  Cadence,
  CheckinAnswer,
  DeliveryStatus,
  ExpectationKind,
  Goal,
  Milestone,
  PairActivityKind,
  PairingStatus,
  StandupMet,
  StandupStatus,
} from '../domain/vocabulary.js';

export type * from '../domain/vocabulary.js';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface PeopleTable {
  slack_id: string;
  team_id: string | null;
  name: string;
  real_name: string | null;
  time_zone: string;
  is_bot: boolean;
  deleted: boolean;
  refreshed_at: Timestamp;
  created_at: DefaultTimestamp;
  max_mentees: ColumnType<number | null, number | null | undefined, number | null>;
  /** Out of office: the first and last day away ('YYYY-MM-DD', inclusive, in the person's zone). */
  away_from: ColumnType<string | null, string | null | undefined, string | null>;
  away_until: ColumnType<string | null, string | null | undefined, string | null>;
  away_note: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface StaffTable {
  slack_id: string;
  added_by: string;
  added_at: DefaultTimestamp;
}

export interface ProgramsTable {
  id: Generated<number>;
  name: string;
  time_zone: string;
  /** 'YYYY-MM-DD' */
  start_date: string;
  length_weeks: Generated<number>;
  checkin_weekday: Generated<number>;
  checkin_time: Generated<string>;
  standup_weekday: Generated<number>;
  standup_time: Generated<string>;
  response_window_days: Generated<number>;
  alerts_channel_id: string | null;
  kickoff_week: Generated<number>;
  midmod_week_from: Generated<number>;
  midmod_week_to: Generated<number>;
  status: Generated<'active' | 'archived'>;
  follow_up_weeks: ColumnType<number | null, number | null | undefined, number | null>;
  cadence: Generated<Cadence>;
  session_target: ColumnType<number | null, number | null | undefined, number | null>;
  /** The check-in is asked this many hours after the pair's meeting ends. */
  checkin_after_hours: Generated<number>;
  /** A DM to each person the day before a meeting. */
  meeting_reminders: Generated<boolean>;
  closed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_by: string;
  created_at: DefaultTimestamp;
}

export interface ProgramHolidaysTable {
  program_id: number;
  day: string;
}

export interface PairingsTable {
  id: Generated<number>;
  program_id: number;
  mentor_id: string;
  mentee_id: string;
  status: Generated<PairingStatus>;
  conversation_id: string | null;
  meeting_weekday: number | null;
  meeting_time: string | null;
  meeting_minutes: number | null;
  meeting_zone: string | null;
  checkin_weekday: number | null;
  checkin_time: string | null;
  checkin_zone: string | null;
  contact_channel: string | null;
  ack_within_hours: number | null;
  reply_within_days: number | null;
  goals: ColumnType<Goal[], string | undefined, string>;
  paused_until: string | null;
  pause_reason: string | null;
  paused_by: ColumnType<string | null, string | null | undefined, string | null>;
  created_by: string;
  created_at: DefaultTimestamp;
  ended_at: Timestamp | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: DefaultTimestamp;
  actor: string;
  action: string;
  subject: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, string>;
}

export type DeliveryPayload = {
  text: string;
  blocks?: KnownBlock[];
  /** Reply in a thread of this message ts. */
  thread_ts?: string;
  /** Upload this file into the channel (files.uploadV2) with `text` as its comment, instead of posting a message. */
  file?: DeliveryFile;
};

/**
 * What the sender renders when it posts, instead of a rendered message: for messages that show state
 * that can change (a check-in shows who has answered). `kind` names the renderer, `ids` what it reads.
 */
export type DeliveryRenderRef = { kind: string; ids: Record<string, number> };

/** A delivery's payload as stored: rendered when queued, or rendered by the sender when it posts. */
export type StoredDeliveryPayload = DeliveryPayload | { render: DeliveryRenderRef };

/** A file in the outbox. The sender adds the delivery id to the name, which is how a resend finds an earlier upload. */
export type DeliveryFile = { filename: string; title: string; base64: string };

export interface DeliveriesTable {
  id: Generated<number>;
  dedupe_key: string;
  kind: string;
  pairing_id: number | null;
  channel: string;
  payload: Json<StoredDeliveryPayload>;
  status: Generated<DeliveryStatus>;
  attempts: Generated<number>;
  not_before: DefaultTimestamp;
  claimed_by: string | null;
  claimed_until: Timestamp | null;
  sent_channel: string | null;
  sent_ts: string | null;
  error: string | null;
  /** Some attempt got as far as calling chat.postMessage without learning that it failed. */
  may_have_posted: Generated<boolean>;
  created_at: DefaultTimestamp;
  sent_at: Timestamp | null;
  /** 429s, 5xx and network errors in a row; they back off but do not count as attempts. */
  transient_failures: Generated<number>;
  /** The first of those failures: past the horizon, the delivery fails for good. */
  transient_since: Timestamp | null;
  /** After this instant the message has outlived its purpose and is cancelled (status skipped). */
  expires_at: Timestamp | null;
}

export interface RequestKeysTable {
  key: string;
  expires_at: Timestamp;
}

export interface InstallationSecretsTable {
  name: string;
  value: string;
  created_at: DefaultTimestamp;
}

export interface CheckinsTable {
  id: Generated<number>;
  pairing_id: number;
  week_key: string;
  prompt_at: Timestamp;
  closes_at: Timestamp;
  delivery_id: number | null;
  /** The pair's meeting this check-in follows (moved if it was rescheduled); null before a kick-off. */
  meeting_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The meeting was cancelled: the check-in asks whether they found another time. */
  meeting_cancelled: Generated<boolean>;
  created_at: DefaultTimestamp;
}

/** When check-in planning next looks at a pair (a row per pair from its start). Written by planning; reset by triggers. */
export interface CheckinRechecksTable {
  pairing_id: number;
  /** -infinity after a change: look at the next pass. */
  recheck_at: Timestamp;
  /** The transaction of the change that last reset the row (xid8, as text). */
  changed_by: string | null;
}

export interface CheckinAnswersTable {
  checkin_id: number;
  person_id: string;
  answer: CheckinAnswer | null;
  rating: number | null;
  topics: string | null;
  blockers: string | null;
  answered_at: Timestamp;
  updated_at: Timestamp;
}

export interface ExpectationsTable {
  id: Generated<number>;
  pairing_id: number;
  kind: ExpectationKind;
  subject: string;
  source_ref: string;
  started_at: Timestamp;
  remind_at: Timestamp;
  due_at: Timestamp;
  status: Generated<'open' | 'met' | 'cancelled'>;
  met_at: Timestamp | null;
  reminded_at: Timestamp | null;
  escalated_at: Timestamp | null;
  cancelled_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** A fact from a pair conversation: who wrote or reacted, and when (Slack ts). Never the text. */
export interface PairActivityTable {
  id: Generated<string>;
  pairing_id: number;
  kind: PairActivityKind;
  actor: string;
  ts: string | null;
  thread_ts: string | null;
  item_ts: string | null;
  reaction: string | null;
  learned_from: 'event' | 'slack_check';
  recorded_at: DefaultTimestamp;
}

/** What a reason and its pair-week alert share: a pair's alert, taken, snoozed and resolved by staff, and its message. */
interface AlertLifecycleColumns {
  id: Generated<number>;
  pairing_id: number;
  program_id: number;
  status: Generated<AlertStatus>;
  owner_id: string | null;
  snoozed_until: Timestamp | null;
  resolved_at: Timestamp | null;
  resolved_by: string | null;
  version: Generated<number>;
  rendered_version: Generated<number>;
  delivery_id: number | null;
  created_at: DefaultTimestamp;
}

export interface AlertsTable extends AlertLifecycleColumns {
  reason: AlertReason;
  episode_key: string;
  subject: string | null;
  since: Timestamp;
  details: ColumnType<Record<string, string | number | null>, string | undefined, string>;
  /** The pair-week alert message this reason is listed on. */
  pair_alert_id: number;
}

/** One staff alert message per pair and week; its reasons are rows of `alerts`. */
export interface PairAlertsTable extends AlertLifecycleColumns {
  /** Monday of the week, in the program's zone, as YYYY-MM-DD. */
  week_start: ColumnType<string, string, string>;
  previous_id: number | null;
}

export interface MilestonesTable {
  pairing_id: number;
  milestone: Milestone;
  completed_at: Timestamp | null;
}

export interface SchedulerRunsTable {
  key: string;
  owner: string;
  expires_at: Timestamp;
}

export interface ProgramQuestionSetsTable {
  program_id: number;
  milestone: Milestone;
  version: number;
  definition: ColumnType<unknown, string, string>;
  created_by: string;
  created_at: DefaultTimestamp;
}

export interface DtrAnswersTable {
  pairing_id: number;
  milestone: Milestone;
  person_id: string;
  role: 'mentor' | 'mentee';
  /** 'builtin' or 'program' */
  set_source: string;
  set_version: number;
  answers: ColumnType<Record<string, string>, string, string>;
  revision: Generated<number>;
  submitted_at: Timestamp;
  updated_at: Timestamp;
}

export interface StandupsTable {
  id: Generated<number>;
  program_id: number;
  mentor_id: string;
  week_key: string;
  prompt_at: Timestamp;
  remind_at: Timestamp;
  closes_at: Timestamp;
  submitted_at: Timestamp | null;
  reminded_at: Timestamp | null;
  general_note: string | null;
}

export interface StandupEntriesTable {
  standup_id: number;
  pairing_id: number;
  status: StandupStatus;
  met: StandupMet;
  minutes: number;
  concerns: string | null;
  updated_at: Timestamp;
}

export interface SessionLogsTable {
  id: Generated<number>;
  pairing_id: number;
  author_id: string;
  session_date: string;
  minutes: number;
  done: string | null;
  private_notes: string | null;
  /** Homework for next time, shown at the next meeting's reminder and check-in. */
  homework: ColumnType<string | null, string | null | undefined, string | null>;
  /** The Slack view the log was typed into: one log per form, however often it is submitted. */
  form_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PrivateNotesTable {
  id: Generated<number>;
  author_id: string;
  subject_id: string;
  body: string;
  created_at: Timestamp;
}

export interface MatchRequestsTable {
  id: Generated<number>;
  program_id: number;
  mentor_id: string;
  mentee_id: string;
  requested_by: string;
  note: string | null;
  status: Generated<'pending' | 'accepted' | 'declined' | 'cancelled'>;
  decline_reason: string | null;
  pairing_id: number | null;
  created_at: Timestamp;
  remind_at: Timestamp;
  due_at: Timestamp;
  reminded_at: Timestamp | null;
  escalated_at: Timestamp | null;
  decided_at: Timestamp | null;
}

export interface ReschedulesTable {
  id: Generated<number>;
  pairing_id: number;
  requested_by: string;
  original_at: Timestamp;
  new_at: Timestamp | null;
  cancelled: Generated<boolean>;
  reason: string | null;
  late_notice: boolean;
  notice_hours: number;
  created_at: Timestamp;
}

/** The calendar series a pair was sent (migration 0012). */
export interface MeetingCalendarsTable {
  pairing_id: number;
  uid: Generated<string>;
  sequence: Generated<number>;
  /** The slot it was sent for. */
  meeting_weekday: number;
  meeting_time: string;
  meeting_zone: string;
  meeting_minutes: number;
  first_at: Timestamp;
  sent_at: Timestamp;
}

export interface Database {
  match_requests: MatchRequestsTable;
  reschedules: ReschedulesTable;
  meeting_calendars: MeetingCalendarsTable;
  standups: StandupsTable;
  standup_entries: StandupEntriesTable;
  session_logs: SessionLogsTable;
  private_notes: PrivateNotesTable;
  program_question_sets: ProgramQuestionSetsTable;
  dtr_answers: DtrAnswersTable;
  checkins: CheckinsTable;
  checkin_rechecks: CheckinRechecksTable;
  checkin_answers: CheckinAnswersTable;
  expectations: ExpectationsTable;
  pair_activity: PairActivityTable;
  alerts: AlertsTable;
  pair_alerts: PairAlertsTable;
  milestones: MilestonesTable;
  scheduler_runs: SchedulerRunsTable;
  people: PeopleTable;
  staff: StaffTable;
  programs: ProgramsTable;
  program_holidays: ProgramHolidaysTable;
  pairings: PairingsTable;
  audit_log: AuditLogTable;
  deliveries: DeliveriesTable;
  request_keys: RequestKeysTable;
  installation_secrets: InstallationSecretsTable;
}

export type Person = Selectable<PeopleTable>;
export type Program = Selectable<ProgramsTable>;
export type NewProgram = Insertable<ProgramsTable>;
export type ProgramUpdate = Updateable<ProgramsTable>;
export type Pairing = Selectable<PairingsTable>;
export type PairingUpdate = Updateable<PairingsTable>;
export type Delivery = Selectable<DeliveriesTable>;
export type Checkin = Selectable<CheckinsTable>;
export type CheckinAnswerRow = Selectable<CheckinAnswersTable>;
export type Expectation = Selectable<ExpectationsTable>;
export type Alert = Selectable<AlertsTable>;
export type PairAlert = Selectable<PairAlertsTable>;
export type PairActivity = Selectable<PairActivityTable>;
export type DtrAnswerRow = Selectable<DtrAnswersTable>;
export type Standup = Selectable<StandupsTable>;
export type StandupEntry = Selectable<StandupEntriesTable>;
export type SessionLog = Selectable<SessionLogsTable>;
export type PrivateNote = Selectable<PrivateNotesTable>;
export type MatchRequest = Selectable<MatchRequestsTable>;
export type Reschedule = Selectable<ReschedulesTable>;
export type MeetingCalendar = Selectable<MeetingCalendarsTable>;
