import type { Queryable } from '../../db/database.ts';

export interface WardRow {
  code: string;
  name: string;
  under18Population: number;
}

export async function listWards(db: Queryable, partnershipId: string): Promise<WardRow[]> {
  const { rows } = await db.query(
    `SELECT code, name, under18_population AS "under18Population" FROM ward WHERE partnership_id = $1 ORDER BY name`,
    [partnershipId],
  );
  return rows;
}

/** Children (under 18 today) with a flag in force now, by the ward they live in. */
export async function childrenFlaggedNowByWard(
  db: Queryable,
  partnershipId: string,
): Promise<Map<string, number>> {
  const { rows } = await db.query(
    `SELECT p.ward_code AS "wardCode", count(DISTINCT p.id)::int AS children
       FROM flag_period f JOIN person p ON p.id = f.person_id
      WHERE f.partnership_id = $1 AND f.valid_to IS NULL AND p.merged_into IS NULL AND p.ward_code IS NOT NULL
        AND (p.date_of_birth IS NULL OR p.date_of_birth > current_date - interval '18 years')
      GROUP BY p.ward_code`,
    [partnershipId],
  );
  return new Map(rows.map((r: { wardCode: string; children: number }) => [r.wardCode, r.children]));
}

/** One child flagged in one month: who they were then, and the highest level they held in it. */
export interface FlaggedChildMonth {
  month: string;
  personId: string;
  wardCode: string;
  gender: string;
  ethnicity: string | null;
  ageBand: string;
  /** 1 emerging, 2 moderate, 3 significant. */
  level: number;
}

// A flag on a merged record counts for the person it was merged into.
const FLAGGED_PERSON = `JOIN person p0 ON p0.id = f.person_id
  JOIN person p ON p.id = coalesce(p0.merged_into, p0.id) AND p.merged_into IS NULL AND p.ward_code IS NOT NULL`;

/**
 * Children flagged at any time in each month from `from` to `to` (Europe/London months), under 18
 * at the month's start, by the ward they live in.
 */
export async function flaggedChildMonths(
  db: Queryable,
  partnershipId: string,
  from: string,
  to: string,
): Promise<FlaggedChildMonth[]> {
  const { rows } = await db.query(
    `WITH months AS (
       SELECT to_char(m, 'YYYY-MM') AS month, m::date AS first_day,
              m AT TIME ZONE 'Europe/London' AS starts, (m + interval '1 month') AT TIME ZONE 'Europe/London' AS ends
         FROM generate_series(($2 || '-01')::timestamp, ($3 || '-01')::timestamp, interval '1 month') AS m
     )
     SELECT mo.month, p.id AS "personId", p.ward_code AS "wardCode", p.gender, p.ethnicity,
            CASE WHEN p.date_of_birth IS NULL THEN 'not_known'
                 WHEN age(mo.first_day, p.date_of_birth) < interval '10 years' THEN 'under_10'
                 WHEN age(mo.first_day, p.date_of_birth) < interval '13 years' THEN '10_12'
                 WHEN age(mo.first_day, p.date_of_birth) < interval '16 years' THEN '13_15'
                 ELSE '16_17' END AS "ageBand",
            max(CASE f.risk_level WHEN 'emerging' THEN 1 WHEN 'moderate' THEN 2 ELSE 3 END)::int AS level
       FROM months mo
       JOIN flag_period f ON f.partnership_id = $1 AND f.period && tstzrange(mo.starts, mo.ends, '[)')
       ${FLAGGED_PERSON}
      WHERE p.date_of_birth IS NULL OR p.date_of_birth + interval '18 years' > mo.first_day
      GROUP BY mo.month, mo.first_day, p.id`,
    [partnershipId, from, to],
  );
  return rows;
}

/**
 * For each ward, the child-days in the months from `from` to `to`: a child counts on a day when
 * flagged at noon that day (London) and under 18; and how many children that was. Counted from
 * each child's flagged time (all their flags merged) by date arithmetic, not day by day.
 */
export async function flaggedChildDaysByWard(
  db: Queryable,
  partnershipId: string,
  from: string,
  to: string,
): Promise<Map<string, { childDays: number; children: number }>> {
  const { rows } = await db.query(
    `WITH bounds AS (
       SELECT ($2 || '-01')::date AS first_day, (($3 || '-01')::date + interval '1 month')::date AS after_day
     ), flagged AS (
       SELECT p.id, p.ward_code, p.date_of_birth, range_agg(f.period) AS spans
         FROM bounds b
         JOIN flag_period f ON f.partnership_id = $1
          AND f.period && tstzrange(b.first_day::timestamp AT TIME ZONE 'Europe/London',
                                    b.after_day::timestamp AT TIME ZONE 'Europe/London', '[)')
         ${FLAGGED_PERSON}
        GROUP BY p.id, p.ward_code, p.date_of_birth
     ), days AS (
       -- The noons inside each span: from the first noon at or after it starts to the last before it ends.
       SELECT x.id, x.ward_code,
              sum(greatest(0,
                least(CASE WHEN upper_inf(s) THEN b.after_day
                           WHEN (upper(s) AT TIME ZONE 'Europe/London')::time > '12:00' THEN (upper(s) AT TIME ZONE 'Europe/London')::date + 1
                           ELSE (upper(s) AT TIME ZONE 'Europe/London')::date END,
                      b.after_day,
                      coalesce((x.date_of_birth + interval '18 years')::date, b.after_day))
                - greatest(CASE WHEN (lower(s) AT TIME ZONE 'Europe/London')::time <= '12:00' THEN (lower(s) AT TIME ZONE 'Europe/London')::date
                                ELSE (lower(s) AT TIME ZONE 'Europe/London')::date + 1 END,
                           b.first_day)))::int AS n
         FROM flagged x CROSS JOIN bounds b CROSS JOIN LATERAL unnest(x.spans) AS s
        GROUP BY x.id, x.ward_code
     )
     SELECT ward_code AS "wardCode", sum(n)::int AS "childDays", count(*) FILTER (WHERE n > 0)::int AS children
       FROM days GROUP BY ward_code`,
    [partnershipId, from, to],
  );
  return new Map(
    rows.map((r: { wardCode: string; childDays: number; children: number }) => [
      r.wardCode,
      { childDays: r.childDays, children: r.children },
    ]),
  );
}

/** Names and dates of birth of these people (for the list behind a figure). */
export async function peopleNamed(
  db: Queryable,
  partnershipId: string,
  ids: string[],
): Promise<{ id: string; givenName: string; familyName: string; dateOfBirth: string | null }[]> {
  const { rows } = await db.query(
    `SELECT id, given_name AS "givenName", family_name AS "familyName", to_char(date_of_birth, 'YYYY-MM-DD') AS "dateOfBirth"
       FROM person WHERE partnership_id = $1 AND id = ANY($2::uuid[]) ORDER BY family_name, given_name`,
    [partnershipId, ids],
  );
  return rows;
}
