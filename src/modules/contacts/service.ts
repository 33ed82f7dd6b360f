import { type Database, type Queryable, sideBySide } from '../../db/database.ts';
import { type Actor, definePolicy, RECORDING_ROLES } from '../../platform/access.ts';
import { audit } from '../../platform/audit/index.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/events/index.ts';
import { bodyHash } from '../../platform/idempotency.ts';
import { Checker } from '../../platform/validation.ts';
import { assertCanSeePerson, defineRecordKind, visiblePeople } from '../../platform/visibility/index.ts';
import { startAssessment } from '../assessments/index.ts';
import { completeWork, schedule, scheduleMany } from '../clock/index.ts';
import { agencyIds as partnershipAgencyIds } from '../district/index.ts';
import { currentFlagsOf, type FlagType } from '../flags/index.ts';
import { checkAndRecord } from '../language/index.ts';
import { addChronologyEntry, ageInYears, noteAgencyKnows, type PeopleService } from '../people/index.ts';
import {
  CATEGORY_FLAGS,
  CATEGORY_NAMES,
  OUTCOME_NAMES,
  PARTS,
  type Part,
  URGENCY_HOURS,
  URGENCY_NAMES,
} from './reference.ts';
import * as repo from './repository.ts';
import { readContactInput, readDecisionInput } from './schema.ts';

const FRONT_DOOR = RECORDING_ROLES;

export const contactsPolicy = definePolicy('contacts', {
  view: [...FRONT_DOOR, 'analyst'],
  record: FRONT_DOOR,
  decide: ['front_door', 'meeting_chair', 'manager'],
  sign_off: ['manager'],
});
// What a contact or decision says is for those who may open contacts, wherever it appears.
defineRecordKind('contact', 'contacts:view', 'Contact received (details restricted)');
defineRecordKind('decision', 'contacts:view', 'Front Door decision (details restricted)');

