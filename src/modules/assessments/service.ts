import type { Database, Queryable } from '../../db/database.ts';
import { type Actor, definePolicy, RECORDING_ROLES } from '../../platform/access.ts';
import { audit } from '../../platform/audit/index.ts';
import { ConflictError, NotFoundError } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/events/index.ts';
import { asList, Checker } from '../../platform/validation.ts';
import { assertCanSeePerson, defineRecordKind } from '../../platform/visibility/index.ts';
import { bringForward, completeWork, schedule } from '../clock/index.ts';
import {
  type AssessedLevel,
  applyAssessedLevel,
  FLAG_TYPES,
  type FlagType,
  LEVEL_NAMES,
} from '../flags/index.ts';
import { checkAndRecord } from '../language/index.ts';
import { addChronologyEntry } from '../people/index.ts';
import { SPECIALIST_REFERRALS } from './reference.ts';
import * as repo from './repository.ts';
import { ANSWERS, type Answer, CURRENT_RULES, type RuleSet, rulesFor, type Scored, score } from './rules.ts';

const RECORDING = RECORDING_ROLES;

export const assessmentsPolicy = definePolicy('assessments', {
  view: ['front_door', 'meeting_chair', 'police_intelligence', 'analyst', 'service_worker', 'manager'],
  record: RECORDING,
  approve: ['manager'],
});
defineRecordKind('assessment', 'assessments:view', 'Assessment (details restricted)');

const LEVELS: AssessedLevel[] = ['none', 'emerging', 'moderate', 'significant'];

/**
 * Starts an assessment and puts it on the clock (due by the assessment rule from `from`, e.g. the
 * Front Door decision). For use inside the caller's transaction, after its access check.
 */
export async function startAssessment(
  c: Queryable,
  actor: Actor,
  p: {
    personId: string;
    contactId: string | null;
    flagTypes: FlagType[];
    from?: Date;
    /** An urgent decision's deadline: the assessment is due by then if the rule would allow longer. */
    dueBy?: Date | null;
    reason: string;
  },
): Promise<{ id: string; dueAt: Date | null }> {
  const existing = await repo.openAssessmentOf(c, actor.partnershipId, p.personId);
  // One open assessment per person: a new concern feeds into it rather than starting another —
  // and an urgent one brings its deadline forward.
  if (existing) {
    const dueAt = p.dueBy
      ? await bringForward(c, actor.partnershipId, { kind: 'assessment', assessmentId: existing }, p.dueBy)
      : null;
    return { id: existing, dueAt };
  }
  const id = await repo.insertAssessment(c, actor.partnershipId, {
    personId: p.personId,
    contactId: p.contactId,
    rulesVersion: CURRENT_RULES,
    flagTypes: p.flagTypes,
    userId: actor.userId,
  });
  const { dueAt } = await schedule(c, actor.partnershipId, {
    kind: 'assessment',
    title: 'Complete the exploitation assessment',
    reason: p.reason,
    personId: p.personId,
    contactId: p.contactId,
    assessmentId: id,
    from: p.from,
    dueBy: p.dueBy ?? undefined,
  });
  await addChronologyEntry(c, actor, {
    personId: p.personId,
    kind: 'assessment',
    title: 'Exploitation assessment started',
    detail: p.reason,
  });
  await audit(c, actor, {
    action: 'assessment.started',
    subjectPersonId: p.personId,
    details: { assessmentId: id },
  });
  return { id, dueAt };
}

/** What a practitioner enters; the repository stores it with the score. */
export type AssessmentInput = Omit<repo.AssessmentWrite, 'score' | 'scoredLevel'>;

/**
 * Reads answers from a form or JSON body ("a-<indicator>" fields or an `answers` object). On
 * submission the rules apply: required questions answered, flag types chosen when there is risk,
 * an override explained, and a current substance indicator answered with the specialist referral.
 */
