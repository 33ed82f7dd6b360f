import type { SeedContext } from '../../platform/module.ts';
import { AREA_COMMITTEES, PUBLISHED_2020, PUBLISHED_DISTRICT_MONTHS } from '../district/index.ts';
import { copyChronologyEntries, personWriter } from '../people/index.ts';
import { FLAG_NAMES, type FlagType, LEVEL_NAMES, type RiskLevel } from './reference.ts';

/**
 * The district's flags from January 2019 until the Front Door's own history begins (two years
 * ago): children and young people flagged in the partnership's previous system and carried over,
 * each with their flag's levels and its end. Shaped like the seed reports: the district's children
 * flagged in a month follow a curve through the published 283 (January 2020), 389 (May) and 311
 * (August), and each Bradford South ward's 2020 average and rate are those Appendix D published.
 *
 * Exact where a report is compared with a published figure: the months with published counts are
 * filled to them exactly, and each Bradford South ward gets exactly the child-days in 2020 that
 * give its published average. Episodes begin and end at 10:00 UTC, so neither a day's noon nor a
 * month's first midnight (London time) is ever in doubt. A child is flagged once, and never past
 * their eighteenth birthday.
 */

const DAY = 86_400_000;
const dayOf = (y: number, m: number, d: number) => Math.floor(Date.UTC(y, m, d) / DAY);
const instantMs = (day: number) => day * DAY + 10 * 3_600_000;
const instant = (day: number) => new Date(instantMs(day)).toISOString();

interface Episode {
  wardCode: string;
  flagType: FlagType;
  start: number;
  end: number;
  short: boolean;
}

/**
 * Bulk-loads flag periods for a seed, each row in this order: partnership, person, flag type,
 * level, from, to, set by, set reason, assessment, ended by, end reason.
 */
export async function copyFlagPeriods(client: SeedContext['client'], rows: unknown[][]): Promise<void> {
  await client.copy(
    'flag_period',
    [
      'partnership_id',
      'person_id',
      'flag_type',
      'risk_level',
      'valid_from',
      'valid_to',
      'set_by',
      'set_reason',
      'assessment_id',
      'ended_by',
      'end_reason',
    ],
    rows,
  );
}

/** Children flagged in the district in a month: the curve the earlier years follow. */
const CURVE: [string, number][] = [
  ['2018-10', 228],
  ['2019-01', 236],
  ['2019-06', 262],
  ['2019-12', 276],
  ['2020-01', 283],
  ['2020-03', 331],
  ['2020-05', 389],
  ['2020-08', 311],
  ['2020-12', 298],
  ['2021-06', 322],
  ['2022-01', 305],
  ['2022-09', 336],
  ['2023-06', 318],
  ['2024-03', 342],
  ['2025-01', 330],
];

const FLAG_MIX: { value: FlagType; weight: number }[] = [
  { value: 'cse', weight: 40 },
  { value: 'cce', weight: 28 },
  { value: 'county_lines', weight: 13 },
  { value: 'missing_linked', weight: 8 },
  { value: 'online', weight: 6 },
  { value: 'trafficking', weight: 3 },
  { value: 'hsb', weight: 2 },
];

/** Wards where more of the district's flagged children live (the seeds' hot spots), and fewer. */
const WARD_RISK: Record<string, number> = {
  City: 2.2,
  'Little Horton': 1.9,
  Manningham: 1.8,
  'Bowling and Barkerend': 1.7,
  'Keighley Central': 1.7,
  'Bradford Moor': 1.5,
  Toller: 1.3,
  Eccleshill: 1.2,
  'Windhill and Wrose': 1.2,
  Ilkley: 0.35,
  Wharfedale: 0.4,
  Craven: 0.5,
  Baildon: 0.6,
  'Bingley Rural': 0.6,
};

/** The whole number of child-days in a year of `days` days that gives the published average and rate. */
export function childDaysFor(published: { average: number; rate: number }, population: number, days: number) {
  const round2 = (x: number) => Math.round(x * 100) / 100;
  for (let k = Math.floor((published.average - 0.01) * days); k <= (published.average + 0.01) * days; k++) {
    const average = k / days;
    if (round2(average) === published.average && round2((average / population) * 10_000) === published.rate)
      return k;
  }
  throw new Error(`No whole number of child-days gives ${published.average} and ${published.rate}`);
}

/** A flag of the years before, as the Front Door's seed needs it to write the contact and assessment behind it. */
export interface EarlierFlag {
  personId: string;
  gender: string;
  disability: string | null;
  flagType: FlagType;
  level: RiskLevel;
  /** When the flag was set (the assessment was completed), and when it ended: epoch milliseconds. */
  setAt: number;
  endedAt: number;
  /** Ended within weeks: assessed as not at risk after all. */
  short: boolean;
}

