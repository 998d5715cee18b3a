import { sql, type RawBuilder } from 'kysely';

/**
 * How many weeks apart a program's pairs meet, in SQL: the same rule as `cadenceWeeks` in
 * domain/cadence.ts (every week, every two weeks, or the program's weeks spread over its sessions).
 * `program` is the alias of the programs row in the query.
 */
export function cadenceWeeksSql(program: string): RawBuilder<number> {
  const pr = sql.raw(program);
  return sql<number>`(case ${pr}.cadence when 'every_two_weeks' then 2
    when 'sessions' then greatest(1, ${pr}.length_weeks / coalesce(nullif(${pr}.session_target, 0), ${pr}.length_weeks))
    else 1 end)`;
}

/**
 * Whether a person is out of office on the day `now` falls on in their zone: the same rule as `isAway` in
 * domain/away.ts. `person` is the alias of the people row; no row or no absence is false.
 */
export function awayOnSql(person: string, now: Date): RawBuilder<boolean> {
  const pe = sql.raw(person);
  return sql<boolean>`coalesce((${now}::timestamptz at time zone ${pe}.time_zone)::date between ${pe}.away_from and ${pe}.away_until, false)`;
}
