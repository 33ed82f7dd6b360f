import type { SeedContext } from '../../platform/module.ts';
import { type Answer, CURRENT_RULES, rulesFor, score } from '../assessments/index.ts';
import {
  copyWorkItems,
  DEFAULT_CLOCK_RULES,
  dueAt,
  type SeedWorkItem,
  type WorkKind,
} from '../clock/index.ts';
import { copyFlagPeriods, type EarlierFlag, FLAG_NAMES, type FlagType, LEVEL_NAMES } from '../flags/index.ts';
import { checkLanguage } from '../language/index.ts';
import { copyChronologyEntries, type SeededChild } from '../people/index.ts';
import {
  CATEGORY_FLAGS,
  type Category,
  OUTCOME_NAMES,
  type Outcome,
  URGENCY_HOURS,
  type Urgency,
} from './reference.ts';

/**
 * The Front Door's history in the demo district: the contact, decision and assessment behind each
 * flag of the years before (the flags module's seed), then its last two years, so that every
 * role's pages show real work on first start: contacts from schools, police, health and others,
 * decided (and some waiting, a few overdue), assessments completed (some still open, some late),
 * flags set from them with their reviews on the clock, risk reviews for flagged children with new
 * concerns, sign-offs waiting for a manager, and the language check's findings on what was written.
 * Deterministic for a seed; dates are relative to today. Loaded with COPY, like the people.
 */

const DAY = 86_400_000;
/** How far back the history goes. */
const MONTHS = 24;
const HOUR = 3_600_000;

const SOURCES = ['education', 'police', 'health', 'csc', 'youth', 'trp'] as const;

/** What concerns look like, by category (some in words the language check flags, as real records are). */
const NARRATIVES: Record<string, string[]> = {
  sexual: [
    'Seen getting into cars with older males after school; staff noticed new clothes and a second phone.',
    'Disclosed to a teacher that an older "boyfriend" collects her from the park and gives her vodka.',
    'Reported by her mother: staying out overnight, will not say where; a man in his twenties has been messaging her.',
    'Staff believe she is putting herself at risk by going to parties at a flat above the takeaway.',
  ],
  criminal: [
    'Stopped in a car in another county with cash and two phones; says he was visiting a friend.',
    'Found with a quantity of wrapped substances; owes money to older boys and is frightened.',
    'School report: carrying large sums of cash, new trainers, and leaving lessons to take calls.',
    'Police intelligence links him to a county line running out of the estate; he describes it as his own lifestyle choice.',
  ],
  missing: [
    'Missing overnight for the third time this month; returned by police from an address in Leeds.',
    'Missing from care placement for two days; found with adults not known to the placement.',
    'Went missing after school and was found the next morning in a hotel in the city centre.',
  ],
  online: [
    'Parent found sexual images sent to an adult on a social media app; the adult asked her to meet.',
    'School safeguarding lead reports a pupil being groomed online by someone offering money for photos.',
  ],
  cuckooing: ['A vulnerable adult relative reports young people using the family flat to store drugs.'],
  trafficking: ['Brought from another city by older males and left at an address in the district.'],
};

const RATIONALES: Record<Outcome, string> = {
  exploitation_assessment:
    'Indicators of exploitation in the referral and known history: an exploitation assessment is needed.',
  early_help: 'No current indicators of exploitation; the family agreed to early help support.',
  no_further_action: 'Information checked with the school and police: no safeguarding concerns remain.',
  strategy_discussion:
    'Risk of significant harm: a strategy discussion with police and health is needed today.',
  refer_other_area: 'The family have moved to another authority; the referral is passed to them.',
};

/**
 * Answers for an assessment about these concerns: the matching themes' indicators, some current.
 * `practice` runs from 0 (two years ago) to 1 (today): the required questions are left "not known"
 * less often as practice improves. A child recorded as disabled has the disability signs answered.
 */