export async function seedFlagHistory(ctx: SeedContext): Promise<void> {
  if (!ctx.history) return;
  const faker = ctx.random;
  const pick = (p: number) => faker.number.float() < p;
  const wards = ctx.made.wards as { code: string; name: string; population: number }[];
  const users = ctx.made.userIds as Record<string, string> | undefined;
  if (!wards?.length || !users) return;
  const today = Math.floor(Date.now() / DAY);
  // The Front Door's own history (its seed) covers the last two years; these come before it.
  const frontDoorFrom = dayOf(new Date().getUTCFullYear(), new Date().getUTCMonth() - 24, 1);
  const lastEnd = Math.min(today - 14, frontDoorFrom + 300);
  const historyFrom = dayOf(2018, 9, 1);
  const Y0 = dayOf(2020, 0, 1);
  const Y1 = dayOf(2021, 0, 1);
  const inYear2020 = (e: Episode) => Math.max(0, Math.min(e.end, Y1) - Math.max(e.start, Y0));
  const duration = () => faker.number.int({ min: 40, max: 260 });
  const episodes: Episode[] = [];
  const south = new Set(AREA_COMMITTEES['Bradford South']);
  const southCodes = new Set(wards.filter((w) => south.has(w.name)).map((w) => w.code));

  // Bradford South: each ward's 2020 child-days exactly as published, the years around it alike.
  for (const ward of wards.filter((w) => south.has(w.name))) {
    const published = PUBLISHED_2020[ward.name];
    const target = childDaysFor(published, ward.population, Y1 - Y0);
    const span = frontDoorFrom - historyFrom;
    const own: Episode[] = Array.from({ length: Math.round((0.8 * published.average * span) / 150) }, () => {
      const start = faker.number.int({ min: historyFrom, max: frontDoorFrom - 1 });
      return {
        wardCode: ward.code,
        flagType: faker.helpers.weightedArrayElement(FLAG_MIX),
        start,
        end: Math.min(start + duration(), lastEnd),
        short: false,
      };
    });
    let days = own.reduce((sum, e) => sum + inYear2020(e), 0);
    while (days > target - 40) {
      const i = own.findIndex((e) => inYear2020(e) > 0);
      days -= inYear2020(own[i]);
      own.splice(i, 1);
    }
    for (let deficit = target - days; deficit > 0; ) {
      const length = Math.min(deficit, faker.number.int({ min: 30, max: 200 }));
      const start = faker.number.int({ min: Y0, max: Y1 - length });
      own.push({
        wardCode: ward.code,
        flagType: faker.helpers.weightedArrayElement(FLAG_MIX),
        start,
        end: start + length,
        short: false,
      });
      deficit -= length;
    }
    episodes.push(...own);
  }

  // The rest of the district, month by month: those still flagged from earlier months, then new
  // flags (most lasting months, some ended within weeks) until the month has its number.
  const others = wards
    .filter((w) => !south.has(w.name))
    .map((w) => ({ value: w.code, weight: w.population * (WARD_RISK[w.name] ?? 1) }));
  const curve = CURVE.map(([month, n]) => ({ at: dayOf(+month.slice(0, 4), +month.slice(5) - 1, 1), n }));
  const targetOn = (first: number, key: string) => {
    if (PUBLISHED_DISTRICT_MONTHS[key] !== undefined) return PUBLISHED_DISTRICT_MONTHS[key];
    const j = curve.findIndex((c) => c.at > first);
    const [a, b] = j <= 0 ? [curve[curve.length - 1], curve[curve.length - 1]] : [curve[j - 1], curve[j]];
    const along = b.at === a.at ? 0 : (first - a.at) / (b.at - a.at);
    return Math.round((a.n + (b.n - a.n) * along) * faker.number.float({ min: 0.97, max: 1.03 }));
  };
  const inMonth = (e: Episode, first: number, last: number) => e.start <= last && e.end >= first;
  for (let y = 2018, m = 9; ; m++) {
    if (m === 12) {
      y++;
      m = 0;
    }
    const first = dayOf(y, m, 1);
    const last = dayOf(y, m + 1, 1) - 1;
    if (last >= frontDoorFrom) break;
    const key = `${y}-${String(m + 1).padStart(2, '0')}`;
    const target = targetOn(first, key);
    const southNow = episodes.filter((e) => southCodes.has(e.wardCode) && inMonth(e, first, last)).length;
    const carried = episodes.filter(
      (e) => !southCodes.has(e.wardCode) && e.start < first && inMonth(e, first, last),
    );
    // More still flagged than the month should have: the earliest of them ended the month before.
    let excess = carried.length + southNow - target;
    for (const e of carried.sort((a, b) => a.start - b.start)) {
      if (excess <= 0) break;
      if (e.start < first - 2) {
        e.end = first - 1;
        excess--;
      }
    }
    const still = carried.filter((e) => e.end >= first).length;
    const need = Math.max(0, target - southNow - still);
    const brief = Math.round(need * 0.2);
    for (let i = 0; i < need; i++) {
      const isBrief = i < brief;
      const start = faker.number.int({ min: first, max: isBrief ? last - 2 : last });
      episodes.push({
        wardCode: faker.helpers.weightedArrayElement(others),
        flagType: faker.helpers.weightedArrayElement(FLAG_MIX),
        start,
        end: isBrief
          ? start + faker.number.int({ min: 2, max: Math.min(21, last - start) })
          : Math.min(start + duration(), lastEnd),
        short: isBrief,
      });
    }
  }

  // A person for each episode, of an age to be flagged then and still a child when it ended.
  const writer = personWriter(ctx);
  const flagRows: unknown[][] = [];
  const chronology: unknown[][] = [];
  const earlier: EarlierFlag[] = [];
  ctx.made.earlierFlags = earlier;
  const pid = ctx.partnershipId;
  const carriedOver = 'Recorded in the previous case management system and carried over to Lantern';
  const ages = [10, 11, 12, 13, 14, 15, 16, 17].map((age, i) => ({
    value: age,
    weight: [2, 3, 6, 12, 18, 20, 14, 5][i],
  }));
  const LEVELS: { value: RiskLevel; weight: number }[] = [
    { value: 'emerging', weight: 45 },
    { value: 'moderate', weight: 40 },
    { value: 'significant', weight: 15 },
  ];
  for (const e of episodes) {
    const length = e.end - e.start;
    const maxAge = 18 - (length + 2) / 365.25;
    let age = faker.helpers.weightedArrayElement(ages) + faker.number.float({ min: 0, max: 0.95 });
    if (age > maxAge) age = Math.max(9, maxAge - faker.number.float({ min: 0, max: 1 }));
    let birth = new Date((e.start - Math.ceil(age * 365.25)) * DAY);
    // No 29 February: the eighteenth birthday must be the same day in JavaScript and PostgreSQL.
    if (birth.getUTCMonth() === 1 && birth.getUTCDate() === 29) birth = new Date(birth.getTime() - DAY);
    const girl =
      e.flagType === 'cse' ? pick(0.8) : ['cce', 'county_lines'].includes(e.flagType) ? pick(0.2) : pick(0.5);
    const person = writer.add({
      birth,
      gender: pick(0.01) ? 'other' : girl ? 'female' : 'male',
      wardCode: e.wardCode,
      knownTo: [
        'csc',
        'police',
        ...(pick(0.6) ? [faker.helpers.arrayElement(['education', 'health', 'youth', 'trp'])] : []),
      ],
    });
    // Levels: where it started, and for some a change part-way (up or down by one).
    let level = faker.helpers.weightedArrayElement(LEVELS);
    const steps: { from: number; level: RiskLevel }[] = [{ from: e.start, level }];
    if (!e.short && length >= 30 && pick(0.45)) {
      const next: RiskLevel =
        level === 'emerging'
          ? 'moderate'
          : level === 'significant'
            ? 'moderate'
            : pick(0.5)
              ? 'significant'
              : 'emerging';
      steps.push({
        from: e.start + Math.floor(length * faker.number.float({ min: 0.3, max: 0.7 })),
        level: next,
      });
      level = next;
    }
    earlier.push({
      personId: person.id,
      gender: person.gender,
      disability: person.disability,
      flagType: e.flagType,
      level: steps[0].level,
      setAt: instantMs(e.start),
      endedAt: instantMs(e.end),
      short: e.short,
    });
    const name = FLAG_NAMES[e.flagType];
    steps.forEach((s, i) => {
      const to = steps[i + 1]?.from ?? e.end;
      const last = i === steps.length - 1;
      const endReason = !last
        ? `Changed to ${steps[i + 1].level}: reviewed at the MACE`
        : e.short
          ? 'Assessed: not at risk of exploitation'
          : 'Risk reduced: plan completed and reviewed at the MACE';
      flagRows.push([
        pid,
        person.id,
        e.flagType,
        s.level,
        instant(s.from),
        instant(to),
        users.frontdoor,
        i === 0 ? carriedOver : 'Reviewed at the MACE',
        null,
        users.chair,
        endReason,
      ]);
      chronology.push([
        pid,
        person.id,
        instant(s.from),
        'flag',
        i === 0
          ? `${name} flag set: ${LEVEL_NAMES[s.level]}`
          : `${name} flag: ${LEVEL_NAMES[steps[i - 1].level]} → ${LEVEL_NAMES[s.level]}`,
        i === 0 ? carriedOver : 'Reviewed at the MACE',
        i === 0 ? users.frontdoor : users.chair,
      ]);
    });
    chronology.push([
      pid,
      person.id,
      instant(e.end),
      'flag',
      `${name} flag ended (was ${LEVEL_NAMES[level]})`,
      e.short ? 'Assessed: not at risk of exploitation' : 'Risk reduced',
      users.chair,
    ]);
    if (writer.pending() >= 10_000) await writer.flush();
  }
  await writer.flush();
  await copyFlagPeriods(ctx.client, flagRows);
  await copyChronologyEntries(ctx.client, chronology);
  ctx.say(
    `Seeded the flags of the years before (January 2019 on): ${episodes.length.toLocaleString('en-GB')} children and young people, ${flagRows.length.toLocaleString('en-GB')} flag periods.`,
  );
}
