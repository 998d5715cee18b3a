import type { DtrPart, ShownAnswer } from './dtr-questions.js';
import type {
  AlertReason,
  AlertStatus,
  CheckinAnswer,
  Goal,
  Milestone,
  PairingStatus,
  StandupMet,
  StandupStatus,
} from './vocabulary.js';

/** What staff read about one pair: everything the pair and the mentor wrote for staff, in stored form. */
export type PairReportRows = {
  pairing: {
    id: number;
    programId: number;
    programName: string;
    timeZone: string;
    startDate: string;
    lengthWeeks: number;
    mentorId: string;
    menteeId: string;
    status: PairingStatus;
    pausedUntil: string | null;
    goals: Goal[];
    conversationId: string | null;
  };
  checkins: {
    weekKey: string;
    promptAt: Date;
    personId: string | null;
    answer: CheckinAnswer | null;
    rating: number | null;
    topics: string | null;
    blockers: string | null;
    answeredAt: Date | null;
  }[];
  sessions: { sessionDate: string; minutes: number; done: string | null; privateNotes: string | null; authorId: string }[];
  standups: {
    weekKey: string;
    promptAt: Date;
    status: StandupStatus;
    met: StandupMet;
    minutes: number;
    concerns: string | null;
  }[];
  reschedules: {
    requestedBy: string;
    originalAt: Date;
    newAt: Date | null;
    cancelled: boolean;
    lateNotice: boolean;
    createdAt: Date;
  }[];
  milestones: { milestone: Milestone; completedAt: Date | null }[];
  dtrAnswers: (DtrPart & { submittedAt: Date; setDefinition: unknown })[];
  alerts: {
    id: number;
    reason: AlertReason;
    subject: string | null;
    since: Date;
    status: AlertStatus;
    resolvedAt: Date | null;
    resolvedBy: string | null;
    ownerId: string | null;
  }[];
};

type Rows = PairReportRows;

/** One week of a pair, as staff read it: what each side answered, logged, reported and moved. */
export type ReportWeek = {
  /** Monday of the week, in the program's zone. */
  monday: string;
  /** The program week (1-based), or null before or after the program. */
  programWeek: number | null;
  checkins: Rows['checkins'];
  sessions: Rows['sessions'];
  standups: Rows['standups'];
  reschedules: Rows['reschedules'];
  alerts: Rows['alerts'];
};

export type PairReport = {
  pairing: Rows['pairing'];
  /** Newest first. */
  weeks: ReportWeek[];
  milestones: Rows['milestones'];
  /** Only the answers staff read (their question's `readers`): never a private one, never the pair's own. */
  dtrForStaff: {
    milestone: Rows['dtrAnswers'][number]['milestone'];
    personId: string;
    role: 'mentor' | 'mentee';
    answers: ShownAnswer[];
    submittedAt: Date;
  }[];
  openAlerts: number;
  /** The reader's zone: dates in the report are theirs. */
  readerZone: string;
};
