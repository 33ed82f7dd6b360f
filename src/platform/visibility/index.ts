import type { Queryable } from '../../db/database.ts';
import { type Actor, CASEWORK_ROLES, hasPermission, type Role } from '../access.ts';
import { NotFoundError } from '../errors.ts';
import * as repo from './repository.ts';

export { knownToAgencySql } from './repository.ts';

/**
 * The one record-visibility rule, used by every module that shows anything about a person.
 *
 * 1. Which people: roles whose access needs a legitimate relationship (service workers) see only
 *    the people their own agency knows — unless the actor also holds a casework role that is not
 *    so limited. Holding a second, unrelated role (elected member, administrator) widens nothing.
 * 2. Which records: each kind of record about a person (a contact, a decision, an assessment…) is
 *    readable only with its module's permission, wherever it appears — its own page, the person's
 *    chronology, a printout, a list.
 */
export const RELATIONSHIP_LIMITED: readonly Role[] = ['service_worker'];

/** The agency whose relationships bound what the actor sees, or undefined when unbounded. */
export function relationshipAgency(actor: Actor): string | undefined {
  const unbounded = actor.roles.some((r) => CASEWORK_ROLES.includes(r) && !RELATIONSHIP_LIMITED.includes(r));
  return unbounded ? undefined : actor.agencyId;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What one request has already found visible: a page that shows a person in six parts checks once.
 * Kept on the request's actor (a fresh object per request), so it never outlives the request.
 */
const seen = new WeakMap<Actor, Set<string>>();

/** Notes that a query bounded by the visibility rule found this person (for the rest of the request). */
export function noteVisible(actor: Actor, personId: string): void {
  if (!actor.requestId) return;
  const set = seen.get(actor);
  if (set) set.add(personId);
  else seen.set(actor, new Set([personId]));
}

/** Of these people, those the actor may know exist. */
export async function visiblePeople(c: Queryable, actor: Actor, personIds: string[]): Promise<Set<string>> {
  const ids = [...new Set(personIds.filter((id) => UUID.test(id)))];
  const known = seen.get(actor);
  const unknown = known ? ids.filter((id) => !known.has(id)) : ids;
  const found = new Set(await repo.visibleAmong(c, actor.partnershipId, unknown, relationshipAgency(actor)));
  for (const id of found) noteVisible(actor, id);
  for (const id of ids) if (known?.has(id)) found.add(id);
  return found;
}

/** "Not found" unless the actor may see the person: they must not learn the record exists. */
export async function assertCanSeePerson(c: Queryable, actor: Actor, personId: string): Promise<void> {
  if (seen.get(actor)?.has(personId)) return;
  if (!(await visiblePeople(c, actor, [personId])).has(personId)) throw new NotFoundError('No such person');
}

/** Keeps the items about people the actor may see (and those about nobody). */
export async function onlyVisible<T>(
  c: Queryable,
  actor: Actor,
  items: T[],
  personOf: (item: T) => string | null | undefined,
): Promise<T[]> {
  if (!relationshipAgency(actor)) return items;
  const visible = await visiblePeople(
    c,
    actor,
    items.map(personOf).filter((id): id is string => !!id),
  );
  return items.filter((item) => {
    const id = personOf(item);
    return !id || visible.has(id);
  });
}

const recordKinds = new Map<string, { permission: string; restrictedTitle: string }>();

/**
 * A module declares which permission reads its kind of record about a person (e.g. contacts), and
 * how an entry is titled for someone who may not read it (that something happened, not what).
 */
export function defineRecordKind(kind: string, permission: string, restrictedTitle: string): void {
  recordKinds.set(kind, { permission, restrictedTitle });
}

/** May the actor read the details of this kind of record? (Kinds nobody declared: yes.) */
export function canReadRecordKind(actor: Actor, kind: string): boolean {
  const declared = recordKinds.get(kind);
  return !declared || hasPermission(actor, declared.permission);
}

/**
 * Chronology entries as the actor may see them: those of a kind they may not read keep their date
 * and a plain title, never their details.
 */
export function redactEntries<T extends { kind: string; title: string; detail: string | null }>(
  actor: Actor,
  entries: T[],
): (T & { restricted: boolean })[] {
  return entries.map((e) =>
    canReadRecordKind(actor, e.kind)
      ? { ...e, restricted: false }
      : { ...e, title: recordKinds.get(e.kind)?.restrictedTitle ?? 'Record', detail: null, restricted: true },
  );
}