export function readAssessmentInput(
  rules: RuleSet,
  raw: Record<string, unknown>,
  submitting: boolean,
): { input: AssessmentInput; scored: Scored } {
  const check = new Checker();
  const given = (raw.answers && typeof raw.answers === 'object' ? raw.answers : {}) as Record<
    string,
    unknown
  >;
  const answers: Record<string, Answer> = {};
  for (const theme of rules.themes) {
    for (const indicator of theme.indicators) {
      const value = raw[`a-${indicator.id}`] ?? given[indicator.id];
      if (value === undefined || value === '' || value === null) continue;
      if (!ANSWERS.includes(value as Answer))
        check.add(`a-${indicator.id}`, `Answer "${indicator.text}" with one of the options`);
      else answers[indicator.id] = value as Answer;
    }
  }
  const flagTypes = asList(raw.flagTypes).filter((f): f is FlagType =>
    (FLAG_TYPES as readonly string[]).includes(f),
  );
  const analysis = check.text(raw.analysis, 'analysis', { label: 'Analysis', max: 20_000 }) ?? '';
  const override =
    check.oneOf(raw.overrideLevel, 'overrideLevel', LEVELS, { label: 'Professional judgement level' }) ??
    null;
  const overrideReason =
    check.text(raw.overrideReason, 'overrideReason', {
      label: 'Reason for the professional judgement',
      max: 5000,
    }) ?? null;
  const referral =
    check.oneOf(raw.specialistReferral, 'specialistReferral', SPECIALIST_REFERRALS, {
      label: 'Specialist referral',
    }) ?? null;
  const referralNote =
    check.text(raw.specialistReferralNote, 'specialistReferralNote', { label: 'Referral note', max: 2000 }) ??
    null;
  const scored = score(rules, answers);
  const overrideLevel = override && override !== scored.level ? override : null;
  if (submitting) {
    if (scored.missingRequired.length) {
      const themes = rules.themes.filter((t) =>
        t.indicators.some((i) => scored.missingRequired.includes(i.id)),
      );
      for (const theme of themes) {
        const first = theme.indicators.find((i) => scored.missingRequired.includes(i.id));
        check.add(
          `a-${first?.id}`,
          `Answer every question about ${theme.title.toLowerCase()}, choosing "Not known" where you do not know`,
        );
      }
    }
    const finalLevel = overrideLevel ?? scored.level;
    if (finalLevel !== 'none' && flagTypes.length === 0)
      check.add('flagTypes', 'Select the kinds of exploitation the risk is of');
    if (overrideLevel && !overrideReason)
      check.add('overrideReason', 'Explain why your professional judgement differs from the scored level');
    if (scored.specialistReferralNeeded && !referral) {
      check.add(
        'specialistReferral',
        'Drug or alcohol use is current: say whether a referral to a specialist service was made',
      );
    }
    if (referral === 'not_made' && !referralNote)
      check.add('specialistReferralNote', 'Say why no specialist referral was made');
  }
  check.throwIfAny();
  return {
    input: {
      answers,
      flagTypes,
      analysis,
      overrideLevel,
      overrideReason,
      specialistReferral: referral,
      specialistReferralNote: referralNote,
    },
    scored,
  };
}

