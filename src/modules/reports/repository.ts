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

/**
 * The person a record is about as they are now, as p (a record merged into another counts for
 * the person it was merged into). Looked up one by one (OFFSET 0 keeps PostgreSQL from turning it
 * into a scan of everyone): the work follows the flags or contacts counted, not the district's size.
 */
const PERSON_NOW = (column: string, where = '') => `LEFT JOIN LATERAL (
    SELECT m.merged_into FROM person m WHERE m.id = ${column} AND m.merged_into IS NOT NULL OFFSET 0) survivor ON true
  CROSS JOIN LATERAL (SELECT coalesce(survivor.merged_into, ${column}) AS id OFFSET 0) now_id
  CROSS JOIN LATERAL (
    SELECT p.id, p.ward_code, p.date_of_birth, p.gender, p.ethnicity, p.disability
      FROM person p WHERE p.id = now_id.id AND p.merged_into IS NULL ${where}
    OFFSET 0) p`;
// A flag counts in the ward the child lives in.
const FLAGGED_PERSON = PERSON_NOW('f.person_id', 'AND p.ward_code IS NOT NULL');

// A local (London) timestamp's month as a whole number; an open end (NULL) stays open. (date_part,
// a float, not extract, a numeric: quicker over thousands of rows.)
const MONTH_OF_LOCAL = (local: string) =>
  `(date_part('year', ${local}) * 12 + date_part('month', ${local}) - 1)::int`;

/**
 * The children of one ward flagged at any time in each month from `from` to `to` (Europe/London
 * months), under 18 at the month's start: one row per child and month (the list behind a figure).
 */
export async function flaggedChildMonths(
  db: Queryable,
  partnershipId: string,
  from: string,
  to: string,
  wardCode: string,
): Promise<FlaggedChildMonth[]> {
  const { rows } = await db.query(
    `WITH months AS MATERIALIZED (
       SELECT to_char(m, 'YYYY-MM') AS month, m::date AS first_day,
              tstzrange(m AT TIME ZONE 'Europe/London', (m + interval '1 month') AT TIME ZONE 'Europe/London', '[)') AS span
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
       JOIN flag_period f ON f.partnership_id = $1 AND f.period && mo.span
       ${FLAGGED_PERSON}
      WHERE p.ward_code = $4 AND (p.date_of_birth IS NULL OR p.date_of_birth + interval '18 years' > mo.first_day)
      GROUP BY mo.month, mo.first_day, p.id, p.ward_code, p.gender, p.ethnicity, p.date_of_birth`,
    [partnershipId, from, to, wardCode],
  );
  return rows;
}

/** A flag that touched the period, as whole months (year × 12 + month − 1), with who it is about now. */
export interface FlagMonths {
  personId: string;
  wardCode: string;
  gender: string;
  ethnicity: string | null;
  /** The first month whose first day is on or after their birth (so they are k or older from month born + 12k); null when not known. */
  born: number | null;
  /** 1 emerging, 2 moderate, 3 significant. */
  level: number;
  /** The first month it touched (London), and the month after the last; null while it is open. */
  fromMonth: number;
  toMonth: number | null;
  /**
   * Days (since 1 January 2000) it held at noon, London: from the first such day to the day after
   * the last (null while open); and the child's 18th birthday (null when not known).
   */
  fromDay: number;
  toDay: number | null;
  adultDay: number | null;
}

/**
 * Every flag in force at some time in the months from `from` to `to` (London), with the ward,
 * gender, ethnicity and birth month of the child it is about (a flag on a merged record counts for
 * the person it was merged into). The report's arithmetic is done on these (`countFlagMonths`),
 * so the work follows the flags in the period, not the size of the district.
 */
