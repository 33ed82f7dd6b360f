import type { Database, Queryable } from '../../db/database.ts';
import { type Actor, definePolicy } from '../../platform/access.ts';
import { audit } from '../../platform/audit/index.ts';
import { NotFoundError } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/events/index.ts';
import { Checker } from '../../platform/validation.ts';
import { assertCanSeePerson, defineRecordKind } from '../../platform/visibility/index.ts';
import { completeWork, peopleWithOpenWork, schedule, scheduleMany } from '../clock/index.ts';
import { addChronologyEntry } from '../people/index.ts';
import {
  type AssessedLevel,
  FLAG_NAMES,
  FLAG_TYPES,
  type FlagType,
  LEVEL_NAMES,
  RISK_LEVELS,
  type RiskLevel,
} from './reference.ts';
import * as repo from './repository.ts';

export const flagsPolicy = definePolicy('flags', {
  view: ['front_door', 'meeting_chair', 'police_intelligence', 'analyst', 'service_worker', 'manager'],
  // Setting or ending a flag by hand is a meeting or management decision; assessments set them too.
  set: ['meeting_chair', 'manager'],
});
defineRecordKind('flag', 'flags:view', 'Flag changed (details restricted)');

/**
 * Sets (or changes the level of) a flag: the current period ends and a new one starts, so the
 * history keeps every level and who set it. Moderate and significant flags go on the review clock.
 * For use inside a transaction whose caller has checked access.
 */
export async function setFlag(
  c: Queryable,
  actor: Actor,
  p: { personId: string; flagType: FlagType; level: RiskLevel; reason: string; assessmentId?: string | null },
  events: EventBus,
): Promise<'unchanged' | 'set' | 'changed'> {
  const current = (await repo.currentFlags(c, actor.partnershipId, p.personId)).find(
    (f) => f.flagType === p.flagType,
  );
  if (current?.riskLevel === p.level) {
    if (p.assessmentId) {
      await addChronologyEntry(c, actor, {
        personId: p.personId,
        kind: 'flag',
        title: `${FLAG_NAMES[p.flagType]} flag confirmed: ${LEVEL_NAMES[p.level]}`,
        detail: p.reason,
      });
    }
    return 'unchanged';
  }
  if (current)
    await repo.endCurrent(
      c,
      actor.partnershipId,
      p.personId,
      p.flagType,
      actor.userId,
      `Changed to ${p.level}: ${p.reason}`,
    );
  await repo.startPeriod(c, actor.partnershipId, {
    personId: p.personId,
    flagType: p.flagType,
    riskLevel: p.level,
    userId: actor.userId,
    reason: p.reason,
    assessmentId: p.assessmentId ?? null,
  });
  const title = current
    ? `${FLAG_NAMES[p.flagType]} flag: ${LEVEL_NAMES[current.riskLevel]} → ${LEVEL_NAMES[p.level]}`
    : `${FLAG_NAMES[p.flagType]} flag set: ${LEVEL_NAMES[p.level]}`;
  await addChronologyEntry(c, actor, { personId: p.personId, kind: 'flag', title, detail: p.reason });
  await audit(c, actor, {
    action: current ? 'flag.changed' : 'flag.set',
    subjectPersonId: p.personId,
    reason: p.reason,
    details: { flagType: p.flagType, from: current?.riskLevel ?? null, to: p.level },
  });
  await events.publish(c, {
    name: 'flag.set',
    actor,
    about: [p.personId],
    payload: { personId: p.personId, flagType: p.flagType, from: current?.riskLevel ?? null, to: p.level },
  });
  return current ? 'changed' : 'set';
}

export async function endFlag(
  c: Queryable,
  actor: Actor,
  p: { personId: string; flagType: FlagType; reason: string },
  events: EventBus,
) {
  const ended = await repo.endCurrent(c, actor.partnershipId, p.personId, p.flagType, actor.userId, p.reason);
  if (!ended) return false;
  await addChronologyEntry(c, actor, {
    personId: p.personId,
    kind: 'flag',
    title: `${FLAG_NAMES[p.flagType]} flag ended (was ${LEVEL_NAMES[ended.riskLevel]})`,
    detail: p.reason,
  });
  await audit(c, actor, {
    action: 'flag.ended',
    subjectPersonId: p.personId,
    reason: p.reason,
    details: { flagType: p.flagType },
  });
  await events.publish(c, {
    name: 'flag.ended',
    actor,
    about: [p.personId],
    payload: { personId: p.personId, flagType: p.flagType, was: ended.riskLevel },
  });
  return true;
}

/** Applies an assessment's final level to its flag types, and puts the next review on the clock. */
export async function applyAssessedLevel(
  c: Queryable,
  actor: Actor,
  p: { personId: string; assessmentId: string; flagTypes: FlagType[]; level: AssessedLevel },
  events: EventBus,
) {
  await completeWork(c, actor, { kind: 'flag_review', personId: p.personId }, 'Reviewed by a new assessment');
  if (p.level === 'none') {
    for (const flagType of p.flagTypes) {
      await endFlag(
        c,
        actor,
        {
          personId: p.personId,
          flagType,
          reason: 'Assessment found no risk of this exploitation',
        },
        events,
      );
    }
    return;
  }
  for (const flagType of p.flagTypes) {
    await setFlag(
      c,
      actor,
      {
        personId: p.personId,
        flagType,
        level: p.level,
        reason: 'Exploitation assessment',
        assessmentId: p.assessmentId,
      },
      events,
    );
  }
  if (p.level !== 'emerging') {
    await schedule(c, actor.partnershipId, {
      kind: 'flag_review',
      title: `Review ${LEVEL_NAMES[p.level].toLowerCase()} flag`,
      reason: p.flagTypes.map((t) => FLAG_NAMES[t]).join(', '),
      personId: p.personId,
      assessmentId: p.assessmentId,
    });
  }
}

