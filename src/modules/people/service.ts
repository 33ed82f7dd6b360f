import type { Database, Queryable } from '../../db/database.ts';
import type { Actor } from '../../platform/access.ts';
import { accessLogFor, audit, auditedRead } from '../../platform/audit/index.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/events/index.ts';
import {
  assertCanSeePerson,
  noteVisible,
  redactEntries,
  relationshipAgency,
} from '../../platform/visibility/index.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

import { mergePeople, unmergePeople } from './merge.ts';
import { peoplePolicy } from './policy.ts';
import * as repo from './repository.ts';
import { type PersonInput, readPersonInput, readPersonSearch } from './schema.ts';

export const SEARCH_LIMIT = 50;

/**
 * Someone is already recorded with the same NHS number or UPN. The person is asked to open that
 * record instead, or to say why this is someone else (twins are not, but a data error might be).
 */
export class DuplicateIdentifierError extends ValidationError {
  constructor(readonly existing: { id: string; field: 'nhsNumber' | 'upn' }[]) {
    super(
      existing.map((e) => ({
        field: e.field,
        message: `A person with this ${e.field === 'nhsNumber' ? 'NHS number' : 'unique pupil number'} is already recorded. Open their record instead, or say why this is a different person`,
      })),
    );
  }
}

const CHANGE_LABELS: Partial<Record<keyof PersonInput, string>> = {
  givenName: 'first name',
  middleNames: 'middle names',
  familyName: 'last name',
  dateOfBirth: 'date of birth',
  dobPrecision: 'date of birth certainty',
  gender: 'gender',
  ethnicity: 'ethnicity',
  disability: 'disability or special educational needs',
  addressLine: 'address',
  town: 'town',
  postcode: 'postcode',
  nhsNumber: 'NHS number',
  upn: 'unique pupil number',
  policeRef: 'police reference',
};

/** Adds to a person's chronology inside the caller's transaction (every module feeds it). */
export function addChronologyEntry(
  c: Queryable,
  actor: Actor,
  e: { personId: string; kind: string; title: string; detail?: string | null; occurredAt?: Date },
) {
  return repo.addChronology(c, { partnershipId: actor.partnershipId, recordedBy: actor.userId, ...e });
}

/** Several entries on people's chronologies at once, inside the caller's transaction. */
export function addChronologyEntries(
  c: Queryable,
  actor: Actor,
  entries: { personId: string; kind: string; title: string; detail?: string | null; occurredAt?: Date }[],
) {
  return repo.addChronologyEntries(
    c,
    actor.partnershipId,
    actor.userId,
    entries.map((e) => ({ ...e, detail: e.detail ?? null, occurredAt: e.occurredAt ?? null })),
  );
}

/** Chronology entries the system writes itself (a job noticing work became overdue). */
export function addSystemChronologyEntries(
  c: Queryable,
  partnershipId: string,
  entries: { personId: string; kind: string; title: string; detail?: string | null; occurredAt?: Date }[],
) {
  return repo.addChronologyEntries(
    c,
    partnershipId,
    null,
    entries.map((e) => ({ ...e, detail: e.detail ?? null, occurredAt: e.occurredAt ?? null })),
  );
}

/** Links people to the agency that recorded something about them (they now know them). */
export function noteAgencyKnows(c: Queryable, actor: Actor, personIds: string[]) {
  return repo.addAgencyToPeople(c, actor.partnershipId, [...new Set(personIds)], actor.agencyId);
}

