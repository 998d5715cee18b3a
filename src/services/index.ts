import type { Db } from '../db/database.js';
import { createRepositories, type Repositories } from '../db/repositories/index.js';
import type { Logger } from '../logger.js';
import { createAlertService } from './alerts/alert-service.js';
import { createCalendarService } from './calendar/calendar-service.js';
import { createChartService } from './charts/chart-service.js';
import { createCheckinService, type CheckinPlanningOptions } from './checkins/checkin-service.js';
import type { Clock } from './clock.js';
import { createDeliverySender, type DeliverySenderOptions } from './outbox/delivery-sender.js';
import { createDeliveryPruning, type DeliveryPruningOptions } from './outbox/delivery-pruning.js';
import { createRendererRegistry } from './outbox/renderers.js';
import { createDtrService } from './dtr/dtr-service.js';
import { createMentorRecordsService } from './records/records-service.js';
import { createHomeService } from './home/home-service.js';
import { createLifecycleService } from './programs/program-end.js';
import { createMatchService } from './matching/match-service.js';
import { createRescheduleService } from './pairings/reschedule-service.js';
import { createMeetingReminderService } from './pairings/meeting-reminders.js';
import { createMilestoneService } from './dtr/reminders.js';
import { createPairingService } from './pairings/pairing-service.js';
import { createPeopleService } from './people/people-service.js';
import { createProgramService } from './programs/program-service.js';
import { createResponseWindowService } from './checkins/reminders.js';
import type { SlackPort } from './slack-port.js';
import { createStaffService } from './people/staff-service.js';
import { createAwayService } from './people/away-service.js';
import { createStandupService } from './standups/standup-service.js';
import { createRequestKeyService } from './outbox/request-keys.js';
import { createReportService } from './alerts/report-service.js';

export type ServiceOptions = {
  db: Db;
  /** Repositories over `db`, when the caller built them (a benchmark timing their statements); made here otherwise. */
  repos?: Repositories;
  slack: SlackPort;
  clock: Clock;
  logger: Logger;
  homeDebounceMs?: number;
  sender?: Partial<
    Pick<
      DeliverySenderOptions,
      | 'leaseMs'
      | 'batchSize'
      | 'maxAttempts'
      | 'transientHorizonMs'
      | 'maxBackoffMs'
      | 'random'
      | 'channelGapMs'
      | 'workspacePerMinute'
      | 'sleep'
    >
  >;
  /** Font files for chart text beyond the shipped font (CHART_FONT). */
  chartFonts?: readonly string[];
  /** Check-in planning's page size and page writes in flight (for tests that cut the database between pages). */
  planning?: CheckinPlanningOptions;
  /** How long settled deliveries are kept (DELIVERY_RETENTION_DAYS), and how much one pass prunes. */
  pruning?: Partial<Pick<DeliveryPruningOptions, 'retentionDays' | 'batchSize' | 'batchesPerPass'>>;
};

/** Wires repositories into services; the one place that knows how they fit together. Returns the use-cases only. */
export function createServices(options: ServiceOptions) {
  const { db, slack, clock, logger } = options;
  const repos = options.repos ?? createRepositories(db);
  // Filled in below, once the features that render their messages at send time exist.
  const renderers = createRendererRegistry();
  const sender = createDeliverySender({ deliveries: repos.deliveries, slack, clock, logger, renderers, ...options.sender });
  const pruning = createDeliveryPruning({ deliveries: repos.deliveries, clock, logger, ...options.pruning });
  const onEnqueued = () => sender.kick();
  const people = createPeopleService({ people: repos.people, slack, clock });
  const staff = createStaffService({ staff: repos.staff, audit: repos.audit, people, clock });
  const programs = createProgramService({
    programs: repos.programs,
    staff: repos.staff,
    audit: repos.audit,
    deliveries: repos.deliveries,
    slack,
    clock,
    onEnqueued,
  });
  const pairings = createPairingService({ ...repos, people, slack, clock, logger, onEnqueued });
  const alerts = createAlertService({
    ...repos,
    people,
    slack,
    clock,
    logger,
    checkAlertsChannel: programs.checkAlertsChannel,
    onEnqueued,
  });
  const checkins = createCheckinService({
    ...repos,
    people: repos.people,
    alerts,
    slack,
    clock,
    logger,
    onEnqueued,
    planning: options.planning,
  });
  renderers.register('checkin', checkins.renderMessage);
  // A check-in's response window starts when its message is posted, not when it was planned.
  renderers.onSent('checkin', checkins.startWindow);
  const responseWindow = createResponseWindowService({ ...repos, people, alerts, slack, clock, logger, onEnqueued });
  renderers.register('reminder', responseWindow.renderReminder);
  const calendar = createCalendarService({ ...repos, clock, logger, onEnqueued });
  const dtr = createDtrService({ ...repos, people, alerts, calendar, clock, logger, onEnqueued });
  const charts = createChartService({ logger, fonts: options.chartFonts ?? [] });
  const reporting = { ...repos, alerts, figures: repos.figures, charts, clock, logger, onEnqueued };
  const standups = createStandupService(reporting);
  const records = createMentorRecordsService({ ...repos, slack, clock });
  const matching = createMatchService({ ...repos, people, pairingService: pairings, alerts, clock, logger, onEnqueued });
  const requestKeys = createRequestKeyService({ keys: repos.requestKeys, clock, logger });
  const reschedules = createRescheduleService({ ...repos, people, calendar, clock, onEnqueued });
  const meetingReminders = createMeetingReminderService({ ...repos, clock, logger, onEnqueued });
  const lifecycle = createLifecycleService(reporting);
  const home = createHomeService({ ...repos, people, reschedules, slack, clock, logger, debounceMs: options.homeDebounceMs });
  const reports = createReportService({
    reports: repos.reports,
    staff: repos.staff,
    people,
    deliveries: repos.deliveries,
    slack,
    clock,
    onEnqueued,
  });
  const away = createAwayService({ ...repos, peopleService: people, clock, onEnqueued });
  const milestones = createMilestoneService({
    dtr: repos.dtr,
    people: repos.people,
    deliveries: repos.deliveries,
    alerts,
    alertRecords: repos.alerts,
    clock,
    logger,
    onEnqueued,
  });
  // Use-cases only: listeners, the scheduler and the CLI reach the database and Slack through these.
  return {
    sender,
    pruning,
    people,
    away,
    staff,
    programs,
    pairings,
    alerts,
    checkins,
    responseWindow,
    milestones,
    dtr,
    standups,
    records,
    matching,
    reschedules,
    meetingReminders,
    lifecycle,
    home,
    requestKeys,
    reports,
    charts,
    clock,
    logger,
  };
}

export type Services = ReturnType<typeof createServices>;
