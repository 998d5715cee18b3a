/**
 * The words Tandem's rules are written in: a pairing's status, a check-in's answer, an alert's reason, a DTR
 * milestone. The database stores them and messages show them; both take them from here.
 */
export type PairingStatus = 'active' | 'paused' | 'ended';

export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

export type Goal = { text: string; measure?: string | undefined; targetDate?: string | undefined };

export type CheckinAnswer = 'met' | 'not_yet' | 'rescheduled';

export type ExpectationKind = 'checkin' | 'reply';

export type PairActivityKind = 'message' | 'reaction';

export type AlertReason =
  | 'checkin_unanswered'
  | 'reply_overdue'
  | 'missed_meetings'
  | 'milestone_overdue'
  | 'mentor_concern'
  | 'note_signal';

export type AlertStatus = 'open' | 'acknowledged' | 'snoozed' | 'resolved';

export type Milestone = 'kickoff' | 'midmod' | 'exit';

export type StandupStatus = 'on_track' | 'needs_attention' | 'at_risk';

export type StandupMet = 'yes' | 'no' | 'rescheduled';

/** A person as their Slack profile describes them (names and zone come from Slack; nobody types them in). */
export type SlackProfile = {
  teamId: string | null;
  name: string;
  realName: string | null;
  timeZone: string;
  isBot: boolean;
  deleted: boolean;
};

/** How often a program's pairs meet: every week, every other week, or a number of sessions spread over the program. */
export type Cadence = 'weekly' | 'every_two_weeks' | 'sessions';
