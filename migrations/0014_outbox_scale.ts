import { sql, type Kysely } from 'kysely';

// Frozen: never import application code here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // The claim reads pending rows in send order and lapsed claims apart, each from its own index: one
  // index over both states could not serve an OR of the two, and the planner fell back to a scan of the table.
  await sql`drop index if exists deliveries_due_idx`.execute(db);
  await sql`create index deliveries_pending_idx on deliveries (not_before, id) where status = 'pending'`.execute(db);
  await sql`create index deliveries_sending_idx on deliveries (claimed_until) where status = 'sending'`.execute(db);

  // Pruning finds settled rows of a kind whose last activity (sent, or last due) is older than the
  // retention without walking the rest.
  await sql`create index deliveries_settled_idx on deliveries (kind, (coalesce(sent_at, not_before))) where status in ('sent', 'failed', 'skipped')`.execute(
    db,
  );

  // A check-in's message is only edited while its week is open; once its delivery is pruned the link goes.
  await sql`alter table checkins drop constraint if exists checkins_delivery_id_fkey`.execute(db);
  await sql`alter table checkins add constraint checkins_delivery_id_fkey foreign key (delivery_id) references deliveries (id) on delete set null not valid`.execute(
    db,
  );
  await sql`alter table checkins validate constraint checkins_delivery_id_fkey`.execute(db);
  // Deleting a delivery looks up its referencing rows: without these, one scan of each table per row deleted.
  await sql`create index checkins_delivery_idx on checkins (delivery_id) where delivery_id is not null`.execute(db);
  await sql`create index alerts_delivery_idx on alerts (delivery_id) where delivery_id is not null`.execute(db);
  await sql`create index pair_alerts_delivery_idx on pair_alerts (delivery_id) where delivery_id is not null`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists pair_alerts_delivery_idx`.execute(db);
  await sql`drop index if exists alerts_delivery_idx`.execute(db);
  await sql`drop index if exists checkins_delivery_idx`.execute(db);
  await sql`alter table checkins drop constraint if exists checkins_delivery_id_fkey`.execute(db);
  await sql`alter table checkins add constraint checkins_delivery_id_fkey foreign key (delivery_id) references deliveries (id)`.execute(db);
  await sql`drop index if exists deliveries_settled_idx`.execute(db);
  await sql`drop index if exists deliveries_sending_idx`.execute(db);
  await sql`drop index if exists deliveries_pending_idx`.execute(db);
  await sql`create index deliveries_due_idx on deliveries (not_before) where status in ('pending', 'sending')`.execute(db);
}
