import { sql, type Kysely } from 'kysely';

// Frozen: never import application code here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // One staff alert message per pair and week. Each row of `alerts` is now one reason on it (a
  // check-in unanswered by one person, a message unanswered, a milestone overdue, …): reasons come
  // and go, the message is edited; staff act on the message (I'm on it, Resolved, Snooze).
  await db.schema
    .createTable('pair_alerts')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('pairing_id', 'integer', (c) => c.notNull().references('pairings.id'))
    .addColumn('program_id', 'integer', (c) => c.notNull().references('programs.id'))
    // The Monday of the week (in the program's zone) in which its first reason was raised.
    .addColumn('week_start', 'date', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open', 'acknowledged', 'snoozed', 'resolved')`))
    .addColumn('owner_id', 'text')
    .addColumn('snoozed_until', 'timestamptz')
    .addColumn('resolved_at', 'timestamptz')
    // A staff member's id, 'auto' (every reason answered) or 'program_ended'.
    .addColumn('resolved_by', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('rendered_version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('delivery_id', 'integer', (c) => c.references('deliveries.id'))
    // The pair's alert of an earlier week, linked from this one.
    .addColumn('previous_id', 'integer', (c) => c.references('pair_alerts.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('pair_alerts_week_key', ['pairing_id', 'week_start'])
    .execute();
  await sql`create index pair_alerts_unrendered_idx on pair_alerts (id) where rendered_version < version`.execute(db);
  await sql`create index pair_alerts_unposted_idx on pair_alerts (id) where delivery_id is null and status <> 'resolved'`.execute(db);
  await sql`create index pair_alerts_snoozed_idx on pair_alerts (snoozed_until) where status = 'snoozed'`.execute(db);
  await db.schema.alterTable('alerts').addColumn('pair_alert_id', 'integer', (c) => c.references('pair_alerts.id')).execute();
  await sql`create index alerts_pair_alert_idx on alerts (pair_alert_id)`.execute(db);

  // Alerts raised before: grouped by pair and the week of their start, each group keeping the
  // earliest posted message (which the next pass re-renders with every reason of the group).
  await sql`
    insert into pair_alerts (pairing_id, program_id, week_start, status, owner_id, snoozed_until, resolved_at, resolved_by, delivery_id, created_at)
    select a.pairing_id, min(a.program_id),
           date_trunc('week', a.since at time zone pr.time_zone)::date,
           case when bool_and(a.status = 'resolved') then 'resolved' else 'open' end,
           min(a.owner_id), null,
           case when bool_and(a.status = 'resolved') then max(a.resolved_at) end,
           case when bool_and(a.status = 'resolved') then 'auto' end,
           min(a.delivery_id), min(a.created_at)
    from alerts a join programs pr on pr.id = a.program_id
    group by a.pairing_id, date_trunc('week', a.since at time zone pr.time_zone)::date`.execute(db);
  await sql`
    update alerts a set pair_alert_id = g.id
    from pair_alerts g, programs pr
    where pr.id = a.program_id and g.pairing_id = a.pairing_id
      and g.week_start = date_trunc('week', a.since at time zone pr.time_zone)::date`.execute(db);
  await sql`
    update pair_alerts g set previous_id = (
      select p.id from pair_alerts p where p.pairing_id = g.pairing_id and p.week_start < g.week_start order by p.week_start desc limit 1)`.execute(db);
  await sql`alter table alerts alter column pair_alert_id set not null`.execute(db);
}
