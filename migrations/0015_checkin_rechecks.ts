import { sql, type Kysely } from 'kysely';

// Frozen: never import application code here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // When check-in planning next needs to look at a pair: the planning pass records, for each pair it
  // looked at, the earliest instant its check-in could next fall due, and the minute-by-minute pass reads
  // only pairs whose instant has come (-infinity: at the next pass). `changed_by` is the transaction of the change
  // that last reset the row (to -infinity): a pass whose snapshot does not see that change does not
  // overwrite it.
  await sql`
    create table checkin_rechecks (
      pairing_id integer primary key references pairings (id) on delete cascade,
      recheck_at timestamptz not null,
      changed_by xid8
    )`.execute(db);

  // Anything the planning statement reads about a pair, save the clock, resets its row: the pair itself,
  // its program, the program's holidays, a check-in erased. (People's time off is read after the pairs
  // are picked, and moved meetings are read apart, every pass.)
  await sql`
    create function checkin_recheck_now(pairs integer[]) returns void language sql as $$
      insert into checkin_rechecks (pairing_id, recheck_at, changed_by)
      select id, '-infinity', pg_current_xact_id() from unnest(pairs) as id
      on conflict (pairing_id) do update set recheck_at = '-infinity', changed_by = pg_current_xact_id()
    $$`.execute(db);
  // Every pair has a row from its start (the pass reads rows due, from an index, rather than every pair).
  await sql`create index checkin_rechecks_due_idx on checkin_rechecks (recheck_at)`.execute(db);
  await sql`insert into checkin_rechecks (pairing_id, recheck_at) select id, '-infinity' from pairings`.execute(db);
  await sql`
    create function checkin_recheck_new_pairings() returns trigger language plpgsql as $$
    begin
      perform checkin_recheck_now(array(select id from added));
      return null;
    end $$`.execute(db);
  await sql`
    create trigger pairings_checkin_recheck_new after insert on pairings
    referencing new table as added for each statement execute function checkin_recheck_new_pairings()`.execute(db);
  await sql`
    create function checkin_recheck_pairing() returns trigger language plpgsql as $$
    begin
      perform checkin_recheck_now(array[new.id]);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger pairings_checkin_recheck after update on pairings
    for each row when (old.* is distinct from new.*) execute function checkin_recheck_pairing()`.execute(db);
  await sql`
    create function checkin_recheck_program() returns trigger language plpgsql as $$
    begin
      perform checkin_recheck_now(array(select p.id from pairings p where p.program_id = new.id and p.status <> 'ended'));
      return null;
    end $$`.execute(db);
  await sql`
    create trigger programs_checkin_recheck after update on programs
    for each row when (old.* is distinct from new.*) execute function checkin_recheck_program()`.execute(db);
  for (const [event, tables] of [
    ['insert', 'referencing new table as changed_new'],
    ['update', 'referencing new table as changed_new old table as changed_old'],
    ['delete', 'referencing old table as changed_old'],
  ] as const) {
    // A statement's holidays at once (a program's list is replaced in one statement), from the transition
    // tables its event has.
    await sql
      .raw(
        `create function checkin_recheck_holidays_${event}() returns trigger language plpgsql as $$
        begin
          perform checkin_recheck_now(array(
            select p.id from pairings p
            where p.status <> 'ended'
              and p.program_id in (${
                event === 'insert'
                  ? 'select program_id from changed_new'
                  : event === 'delete'
                    ? 'select program_id from changed_old'
                    : 'select program_id from changed_new union select program_id from changed_old'
              })));
          return null;
        end $$`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger program_holidays_checkin_recheck_${event} after ${event} on program_holidays
         ${tables} for each statement execute function checkin_recheck_holidays_${event}()`,
      )
      .execute(db);
  }
  await sql`
    create function checkin_recheck_checkin() returns trigger language plpgsql as $$
    begin
      perform checkin_recheck_now(array(select distinct pairing_id from changed_old));
      return null;
    end $$`.execute(db);
  await sql`
    create trigger checkins_checkin_recheck after delete on checkins
    referencing old table as changed_old for each statement execute function checkin_recheck_checkin()`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists checkins_checkin_recheck on checkins`.execute(db);
  await sql`drop function if exists checkin_recheck_checkin()`.execute(db);
  for (const event of ['insert', 'update', 'delete']) {
    await sql.raw(`drop trigger if exists program_holidays_checkin_recheck_${event} on program_holidays`).execute(db);
    await sql.raw(`drop function if exists checkin_recheck_holidays_${event}()`).execute(db);
  }
  await sql`drop trigger if exists programs_checkin_recheck on programs`.execute(db);
  await sql`drop function if exists checkin_recheck_program()`.execute(db);
  await sql`drop trigger if exists pairings_checkin_recheck on pairings`.execute(db);
  await sql`drop trigger if exists pairings_checkin_recheck_new on pairings`.execute(db);
  await sql`drop function if exists checkin_recheck_new_pairings()`.execute(db);
  await sql`drop function if exists checkin_recheck_pairing()`.execute(db);
  await sql`drop function if exists checkin_recheck_now(integer[])`.execute(db);
  await sql`drop table if exists checkin_rechecks`.execute(db);
}
