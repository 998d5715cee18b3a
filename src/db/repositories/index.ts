import type { Db } from '../database.js';
import { createAlertRepository } from './alert-repository.js';
import { createAuditRepository } from './audit-repository.js';
import { createCheckinRepository } from './checkin-repository.js';
import { createDeliveryRepository } from './delivery-repository.js';
import { createDtrRepository } from './dtr-repository.js';
import { createExpectationRepository } from './expectation-repository.js';
import { createPairActivityRepository } from './pair-activity-repository.js';
import { createNoteRepository } from './note-repository.js';
import { createMatchRepository, createRescheduleRepository } from './match-repository.js';
import { createPairingRepository } from './pairing-repository.js';
import { createPeopleRepository } from './people-repository.js';
import { createProgramRepository } from './program-repository.js';
import { createSessionLogRepository } from './session-log-repository.js';
import { createStaffRepository } from './staff-repository.js';
import { createStandupRepository } from './standup-repository.js';
import { createRequestKeyRepository } from './request-key-repository.js';
import { createReportRepository } from './report-repository.js';
import { createProgramFigures } from './program-figures-repository.js';

/** Every repository over one database handle (a pool or a transaction). */
export function createRepositories(db: Db) {
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
    requestKeys: createRequestKeyRepository(db),
    reports: createReportRepository(db),
    figures: createProgramFigures({ db, sessionLogs }),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
