import type { AuditRepository } from '../../db/repositories/audit-repository.js';
import type { StaffRepository } from '../../db/repositories/staff-repository.js';
import type { Clock } from '../clock.js';
import { refuse, staffOnly, type Outcome } from '../outcome.js';
import type { PeopleService } from './people-service.js';

export function createStaffService(deps: {
  staff: StaffRepository;
  audit: AuditRepository;
  people: PeopleService;
  clock: Clock;
}) {
  return {
    isStaff: (slackId: string) => deps.staff.isStaff(slackId),

    /**
     * TANDEM_ADMINS are staff from the first start on; removing an id from the list later does not demote,
     * and someone staff removed with `/tandem staff remove` stays removed.
     */
    async bootstrap(admins: readonly string[]): Promise<void> {
      const removed = admins.length > 0 ? await deps.staff.removedByStaff() : new Set<string>();
      for (const id of admins) if (!removed.has(id)) await deps.staff.add(id, 'TANDEM_ADMINS');
    },

    async remove(actor: string, userId: string): Promise<Outcome<{ removed: boolean }>> {
      if (!(await deps.staff.isStaff(actor))) return staffOnly();
      const r = await deps.staff.remove(userId);
      if (r === 'last')
        return refuse(
          'conflict',
          `<@${userId}> is the last staff member, so they stay: add someone else with \`/tandem staff add @person\` first.`,
        );
      if (r === 'removed') await deps.audit.record({ actor, action: 'staff.remove', subject: userId }, deps.clock());
      return { ok: true, removed: r === 'removed' };
    },

    async add(actor: string, userId: string): Promise<Outcome<{ added: boolean }>> {
      if (!(await deps.staff.isStaff(actor))) return staffOnly();
      const person = await deps.people.ensure(userId);
      if (person.is_bot || person.deleted) return refuse('invalid', `<@${userId}> cannot be staff: only active people can.`);
      const added = await deps.staff.add(userId, actor);
      if (added) await deps.audit.record({ actor, action: 'staff.add', subject: userId }, deps.clock());
      return { ok: true, added };
    },
  };
}

export type StaffService = ReturnType<typeof createStaffService>;