export async function flagsInPeriod(
  db: Queryable,
  partnershipId: string,
  from: string,
  to: string,
): Promise<FlagMonths[]> {
  // The flags first, then the people they are about in one lookup by id: cheaper than joining
  // each flag to its person, and it does not grow with the district's size.
  const flags = (
    await db.query(
      `SELECT f.person_id AS "recordId", CASE f.risk_level WHEN 'emerging' THEN 1 WHEN 'moderate' THEN 2 ELSE 3 END AS level,
              ${MONTH_OF_LOCAL('t.starts')} AS "fromMonth", ${MONTH_OF_LOCAL('t.ends')} + 1 AS "toMonth",
              t.starts::date + CASE WHEN t.starts::time <= '12:00' THEN 0 ELSE 1 END - DATE '2000-01-01' AS "fromDay",
              t.ends::date + CASE WHEN t.ends::time >= '12:00' THEN 1 ELSE 0 END - DATE '2000-01-01' AS "toDay"
         FROM flag_period f
         CROSS JOIN LATERAL (
           SELECT lower(f.period) AT TIME ZONE 'Europe/London' AS starts,
                  (upper(f.period) - interval '1 microsecond') AT TIME ZONE 'Europe/London' AS ends) t
        WHERE f.partnership_id = $1
          -- Worked out once (not for every flag), and so usable by the index on flag periods.
          AND f.period && (SELECT tstzrange(($2 || '-01')::timestamp AT TIME ZONE 'Europe/London',
                                            (($3 || '-01')::timestamp + interval '1 month') AT TIME ZONE 'Europe/London', '[)'))`,
      [partnershipId, from, to],
    )
  ).rows as (Pick<FlagMonths, 'level' | 'fromMonth' | 'toMonth' | 'fromDay' | 'toDay'> & {
    recordId: string;
  })[];
  if (!flags.length) return [];
  const describe = `SELECT id, merged_into AS "mergedInto", ward_code AS "wardCode", gender, ethnicity,
            (date_part('year', date_of_birth) * 12 + date_part('month', date_of_birth) - 1
              + CASE WHEN date_part('day', date_of_birth) > 1 THEN 1 ELSE 0 END)::int AS born,
            (date_of_birth + interval '18 years')::date - DATE '2000-01-01' AS "adultDay"
       FROM person WHERE partnership_id = $1 AND id = ANY($2::uuid[])`;
  type Described = Pick<FlagMonths, 'wardCode' | 'gender' | 'ethnicity' | 'born' | 'adultDay'> & {
    id: string;
    mergedInto: string | null;
  };
  const records = new Map<string, Described>(
    (await db.query(describe, [partnershipId, [...new Set(flags.map((f) => f.recordId))]])).rows.map(
      (r: Described) => [r.id, r],
    ),
  );
  // A flag on a record merged into another counts for the person it was merged into.
  const survivors = [...records.values()].filter((r) => r.mergedInto).map((r) => r.mergedInto as string);
  if (survivors.length)
    for (const r of (await db.query(describe, [partnershipId, survivors])).rows as Described[])
      records.set(r.id, r);
  const out: FlagMonths[] = [];
  for (const f of flags) {
    const record = records.get(f.recordId);
    const person = record?.mergedInto ? records.get(record.mergedInto) : record;
    if (!person || person.mergedInto || !person.wardCode) continue;
    out.push({
      level: f.level,
      fromMonth: f.fromMonth,
      toMonth: f.toMonth,
      fromDay: f.fromDay,
      toDay: f.toDay,
      personId: person.id,
      wardCode: person.wardCode,
      gender: person.gender,
      ethnicity: person.ethnicity,
      born: person.born,
      adultDay: person.adultDay,
    });
  }
  return out;
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

// Each month of a period as London times, for grouping what happened by the month it happened in.
const PERIOD_BOUNDS = `($2 || '-01')::timestamp AT TIME ZONE 'Europe/London'`;
const PERIOD_END = `(($3 || '-01')::timestamp + interval '1 month') AT TIME ZONE 'Europe/London'`;
const MONTH_OF = (column: string) => `to_char(${column} AT TIME ZONE 'Europe/London', 'YYYY-MM')`;
const AGE_BAND_AT = (at: string) => `CASE WHEN p.date_of_birth IS NULL THEN 'not_known'
  WHEN age(${at}, p.date_of_birth) < interval '10 years' THEN 'under_10'
  WHEN age(${at}, p.date_of_birth) < interval '13 years' THEN '10_12'
  WHEN age(${at}, p.date_of_birth) < interval '16 years' THEN '13_15' ELSE '16_17' END`;

/** Who a figure is about, for comparing groups. */
export interface Characteristics {
  personId: string;
  gender: string;
  ethnicity: string | null;
  disability: string | null;
  ageBand: string;
}

/** A contact about a child received in the period, with its decision and its assessment, each against its clock. */
export interface ContactJourney extends Characteristics {
  receivedAt: Date;
  decidedAt: Date | null;
  decisionDue: Date | null;
  outcome: string | null;
  assessedAt: Date | null;
  assessmentDue: Date | null;
}

export async function contactJourneys(
  db: Queryable,
  partnershipId: string,
  from: string,
  to: string,
): Promise<ContactJourney[]> {
  const { rows } = await db.query(
    `SELECT p.id AS "personId", p.gender, p.ethnicity, p.disability, ${AGE_BAND_AT('c.received_at::date')} AS "ageBand",
            c.received_at AS "receivedAt", d.decided_at AS "decidedAt", d.outcome,
            (SELECT w.due_at FROM work_item w WHERE w.contact_id = c.id AND w.kind = 'front_door_decision'
              ORDER BY w.created_at LIMIT 1) AS "decisionDue",
            a.assessed_at AS "assessedAt",
            (SELECT w.due_at FROM work_item w WHERE w.assessment_id = a.id AND w.kind = 'assessment'
              ORDER BY w.created_at LIMIT 1) AS "assessmentDue"
       FROM contact c
       JOIN contact_person cp ON cp.contact_id = c.id AND cp.part = 'subject'
       ${PERSON_NOW('cp.person_id')}
       LEFT JOIN front_door_decision d ON d.contact_id = c.id
       LEFT JOIN LATERAL (
         SELECT x.id, CASE WHEN x.status = 'completed' THEN coalesce(x.approved_at, x.submitted_at) END AS assessed_at
           FROM assessment x WHERE x.contact_id = c.id ORDER BY x.started_at LIMIT 1) a ON true
      WHERE c.partnership_id = $1 AND c.status = 'submitted'
        AND c.received_at >= ${PERIOD_BOUNDS} AND c.received_at < ${PERIOD_END}
        AND (p.date_of_birth IS NULL OR p.date_of_birth + interval '18 years' > c.received_at::date)`,
    [partnershipId, from, to],
  );
  return rows;
}

/** Each child's first completed assessment, when it was completed in the period, and the level it found. */
export async function firstAssessments(
  db: Queryable,
  partnershipId: string,
  from: string,
  to: string,
): Promise<(Characteristics & { level: string })[]> {
  const { rows } = await db.query(
    `SELECT * FROM (
       SELECT DISTINCT ON (p.id) p.id AS "personId", p.gender, p.ethnicity, p.disability,
              ${AGE_BAND_AT('a.submitted_at::date')} AS "ageBand", a.final_level AS level, a.submitted_at
         FROM assessment a ${PERSON_NOW('a.person_id')}
        WHERE a.partnership_id = $1 AND a.status = 'completed' AND a.final_level IS NOT NULL
        ORDER BY p.id, a.submitted_at) first
      WHERE submitted_at >= ${PERIOD_BOUNDS} AND submitted_at < ${PERIOD_END}`,
    [partnershipId, from, to],
  );
  return rows;
}

/** Each child's spells of being flagged (all their flags joined) that ended in the period, and how long they lasted. */
export async function flagSpellsEnded(
  db: Queryable,
  partnershipId: string,
  from: string,
  to: string,
): Promise<(Characteristics & { days: number })[]> {
  const { rows } = await db.query(
    `WITH spells AS (
       SELECT p.id, p.gender, p.ethnicity, p.disability, p.date_of_birth, unnest(range_agg(f.period)) AS s
         FROM flag_period f ${PERSON_NOW('f.person_id')}
        WHERE f.partnership_id = $1 AND f.valid_from < ${PERIOD_END}
          AND (f.valid_to IS NULL OR f.valid_to >= ${PERIOD_BOUNDS} - interval '5 years')
        GROUP BY p.id, p.gender, p.ethnicity, p.disability, p.date_of_birth)
     SELECT p.id AS "personId", p.gender, p.ethnicity, p.disability, ${AGE_BAND_AT('lower(p.s)::date')} AS "ageBand",
            (extract(epoch FROM upper(p.s) - lower(p.s)) / 86400)::float8 AS days
       FROM spells p
      WHERE NOT upper_inf(p.s) AND upper(p.s) >= ${PERIOD_BOUNDS} AND upper(p.s) < ${PERIOD_END}`,
    [partnershipId, from, to],
  );
  return rows;
}

/** Work of one kind that fell due in a month. */
export interface WorkDueMonth {
  month: string;
  kind: string;
  due: number;
  onTime: number;
  /** Done after it was due, or still not done when it was due (by the month's end or today). */
  late: number;
}

/** Work of these kinds that fell due in each month, and how much of it was done on time. */
export async function workDueByMonth(
  db: Queryable,
  partnershipId: string,
  from: string,
  to: string,
  kinds: string[],
): Promise<WorkDueMonth[]> {
  const { rows } = await db.query(
    `SELECT ${MONTH_OF('w.due_at')} AS month, w.kind, count(*)::int AS due,
            count(*) FILTER (WHERE w.completed_at <= w.due_at)::int AS "onTime",
            count(*) FILTER (WHERE coalesce(w.completed_at, 'infinity') > w.due_at AND w.due_at < now())::int AS late
       FROM work_item w
      WHERE w.partnership_id = $1 AND w.kind = ANY($4::text[])
        AND w.due_at >= ${PERIOD_BOUNDS} AND w.due_at < ${PERIOD_END}
      GROUP BY 1, 2`,
    [partnershipId, from, to, kinds],
  );
  return rows;
}

/** A completed assessment: when, from which contact, what it answered and whether the referral was made. */
export interface CompletedAssessment {
  month: string;
  rulesVersion: string;
  answers: Record<string, string>;
  specialistReferral: string | null;
  receivedAt: Date | null;
  completedAt: Date;
}

export async function completedAssessments(
  db: Queryable,
  partnershipId: string,
  from: string,
  to: string,
): Promise<CompletedAssessment[]> {
  const { rows } = await db.query(
    `SELECT ${MONTH_OF('a.submitted_at')} AS month, a.rules_version AS "rulesVersion", a.answers,
            a.specialist_referral AS "specialistReferral", c.received_at AS "receivedAt", a.submitted_at AS "completedAt"
       FROM assessment a LEFT JOIN contact c ON c.id = a.contact_id
      WHERE a.partnership_id = $1 AND a.status = 'completed'
        AND a.submitted_at >= ${PERIOD_BOUNDS} AND a.submitted_at < ${PERIOD_END}`,
    [partnershipId, from, to],
  );
  return rows;
}

/**
 * Records written in each month (contacts received and assessments completed: the records the
 * language check reads) and the victim-blaming phrases found in them, by phrase.
 */
export async function languageByMonth(
  db: Queryable,
  partnershipId: string,
  from: string,
  to: string,
): Promise<{ records: Map<string, number>; findings: { month: string; phraseId: string; n: number }[] }> {
  const [records, findings] = await Promise.all([
    db.query(
      `SELECT month, sum(n)::int AS n FROM (
         SELECT ${MONTH_OF('received_at')} AS month, count(*) AS n FROM contact
          WHERE partnership_id = $1 AND status = 'submitted' AND received_at >= ${PERIOD_BOUNDS} AND received_at < ${PERIOD_END}
          GROUP BY 1
         UNION ALL
         SELECT ${MONTH_OF('submitted_at')}, count(*) FROM assessment
          WHERE partnership_id = $1 AND status = 'completed' AND submitted_at >= ${PERIOD_BOUNDS} AND submitted_at < ${PERIOD_END}
          GROUP BY 1) r
       GROUP BY month`,
      [partnershipId, from, to],
    ),
    db.query(
      `SELECT ${MONTH_OF('occurred_at')} AS month, phrase_id AS "phraseId", count(*)::int AS n
         FROM language_check_event
        WHERE partnership_id = $1 AND occurred_at >= ${PERIOD_BOUNDS} AND occurred_at < ${PERIOD_END}
        GROUP BY 1, 2`,
      [partnershipId, from, to],
    ),
  ]);
  return {
    records: new Map(records.rows.map((r: { month: string; n: number }) => [r.month, r.n])),
    findings: findings.rows,
  };
}

/**
 * Children waiting for an exploitation assessment at a moment: asked for (started) by then and not
 * completed by then, by ward, with when they started waiting.
 */
export async function waitingForAssessment(
  db: Queryable,
  partnershipId: string,
  at: Date,
): Promise<{ personId: string; wardCode: string | null; since: Date }[]> {
  const { rows } = await db.query(
    `SELECT p.id AS "personId", p.ward_code AS "wardCode", min(a.started_at) AS since
       FROM assessment a ${PERSON_NOW('a.person_id')}
      WHERE a.partnership_id = $1 AND a.started_at <= $2
        AND (a.status <> 'completed' OR coalesce(a.approved_at, a.submitted_at) > $2)
        AND (p.date_of_birth IS NULL OR p.date_of_birth + interval '18 years' > $2::date)
      GROUP BY p.id, p.ward_code`,
    [partnershipId, at],
  );
  return rows;
}
