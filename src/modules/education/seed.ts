import type { SeedContext } from '../../platform/module.ts';
import { londonDate } from '../../platform/validation.ts';
import { currentFlagsOfPeople } from '../flags/index.ts';
import { copyChronologyEntries, type SeededChild } from '../people/index.ts';
import { EDUCATION_KIND_NAMES, type EducationKind, type Whereabouts } from './reference.ts';

const DAY = 86_400_000;
const SUSPENSION_REASONS = [
  'Persistent disruptive behaviour',
  'Physical assault against a pupil',
  'Verbal abuse of staff',
  'Drug and alcohol related',
  'Carrying a knife',
];
const EHE_REASONS = [
  'Parents’ philosophical preference',
  'Dissatisfied with the school',
  'Health reasons',
  'Bullying',
  'To avoid exclusion',
  'Not given',
];

/**
 * Schools for the district's children and two years of what happens in education: attendance
 * concerns, suspensions and exclusions (more among flagged children), part-time timetables and
 * alternative provision, children missing education (about nine in ten found) and home education
 * (rising, as seed 000 reports).
 */
export async function seedEducation(ctx: SeedContext): Promise<void> {
  const users = ctx.made.userIds as Record<string, string> | undefined;
  const children = (ctx.made.children as SeededChild[] | undefined) ?? [];
  if (!ctx.history || !ctx.demoUsers || !users || !children.length) return;
  const wards = new Map(
    ((ctx.made.wards as { code: string; name: string }[] | undefined) ?? []).map((w) => [w.code, w.name]),
  );
  const faker = ctx.random;
  const pick = (p: number) => faker.number.float() < p;
  const pid = ctx.partnershipId;
  const now = Date.now();
  const today = londonDate(new Date(now));
  const flags = await currentFlagsOfPeople(
    ctx.client,
    pid,
    children.map((c) => c.id),
  );
  const rows: unknown[][] = [];
  const chronology: unknown[][] = [];
  const dayAgo = (days: number) => londonDate(new Date(now - days * DAY));
  const add = (
    child: SeededChild,
    kind: EducationKind,
    e: {
      startedOn: string;
      endedOn?: string | null;
      school?: string | null;
      yearGroup?: number | null;
      days?: number | null;
      reason?: string | null;
      whereabouts?: Whereabouts | null;
      whereaboutsOn?: string | null;
    },
    chronicle = true,
  ) => {
    rows.push([
      pid,
      faker.string.uuid(),
      child.id,
      kind,
      e.startedOn,
      e.endedOn ?? null,
      e.school ?? null,
      e.yearGroup ?? null,
      e.days ?? null,
      e.reason ?? null,
      e.whereabouts ?? null,
      e.whereaboutsOn ?? null,
      users.frontdoor,
    ]);
    if (chronicle)
      chronology.push([
        pid,
        child.id,
        `${e.startedOn}T12:00:00Z`,
        'education',
        `${EDUCATION_KIND_NAMES[kind]}${e.school ? `: ${e.school}` : ''}${e.days ? ` (${e.days} days)` : ''}`,
        e.reason ?? null,
        users.frontdoor,
      ]);
  };
  // The academic year began on 1 September.
  const [ty, tm] = today.split('-').map(Number);
  const septemberYear = tm >= 9 ? ty : ty - 1;
  let homeEducated = 0;
  let missingEducation = 0;
  for (const child of children) {
    if (child.age < 4 || child.age > 17) continue;
    const flagged = (flags.get(child.id) ?? []).length > 0;
    const wardName = (child.wardCode && wards.get(child.wardCode)) || 'Bradford';
    const school =
      child.age < 11
        ? `${wardName} Primary School`
        : faker.helpers.arrayElement([`${wardName} Academy`, `${wardName} High School`]);
    const yearGroup = Math.min(13, Math.max(0, child.age - 4));
    const schoolStart = `${septemberYear - Math.min(yearGroup, child.age < 11 ? yearGroup : yearGroup - 7)}-09-01`;
    // Elective home education, more often in the recent months (the rise seed 000 reports).
    if (pick(flagged ? 0.02 : 0.012)) {
      const registered = dayAgo(Math.floor(Math.sqrt(faker.number.float()) * 700) + 1);
      add(
        child,
        'school_place',
        {
          startedOn: schoolStart < registered ? schoolStart : registered,
          endedOn: registered,
          school,
          yearGroup,
        },
        false,
      );
      add(child, 'home_education', {
        startedOn: registered,
        reason: faker.helpers.arrayElement(EHE_REASONS),
      });
      homeEducated++;
      continue;
    }
    add(child, 'school_place', { startedOn: schoolStart, school, yearGroup }, false);
    if (child.age < 9) continue;
    if (pick(flagged ? 0.25 : 0.05))
      add(child, 'attendance_concern', { startedOn: dayAgo(faker.number.int({ min: 5, max: 400 })), school });
    const suspensions = pick(flagged ? 0.3 : 0.05) ? faker.number.int({ min: 1, max: flagged ? 4 : 2 }) : 0;
    for (let i = 0; i < suspensions; i++) {
      const on = dayAgo(faker.number.int({ min: 3, max: 700 }));
      add(child, 'suspension', {
        startedOn: on,
        school,
        days: faker.number.int({ min: 1, max: 5 }),
        reason: faker.helpers.arrayElement(SUSPENSION_REASONS),
      });
    }
    if (child.age >= 11 && pick(flagged ? 0.05 : 0.004)) {
      const on = dayAgo(faker.number.int({ min: 20, max: 600 }));
      add(child, 'permanent_exclusion', {
        startedOn: on,
        school,
        reason: faker.helpers.arrayElement(SUSPENSION_REASONS),
      });
      add(child, 'alternative_provision', {
        startedOn: londonDate(new Date(new Date(`${on}T12:00:00Z`).getTime() + 7 * DAY)),
        school: 'The district’s pupil referral unit',
      });
    } else if (pick(flagged ? 0.06 : 0.01)) {
      add(child, 'part_time_timetable', {
        startedOn: dayAgo(faker.number.int({ min: 10, max: 300 })),
        school,
      });
    }
    // Referred as missing education: most found within weeks (853 referrals, 92% found: seed 000).
    if (pick(flagged ? 0.08 : 0.025)) {
      const referred = faker.number.int({ min: 3, max: 700 });
      const established = referred > 20 || pick(0.3) ? pick(0.93) : false;
      const after = Math.min(referred - 1, faker.number.int({ min: 2, max: 40 }));
      const whereabouts: Whereabouts = faker.helpers.weightedArrayElement([
        { value: 'found_in_school', weight: 68 },
        { value: 'moved_out_of_district', weight: 27 },
        { value: 'not_found', weight: 5 },
      ]);
      add(child, 'missing_education', {
        startedOn: dayAgo(referred),
        school,
        endedOn: established ? dayAgo(referred - after) : null,
        whereabouts: established ? whereabouts : null,
        whereaboutsOn: established ? dayAgo(referred - after) : null,
      });
      missingEducation++;
    }
  }
  await ctx.client.copy(
    'education_event',
    [
      'partnership_id',
      'id',
      'person_id',
      'kind',
      'started_on',
      'ended_on',
      'school',
      'year_group',
      'days',
      'reason',
      'whereabouts',
      'whereabouts_on',
      'recorded_by',
    ],
    rows,
  );
  await copyChronologyEntries(ctx.client, chronology);
  ctx.say(
    `Seeded education: ${rows.length} records, ${missingEducation} children referred as missing education, ${homeEducated} electively home educated.`,
  );
}
