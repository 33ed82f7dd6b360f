import type { Queryable } from '../../db/database.ts';
import type { Actor } from '../../platform/access.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { peoplePolicy, RELATIONSHIP_LIMITED } from './policy.ts';
import * as repo from './repository.ts';

/** True when the actor's access to people runs only through their agency's relationships. */
export const limitedTo = (actor: Actor) =>
  actor.roles.every((r) => RELATIONSHIP_LIMITED.includes(r) || !peoplePolicy.rules.view.includes(r))
    ? actor.agencyId
    : undefined;

/**
 * The record-level rule: may this actor see this person at all? "Not found" when they may not know
 * the record exists. Other modules call it before showing anything about a person.
 */
export async function assertCanSeePerson(c: Queryable, actor: Actor, id: string): Promise<void> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
    throw new NotFoundError('No such person');
  const agency = limitedTo(actor);
  if (agency && !(await repo.isKnownToAgency(c, id, agency))) throw new NotFoundError('No such person');
  if (!(await repo.personExists(c, actor.partnershipId, id))) throw new NotFoundError('No such person');
}