function answersFor(
  rules: ReturnType<typeof rulesFor>,
  flagTypes: FlagType[],
  pick: (p: number) => boolean,
  practice: number,
  disabled: boolean,
): Record<string, Answer> {
  const answers: Record<string, Answer> = {};
  for (const theme of rules.themes) {
    const relevant = theme.flagType && flagTypes.includes(theme.flagType);
    for (const indicator of theme.indicators) {
      if (theme.id === 'disability' && disabled)
        answers[indicator.id] = pick(0.6) ? 'current' : 'not_present';
      else if (theme.required)
        answers[indicator.id] =
          relevant && pick(0.4) ? 'current' : pick(0.12 - 0.09 * practice) ? 'not_known' : 'not_present';
      else if (relevant)
        answers[indicator.id] = pick(0.55) ? 'current' : pick(0.4) ? 'earlier' : 'not_present';
      else if (pick(0.15)) answers[indicator.id] = pick(0.5) ? 'current' : 'earlier';
      else if (pick(0.5)) answers[indicator.id] = 'not_present';
    }
  }
  return answers;
}

/** What the assessment says about the specialist substance-misuse referral, made or not. */
const referralNote = (referral: string | null) =>
  referral === 'made'
    ? 'Referred to the young people’s substance misuse service.'
    : referral
      ? 'Not made: the young person did not agree; to be offered again at the next visit.'
      : null;