export function createContactsService(db: Database, people: PeopleService, events: EventBus) {
  const agencyIds = (c: Queryable, actor: Actor) => partnershipAgencyIds(c, actor.partnershipId);

  async function load(c: Queryable, actor: Actor, id: string) {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError('No such contact');
    const contact = await repo.findContact(c, actor.partnershipId, id);
    if (!contact) throw new NotFoundError('No such contact');
    // A draft is its author's until submitted.
    if (contact.status === 'draft' && contact.createdById !== actor.userId)
      throw new NotFoundError('No such contact');
    return contact;
  }

  async function loadDraft(c: Queryable, actor: Actor, id: string, version?: number) {
    const contact = await load(c, actor, id);
    if (contact.status !== 'draft')
      throw new ConflictError('This contact has been submitted and can no longer be changed.');
    if (version !== undefined && contact.version !== version) {
      throw new ConflictError(
        'This draft was saved somewhere else since you opened it. Your changes have not been saved.',
      );
    }
    return contact;
  }

  /** A submitted draft's checks: everything a submission needs, and a subject. */
  async function checkSubmittable(c: Queryable, actor: Actor, contact: repo.ContactRecord) {
    const check = new Checker();
    readContactInput({ ...contact, places: contact.places }, await agencyIds(c, actor), true);
    if (!contact.people.some((p) => p.part === 'subject')) {
      check.add('people', 'Add the person the concern is about (the subject)');
    }
    check.throwIfAny();
  }

  /**
   * What follows a contact's receipt: the Front Door decision goes on the clock (and an allegation
   * against an adult on its 45-day clock), the agency now knows the people, and the receipt is
   * announced as `contact.submitted` — which puts it on each person's chronology, checks its
   * language, and (for anyone flagged) asks for a risk review, in the modules that do those things.
   */
  async function received(
    c: Queryable,
    actor: Actor,
    contact: Pick<repo.ContactRecord, 'id' | 'reference' | 'categories' | 'narrative'> & {
      people: { personId: string; part: Part }[];
    },
    receivedAt: Date,
  ) {
    const concerns = contact.categories.map((k) => CATEGORY_NAMES[k]).join(', ');
    const ids = contact.people.map((p) => p.personId);
    const work: Parameters<typeof scheduleMany>[2] = [
      {
        kind: 'front_door_decision',
        title: 'Make a Front Door decision',
        reason: concerns,
        contactId: contact.id,
        personId: contact.people.find((p) => p.part === 'subject')?.personId ?? null,
        from: receivedAt,
      },
    ];
    // An allegation against an adult: strategy discussion and risk assessment within the allegation rule (45 days).
    if (contact.categories.includes('allegation')) {
      for (const adult of contact.people.filter((p) => p.part === 'adult_of_concern')) {
        work.push({
          kind: 'allegation_strategy',
          title: 'Allegation: hold a strategy discussion and complete a risk assessment',
          reason: `Contact ${contact.reference}`,
          personId: adult.personId,
          contactId: contact.id,
          from: receivedAt,
        });
      }
    }
    const detail = `${concerns}. ${contact.narrative.slice(0, 500)}${contact.narrative.length > 500 ? '…' : ''}`;
    // The work on the clock, what the agency knows, the event and the audit are independent of
    // one another: written side by side.
    await sideBySide(
      scheduleMany(c, actor.partnershipId, work),
      noteAgencyKnows(c, actor, ids),
      events.publish(c, {
        name: 'contact.submitted',
        actor,
        payload: {
          contactId: contact.id,
          reference: contact.reference,
          categories: contact.categories,
          people: contact.people,
          receivedAt,
        },
        about: ids,
        chronology: contact.people.map((person) => ({
          personId: person.personId,
          kind: 'contact',
          title: `Contact ${contact.reference} received (${person.part.replace(/_/g, ' ')})`,
          detail,
          occurredAt: receivedAt,
        })),
        text: { recordKind: 'contact', recordId: contact.id, fields: { narrative: contact.narrative } },
        changesRisk: {
          title: 'Risk review needed: new contact about a flagged person',
          reason: `Contact ${contact.reference} (${concerns})`,
          contactId: contact.id,
        },
      }),
      audit(c, actor, {
        action: 'contact.submitted',
        details: { contactId: contact.id, people: contact.people.length },
      }),
    );
  }

  return {
    /** The contact lists name each contact's subjects: showing them is audited against each one. */
    async list(actor: Actor) {
      contactsPolicy.assert(actor, 'view');
      return db.for(actor).tx(async (c) => {
        const [drafts, undecided, recent] = [
          await repo.listContacts(c, actor.partnershipId, { draftsOf: actor.userId, limit: 50 }),
          await repo.listContacts(c, actor.partnershipId, { undecided: true, limit: 100 }),
          (await repo.listContacts(c, actor.partnershipId, { limit: 30 })).filter(
            (r) => r.status === 'submitted',
          ),
        ];
        const listed = [...new Set([...drafts, ...undecided, ...recent].flatMap((r) => r.subjectIds ?? []))];
        await audit(c, actor, { action: 'contacts.listed', listedPersonIds: listed });
        return { drafts, undecided, recent };
      });
    },

    /** Reading a contact reads about the people in it: audited against each of them. */
    async get(actor: Actor, id: string) {
      contactsPolicy.assert(actor, 'view');
      return db.for(actor).tx(async (c) => {
        const contact = await load(c, actor, id);
        for (const p of contact.people) {
          await audit(c, actor, {
            action: 'contact.viewed',
            subjectPersonId: p.personId,
            details: { contactId: id },
          });
        }
        if (!contact.people.length)
          await audit(c, actor, { action: 'contact.viewed', details: { contactId: id } });
        return contact;
      });
    },

    async agencies(actor: Actor) {
      contactsPolicy.assert(actor, 'view');
      return people.agencies(actor);
    },

    async createDraft(actor: Actor, raw: Record<string, unknown>): Promise<string> {
      contactsPolicy.assert(actor, 'record');
      return db.for(actor).tx(async (c) => {
        const input = readContactInput(raw, await agencyIds(c, actor), false);
        const id = await repo.insertContact(c, actor.partnershipId, actor.userId, input, null);
        await repo.replacePlaces(c, actor.partnershipId, id, input.places);
        await audit(c, actor, { action: 'contact.draft_created', details: { contactId: id } });
        return id;
      });
    },

    async updateDraft(actor: Actor, id: string, version: number, raw: Record<string, unknown>) {
      contactsPolicy.assert(actor, 'record');
      await db.for(actor).tx(async (c) => {
        await loadDraft(c, actor, id, version);
        const input = readContactInput(raw, await agencyIds(c, actor), false);
        if (!(await repo.updateDraft(c, actor.partnershipId, id, version, input))) {
          throw new ConflictError(
            'This draft was saved somewhere else since you opened it. Your changes have not been saved.',
          );
        }
        await repo.replacePlaces(c, actor.partnershipId, id, input.places);
        await audit(c, actor, { action: 'contact.draft_saved', details: { contactId: id } });
      });
    },

    async addPerson(actor: Actor, id: string, personId: string, part: string) {
      contactsPolicy.assert(actor, 'record');
      const check = new Checker();
      const chosen = check.oneOf(part, 'part', PARTS, { label: 'Part in the concern', required: true });
      check.throwIfAny();
      await db.for(actor).tx(async (c) => {
        await loadDraft(c, actor, id);
        await assertCanSeePerson(c, actor, personId);
        await repo.linkPerson(c, actor.partnershipId, id, personId, chosen as Part);
        await audit(c, actor, {
          action: 'contact.person_added',
          subjectPersonId: personId,
          details: { contactId: id, part: chosen },
        });
      });
    },

    /** Adds someone not yet known to Lantern: a new person record, linked to the draft. */
    async addNewPerson(actor: Actor, id: string, raw: Record<string, unknown>): Promise<string> {
      contactsPolicy.assert(actor, 'record');
      const check = new Checker();
      const part = check.oneOf(raw.part, 'part', PARTS, { label: 'Part in the concern', required: true });
      check.throwIfAny();
      await loadDraft(db.for(actor), actor, id);
      const personId = await people.create(actor, raw);
      await db.for(actor).tx(async (c) => {
        await repo.linkPerson(c, actor.partnershipId, id, personId, part as Part);
        await audit(c, actor, {
          action: 'contact.person_added',
          subjectPersonId: personId,
          details: { contactId: id, part },
        });
      });
      return personId;
    },

    async removePerson(actor: Actor, id: string, personId: string) {
      contactsPolicy.assert(actor, 'record');
      await db.for(actor).tx(async (c) => {
        await loadDraft(c, actor, id);
        await repo.unlinkPerson(c, id, personId);
        await audit(c, actor, {
          action: 'contact.person_removed',
          subjectPersonId: personId,
          details: { contactId: id },
        });
      });
    },

    async submit(actor: Actor, id: string, version: number) {
      contactsPolicy.assert(actor, 'record');
      await db.for(actor).tx(async (c) => {
        const contact = await loadDraft(c, actor, id, version);
        await checkSubmittable(c, actor, contact);
        const receivedAt = await repo.markSubmitted(c, actor.partnershipId, contact.id, contact.version);
        if (!receivedAt)
          throw new ConflictError(
            'This contact changed while you were submitting it. Check it and submit again.',
          );
        await received(c, actor, contact, receivedAt);
      });
    },

    /**
     * The API's one-step intake: create and submit with the people and places given. A retry with
     * the same Idempotency-Key returns the first contact instead of creating a second.
     */
    async receive(
      actor: Actor,
      raw: Record<string, unknown>,
      idempotencyKey: string | null,
    ): Promise<{ id: string; created: boolean; contact?: repo.ContactRecord }> {
      contactsPolicy.assert(actor, 'record');
      const idempotency = idempotencyKey ? { key: idempotencyKey, bodyHash: bodyHash(raw) } : null;
      // A retry of the same request returns the first contact; the same key with something else
      // is a mistake in the calling system, refused rather than silently answered with the first.
      const earlier = async () => {
        if (!idempotency) return undefined;
        const existing = await repo.findByIdempotencyKey(
          db.for(actor),
          actor.partnershipId,
          actor.userId,
          idempotency.key,
        );
        if (existing?.bodyHash && existing.bodyHash !== idempotency.bodyHash)
          throw new ValidationError([
            {
              field: 'Idempotency-Key',
              message: 'This key was already used for a different contact: send a new key for a new contact',
            },
          ]);
        return existing?.id;
      };
      const existing = await earlier();
      if (existing) return { id: existing, created: false };
      const list = Array.isArray(raw.people) ? (raw.people as Record<string, unknown>[]) : [];
      const check = new Checker();
      list.forEach((p, i) => {
        check.oneOf(p.part, `people.${i}.part`, PARTS, { label: 'Part', required: true });
        if (typeof p.personId !== 'string' || !/^[0-9a-f-]{36}$/i.test(p.personId))
          check.add(`people.${i}.personId`, 'Give the id of a person in Lantern');
      });
      if (!list.some((p) => p.part === 'subject'))
        check.add('people', 'Include the person the concern is about, with part "subject"');
      check.throwIfAny();
      const people = list.map((p) => ({ personId: p.personId as string, part: p.part as Part }));
      try {
        const outcome = await db.for(actor).tx(async (c) => {
          const [agencies, visible] = await sideBySide(
            agencyIds(c, actor),
            visiblePeople(
              c,
              actor,
              people.map((p) => p.personId),
            ),
          );
          const input = readContactInput(raw, agencies, true);
          const unknown = people
            .map((p, i) => ({ p, i }))
            .filter(({ p }) => !visible.has(p.personId))
            .map(({ i }) => ({ field: `people.${i}.personId`, message: 'No such person' }));
          if (unknown.length) throw new ValidationError(unknown);
          // Received at once: a submitted contact, never a draft first. A key seen before inserts
          // nothing (the unique index decides, race-free).
          const inserted = await repo.insertReceivedContact(
            c,
            actor.partnershipId,
            actor.userId,
            input,
            idempotency,
          );
          if (!inserted) return undefined;
          // The contact's people and places, what follows its receipt, and the contact read back
          // as stored: side by side, in that order on the connection.
          const [, , , contact] = await sideBySide(
            repo.linkPeople(c, actor.partnershipId, inserted.id, people),
            repo.insertPlaces(c, actor.partnershipId, inserted.id, input.places),
            received(c, actor, { ...input, ...inserted, people }, inserted.receivedAt),
            repo.findContact(c, actor.partnershipId, inserted.id),
          );
          return { id: inserted.id, contact };
        });
        if (outcome) return { id: outcome.id, created: true, contact: outcome.contact };
      } catch (error) {
        // Two retries racing: the unique key lets one win; the other returns the winner.
        if (!(idempotency && (error as { code?: string }).code === '23505')) throw error;
      }
      const winner = await earlier();
      if (!winner) throw new ConflictError('The contact with this Idempotency-Key could not be found');
      return { id: winner, created: false };
    },

    /**
     * The Front Door decision. "No further action" about a child who is already flagged needs a
     * manager's sign-off before it stands.
     */
    async decide(actor: Actor, id: string, raw: Record<string, unknown>) {
      contactsPolicy.assert(actor, 'decide');
      const input = readDecisionInput(raw);
      return db.for(actor).tx(async (c) => {
        const contact = await load(c, actor, id);
        if (contact.status !== 'submitted')
          throw new ConflictError('Submit the contact before deciding on it.');
        if (contact.decision)
          throw new ConflictError('A decision has already been recorded on this contact.');
        const subjects = contact.people.filter((p) => p.part === 'subject');
        const now = new Date();
        let flaggedChild = false;
        for (const s of subjects) {
          const age = ageInYears(s.dateOfBirth, now);
          if ((age === null || age < 18) && (await currentFlagsOf(c, actor.partnershipId, s.personId)).length)
            flaggedChild = true;
        }
        const needsSignoff = input.outcome === 'no_further_action' && flaggedChild;
        if (
          !(await repo.insertDecision(
            c,
            actor.partnershipId,
            id,
            actor.userId,
            input,
            needsSignoff ? 'pending' : 'not_needed',
          ))
        ) {
          throw new ConflictError('A decision has already been recorded on this contact.');
        }
        await completeWork(
          c,
          actor,
          { kind: 'front_door_decision', contactId: id },
          OUTCOME_NAMES[input.outcome],
        );
        for (const s of contact.people) {
          await addChronologyEntry(c, actor, {
            personId: s.personId,
            kind: 'decision',
            title: `Front Door decision on ${contact.reference}: ${OUTCOME_NAMES[input.outcome]}${needsSignoff ? ' (awaiting manager sign-off)' : ''}`,
            detail: input.rationale,
          });
        }
        if (needsSignoff) {
          await schedule(c, actor.partnershipId, {
            kind: 'signoff',
            title: 'Sign off "no further action" on a flagged child',
            reason: `Contact ${contact.reference}`,
            contactId: id,
            personId: subjects[0]?.personId ?? null,
          });
        }
        let assessments: { personId: string; assessmentId: string; dueAt: Date | null }[] = [];
        const hours = URGENCY_HOURS[input.urgency];
        const urgentBy = hours === null ? null : new Date(now.getTime() + hours * 3_600_000);
        if (input.outcome === 'exploitation_assessment' || input.outcome === 'strategy_discussion') {
          const flagTypes = [
            ...new Set(contact.categories.map((k) => CATEGORY_FLAGS[k]).filter((f): f is FlagType => !!f)),
          ];
          assessments = [];
          for (const s of subjects) {
            const started = await startAssessment(c, actor, {
              personId: s.personId,
              contactId: id,
              flagTypes,
              from: now,
              dueBy: urgentBy,
              reason: `Front Door decision on ${contact.reference}: ${OUTCOME_NAMES[input.outcome]} (${URGENCY_NAMES[input.urgency].toLowerCase()})`,
            });
            assessments.push({ personId: s.personId, assessmentId: started.id, dueAt: started.dueAt });
          }
        }
        await checkAndRecord(c, actor, { kind: 'decision', id }, { rationale: input.rationale });
        await audit(c, actor, {
          action: 'contact.decided',
          subjectPersonId: subjects[0]?.personId ?? null,
          details: { contactId: id, outcome: input.outcome, urgency: input.urgency, needsSignoff },
        });
        await events.publish(c, {
          name: 'contact.decided',
          actor,
          about: subjects.map((s) => s.personId),
          payload: { contactId: id, outcome: input.outcome, urgency: input.urgency, needsSignoff },
        });
        return { needsSignoff, assessments };
      });
    },

    async signOff(actor: Actor, id: string, raw: Record<string, unknown>) {
      contactsPolicy.assert(actor, 'sign_off');
      const check = new Checker();
      const decision = check.oneOf(raw.decision, 'decision', ['approve', 'decline'] as const, {
        label: 'Sign-off',
        required: true,
      });
      const note = check.text(raw.note, 'note', { label: 'Note', max: 5000 }) ?? null;
      if (decision === 'decline' && !note) check.add('note', 'Say why, so the Front Door can decide again');
      check.throwIfAny();
      await db.for(actor).tx(async (c) => {
        const contact = await load(c, actor, id);
        if (contact.decision?.signoffStatus !== 'pending')
          throw new ConflictError('This decision is not awaiting sign-off.');
        const status = decision === 'approve' ? 'approved' : 'declined';
        await repo.recordSignoff(c, actor.partnershipId, id, actor.userId, status, note);
        await completeWork(c, actor, { kind: 'signoff', contactId: id }, note);
        if (status === 'declined') {
          // The Front Door decides again; the declined decision stays in the audit trail and chronology.
          await repo.deleteDecision(c, actor.partnershipId, id);
          await schedule(c, actor.partnershipId, {
            kind: 'front_door_decision',
            title: 'Decide again: "no further action" was not signed off',
            reason: note,
            contactId: id,
            personId: contact.people.find((p) => p.part === 'subject')?.personId ?? null,
          });
        }
        for (const p of contact.people) {
          await addChronologyEntry(c, actor, {
            personId: p.personId,
            kind: 'decision',
            title: `Manager ${status === 'approved' ? 'signed off' : 'declined'} "no further action" on ${contact.reference}`,
            detail: note,
          });
        }
        await audit(c, actor, {
          action: `contact.signoff_${status}`,
          subjectPersonId: contact.people.find((p) => p.part === 'subject')?.personId ?? null,
          reason: note,
          details: { contactId: id, declinedDecision: status === 'declined' ? contact.decision : undefined },
        });
      });
    },

    async aboutPerson(actor: Actor, personId: string) {
      contactsPolicy.assert(actor, 'view');
      await assertCanSeePerson(db.for(actor), actor, personId);
      return repo.contactsAboutPerson(db.for(actor), actor.partnershipId, personId);
    },
  };
}

export type ContactsService = ReturnType<typeof createContactsService>;
