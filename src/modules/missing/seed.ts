import type { SeedContext } from '../../platform/module.ts';
import { copyWorkItems, type SeedWorkItem } from '../clock/index.ts';
import { currentFlagsOfPeople } from '../flags/index.ts';
import { copyChronologyEntries, type SeededChild } from '../people/index.ts';
import type { SeededPlacement } from '../placements/index.ts';
import {
  FOUND_BY_NAMES,
  type FoundBy,
  GRADING_NAMES,
  type Grading,
  INDICATOR_NAMES,
  INDICATORS,
  type Indicator,
  type InterviewOutcome,
  MISSING_FROM_NAMES,
  type MissingFrom,
  REPORTER_NAMES,
  type Reporter,
} from './reference.ts';
import { durationText, INTERVIEW_HOURS } from './service.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PLACES = [
  'Bus station',
  'Interchange',
  'City Park',
  'Retail park',
  'Takeaway on the main road',
  'Friend’s address',
  'Canal towpath',
  'Train station',
];
const FOUND = [
  'An address in Leeds',
  'A flat in the city centre',
  'A hotel in Manchester',
  'A friend’s house',
  'The bus station',
  'A car stopped on the M62',
  'An address in Huddersfield',
];
const WITH = [
  'Two adult men',
  'Older friends',
  'A 19-year-old male',
  'Other young people from the home',
  'Alone',
];
const PUSH = [
  'Arguments at home about curfew',
  'Does not like the new placement',
  'Bullied at school',
  'Feels nobody listens',
];
const PULL = [
  'Wanted to see a boyfriend who is older',
  'Promised money and cannabis',
  'Friends in Leeds',
  'Parties at an address',
];

/**
 * Two years of missing episodes and return home interviews, shaped like the seeds: most children
 * go missing once or twice, a few many times (flagged and looked-after children most), most come
 * back within a day, interviews are mostly offered in time; a few children are missing now and a
 * few interviews are due, so the work queues and the person pages show live work.
 */
