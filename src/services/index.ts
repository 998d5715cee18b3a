import type { Db } from '../db/database.js';
import { createAlertRepository } from '../db/repositories/alert-repository.js';
import { createAuditRepository } from '../db/repositories/audit-repository.js';
import { createCheckinRepository } from '../db/repositories/checkin-repository.js';
import { createDeliveryRepository } from '../db/repositories/delivery-repository.js';
import { createDtrRepository } from '../db/repositories/dtr-repository.js';
import { createExpectationRepository } from '../db/repositories/expectation-repository.js';
import { createPairActivityRepository } from '../db/repositories/pair-activity-repository.js';
import { createNoteRepository } from '../db/repositories/note-repository.js';
import { createMatchRepository, createRescheduleRepository } from '../db/repositories/match-repository.js';
import { createPairingRepository } from '../db/repositories/pairing-repository.js';
import { createPeopleRepository } from '../db/repositories/people-repository.js';
import { createProgramRepository } from '../db/repositories/program-repository.js';
import { createSessionLogRepository } from '../db/repositories/session-log-repository.js';
import { createStaffRepository } from '../db/repositories/staff-repository.js';
import { createStandupRepository } from '../db/repositories/standup-repository.js';
import { createRequestKeyRepository } from '../db/repositories/request-key-repository.js';
import { createReportRepository } from '../db/repositories/report-repository.js';
import type { Logger } from '../logger.js';
import { createAlertService } from './alert-service.js';
import { createChartService } from './chart-service.js';
import { createCheckinService } from './checkin-service.js';
import type { Clock } from './clock.js';
import { createDeliverySender, type DeliverySenderOptions } from './delivery-sender.js';
import { createDtrService } from './dtr-service.js';
import { createMentorRecordsService } from './mentor-records-service.js';
import { createHomeService } from './home-service.js';
import { createLifecycleService } from './lifecycle-service.js';
import { createMatchService } from './match-service.js';
import { createRescheduleService } from './reschedule-service.js';
import { createMilestoneService } from './milestone-service.js';
import { createPairingService } from './pairing-service.js';
import { createPeopleService } from './people-service.js';
import { createProgramFigures } from '../db/repositories/program-figures-repository.js';
import { createProgramService } from './program-service.js';
import { createResponseWindowService } from './response-window-service.js';
import type { SlackPort } from './slack-port.js';
import { createStaffService } from './staff-service.js';
import { createStandupService } from './standup-service.js';
import { createRequestKeyService } from './request-keys.js';
import { createReportService } from './report-service.js';

export type ServiceOptions = {
  db: Db;
  slack: SlackPort;
  clock: Clock;
  logger: Logger;
  homeDebounceMs?: number;
  sender?: Partial<Pick<DeliverySenderOptions, 'leaseMs' | 'batchSize' | 'maxAttempts' | 'transientHorizonMs' | 'maxBackoffMs' | 'random' | 'channelGapMs' | 'workspacePerMinute' | 'sleep'>>;
  /** Font files for chart text beyond the shipped font (CHART_FONT). */
  chartFonts?: readonly string[];
};

/** Wires repositories into services; the one place that knows how they fit together. */
export function createServices(options: ServiceOptions) {
  const { db, slack, clock, logger } = options;
  const repos = {
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
    sessionLogs: createSessionLogRepository(db),
    notes: createNoteRepository(db),
    matches: createMatchRepository(db),
    reschedules: createRescheduleRepository(db),
    requestKeys: createRequestKeyRepository(db),
    reports: createReportRepository(db),
  };
  const sender = createDeliverySender({ deliveries: repos.deliveries, slack, clock, logger, ...options.sender });
  const onEnqueued = () => sender.kick();
  const people = createPeopleService({ people: repos.people, slack, clock });
  const staff = createStaffService({ staff: repos.staff, audit: repos.audit, people, clock });
  const programs = createProgramService({ programs: repos.programs, staff: repos.staff, audit: repos.audit, slack, clock });
  const pairings = createPairingService({ ...repos, people, slack, clock, logger, onEnqueued });
  const alerts = createAlertService({ ...repos, people, slack, clock, logger, checkAlertsChannel: programs.checkAlertsChannel, onEnqueued });
  const checkins = createCheckinService({ db, ...repos, people: repos.people, alerts, slack, clock, logger, onEnqueued });
  const responseWindow = createResponseWindowService({ db, ...repos, people, alerts, slack, clock, logger, onEnqueued });
  const dtr = createDtrService({ ...repos, people, alerts, clock, logger, onEnqueued });
  const figures = createProgramFigures({ db, sessionLogs: repos.sessionLogs });
  const charts = createChartService({ logger, fonts: options.chartFonts ?? [] });
  const standups = createStandupService({ db, ...repos, alerts, figures, charts, clock, logger, onEnqueued });
  const records = createMentorRecordsService({ ...repos, slack, clock });
  const matching = createMatchService({ ...repos, people, pairingService: pairings, alerts, clock, logger, onEnqueued });
  const requestKeys = createRequestKeyService({ keys: repos.requestKeys, clock, logger });
  const reschedules = createRescheduleService({ ...repos, people, clock, onEnqueued });
  const lifecycle = createLifecycleService({ db, ...repos, alerts, figures, charts, clock, logger, onEnqueued });
  const home = createHomeService({ db, ...repos, people, reschedules, slack, clock, logger, debounceMs: options.homeDebounceMs });
  const reports = createReportService({ reports: repos.reports, staff: repos.staff, people, deliveries: repos.deliveries, slack, clock, onEnqueued });
  const milestones = createMilestoneService({ db, deliveries: repos.deliveries, alerts, clock, logger, onEnqueued });
  return { db, repos, sender, people, staff, programs, pairings, alerts, checkins, responseWindow, milestones, dtr, standups, records, matching, reschedules, lifecycle, home, requestKeys, reports, figures, charts, clock, logger, slack };
}

export type Services = ReturnType<typeof createServices>;
