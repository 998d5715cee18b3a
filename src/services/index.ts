import type { Db } from '../db/database.js';
import { createAuditRepository } from '../db/repositories/audit-repository.js';
import { createDeliveryRepository } from '../db/repositories/delivery-repository.js';
import { createPairingRepository } from '../db/repositories/pairing-repository.js';
import { createPeopleRepository } from '../db/repositories/people-repository.js';
import { createProgramRepository } from '../db/repositories/program-repository.js';
import { createStaffRepository } from '../db/repositories/staff-repository.js';
import type { Logger } from '../logger.js';
import type { Clock } from './clock.js';
import { createDeliverySender, type DeliverySenderOptions } from './delivery-sender.js';
import { createPairingService } from './pairing-service.js';
import { createPeopleService } from './people-service.js';
import { createProgramService } from './program-service.js';
import type { SlackPort } from './slack-port.js';
import { createStaffService } from './staff-service.js';

export type ServiceOptions = {
  db: Db;
  slack: SlackPort;
  clock: Clock;
  logger: Logger;
  sender?: Partial<Pick<DeliverySenderOptions, 'leaseMs' | 'batchSize' | 'maxAttempts' | 'channelGapMs' | 'sleep'>>;
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
  };
  const sender = createDeliverySender({ deliveries: repos.deliveries, slack, clock, logger, ...options.sender });
  const people = createPeopleService({ people: repos.people, slack, clock });
  const staff = createStaffService({ staff: repos.staff, audit: repos.audit, people, clock });
  const programs = createProgramService({ programs: repos.programs, staff: repos.staff, audit: repos.audit, slack, clock });
  const pairings = createPairingService({ ...repos, people, slack, clock, logger, onEnqueued: () => sender.kick() });
  return { repos, sender, people, staff, programs, pairings, clock, logger, slack };
}

export type Services = ReturnType<typeof createServices>;