export async function seedMissing(ctx: SeedContext): Promise<void> {
  const users = ctx.made.userIds as Record<string, string> | undefined;
  const children = (ctx.made.children as SeededChild[] | undefined) ?? [];
  if (!ctx.history || !ctx.demoUsers || !users || !children.length) return;
  const placements = (ctx.made.placements as SeededPlacement[] | undefined) ?? [];
  const faker = ctx.random;
  const pick = (p: number) => faker.number.float() < p;
  const pid = ctx.partnershipId;
  const now = Date.now();
  const iso = (t: number) => new Date(t).toISOString();
  const flags = await currentFlagsOfPeople(
    ctx.client,
    pid,
    children.map((c) => c.id),
  );
  const placementsOf = new Map<string, SeededPlacement[]>();
  for (const p of placements) placementsOf.set(p.personId, [...(placementsOf.get(p.personId) ?? []), p]);
  const placementOn = (personId: string, t: number) => {
    const day = new Date(t).toISOString().slice(0, 10);
    return (placementsOf.get(personId) ?? []).find(
      (p) => p.startedOn <= day && (p.endedOn === null || p.endedOn > day),
    );
  };
  const rows = {
    episode: [] as unknown[][],
    grading: [] as unknown[][],
    interview: [] as unknown[][],
    work: [] as SeedWorkItem[],
    chronology: [] as unknown[][],
  };
  const chronicle = (personId: string, at: number, title: string, detail: string | null, by: string) =>
    rows.chronology.push([pid, personId, iso(at), 'missing', title, detail, by]);
  // The interview on the clock from the return (done when offered), and a residential placement
  // waiting for its Philomena plan.
  const interviewDue = (
    personId: string,
    episodeId: string,
    returned: number,
    done?: { at: number; by: string; note: string },
  ) =>
    rows.work.push({
      id: faker.string.uuid(),
      kind: 'return_interview',
      title: 'Offer a return home interview',
      reason: `Returned ${iso(returned).slice(0, 16).replace('T', ' ')} UTC`,
      personId,
      missingEpisodeId: episodeId,
      dueAt: iso(returned + INTERVIEW_HOURS * HOUR),
      createdAt: iso(returned),
      completedAt: done ? iso(done.at) : null,
      completedBy: done?.by ?? null,
      completionNote: done?.note ?? null,
    });
  const planNeeded = (personId: string, placed: number) =>
    rows.work.push({
      id: faker.string.uuid(),
      kind: 'philomena_plan',
      title: 'Agree a Philomena Protocol plan',
      reason: 'Placed in residential care without an agreed missing trigger plan',
      personId,
      dueAt: iso(placed + 7 * DAY),
      createdAt: iso(placed),
    });
  let missingNow = 0;
  let recent = 0;
  for (const child of children) {
    if (child.age < 8) continue;
    const flagged = (flags.get(child.id) ?? []).length > 0;
    const lookedAfter = placementsOf.has(child.id);
    const chance = flagged ? 0.45 : lookedAfter ? 0.3 : 0.04;
    if (!pick(chance)) continue;
    const count = Math.min(
      14,
      1 + Math.floor(-Math.log(1 - faker.number.float()) * (flagged || lookedAfter ? 2.5 : 0.6)),
    );
    // Start times spread over two years, oldest first, no two overlapping.
    const starts = Array.from(
      { length: count },
      () => now - faker.number.float({ min: 3, max: 730 }) * DAY,
    ).sort((a, b) => a - b);
    // Live work for the demo: a few children missing now, and a few back in the last two days
    // whose interviews are still to be offered.
    const live = (flagged || lookedAfter) && recent < 10 && pick(0.25);
    if (live) {
      recent++;
      starts.push(now - faker.number.float({ min: 4, max: 50 }) * HOUR);
    }
    let free = 0;
    for (const [i, start] of starts.entries()) {
      const lastSeen = Math.max(start, free + HOUR);
      if (lastSeen > now - HOUR) break;
      const newest = i === starts.length - 1;
      const hours = faker.helpers.weightedArrayElement([
        { value: faker.number.float({ min: 1, max: 12 }), weight: 50 },
        { value: faker.number.float({ min: 12, max: 48 }), weight: 35 },
        { value: faker.number.float({ min: 48, max: 240 }), weight: 15 },
      ]);
      // A few of the most recent episodes are still open: children missing now.
      const open = newest && live && missingNow < 3 && pick(0.5);
      const returned = open
        ? null
        : newest && live
          ? lastSeen + faker.number.float({ min: 0.1, max: 0.7 }) * (now - lastSeen)
          : Math.min(now - 10 * 60_000, lastSeen + hours * HOUR);
      free = returned ?? now;
      const placement = placementOn(child.id, lastSeen);
      const from: MissingFrom = placement
        ? 'placement'
        : pick(0.12)
          ? 'school'
          : pick(0.1)
            ? 'other'
            : 'home';
      const reportedBy: Reporter = placement
        ? placement.kind === 'foster' || placement.kind === 'kinship'
          ? 'carer'
          : 'residential_provider'
        : from === 'school'
          ? 'school'
          : pick(0.75)
            ? 'parent'
            : 'police';
      const grading: Grading = faker.helpers.weightedArrayElement([
        { value: 'no_apparent_risk', weight: 8 },
        { value: 'low', weight: 30 },
        { value: 'medium', weight: flagged ? 50 : 40 },
        { value: 'high', weight: flagged ? 15 : 5 },
      ]);
      const reported = lastSeen + faker.number.float({ min: 0.5, max: 6 }) * HOUR;
      const id = faker.string.uuid();
      const foundBy: FoundBy | null =
        returned === null
          ? null
          : faker.helpers.arrayElement([
              'police',
              'returned_themselves',
              'returned_themselves',
              placement ? (reportedBy as FoundBy) : 'parent',
            ]);
      const foundPlace = returned === null ? null : faker.helpers.arrayElement(FOUND);
      const foundWith = returned === null ? null : faker.helpers.arrayElement(WITH);
      const lastSeenPlace = faker.helpers.arrayElement(PLACES);
      rows.episode.push([
        pid,
        id,
        child.id,
        iso(Math.min(reported, now)),
        reportedBy,
        iso(lastSeen),
        lastSeenPlace,
        from,
        placement?.id ?? null,
        null,
        null,
        grading,
        returned === null ? null : iso(returned),
        foundPlace,
        foundBy,
        foundWith,
        users.police,
      ]);
      rows.grading.push([
        pid,
        id,
        grading,
        iso(Math.min(reported, now)),
        users.police,
        'Graded when reported',
      ]);
      chronicle(
        child.id,
        lastSeen,
        `Reported missing from ${(placement ? MISSING_FROM_NAMES.placement : MISSING_FROM_NAMES[from]).toLowerCase()} by ${REPORTER_NAMES[reportedBy].toLowerCase()}: ${GRADING_NAMES[grading].toLowerCase()}`,
        `Last seen at ${lastSeenPlace}`,
        users.police,
      );
      if (returned === null) {
        missingNow++;
        continue;
      }
      chronicle(
        child.id,
        returned,
        `Returned after ${durationText(new Date(lastSeen), new Date(returned))} missing (${FOUND_BY_NAMES[foundBy as FoundBy].toLowerCase()})`,
        `Found at ${foundPlace}. With ${foundWith}`,
        users.police,
      );
      // The last three days' returns: interviews still to offer (on the queues and the banner).
      if (now - returned < 2.5 * DAY) {
        interviewDue(child.id, id, returned);
        continue;
      }
      // Practice improves over the two years: later interviews more often offered in time.
      const age = (now - returned) / (730 * DAY);
      const inTime = pick(0.9 - 0.25 * age);
      const offered = Math.min(
        now - HOUR,
        returned +
          (inTime ? faker.number.float({ min: 4, max: 70 }) : faker.number.float({ min: 74, max: 240 })) *
            HOUR,
      );
      const outcome: InterviewOutcome = faker.helpers.weightedArrayElement([
        { value: 'accepted', weight: 62 },
        { value: 'declined', weight: 24 },
        { value: 'not_contacted', weight: 14 },
      ]);
      const held =
        outcome === 'accepted'
          ? Math.min(now - 10 * 60_000, offered + faker.number.float({ min: 0, max: 30 }) * HOUR)
          : null;
      const indicators: Indicator[] =
        outcome === 'accepted' && flagged && pick(0.5)
          ? faker.helpers.arrayElements([...INDICATORS], { min: 1, max: 3 })
          : [];
      const learned = outcome === 'accepted';
      const where = learned ? foundPlace : null;
      const push = learned ? faker.helpers.arrayElement(PUSH) : null;
      const pull = learned ? faker.helpers.arrayElement(PULL) : null;
      rows.interview.push([
        pid,
        faker.string.uuid(),
        id,
        child.id,
        iso(offered),
        outcome,
        faker.person.fullName(),
        'Return home interview worker, The Children’s Trust',
        true,
        held === null ? null : iso(held),
        where,
        learned ? foundWith : null,
        push,
        pull,
        `{${indicators.join(',')}}`,
        null,
        users.keyworker,
        iso(held ?? offered),
      ]);
      interviewDue(child.id, id, returned, {
        at: offered,
        by: users.keyworker,
        note: inTime ? 'Offered in time' : 'Offered after 72 hours',
      });
      chronicle(
        child.id,
        held ?? offered,
        `Return home interview: ${outcome === 'accepted' ? 'accepted and held' : outcome === 'declined' ? 'declined' : 'could not be contacted'}${inTime ? '' : ' (offered after 72 hours)'}`,
        learned
          ? [
              `Where: ${where}`,
              `Push: ${push}`,
              `Pull: ${pull}`,
              indicators.length
                ? `Indicators seen: ${indicators.map((x) => INDICATOR_NAMES[x].toLowerCase()).join('; ')}`
                : '',
            ]
              .filter(Boolean)
              .join('. ')
          : null,
        users.keyworker,
      );
    }
  }
  // The Philomena Protocol for children in residential care now: most plans agreed by all three,
  // some waiting for an agreement, a few children with no plan yet (on the work queue).
  const plans = { plan: [] as unknown[][], agreement: [] as unknown[][] };
  const residential = placements.filter(
    (p) =>
      p.endedOn === null &&
      (p.kind === 'childrens_home' || p.kind === 'semi_independent' || p.kind === 'secure'),
  );
  let planned = 0;
  for (const placement of residential) {
    const started = new Date(`${placement.startedOn}T10:00:00Z`).getTime();
    const state = faker.helpers.weightedArrayElement([
      { value: 'agreed', weight: 65 },
      { value: 'partly', weight: 15 },
      { value: 'none', weight: 20 },
    ]);
    if (state === 'none') {
      planNeeded(placement.personId, started);
      continue;
    }
    planned++;
    const planId = faker.string.uuid();
    const made = Math.min(now - DAY, started + faker.number.float({ min: 1, max: 6 }) * DAY);
    const review = new Date(Math.max(now + 7 * DAY, made + 91 * DAY)).toISOString().slice(0, 10);
    plans.plan.push([
      pid,
      planId,
      placement.personId,
      placement.id,
      faker.helpers.arrayElement([
        'Slim build, about 5ft 4in, long dark hair usually tied back',
        'Stocky, about 5ft 8in, short fair hair, scar through left eyebrow',
        'Small for age, curly brown hair, wears glasses',
      ]),
      faker.helpers.arrayElement([
        'Older males who drive a grey car',
        'Friends from the previous home',
        null,
      ]),
      faker.helpers.arrayElement([
        'Interchange and the bus station; takeaways on Leeds Road',
        'City Park, the retail park, addresses in Leeds',
        'Shopping centre, train station',
      ]),
      faker.helpers.arrayElement([
        'Asthma: carries an inhaler',
        'Takes medication for ADHD each morning',
        null,
      ]),
      faker.helpers.arrayElement([
        'Contact with family being cancelled',
        'Arguments about phone use at night',
        'Anniversaries of bereavement',
      ]),
      'Carer rings the child’s phone and checks the places listed, then reports to the police within an hour; police check the listed addresses first.',
      review,
      users.frontdoor,
      iso(made),
      users.frontdoor,
      iso(made),
    ]);
    const parties =
      state === 'agreed'
        ? ['social_worker', 'provider', 'police']
        : faker.helpers.arrayElements(['social_worker', 'provider', 'police'], { min: 1, max: 2 });
    const names: Record<string, string> = {
      social_worker: `${faker.person.fullName()}, social worker`,
      provider: `${faker.person.fullName()}, registered manager`,
      police: `PC ${faker.person.lastName()}, missing persons coordinator`,
    };
    const by: Record<string, string> = {
      social_worker: users.frontdoor,
      provider: users.frontdoor,
      police: users.police,
    };
    for (const [i, party] of parties.entries())
      plans.agreement.push([
        pid,
        planId,
        1,
        party,
        names[party],
        by[party],
        iso(Math.min(now - HOUR, made + (i + 1) * DAY)),
      ]);
    if (state === 'agreed')
      rows.work.push({
        id: faker.string.uuid(),
        kind: 'philomena_plan',
        title: 'Review the Philomena plan',
        reason: `Agreed by all three; review due ${review}`,
        personId: placement.personId,
        dueAt: `${review}T17:00:00Z`,
        createdAt: iso(made),
      });
    else planNeeded(placement.personId, started);
  }
  const { client } = ctx;
  await client.copy(
    'missing_episode',
    [
      'partnership_id',
      'id',
      'person_id',
      'reported_at',
      'reported_by',
      'last_seen_at',
      'last_seen_place',
      'missing_from',
      'placement_id',
      'circumstances',
      'clothing',
      'risk_grading',
      'returned_at',
      'found_place',
      'found_by',
      'found_with',
      'created_by',
    ],
    rows.episode,
  );
  await client.copy(
    'missing_grading',
    ['partnership_id', 'episode_id', 'risk_grading', 'graded_at', 'graded_by', 'reason'],
    rows.grading,
  );
  await client.copy(
    'return_interview',
    [
      'partnership_id',
      'id',
      'episode_id',
      'person_id',
      'offered_at',
      'outcome',
      'interviewer_name',
      'interviewer_role',
      'independent_of_carer',
      'held_at',
      'where_they_were',
      'who_with',
      'push_factors',
      'pull_factors',
      'indicators',
      'notes',
      'recorded_by',
      'recorded_at',
    ],
    rows.interview,
  );
  await copyWorkItems(client, pid, rows.work);
  await client.copy(
    'philomena_plan',
    [
      'partnership_id',
      'id',
      'person_id',
      'placement_id',
      'physical_description',
      'associates_note',
      'places',
      'health_needs',
      'triggers',
      'first_actions',
      'review_due',
      'created_by',
      'created_at',
      'updated_by',
      'updated_at',
    ],
    plans.plan,
  );
  await client.copy(
    'philomena_agreement',
    ['partnership_id', 'plan_id', 'plan_version', 'party', 'agreed_by_name', 'recorded_by', 'agreed_at'],
    plans.agreement,
  );
  await copyChronologyEntries(client, rows.chronology);
  ctx.say(
    `Seeded missing episodes: ${rows.episode.length} episodes of ${new Set(rows.episode.map((r) => r[2])).size} children, ${missingNow} missing now, ${rows.interview.length} return home interviews; ${planned} Philomena plans for ${residential.length} children in residential care.`,
  );
}