export function createPeopleService(db: Database, events: EventBus) {
  /**
   * Reads a person the actor may see — one query, bounded by the visibility rule; "not found" when
   * they may not know the person exists.
   */
  async function visiblePerson(c: Queryable, actor: Actor, id: string) {
    if (!UUID.test(id)) throw new NotFoundError('No such person');
    const person = await repo.findPerson(c, actor.partnershipId, id, relationshipAgency(actor) ?? null);
    if (!person) throw new NotFoundError('No such person');
    noteVisible(actor, id);
    return person;
  }

  return {
    async search(actor: Actor, raw: Record<string, unknown>) {
      peoplePolicy.assert(actor, 'search');
      const criteria = readPersonSearch(raw);
      return db.for(actor).tx(async (c) => {
        const results = await repo.searchPeople(c, actor.partnershipId, criteria, {
          onlyKnownToAgency: relationshipAgency(actor),
          limit: SEARCH_LIMIT,
        });
        await audit(c, actor, {
          action: 'people.searched',
          listedPersonIds: results.map((r) => r.id),
          details: {
            criteria: Object.keys(criteria).filter((k) => criteria[k as keyof typeof criteria]),
            results: results.length,
          },
        });
        return { criteria, results };
      });
    },

    /** Every view of a person is audited, in the same transaction as the read. */
    async view(actor: Actor, id: string, reason?: string) {
      peoplePolicy.assert(actor, 'view');
      // The read and the record of the view in one statement: the service's most frequent
      // request, one round trip.
      if (!UUID.test(id)) throw new NotFoundError('No such person');
      const [person] = await auditedRead<repo.PersonRecord>(
        db.for(actor),
        actor,
        { action: 'person.viewed', subjectPersonId: id, reason: reason ?? null },
        repo.personQuery(actor.partnershipId, id, relationshipAgency(actor) ?? null),
      );
      if (!person) throw new NotFoundError('No such person');
      noteVisible(actor, id);
      return person;
    },

    /** The person's chronology, as the actor may read it (audited; once per request with the page). */
    async chronology(actor: Actor, id: string, kind?: string) {
      peoplePolicy.assert(actor, 'view');
      const scope = db.for(actor);
      await assertCanSeePerson(scope, actor, id);
      const entries = await repo.chronology(scope, actor.partnershipId, id, kind);
      await audit(scope, actor, { action: 'person.chronology_viewed', subjectPersonId: id });
      return { entries: redactEntries(actor, entries) };
    },

    async accessLog(actor: Actor, id: string) {
      peoplePolicy.assert(actor, 'view_access_log');
      return db.for(actor).tx(async (c) => {
        const person = await visiblePerson(c, actor, id);
        await audit(c, actor, { action: 'person.access_log_viewed', subjectPersonId: id });
        return { person, events: await accessLogFor(c, actor.partnershipId, id, 500) };
      });
    },

    async agencies(actor: Actor) {
      peoplePolicy.assert(actor, 'view');
      return repo.agencyIds(db.for(actor), actor.partnershipId);
    },

    async create(actor: Actor, raw: Record<string, unknown>): Promise<string> {
      peoplePolicy.assert(actor, 'create');
      const agencies = await repo.agencyIds(db.for(actor), actor.partnershipId);
      const input = readPersonInput(
        raw,
        agencies.map((a) => a.id),
      );
      return db.for(actor).tx(async (c) => {
        const same = await repo.withSameIdentifiers(c, actor.partnershipId, input);
        if (same.length && !input.duplicateReason) throw new DuplicateIdentifierError(same);
        const ward = input.postcode
          ? await repo.wardForPostcode(c, actor.partnershipId, input.postcode)
          : null;
        const id = await repo.insertPerson(c, actor.partnershipId, input, ward);
        await repo.replaceAliases(c, actor.partnershipId, id, input.aliases);
        // The recording agency knows the person by definition.
        await repo.addAgencies(c, actor.partnershipId, id, [actor.agencyId, ...input.agencyIds]);
        await repo.addChronology(c, {
          partnershipId: actor.partnershipId,
          personId: id,
          kind: 'record',
          title: 'Person record created',
          detail: `Recorded by ${actor.agencyName}${same.length ? `. Shares an identifier with another record: ${input.duplicateReason}` : ''}`,
          recordedBy: actor.userId,
        });
        await audit(c, actor, {
          action: 'person.created',
          subjectPersonId: id,
          reason: same.length ? input.duplicateReason : null,
          details: same.length ? { sharesIdentifierWith: same.map((d) => d.id) } : {},
        });
        await events.publish(c, { name: 'person.created', actor, about: [id], payload: { personId: id } });
        return id;
      });
    },

    /** Each agency's own records behind this person, and the records merged into them. */
    async records(actor: Actor, id: string) {
      peoplePolicy.assert(actor, 'view');
      const scope = db.for(actor);
      await assertCanSeePerson(scope, actor, id);
      const agencyRecords = await repo.agencyRecordsOf(scope, actor.partnershipId, id);
      const merges = await repo.activeMergesInto(scope, actor.partnershipId, id);
      // Recorded before anything is returned; a failure to record shows nothing.
      await audit(scope, actor, { action: 'person.records_viewed', subjectPersonId: id });
      return { agencyRecords, merges };
    },

    async merge(actor: Actor, input: { survivorId: string; absorbedId: string; reason: unknown }) {
      peoplePolicy.assert(actor, 'merge');
      return db.for(actor).tx((c) => mergePeople(c, actor, input, events));
    },

    /** Undoes a merge; given the person's id (as in a URL), only a merge into that person. */
    async unmerge(actor: Actor, mergeId: string, reason: unknown, personId?: string) {
      peoplePolicy.assert(actor, 'merge');
      return db.for(actor).tx((c) => unmergePeople(c, actor, { mergeId, reason, personId }, events));
    },

    /** Saves an edit made from `version`; refuses a stale edit rather than overwrite someone's change. */
    async update(actor: Actor, id: string, version: number, raw: Record<string, unknown>): Promise<void> {
      peoplePolicy.assert(actor, 'edit');
      const agencies = await repo.agencyIds(db.for(actor), actor.partnershipId);
      const input = readPersonInput(
        raw,
        agencies.map((a) => a.id),
      );
      await db.for(actor).tx(async (c) => {
        const before = await visiblePerson(c, actor, id);
        if (before.version !== version) throw staleEdit();
        const same = await repo.withSameIdentifiers(c, actor.partnershipId, input, id);
        if (same.length && !input.duplicateReason) throw new DuplicateIdentifierError(same);
        const ward = input.postcode
          ? await repo.wardForPostcode(c, actor.partnershipId, input.postcode)
          : null;
        if (!(await repo.updatePerson(c, actor.partnershipId, id, version, input, ward))) throw staleEdit();
        await repo.replaceAliases(c, actor.partnershipId, id, input.aliases);
        await repo.addAgencies(c, actor.partnershipId, id, input.agencyIds);
        const changed = (Object.keys(CHANGE_LABELS) as (keyof PersonInput)[]).filter(
          (k) => (before as unknown as Record<string, unknown>)[k] !== input[k],
        );
        const aliasesChanged = JSON.stringify(before.aliases) !== JSON.stringify(input.aliases);
        const labels = [...changed.map((k) => CHANGE_LABELS[k]), ...(aliasesChanged ? ['other names'] : [])];
        await repo.addChronology(c, {
          partnershipId: actor.partnershipId,
          personId: id,
          kind: 'record',
          title: 'Person details changed',
          detail: labels.length ? `Changed: ${labels.join(', ')}` : 'No details changed',
          recordedBy: actor.userId,
        });
        // Field names, not values: the audit says what changed without copying the data again.
        await audit(c, actor, {
          action: 'person.updated',
          subjectPersonId: id,
          details: { fields: changed, aliasesChanged },
        });
      });
    },
  };
}

function staleEdit() {
  return new ConflictError(
    'Someone else changed this person’s details while you were editing. Your changes have not been saved: check their change, then make yours again.',
  );
}

export type PeopleService = ReturnType<typeof createPeopleService>;
