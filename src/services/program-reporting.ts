import type { AuditRepository } from '../db/repositories/audit-repository.js';
import type { DeliveryRepository } from '../db/repositories/delivery-repository.js';
import type { Transact } from '../db/repositories/index.js';
import type { ProgramFigures } from '../db/repositories/program-figures-repository.js';
import type { ProgramRepository } from '../db/repositories/program-repository.js';
import type { SessionLogRepository } from '../db/repositories/session-log-repository.js';
import type { Logger } from '../logger.js';
import type { AlertService } from './alerts/alert-service.js';
import type { ChartService } from './charts/chart-service.js';
import type { Clock } from './clock.js';

/**
 * What a use-case that posts a program's figures and chart to its alerts channel is built from: the end
 * of a program (its summary) and the standups (the weekly report and digest).
 */
export type ProgramReportingDeps = {
  transact: Transact;
  programs: ProgramRepository;
  deliveries: DeliveryRepository;
  sessionLogs: SessionLogRepository;
  audit: AuditRepository;
  alerts: AlertService;
  figures: ProgramFigures;
  charts: ChartService;
  clock: Clock;
  logger: Logger;
  onEnqueued: () => void;
};
