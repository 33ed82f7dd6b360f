import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AssessedLevel, FlagType } from '../flags/index.ts';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../data/assessment');

export const ANSWERS = ['current', 'earlier', 'not_present', 'not_known'] as const;
export type Answer = (typeof ANSWERS)[number];

export interface Indicator {
  id: string;
  text: string;
  weight: number;
  key?: boolean;
}

export interface Theme {
  id: string;
  title: string;
  flagType?: FlagType;
  required?: boolean;
  prompt?: 'specialist_referral';
  indicators: Indicator[];
}

export interface RuleSet {
  version: string;
  title: string;
  about: string;
  answers: Record<Answer, string>;
  points: Record<Answer, number>;
  thresholds: { emerging: number; moderate: number; significant: number };
  keyIndicators: { oneCurrent: AssessedLevel; twoCurrent: AssessedLevel };
  themes: Theme[];
}

/** The rules new assessments are scored with. Older versions stay loadable for the assessments that used them. */
export const CURRENT_RULES = 'exploitation-v1';

const loaded = new Map<string, RuleSet>();

export function rulesFor(version: string): RuleSet {
  const cached = loaded.get(version);
  if (cached) return cached;
  if (!/^[a-z0-9-]+$/.test(version)) throw new Error(`bad rules version ${version}`);
  const rules = JSON.parse(readFileSync(path.join(DIR, `${version}.json`), 'utf8')) as RuleSet;
  if (rules.version !== version) throw new Error(`rules file ${version} says it is ${rules.version}`);
  loaded.set(version, rules);
  return rules;
}

const ORDER: AssessedLevel[] = ['none', 'emerging', 'moderate', 'significant'];
const atLeast = (a: AssessedLevel, b: AssessedLevel) => (ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b);

export interface Scored {
  score: number;
  level: AssessedLevel;
  keyCurrent: string[];
  answered: number;
  total: number;
  /** Themes with at least one question not answered (the record shows where it was not answered). */
  unansweredThemes: string[];
  /** Required questions still without an answer (blocks submission). */
  missingRequired: string[];
  /** Flag types suggested by current or earlier indicators in themes that map to a flag. */
  suggestedFlags: FlagType[];
  specialistReferralNeeded: boolean;
}

export function score(rules: RuleSet, answers: Record<string, Answer | undefined>): Scored {
  let total = 0;
  let answered = 0;
  let points = 0;
  const keyCurrent: string[] = [];
  const unansweredThemes: string[] = [];
  const missingRequired: string[] = [];
  const suggestedFlags = new Set<FlagType>();
  let specialistReferralNeeded = false;
  for (const theme of rules.themes) {
    let themeUnanswered = false;
    for (const indicator of theme.indicators) {
      total += 1;
      const answer = answers[indicator.id];
      if (!answer) {
        themeUnanswered = true;
        if (theme.required) missingRequired.push(indicator.id);
        continue;
      }
      answered += 1;
      points += indicator.weight * rules.points[answer];
      if (answer === 'current' && indicator.key) keyCurrent.push(indicator.id);
      if ((answer === 'current' || answer === 'earlier') && theme.flagType)
        suggestedFlags.add(theme.flagType);
      if (answer === 'current' && theme.prompt === 'specialist_referral') specialistReferralNeeded = true;
    }
    if (themeUnanswered) unansweredThemes.push(theme.title);
  }
  let level: AssessedLevel = 'none';
  if (points >= rules.thresholds.significant) level = 'significant';
  else if (points >= rules.thresholds.moderate) level = 'moderate';
  else if (points >= rules.thresholds.emerging) level = 'emerging';
  if (keyCurrent.length >= 2) level = atLeast(level, rules.keyIndicators.twoCurrent);
  else if (keyCurrent.length === 1) level = atLeast(level, rules.keyIndicators.oneCurrent);
  return {
    score: points,
    level,
    keyCurrent,
    answered,
    total,
    unansweredThemes,
    missingRequired,
    suggestedFlags: [...suggestedFlags],
    specialistReferralNeeded,
  };
}
