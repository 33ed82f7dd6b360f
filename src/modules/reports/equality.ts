import {
  AGE_BAND_NAMES,
  AGE_BANDS,
  type Median,
  median,
  type Proportion,
  proportion,
} from '../../platform/figures/index.ts';
import { OUTCOME_NAMES, OUTCOMES } from '../contacts/index.ts';
import { LEVEL_NAMES } from '../flags/index.ts';
import { DISABILITIES, DISABILITY_NAMES, GENDER_NAMES, GENDERS } from '../people/index.ts';
import type { Characteristics, ContactJourney } from './repository.ts';
import { type Category, ETHNICITY_CATEGORIES, ethnicityGroup } from './ward-report.ts';

/**
 * Equality monitoring (thematic review 2.14: boys were treated differently): for each group of a
 * characteristic, how quickly the Front Door decided and the assessment was done, what the Front
 * Door decided, the level the first assessment found and how long children stayed flagged, each
 * with how many it is of and a 95% interval, so a difference between small groups is not
 * over-read. Pure arithmetic, tested without a database.
 */

export interface Dimension {
  key: DimensionKey;
  title: string;
  categories: Category[];
  of: (c: Characteristics) => string;
}

export const DIMENSION_KEYS = ['gender', 'ethnicity', 'ageBand', 'disability'] as const;
export type DimensionKey = (typeof DIMENSION_KEYS)[number];

export const DIMENSIONS: Record<DimensionKey, Dimension> = {
  gender: {
    key: 'gender',
    title: 'Gender',
    categories: GENDERS.map((code) => ({ code, name: GENDER_NAMES[code] })),
    of: (c) => c.gender,
  },
  ethnicity: {
    key: 'ethnicity',
    title: 'Ethnicity',
    categories: ETHNICITY_CATEGORIES,
    of: (c) => ethnicityGroup(c.ethnicity),
  },
  ageBand: {
    key: 'ageBand',
    title: 'Age',
    categories: AGE_BANDS.map((code) => ({ code, name: AGE_BAND_NAMES[code] })),
    of: (c) => c.ageBand,
  },
  disability: {
    key: 'disability',
    title: 'Disability or special educational needs',
    categories: [
      ...DISABILITIES.map((code) => ({ code, name: DISABILITY_NAMES[code] })),
      { code: 'not_recorded', name: 'Not recorded' },
    ],
    of: (c) => c.disability ?? 'not_recorded',
  },
};

/** The assessed levels, in order, as the first assessment may find them. */
export const LEVELS = ['none', 'emerging', 'moderate', 'significant'] as const;

export interface EqualityGroup {
  code: string;
  name: string;
  /** Contacts about children in this group, and how many children. */
  contacts: number;
  children: number;
  decisionHours: Median;
  decisionOnTime: Proportion;
  assessmentDays: Median;
  assessmentOnTime: Proportion;
  /** Share of decisions with each outcome (in the order of `outcomes`). */
  outcomes: Proportion[];
  /** Share of first assessments finding each level (in the order of `levels`). */
  levels: Proportion[];
  flaggedDays: Median;
}

export interface EqualityInput {
  journeys: ContactJourney[];
  firstAssessments: (Characteristics & { level: string })[];
  spellsEnded: (Characteristics & { days: number })[];
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

function groupFigures(code: string, name: string, input: EqualityInput): EqualityGroup {
  const { journeys, firstAssessments, spellsEnded } = input;
  const decided = journeys.filter((j) => j.decidedAt);
  const timedDecisions = decided.filter((j) => j.decisionDue);
  const assessed = journeys.filter((j) => j.assessedAt);
  const timedAssessments = assessed.filter((j) => j.assessmentDue);
  const at = (d: Date | null) => (d ? new Date(d).getTime() : 0);
  return {
    code,
    name,
    contacts: journeys.length,
    children: new Set(journeys.map((j) => j.personId)).size,
    decisionHours: median(decided.map((j) => (at(j.decidedAt) - at(j.receivedAt)) / HOUR)),
    decisionOnTime: proportion(
      timedDecisions.filter((j) => at(j.decidedAt) <= at(j.decisionDue)).length,
      timedDecisions.length,
    ),
    assessmentDays: median(assessed.map((j) => (at(j.assessedAt) - at(j.receivedAt)) / DAY)),
    assessmentOnTime: proportion(
      timedAssessments.filter((j) => at(j.assessedAt) <= at(j.assessmentDue)).length,
      timedAssessments.length,
    ),
    outcomes: OUTCOMES.map((o) => proportion(decided.filter((j) => j.outcome === o).length, decided.length)),
    levels: LEVELS.map((l) =>
      proportion(firstAssessments.filter((a) => a.level === l).length, firstAssessments.length),
    ),
    flaggedDays: median(spellsEnded.map((s) => s.days)),
  };
}

export function buildEquality(input: EqualityInput, key: DimensionKey) {
  const dimension = DIMENSIONS[key];
  const inGroup = <T extends Characteristics>(rows: T[], code: string) =>
    rows.filter((r) => dimension.of(r) === code);
  const groups = dimension.categories
    .map((c) =>
      groupFigures(c.code, c.name, {
        journeys: inGroup(input.journeys, c.code),
        firstAssessments: inGroup(input.firstAssessments, c.code),
        spellsEnded: inGroup(input.spellsEnded, c.code),
      }),
    )
    // A group nobody in the period belongs to says nothing.
    .filter((g) => g.contacts > 0 || g.levels[0].n > 0 || g.flaggedDays.n > 0);
  return {
    dimension: { key, title: dimension.title },
    outcomes: OUTCOMES.map((code) => ({ code, name: OUTCOME_NAMES[code] })),
    levels: LEVELS.map((code) => ({ code, name: LEVEL_NAMES[code] })),
    groups,
    everyone: groupFigures('all', 'All children', input),
  };
}

export type Equality = ReturnType<typeof buildEquality>;