export async function seedFrontDoorHistory(ctx: SeedContext): Promise<void> {
  const users = ctx.made.userIds as Record<string, string> | undefined;
  const children = (ctx.made.children as SeededChild[] | undefined) ?? [];
  // No demo users (production), or no children: no history to invent.
  if (!ctx.history || !ctx.demoUsers || !users || children.length < 2) return;
  const agencyIds = ctx.made.agencyIds as Record<string, string>;
  const faker = ctx.random;
  const pick = (p: number) => faker.number.float() < p;
  const pid = ctx.partnershipId;
  const rules = rulesFor(CURRENT_RULES);
  const now = Date.now();
  const due = (kind: WorkKind, from: number) =>
    dueAt(
      DEFAULT_CLOCK_RULES.find((r) => r.kind === kind) ?? { amount: 1, unit: 'days' },
      new Date(from),
    ).getTime();
  const iso = (t: number) => new Date(t).toISOString();
  const pgArray = (items: string[]) => `{${items.join(',')}}`;

  const rows = {
    contact: [] as unknown[][],
    contactPerson: [] as unknown[][],
    decision: [] as unknown[][],
    assessment: [] as unknown[][],
    flag: [] as unknown[][],
    work: [] as SeedWorkItem[],
    chronology: [] as unknown[][],
    language: [] as unknown[][],
    known: [] as unknown[][],
  };
  const work = (
    kind: WorkKind,
    title: string,
    reason: string,
    at: { created: number; due?: number; done?: number },
    links: { personId?: string; contactId?: string; assessmentId?: string },
    doneBy?: string,
    note?: string,
  ) =>
    rows.work.push({
      id: faker.string.uuid(),
      kind,
      title,
      reason,
      ...links,
      dueAt: iso(at.due ?? due(kind, at.created)),
      createdAt: iso(at.created),
      completedAt: at.done ? iso(at.done) : null,
      completedBy: at.done ? doneBy : null,
      completionNote: at.done ? (note ?? null) : null,
    });
  const chronology = (
    personId: string,
    at: number,
    kind: string,
    title: string,
    detail: string,
    by: string,
  ) => rows.chronology.push([pid, personId, iso(at), kind, title, detail, by]);

  // The years before: the contact, decision and assessment behind each flag the previous system
  // carried over (the flags module's seed), so the monitoring pages reach back to 2019. Practice
  // then was where the Front Door's history starts from, a little worse the further back.
  const earlier = (ctx.made.earlierFlags as EarlierFlag[] | undefined) ?? [];
  const frontDoorStart = now - MONTHS * 30.4 * DAY;
  const historyStart = earlier.reduce((first, e) => Math.min(first, e.setAt), frontDoorStart);
  const categoryOf = (flagType: FlagType): Category =>
    flagType === 'county_lines'
      ? 'criminal'
      : ((Object.entries(CATEGORY_FLAGS).find(([, f]) => f === flagType)?.[0] as Category) ?? 'sexual');
  for (const e of earlier) {
    const practice = -0.3 + (0.3 * (e.setAt - historyStart)) / Math.max(1, frontDoorStart - historyStart);
    const slower = e.gender === 'male' ? 1 + 0.5 * (1 - practice) : 1;
    const category = categoryOf(e.flagType);
    const narrative = faker.helpers.arrayElement(NARRATIVES[category] ?? NARRATIVES.sexual);
    const urgency: Urgency = pick(0.3) ? 'within_24_hours' : pick(0.5) ? 'within_72_hours' : 'routine';
    const allowed =
      Math.min(
        due('assessment', e.setAt - 14 * DAY),
        URGENCY_HOURS[urgency]
          ? e.setAt - 14 * DAY + (URGENCY_HOURS[urgency] as number) * HOUR
          : Number.POSITIVE_INFINITY,
      ) -
      (e.setAt - 14 * DAY);
    const takes = pick((0.78 + 0.15 * practice) / slower)
      ? allowed * faker.number.float({ min: 0.25, max: 0.98 })
      : allowed * faker.number.float({ min: 1.05, max: 2.2 }) + faker.number.int({ min: 0, max: 5 }) * DAY;
    const decidedAt = e.setAt - Math.round(takes / HOUR) * HOUR;
    const decisionHours = pick(0.9 + 0.07 * practice)
      ? faker.number.int({ min: 1, max: 20 })
      : faker.number.int({ min: 25, max: 60 });
    const receivedAt = decidedAt - Math.round(decisionHours * slower) * HOUR;
    const contactId = faker.string.uuid();
    const sourceCode = faker.helpers.arrayElement(['police', 'csc'] as const);
    rows.contact.push([
      pid,
      contactId,
      'submitted',
      'agency',
      agencyIds[sourceCode],
      pgArray([category]),
      narrative,
      iso(receivedAt),
      users.frontdoor,
      iso(receivedAt),
      iso(receivedAt),
    ]);
    rows.contactPerson.push([pid, contactId, e.personId, 'subject']);
    chronology(e.personId, receivedAt, 'contact', 'Contact received (subject)', narrative, users.frontdoor);
    for (const finding of checkLanguage(narrative))
      rows.language.push([
        pid,
        finding.phraseId,
        'contact',
        contactId,
        'narrative',
        users.frontdoor,
        agencyIds.csc,
        iso(receivedAt),
      ]);
    work(
      'front_door_decision',
      'Front Door decision',
      'Contact received',
      { created: receivedAt, done: decidedAt },
      { contactId, personId: e.personId },
      users.frontdoor,
      'Decided',
    );
    rows.decision.push([
      pid,
      faker.string.uuid(),
      contactId,
      'exploitation_assessment',
      urgency,
      RATIONALES.exploitation_assessment,
      users.frontdoor,
      iso(decidedAt),
      'not_needed',
      null,
      null,
      null,
    ]);
    chronology(
      e.personId,
      decidedAt,
      'decision',
      `Front Door decision: ${OUTCOME_NAMES.exploitation_assessment}`,
      RATIONALES.exploitation_assessment,
      users.frontdoor,
    );
    const answers = answersFor(rules, [e.flagType], pick, practice, e.disability === 'yes');
    const scored = score(rules, answers);
    // The level the flag was set at is the assessment's: where the score said otherwise, it was overridden.
    const level = e.level;
    const overridden = scored.level !== level;
    const referral = !scored.specialistReferralNeeded
      ? null
      : pick(0.55 + 0.35 * practice)
        ? 'made'
        : 'not_made';
    const assessmentId = faker.string.uuid();
    rows.assessment.push([
      pid,
      assessmentId,
      e.personId,
      contactId,
      'completed',
      CURRENT_RULES,
      JSON.stringify(answers),
      pgArray([e.flagType]),
      'Indicators seen across school, home and police information; plan agreed with the child.',
      scored.score,
      scored.level,
      overridden ? level : null,
      overridden ? 'Agreed at the MACE from what the partners knew' : null,
      level,
      referral,
      referralNote(referral),
      users.frontdoor,
      iso(decidedAt),
      users.frontdoor,
      iso(e.setAt),
    ]);
    work(
      'assessment',
      'Complete the exploitation assessment',
      `From the Front Door decision (${urgency.replace(/_/g, ' ')})`,
      { created: decidedAt, due: due('assessment', decidedAt), done: e.setAt },
      { personId: e.personId, contactId, assessmentId },
      users.frontdoor,
      `Completed: ${level}`,
    );
    chronology(
      e.personId,
      e.setAt,
      'assessment',
      `Exploitation assessment completed: ${LEVEL_NAMES[level]}`,
      `Score ${scored.score}`,
      users.frontdoor,
    );
  }

  // About three contacts a year for every sixteen people; the children most often in them come back again.
  const total = Math.max(6, Math.round((ctx.people / 16) * (MONTHS / 4)));
  const cohort = faker.helpers.arrayElements(
    // Mostly 13 to 17, as in the partnership's figures; a few younger.
    children.filter((c) => c.age >= 13 || (c.age >= 10 && pick(0.2))),
    Math.min(children.length, Math.max(4, Math.round(total * 0.7))),
  );
  // Each child's latest period of each flag type: current at t when it began by t and had not ended.
  const flags = new Map<string, Map<FlagType, { since: number; endedAt: number | null }>>();
  const currentFlags = (childId: string, t: number) =>
    [...(flags.get(childId) ?? [])]
      .filter(([, p]) => p.since <= t && (p.endedAt === null || p.endedAt > t))
      .map(([type]) => type);
  // Oldest first, so later contacts see the flags earlier ones led to.
  const times = Array.from(
    { length: total },
    () => now - Math.floor(faker.number.float() ** 1.3 * MONTHS * 30.4 * DAY),
  ).sort((a, b) => a - b);
  for (const receivedAt of times) {
    const child = faker.helpers.arrayElement(cohort);
    const categories: Category[] = faker.helpers.arrayElements(
      [
        'sexual',
        'sexual',
        'criminal',
        'criminal',
        'missing',
        'online',
        'cuckooing',
        'trafficking',
      ] as Category[],
      { min: 1, max: 2 },
    );
    const uniqueCategories = [...new Set(categories)];
    const narrative = uniqueCategories
      .map((c) => faker.helpers.arrayElement(NARRATIVES[c] ?? NARRATIVES.sexual))
      .join(' ');
    const sourceCode = faker.helpers.arrayElement(SOURCES);
    const contactId = faker.string.uuid();
    const frontdoor = users.frontdoor;
    rows.contact.push([
      pid,
      contactId,
      'submitted',
      'agency',
      agencyIds[sourceCode],
      uniqueCategories.length ? pgArray(uniqueCategories) : '{}',
      narrative,
      iso(receivedAt),
      frontdoor,
      iso(receivedAt),
      iso(receivedAt),
    ]);
    rows.contactPerson.push([pid, contactId, child.id, 'subject']);
    if (!child.knownTo.includes(sourceCode)) {
      child.knownTo.push(sourceCode);
      rows.known.push([pid, child.id, agencyIds[sourceCode]]);
    }
    chronology(
      child.id,
      receivedAt,
      'contact',
      'Contact received (subject)',
      narrative.slice(0, 300),
      frontdoor,
    );
    for (const finding of checkLanguage(narrative))
      rows.language.push([
        pid,
        finding.phraseId,
        'contact',
        contactId,
        'narrative',
        frontdoor,
        agencyIds.csc,
        iso(receivedAt),
      ]);

    const age = now - receivedAt;
    // How far practice has come since the start of the history (0 then, 1 today).
    const practice = 1 - age / (MONTHS * 30.4 * DAY);
    // The demo carries the thematic review's finding (2.14) that boys' concerns were treated
    // differently, fading as practice improves, so the equality page has something to show.
    const boy = child.gender === 'male';
    const slower = boy ? 1 + 0.5 * (1 - practice) : 1;
    const wasFlagged = currentFlags(child.id, receivedAt);
    // Something new about a flagged child re-opens the question (thematic review 2.15).
    if (wasFlagged.length) {
      // Most are reviewed at the next daily meeting; a few wait, and some of those run late.
      const reviewDone =
        age > DAY && pick(receivedAt < now - 5 * DAY ? 0.93 : 0.6)
          ? receivedAt +
            (pick(0.8 + 0.15 * practice)
              ? faker.number.int({ min: 2, max: 20 })
              : faker.number.int({ min: 30, max: 120 })) *
              HOUR
          : undefined;
      work(
        'risk_review',
        'Risk review needed: something new about a flagged person',
        `New contact while flagged ${wasFlagged.map((t) => FLAG_NAMES[t]).join(', ')}`,
        { created: receivedAt, done: reviewDone },
        { personId: child.id, contactId },
        users.chair,
        'Reviewed at the daily DRAM: plan updated.',
      );
    }

    // Waiting for the Front Door: the newest, and now and then one that ran out of time.
    if (age < DAY || (age < 3 * DAY && pick(0.5)) || (age < 8 * DAY && pick(0.1))) {
      work(
        'front_door_decision',
        'Front Door decision',
        `Contact about ${uniqueCategories.join(' and ')} concerns`,
        { created: receivedAt },
        { contactId, personId: child.id },
      );
      continue;
    }
    // Most within the day; now and then one waits longer (more often two years ago, and for boys).
    const decisionHours = pick(0.9 + 0.07 * practice)
      ? faker.number.int({ min: 1, max: 20 })
      : faker.number.int({ min: 25, max: 60 });
    const decidedAt = receivedAt + Math.round(decisionHours * slower) * HOUR;
    work(
      'front_door_decision',
      'Front Door decision',
      'Contact received',
      { created: receivedAt, done: decidedAt },
      { contactId, personId: child.id },
      frontdoor,
      'Decided',
    );
    const exploitation = uniqueCategories.some((c) => CATEGORY_FLAGS[c]);
    const outcome: Outcome =
      wasFlagged.length && pick(0.3)
        ? 'no_further_action'
        : exploitation
          ? faker.helpers.weightedArrayElement([
              { value: 'exploitation_assessment' as Outcome, weight: boy ? 62 - 14 * (1 - practice) : 62 },
              { value: 'strategy_discussion' as Outcome, weight: 10 },
              { value: 'early_help' as Outcome, weight: boy ? 14 + 14 * (1 - practice) : 14 },
              { value: 'no_further_action' as Outcome, weight: 10 },
              { value: 'refer_other_area' as Outcome, weight: 4 },
            ])
          : 'early_help';
    const urgency: Urgency =
      outcome === 'strategy_discussion'
        ? 'immediate'
        : pick(0.3)
          ? 'within_24_hours'
          : pick(0.5)
            ? 'within_72_hours'
            : 'routine';
    // "No further action" on a flagged child waits for a manager.
    const needsSignoff = outcome === 'no_further_action' && wasFlagged.length > 0;
    const signedOff = needsSignoff && age > 10 * DAY;
    const decisionId = faker.string.uuid();
    rows.decision.push([
      pid,
      decisionId,
      contactId,
      outcome,
      urgency,
      RATIONALES[outcome],
      frontdoor,
      iso(decidedAt),
      needsSignoff ? (signedOff ? 'approved' : 'pending') : 'not_needed',
      signedOff ? users.manager : null,
      signedOff ? iso(decidedAt + 6 * HOUR) : null,
      signedOff ? 'Agreed: the police have no further information.' : null,
    ]);
    chronology(
      child.id,
      decidedAt,
      'decision',
      `Front Door decision: ${OUTCOME_NAMES[outcome]}`,
      RATIONALES[outcome],
      frontdoor,
    );
    if (needsSignoff)
      work(
        'signoff',
        'Manager sign-off',
        'No further action on a flagged child',
        { created: decidedAt, done: signedOff ? decidedAt + 6 * HOUR : undefined },
        { contactId, personId: child.id },
        users.manager,
        'Approved',
      );
    if (outcome !== 'exploitation_assessment') continue;

    // The assessment: due by the rule, brought forward by an urgent decision.
    const flagTypes = [
      ...new Set(uniqueCategories.map((c) => CATEGORY_FLAGS[c]).filter((f): f is FlagType => !!f)),
    ];
    const urgentBy = URGENCY_HOURS[urgency];
    const assessmentDue = Math.min(
      due('assessment', decidedAt),
      urgentBy ? decidedAt + urgentBy * HOUR : Number.POSITIVE_INFINITY,
    );
    const assessmentId = faker.string.uuid();
    const answers = answersFor(rules, flagTypes, pick, practice, child.disability === 'yes');
    const scored = score(rules, answers);
    // Most are done within the ten working days; more were late two years ago.
    // Most are done in the time allowed (shorter when the decision was urgent); more were late two
    // years ago, and boys' more often.
    const allowed = assessmentDue - decidedAt;
    const onTime = pick((0.78 + 0.15 * practice) / slower);
    const takes = onTime
      ? allowed * faker.number.float({ min: 0.25, max: 0.98 })
      : allowed * faker.number.float({ min: 1.05, max: 2.2 }) + faker.number.int({ min: 0, max: 5 }) * DAY;
    const submittedAt = decidedAt + Math.round(takes / HOUR) * HOUR;
    // Not done yet if that time has not come; a few older ones were left open too.
    const completed = submittedAt < now - HOUR && pick(0.97);
    // Current substance use asks for a specialist referral: made more often as practice improved.
    const referral =
      !completed || !scored.specialistReferralNeeded
        ? null
        : pick(0.55 + 0.35 * practice)
          ? 'made'
          : 'not_made';
    rows.assessment.push([
      pid,
      assessmentId,
      child.id,
      contactId,
      completed ? 'completed' : 'in_progress',
      CURRENT_RULES,
      JSON.stringify(completed ? answers : Object.fromEntries(Object.entries(answers).slice(0, 6))),
      pgArray(flagTypes),
      completed
        ? 'Indicators seen across school, home and police information; plan agreed with the child.'
        : '',
      completed ? scored.score : null,
      completed ? scored.level : null,
      null,
      null,
      completed ? scored.level : null,
      referral,
      referralNote(referral),
      users.frontdoor,
      iso(decidedAt),
      completed ? users.frontdoor : null,
      completed ? iso(submittedAt) : null,
    ]);
    chronology(
      child.id,
      decidedAt,
      'assessment',
      'Exploitation assessment started',
      RATIONALES[outcome],
      frontdoor,
    );
    work(
      'assessment',
      'Complete the exploitation assessment',
      `From the Front Door decision (${urgency.replace(/_/g, ' ')})`,
      { created: decidedAt, due: assessmentDue, done: completed ? submittedAt : undefined },
      { personId: child.id, contactId, assessmentId },
      frontdoor,
      `Completed: ${scored.level}`,
    );
    if (!completed) continue;
    chronology(
      child.id,
      submittedAt,
      'assessment',
      `Exploitation assessment completed: ${LEVEL_NAMES[scored.level]}`,
      `Score ${scored.score}`,
      frontdoor,
    );
    if (scored.level === 'none') continue;
    const periods = flags.get(child.id) ?? new Map<FlagType, { since: number; endedAt: number | null }>();
    flags.set(child.id, periods);
    const setNow: FlagType[] = [];
    for (const flagType of flagTypes) {
      const latest = periods.get(flagType);
      // Already flagged for it (and not ended by then): the assessment confirms, no new period.
      if (latest && (latest.endedAt === null || latest.endedAt > submittedAt)) continue;
      // Some flags have since ended: the risk came down and the plan closed.
      const endedAt =
        submittedAt < now - 100 * DAY && pick(0.6)
          ? Math.min(submittedAt + faker.number.int({ min: 60, max: 240 }) * DAY, now - 5 * DAY)
          : null;
      periods.set(flagType, { since: submittedAt, endedAt });
      setNow.push(flagType);
      rows.flag.push([
        pid,
        child.id,
        flagType,
        scored.level,
        iso(submittedAt),
        endedAt ? iso(endedAt) : null,
        frontdoor,
        'Exploitation assessment',
        assessmentId,
        endedAt ? users.chair : null,
        endedAt ? 'Risk reduced: plan completed and reviewed at the MACE' : null,
      ]);
      chronology(
        child.id,
        submittedAt,
        'flag',
        `${FLAG_NAMES[flagType]} flag set: ${LEVEL_NAMES[scored.level]}`,
        'Exploitation assessment',
        frontdoor,
      );
      if (endedAt)
        chronology(
          child.id,
          endedAt,
          'flag',
          `${FLAG_NAMES[flagType]} flag ended (was ${LEVEL_NAMES[scored.level]})`,
          'Risk reduced',
          users.chair,
        );
    }
    if (scored.level !== 'emerging' && setNow.length) {
      const reviewDue = due('flag_review', submittedAt);
      const stillFlagged = setNow.some((t) => periods.get(t)?.endedAt === null);
      const reviewed = reviewDue < now - 3 * DAY && (pick(0.9) || !stillFlagged);
      work(
        'flag_review',
        `Review ${LEVEL_NAMES[scored.level].toLowerCase()} flag`,
        setNow.map((t) => FLAG_NAMES[t]).join(', '),
        {
          created: submittedAt,
          due: reviewDue,
          done: reviewed ? Math.min(reviewDue - DAY, now - DAY) : undefined,
        },
        { personId: child.id, assessmentId },
        users.chair,
        'Reviewed at the MACE: flag stays.',
      );
    }
  }

  const { client } = ctx;
  await client.copy(
    'contact',
    [
      'partnership_id',
      'id',
      'status',
      'source_kind',
      'source_agency_id',
      'categories',
      'narrative',
      'received_at',
      'created_by',
      'created_at',
      'updated_at',
    ],
    rows.contact,
  );
  await client.copy(
    'contact_person',
    ['partnership_id', 'contact_id', 'person_id', 'part'],
    rows.contactPerson,
  );
  await client.copy(
    'front_door_decision',
    [
      'partnership_id',
      'id',
      'contact_id',
      'outcome',
      'urgency',
      'rationale',
      'decided_by',
      'decided_at',
      'signoff_status',
      'signoff_by',
      'signoff_at',
      'signoff_note',
    ],
    rows.decision,
  );
  await client.copy(
    'assessment',
    [
      'partnership_id',
      'id',
      'person_id',
      'contact_id',
      'status',
      'rules_version',
      'answers',
      'flag_types',
      'analysis',
      'score',
      'scored_level',
      'override_level',
      'override_reason',
      'final_level',
      'specialist_referral',
      'specialist_referral_note',
      'started_by',
      'started_at',
      'submitted_by',
      'submitted_at',
    ],
    rows.assessment,
  );
  await copyFlagPeriods(client, rows.flag);
  await copyWorkItems(client, pid, rows.work);
  await copyChronologyEntries(client, rows.chronology);
  await client.copy(
    'language_check_event',
    [
      'partnership_id',
      'phrase_id',
      'record_kind',
      'record_id',
      'field',
      'user_id',
      'agency_id',
      'occurred_at',
    ],
    rows.language,
  );
  await client.copy('person_agency', ['partnership_id', 'person_id', 'agency_id'], rows.known);
  const open = rows.work.filter((w) => !w.completedAt).length;
  ctx.say(
    `Seeded the Front Door's history: ${earlier.length} contacts and assessments behind the earlier flags; then the last two years, ${rows.contact.length - earlier.length} contacts, ${rows.assessment.length - earlier.length} assessments, ${rows.flag.length} flags; ${open} pieces of work open.`,
  );
}