export function createAssessmentsService(db: Database, events: EventBus) {
  async function load(c: Queryable, actor: Actor, id: string) {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError('No such assessment');
    const assessment = await repo.findAssessment(c, actor.partnershipId, id);
    if (!assessment) throw new NotFoundError('No such assessment');
    await assertCanSeePerson(c, actor, assessment.personId);
    return assessment;
  }

  return {
    /** Reading an assessment is reading about the person: audited. */
    async get(actor: Actor, id: string) {
      assessmentsPolicy.assert(actor, 'view');
      return db.for(actor).tx(async (c) => {
        const assessment = await load(c, actor, id);
        await audit(c, actor, {
          action: 'assessment.viewed',
          subjectPersonId: assessment.personId,
          details: { assessmentId: id },
        });
        const rules = rulesFor(assessment.rulesVersion);
        return { assessment, rules, scored: score(rules, assessment.answers) };
      });
    },

    async forPerson(actor: Actor, personId: string) {
      assessmentsPolicy.assert(actor, 'view');
      await assertCanSeePerson(db.for(actor), actor, personId);
      const list = await repo.assessmentsOfPerson(db.for(actor), actor.partnershipId, personId);
      const statusText = {
        in_progress: 'in progress',
        awaiting_approval: 'awaiting approval',
        completed: 'completed',
      };
      return list.map((a) => ({
        ...a,
        resultText: a.finalLevel ? LEVEL_NAMES[a.finalLevel] : statusText[a.status],
      }));
    },

    async start(actor: Actor, personId: string, reason = 'Started by a practitioner') {
      assessmentsPolicy.assert(actor, 'record');
      return db.for(actor).tx(async (c) => {
        await assertCanSeePerson(c, actor, personId);
        return startAssessment(c, actor, { personId, contactId: null, flagTypes: [], reason });
      });
    },

    /** Saves progress, or submits: scored, flagged and taken off the clock (or sent for approval). */
    async save(actor: Actor, id: string, version: number, raw: Record<string, unknown>, submitting: boolean) {
      assessmentsPolicy.assert(actor, 'record');
      return db.for(actor).tx(async (c) => {
        const before = await load(c, actor, id);
        if (before.status !== 'in_progress')
          throw new ConflictError('This assessment has already been submitted.');
        if (before.version !== version) {
          throw new ConflictError(
            'Someone else saved this assessment while you were working on it. Your answers have not been saved.',
          );
        }
        const rules = rulesFor(before.rulesVersion);
        const { input, scored } = readAssessmentInput(rules, raw, submitting);
        const finalLevel = input.overrideLevel ?? scored.level;
        const status = !submitting ? null : input.overrideLevel ? 'awaiting_approval' : 'completed';
        const saved = await repo.saveAssessment(
          c,
          actor.partnershipId,
          id,
          version,
          { ...input, score: scored.score, scoredLevel: scored.level },
          status
            ? { status, finalLevel: status === 'completed' ? finalLevel : null, userId: actor.userId }
            : null,
        );
        if (!saved)
          throw new ConflictError('Someone else saved this assessment while you were working on it.');
        await checkAndRecord(
          c,
          actor,
          { kind: 'assessment', id },
          {
            analysis: input.analysis,
            overrideReason: input.overrideReason,
            specialistReferralNote: input.specialistReferralNote,
          },
        );
        if (status === 'completed') {
          await completeAssessment(
            c,
            actor,
            events,
            before.personId,
            id,
            input.flagTypes,
            finalLevel,
            scored,
          );
        } else if (status === 'awaiting_approval') {
          await schedule(c, actor.partnershipId, {
            kind: 'signoff',
            title: 'Approve a professional-judgement override',
            reason: `Scored ${LEVEL_NAMES[scored.level]}, judged ${LEVEL_NAMES[finalLevel]}`,
            personId: before.personId,
            assessmentId: id,
          });
          await addChronologyEntry(c, actor, {
            personId: before.personId,
            kind: 'assessment',
            title: `Assessment submitted for approval: judged ${LEVEL_NAMES[finalLevel]} (scored ${LEVEL_NAMES[scored.level]})`,
            detail: input.overrideReason,
          });
        }
        await audit(c, actor, {
          action: status ? 'assessment.submitted' : 'assessment.saved',
          subjectPersonId: before.personId,
          details: {
            assessmentId: id,
            score: scored.score,
            scoredLevel: scored.level,
            overrideLevel: input.overrideLevel,
          },
        });
        return { status: status ?? 'in_progress', scored, finalLevel };
      });
    },

    /** A manager approves or declines a professional-judgement override. */
    async decideOverride(actor: Actor, id: string, raw: Record<string, unknown>) {
      assessmentsPolicy.assert(actor, 'approve');
      const check = new Checker();
      const decision = check.oneOf(raw.decision, 'decision', ['approve', 'decline'] as const, {
        label: 'Decision',
        required: true,
      });
      const note = check.text(raw.note, 'note', { label: 'Note', max: 2000 });
      if (decision === 'decline' && !note) check.add('note', 'Say why the override is declined');
      check.throwIfAny();
      return db.for(actor).tx(async (c) => {
        const assessment = await load(c, actor, id);
        if (
          assessment.status !== 'awaiting_approval' ||
          !assessment.overrideLevel ||
          !assessment.scoredLevel
        ) {
          throw new ConflictError('This assessment is not awaiting approval.');
        }
        const finalLevel = decision === 'approve' ? assessment.overrideLevel : assessment.scoredLevel;
        if (!(await repo.recordApproval(c, actor.partnershipId, id, { finalLevel, userId: actor.userId }))) {
          throw new ConflictError('This assessment is not awaiting approval.');
        }
        await completeWork(c, actor, { kind: 'signoff', assessmentId: id }, note ?? decision ?? null);
        const rules = rulesFor(assessment.rulesVersion);
        await completeAssessment(
          c,
          actor,
          events,
          assessment.personId,
          id,
          assessment.flagTypes,
          finalLevel,
          score(rules, assessment.answers),
        );
        await audit(c, actor, {
          action: decision === 'approve' ? 'assessment.override_approved' : 'assessment.override_declined',
          subjectPersonId: assessment.personId,
          reason: note ?? null,
          details: { assessmentId: id, finalLevel },
        });
        return finalLevel;
      });
    },
  };
}

async function completeAssessment(
  c: Queryable,
  actor: Actor,
  events: EventBus,
  personId: string,
  id: string,
  flagTypes: FlagType[],
  finalLevel: AssessedLevel,
  scored: Scored,
) {
  await completeWork(c, actor, { kind: 'assessment', assessmentId: id }, `Completed: ${finalLevel}`);
  // A completed assessment answers any "risk review needed" items about the person.
  await completeWork(c, actor, { kind: 'risk_review', personId }, 'Answered by a new assessment');
  await addChronologyEntry(c, actor, {
    personId,
    kind: 'assessment',
    title: `Exploitation assessment completed: ${LEVEL_NAMES[finalLevel]}`,
    detail: `Score ${scored.score}; ${scored.answered} of ${scored.total} questions answered${scored.unansweredThemes.length ? `; not answered in: ${scored.unansweredThemes.join(', ')}` : ''}`,
  });
  await applyAssessedLevel(c, actor, { personId, assessmentId: id, flagTypes, level: finalLevel }, events);
  await events.publish(c, {
    name: 'assessment.completed',
    actor,
    about: [personId],
    payload: { assessmentId: id, personId, level: finalLevel, flagTypes },
  });
}

export type AssessmentsService = ReturnType<typeof createAssessmentsService>;
