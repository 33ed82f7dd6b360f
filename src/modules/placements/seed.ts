import type { SeedContext } from '../../platform/module.ts';
import { londonDate } from '../../platform/validation.ts';
import { currentFlagsOfPeople } from '../flags/index.ts';
import { copyChronologyEntries, type SeededChild } from '../people/index.ts';
import { PLACEMENT_KIND_NAMES, type PlacementKind } from './reference.ts';

const DAY = 86_400_000;

/** What the demo's later seeds (missing episodes) need to know about each looked-after child. */
export interface SeededPlacement {
  id: string;
  personId: string;
  kind: PlacementKind;
  startedOn: string;
  endedOn: string | null;
}

const PROVIDERS: Record<PlacementKind, string[]> = {
  foster: [
    'Aire Valley Foster Care',
    'Horton Bank Fostering',
    'Pennine Family Placements',
    'The council’s foster carers',
  ],
  kinship: ['Grandparents', 'Aunt and uncle', 'Family friend', 'Older sibling'],
  childrens_home: [
    'Moorside House',
    'Hollins View',
    'Beck Lane',
    'The Larches',
    'Oakworth Lodge',
    'Fernbank',
  ],
  semi_independent: ['Kirkgate Supported Lodgings', 'Northgate Young People’s Housing', 'Canal Side Flats'],
  secure: ['Brackenhurst Secure Children’s Home'],
  other: ['Hospital ward'],
};
const OTHER_AREAS = [
  'Leeds',
  'Kirklees',
  'Calderdale',
  'Wakefield',
  'Lancashire',
  'North Yorkshire',
  'Manchester',
  'Doncaster',
];
const MOVE_REASONS = [
  'The carers gave notice',
  'Placement breakdown after repeated missing episodes',
  'Moved to be nearer school',
  'Moved out of the area to be safe from the adults exploiting them',
  'Needs could not be met in foster care',
  'Planned move to semi-independence',
  'Returned to family under a care plan, then came back into care',
];

/**
 * Looked-after children's placement histories over the last few years: more of the flagged
 * children are looked after and move more, residential homes are often out of area, and (as in
 * seed 001's report) 23 children at risk of sexual exploitation are placed out of the area today.
 */
export async function seedPlacements(ctx: SeedContext): Promise<void> {
  const users = ctx.made.userIds as Record<string, string> | undefined;
  const children = (ctx.made.children as SeededChild[] | undefined) ?? [];
  if (!ctx.history || !ctx.demoUsers || !users || !children.length) return;
  const faker = ctx.random;
  const pick = (p: number) => faker.number.float() < p;
  const pid = ctx.partnershipId;
  const now = Date.now();
  const flags = await currentFlagsOfPeople(
    ctx.client,
    pid,
    children.map((c) => c.id),
  );
  const cse = faker.helpers.shuffle(
    children.filter((c) => (flags.get(c.id) ?? []).some((f) => f.flagType === 'cse') && c.age >= 11),
  );
  const cseOutOfArea = new Set(cse.slice(0, 23).map((c) => c.id));
  const rows: unknown[][] = [];
  const chronology: unknown[][] = [];
  const made: SeededPlacement[] = [];
  for (const child of children) {
    const flagged = (flags.get(child.id) ?? []).length > 0;
    const forcedOut = cseOutOfArea.has(child.id);
    if (child.age < 1 || !(forcedOut || pick(flagged ? 0.24 : 0.035))) continue;
    const count = Math.min(6, 1 + faker.number.int({ min: 0, max: flagged ? 4 : 2 }));
    const careDays = Math.min(child.age * 365 - 30, faker.number.int({ min: 120, max: 4 * 365 }));
    let start = now - careDays * DAY;
    const stillInCare = forcedOut || pick(0.88);
    for (let i = 0; i < count; i++) {
      const last = i === count - 1;
      const age = child.age - (now - start) / (365 * DAY);
      const kinds: { value: PlacementKind; weight: number }[] = [
        { value: 'foster', weight: age < 13 ? 62 : 42 },
        { value: 'kinship', weight: 12 },
        { value: 'childrens_home', weight: flagged ? 30 : 14 },
        { value: 'semi_independent', weight: age >= 16 ? 30 : 0 },
        { value: 'secure', weight: flagged && age >= 13 ? 2 : 0 },
      ];
      const kind = faker.helpers.weightedArrayElement(kinds.filter((k) => k.weight > 0));
      const outOfArea =
        forcedOut && last
          ? true
          : cse.some((c) => c.id === child.id) && last
            ? false
            : pick(kind === 'childrens_home' ? 0.3 : 0.08);
      const remaining = now - start;
      const end = last
        ? stillInCare
          ? null
          : start + faker.number.float({ min: 0.3, max: 0.9 }) * remaining
        : start + faker.number.float({ min: 0.15, max: 0.6 }) * remaining;
      const id = faker.string.uuid();
      const startedOn = londonDate(new Date(start));
      const endedOn = end === null ? null : londonDate(new Date(end));
      const provider = faker.helpers.arrayElement(PROVIDERS[kind]);
      const authority = outOfArea ? faker.helpers.arrayElement(OTHER_AREAS) : 'Bradford';
      const moveReason = i === 0 ? null : faker.helpers.arrayElement(MOVE_REASONS);
      rows.push([
        pid,
        id,
        child.id,
        kind,
        provider,
        authority,
        outOfArea,
        startedOn,
        endedOn,
        moveReason,
        end === null ? null : last ? 'Left care: returned home' : 'Moved',
        users.frontdoor,
      ]);
      chronology.push([
        pid,
        child.id,
        new Date(start).toISOString(),
        'placement',
        `${i === 0 ? 'Placed in' : 'Moved to'} ${PLACEMENT_KIND_NAMES[kind].toLowerCase()}: ${provider}${outOfArea ? ` (out of area, ${authority})` : ''}`,
        moveReason,
        users.frontdoor,
      ]);
      made.push({ id, personId: child.id, kind, startedOn, endedOn });
      if (end === null) break;
      start = end;
      if (last) break;
    }
  }
  await ctx.client.copy(
    'placement',
    [
      'partnership_id',
      'id',
      'person_id',
      'kind',
      'provider',
      'local_authority',
      'out_of_area',
      'started_on',
      'ended_on',
      'move_reason',
      'end_reason',
      'recorded_by',
    ],
    rows,
  );
  await copyChronologyEntries(ctx.client, chronology);
  ctx.made.placements = made;
  const current = made.filter((p) => p.endedOn === null).length;
  ctx.say(
    `Seeded placements: ${new Set(made.map((p) => p.personId)).size} looked-after children, ${made.length} placements, ${current} current.`,
  );
}
