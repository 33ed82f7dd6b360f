import type { Queryable } from '../../db/database.ts';
import type { Actor } from '../../platform/access.ts';
import { audit } from '../../platform/audit/index.ts';
import { ConflictError, NotFoundError } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/events/index.ts';
import { Checker } from '../../platform/validation.ts';
import { assertCanSeePerson } from '../../platform/visibility/index.ts';
import { peoplePolicy } from './policy.ts';
import * as repo from './repository.ts';

const fullName = (p: repo.PersonHead) => `${p.givenName} ${p.familyName}`;

/** The person a record now belongs to: itself, or whoever it was merged into. */
async function rootOf(c: Queryable, actor: Actor, id: string): Promise<repo.PersonHead> {
  await assertCanSeePerson(c, actor, id);
  const head = await repo.lockPerson(c, actor.partnershipId, id);
  if (!head) throw new NotFoundError('No such person');
  if (!head.mergedInto) return head;
  const root = await repo.lockPerson(c, actor.partnershipId, head.mergedInto);
  if (!root) throw new NotFoundError('No such person');
  return root;
}

/**
 * Merges one person into another inside the caller's transaction. Nothing is moved or deleted:
 * the absorbed record (and anyone already merged into it) points at the survivor, whose page then
 * gathers every agency record, contact, flag and chronology entry of the group.
 */
export async function mergePeople(
  c: Queryable,
  actor: Actor,
  input: { survivorId: string; absorbedId: string; reason: unknown; reviewId?: string | null },
  events: EventBus,
): Promise<string> {
  peoplePolicy.assert(actor, 'merge');
  const check = new Checker();
  const reason = check.text(input.reason, 'reason', {
    label: 'Why these records are the same person',
    required: true,
    max: 2000,
  });
  check.throwIfAny();
  await assertCanSeePerson(c, actor, input.survivorId);
  await assertCanSeePerson(c, actor, input.absorbedId);
  // Two opposite merges at once (A←B and B←A) must not deadlock: both lock the pair in the same
  // order, so the second waits, then finds them already one person and is refused.
  await repo.lockPeopleInOrder(c, actor.partnershipId, [input.survivorId, input.absorbedId]);
  const survivor = await rootOf(c, actor, input.survivorId);
  const absorbed = await rootOf(c, actor, input.absorbedId);
  if (survivor.id === absorbed.id) throw new ConflictError('These records are already the same person.');
  const repointed = await repo.repointGroup(c, actor.partnershipId, absorbed.id, survivor.id);
  const mergeId = await repo.insertMerge(c, actor.partnershipId, {
    survivorId: survivor.id,
    absorbedId: absorbed.id,
    repointed,
    reason: reason as string,
    reviewId: input.reviewId ?? null,
    userId: actor.userId,
  });
  await repo.addChronology(c, {
    partnershipId: actor.partnershipId,
    personId: survivor.id,
    kind: 'record',
    title: 'Records merged',
    detail: `The record of ${fullName(absorbed)} was merged into this person: ${reason}`,
    recordedBy: actor.userId,
  });
  for (const subject of [survivor.id, absorbed.id]) {
    await audit(c, actor, {
      action: 'person.merged',
      subjectPersonId: subject,
      details: { mergeId, survivorId: survivor.id, absorbedId: absorbed.id, records: repointed.length },
    });
  }
  await events.publish(c, {
    name: 'person.merged',
    actor,
    about: [survivor.id, absorbed.id],
    payload: { mergeId, survivorId: survivor.id, absorbedId: absorbed.id },
  });
  return mergeId;
}

/** Undoes a merge exactly: the pointers it changed go back to what they were. */
export async function unmergePeople(
  c: Queryable,
  actor: Actor,
  input: { mergeId: string; reason: unknown; personId?: string },
  events: EventBus,
): Promise<{ survivorId: string; absorbedId: string }> {
  peoplePolicy.assert(actor, 'merge');
  const check = new Checker();
  const reason = check.text(input.reason, 'reason', {
    label: 'Why these records are not the same person',
    required: true,
    max: 2000,
  });
  check.throwIfAny();
  if (!/^[0-9a-f-]{36}$/i.test(input.mergeId)) throw new NotFoundError('No such merge');
  const merge = await repo.findMerge(c, actor.partnershipId, input.mergeId, true);
  if (!merge || (input.personId && merge.survivorId !== input.personId))
    throw new NotFoundError('No such merge');
  await assertCanSeePerson(c, actor, merge.survivorId);
  if (merge.unmergedAt) throw new ConflictError('This merge has already been undone.');
  await repo.lockPerson(c, actor.partnershipId, merge.survivorId);
  if (!(await repo.restorePointers(c, actor.partnershipId, merge.survivorId, merge.repointed))) {
    throw new ConflictError(
      'These records have been merged again since. Undo the later merge first, then this one.',
    );
  }
  await repo.markUnmerged(c, actor.partnershipId, merge.id, actor.userId, reason as string);
  for (const [personId, title] of [
    [merge.survivorId, `Record of ${merge.absorbedName} separated again`],
    [merge.absorbedId, 'Separated from the person it had been merged into'],
  ]) {
    await repo.addChronology(c, {
      partnershipId: actor.partnershipId,
      personId,
      kind: 'record',
      title,
      detail: `Merge undone: ${reason}`,
      recordedBy: actor.userId,
    });
    await audit(c, actor, {
      action: 'person.unmerged',
      subjectPersonId: personId,
      details: { mergeId: merge.id, survivorId: merge.survivorId, absorbedId: merge.absorbedId },
    });
  }
  await events.publish(c, {
    name: 'person.unmerged',
    actor,
    about: [merge.survivorId, merge.absorbedId],
    payload: { mergeId: merge.id, survivorId: merge.survivorId, absorbedId: merge.absorbedId },
  });
  return { survivorId: merge.survivorId, absorbedId: merge.absorbedId };
}
