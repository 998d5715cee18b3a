import type { Db } from '../database.js';
import { createAlertRepository } from './alert-repository.js';
import { createAuditRepository } from './audit-repository.js';
import { createCalendarRepository } from './calendar-repository.js';
import { createCheckinRepository } from './checkin-repository.js';
import { createDeliveryRepository } from './delivery-repository.js';
import { createDtrRepository } from './dtr-repository.js';
import { createExpectationRepository } from './expectation-repository.js';
import { createPairActivityRepository } from './pair-activity-repository.js';
import { createNoteRepository } from './note-repository.js';
import { createMatchRepository, createRescheduleRepository } from './match-repository.js';
import { createMeetingReminderRepository } from './meeting-reminder-repository.js';
import { createPairingRepository } from './pairing-repository.js';
import { createPeopleRepository } from './people-repository.js';
import { createProgramRepository } from './program-repository.js';
import { createSessionLogRepository } from './session-log-repository.js';
import { createStaffRepository } from './staff-repository.js';
import { createStandupRepository } from './standup-repository.js';
import { createRequestKeyRepository } from './request-key-repository.js';
import { createReportRepository } from './report-repository.js';
import { createProgramFigures } from './program-figures-repository.js';
import { createSchedulerRunRepository } from './scheduler-run-repository.js';

/** Every repository over one database handle (a pool or a transaction). */
function repositoriesOver(db: Db) {
  const sessionLogs = createSessionLogRepository(db);
  return {
    people: createPeopleRepository(db),
    staff: createStaffRepository(db),
    programs: createProgramRepository(db),
    pairings: createPairingRepository(db),
    deliveries: createDeliveryRepository(db),
    audit: createAuditRepository(db),
    checkins: createCheckinRepository(db),
    expectations: createExpectationRepository(db),
    activity: createPairActivityRepository(db),
    alerts: createAlertRepository(db),
    dtr: createDtrRepository(db),
    standups: createStandupRepository(db),
    sessionLogs,
    notes: createNoteRepository(db),
    matches: createMatchRepository(db),
    reschedules: createRescheduleRepository(db),
    meetingReminders: createMeetingReminderRepository(db),
    requestKeys: createRequestKeyRepository(db),
    reports: createReportRepository(db),
    figures: createProgramFigures({ db, sessionLogs }),
    schedulerRuns: createSchedulerRunRepository(db),
    calendars: createCalendarRepository(db),
  };
}

/** The repositories bound to one transaction: each statement through them is part of it. */
export type TxRepositories = ReturnType<typeof repositoriesOver>;
/** Runs fn in one transaction (committed when fn resolves, rolled back when it throws). */
export type Transact = <T>(fn: (tx: TxRepositories) => Promise<T>) => Promise<T>;

/**
 * Every repository over the pool, plus the ways to run several statements as one transaction:
 * `transact` hands fn the repositories bound to a new transaction; `withPairLock` does the same with
 * the pair's advisory lock taken first (two events for one pair, on any replica, cannot both read
 * "no answer yet" and both act on it).
 */
export function createRepositories(db: Db) {
  const transact: Transact = (fn) => db.transaction().execute((trx) => fn(repositoriesOver(trx)));
  const withPairLock = <T>(pairingId: number, fn: (tx: TxRepositories) => Promise<T>): Promise<T> =>
    transact(async (tx) => {
      await tx.activity.lockPair(pairingId);
      return fn(tx);
    });
  return { ...repositoriesOver(db), transact, withPairLock };
}

export type Repositories = ReturnType<typeof createRepositories>;
export type WithPairLock = Repositories['withPairLock'];