/** Adds the display names pages show, so other modules need not know the reference lists. */
const named = (f: repo.FlagPeriod) => ({
  ...f,
  flagName: FLAG_NAMES[f.flagType],
  levelName: LEVEL_NAMES[f.riskLevel],
});

export const currentFlagsOf = (c: Queryable, partnershipId: string, personId: string) =>
  repo.currentFlags(c, partnershipId, personId);

/** Current flags of several people at once (for another module's transaction). */
export const currentFlagsOfPeople = (c: Queryable, partnershipId: string, personIds: string[]) =>
  repo.currentFlagsOfPeople(c, partnershipId, personIds);

/**
 * For each of these people with a current flag or an assessment under way, a "risk review needed"
 * item on the clock, saying what happened and what they are flagged for. For use inside the
 * transaction of what happened.
 */
export async function scheduleRiskReviews(
  c: Queryable,
  actor: Actor,
  personIds: string[],
  why: { reason: string; title?: string; contactId?: string | null },
): Promise<number> {
  const ids = [...new Set(personIds)];
  const flags = await repo.currentFlagsOfPeople(c, actor.partnershipId, ids);
  const flagged = new Set([...flags].filter(([, current]) => current.length).map(([id]) => id));
  const assessing = (
    await peopleWithOpenWork(
      c,
      actor.partnershipId,
      ids.filter((id) => !flagged.has(id)),
      'assessment',
    )
  ).filter((id) => !flagged.has(id));
  const items = [
    ...[...flagged].map((personId) => ({
      personId,
      reason: `${why.reason} while flagged ${(flags.get(personId) ?? []).map((f) => `${FLAG_NAMES[f.flagType]} ${LEVEL_NAMES[f.riskLevel].toLowerCase()}`).join(', ')}`,
    })),
    ...assessing.map((personId) => ({ personId, reason: `${why.reason} while an assessment is under way` })),
  ].map((x) => ({
    kind: 'risk_review' as const,
    title: why.title ?? 'Risk review needed: something new about a flagged person',
    reason: x.reason,
    personId: x.personId,
    contactId: why.contactId ?? null,
  }));
  await scheduleMany(c, actor.partnershipId, items);
  return items.length;
}

export function createFlagsService(db: Database, events: EventBus) {
  return {
    /** Reading a person's flags is reading about them: audited, in the same transaction. */
    async forPerson(actor: Actor, personId: string) {
      flagsPolicy.assert(actor, 'view');
      const scope = db.for(actor);
      await assertCanSeePerson(scope, actor, personId);
      const history = await repo.flagHistory(scope, actor.partnershipId, personId);
      await audit(scope, actor, { action: 'flags.viewed', subjectPersonId: personId });
      // The current flags are the history's open periods (one query, not two).
      const current = history
        .filter((f) => f.validTo === null)
        .sort((a, b) => (a.flagType < b.flagType ? -1 : a.flagType > b.flagType ? 1 : 0));
      return { current: current.map(named), history: history.map(named) };
    },

    /** A flag set or changed by hand (e.g. a DRAM decision), with the reason recorded. */
    async set(actor: Actor, personId: string, raw: Record<string, unknown>) {
      flagsPolicy.assert(actor, 'set');
      const check = new Checker();
      const flagType = check.oneOf(raw.flagType, 'flagType', FLAG_TYPES, { label: 'Flag', required: true });
      const level = check.oneOf(raw.level, 'level', [...RISK_LEVELS, 'ended'] as const, {
        label: 'Risk level',
        required: true,
      });
      const reason = check.text(raw.reason, 'reason', {
        label: 'Reason',
        required: true,
        max: 2000,
        requiredMessage: 'Enter why the flag is being set, changed or ended',
      });
      check.throwIfAny();
      return db.for(actor).tx(async (c) => {
        await assertCanSeePerson(c, actor, personId);
        if (level === 'ended') {
          if (
            !(await endFlag(
              c,
              actor,
              { personId, flagType: flagType as FlagType, reason: reason as string },
              events,
            ))
          ) {
            throw new NotFoundError('That flag is not set on this person');
          }
          return 'ended';
        }
        return setFlag(
          c,
          actor,
          {
            personId,
            flagType: flagType as FlagType,
            level: level as RiskLevel,
            reason: reason as string,
          },
          events,
        );
      });
    },

    async flaggedDuring(actor: Actor, from: Date, to: Date) {
      flagsPolicy.assert(actor, 'view');
      return repo.flaggedDuring(db.for(actor), actor.partnershipId, from, to);
    },
  };
}

export type FlagsService = ReturnType<typeof createFlagsService>;
