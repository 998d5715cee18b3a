import type { Db } from '../db/database.js';
import { createRepositories, type Repositories } from '../db/repositories/index.js';
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
import { createProgramService } from './program-service.js';
import { createResponseWindowService } from './response-window-service.js';
import type { SlackPort } from './slack-port.js';
import { createStaffService } from './staff-service.js';
import { createStandupService } from './standup-service.js';
import { createRequestKeyService } from './request-keys.js';
import { createReportService } from './report-service.js';

export type ServiceOptions = {
  db: Db;
  /** Repositories over `db`, when the caller built them (a benchmark timing their statements); made here otherwise. */
  repos?: Repositories;
  slack: SlackPort;
  clock: Clock;
  logger: Logger;
  homeDebounceMs?: number;
  sender?: Partial<Pick<DeliverySenderOptions, 'leaseMs' | 'batchSize' | 'maxAttempts' | 'transientHorizonMs' | 'maxBackoffMs' | 'random' | 'channelGapMs' | 'workspacePerMinute' | 'sleep'>>;
  /** Font files for chart text beyond the shipped font (CHART_FONT). */
  chartFonts?: readonly string[];
};

/** Wires repositories into services; the one place that knows how they fit together. Returns the use-cases only. */
export function createServices(options: ServiceOptions) {
  const { db, slack, clock, logger } = options;
  const repos = options.repos ?? createRepositories(db);
  const sender = createDeliverySender({ deliveries: repos.deliveries, slack, clock, logger, ...options.sender });
  const onEnqueued = () => sender.kick();
  const people = createPeopleService({ people: repos.people, slack, clock });
  const staff = createStaffService({ staff: repos.staff, audit: repos.audit, people, clock });
  const programs = createProgramService({ programs: repos.programs, staff: repos.staff, audit: repos.audit, deliveries: repos.deliveries, slack, clock, onEnqueued });
  const pairings = createPairingService({ ...repos, people, slack, clock, logger, onEnqueued });
  const alerts = createAlertService({ ...repos, people, slack, clock, logger, checkAlertsChannel: programs.checkAlertsChannel, onEnqueued });
  const checkins = createCheckinService({ ...repos, people: repos.people, alerts, slack, clock, logger, onEnqueued });
  const responseWindow = createResponseWindowService({ ...repos, people, alerts, slack, clock, logger, onEnqueued });
  const dtr = createDtrService({ ...repos, people, alerts, clock, logger, onEnqueued });
  const charts = createChartService({ logger, fonts: options.chartFonts ?? [] });
  const standups = createStandupService({ ...repos, alerts, figures: repos.figures, charts, clock, logger, onEnqueued });
  const records = createMentorRecordsService({ ...repos, slack, clock });
  const matching = createMatchService({ ...repos, people, pairingService: pairings, alerts, clock, logger, onEnqueued });
  const requestKeys = createRequestKeyService({ keys: repos.requestKeys, clock, logger });
  const reschedules = createRescheduleService({ ...repos, people, clock, onEnqueued });
  const lifecycle = createLifecycleService({ ...repos, alerts, figures: repos.figures, charts, clock, logger, onEnqueued });
  const home = createHomeService({ ...repos, people, reschedules, slack, clock, logger, debounceMs: options.homeDebounceMs });
  const reports = createReportService({ reports: repos.reports, staff: repos.staff, people, deliveries: repos.deliveries, slack, clock, onEnqueued });
  const milestones = createMilestoneService({ dtr: repos.dtr, deliveries: repos.deliveries, alerts, clock, logger, onEnqueued });
  // Use-cases only: listeners, the scheduler and the CLI reach the database and Slack through these.
  return { sender, people, staff, programs, pairings, alerts, checkins, responseWindow, milestones, dtr, standups, records, matching, reschedules, lifecycle, home, requestKeys, reports, charts, clock, logger };
}

export type Services = ReturnType<typeof createServices>;
