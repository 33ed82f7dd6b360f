import { fileTypeFromBuffer } from 'file-type';
import { type Database, type Queryable, sideBySide } from '../../db/database.ts';
import type { Actor } from '../../platform/access.ts';
import { audit } from '../../platform/audit/index.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { asList, Checker, londonDate } from '../../platform/validation.ts';
import { assertCanSeePerson, visiblePeople } from '../../platform/visibility/index.ts';
import { completeWork, peopleWithOpenWork, schedule } from '../clock/index.ts';
import { checkAndRecord } from '../language/index.ts';
import { addChronologyEntry, ETHNICITY_NAMES, GENDER_NAMES } from '../people/index.ts';
import { currentPlacementOf, PLACEMENT_KIND_NAMES, RESIDENTIAL } from '../placements/index.ts';
import {
  GRADING_NAMES,
  PARTIES,
  PARTY_NAMES,
  type Party,
  PHOTO_FORMATS,
  type PhotoFormat,
} from './reference.ts';
import * as repo from './repository.ts';
import { missingPolicy } from './service.ts';

/** The largest photograph kept (2 MB), and the kinds accepted, judged by the file's content. */
export const PHOTO_LIMIT = 2 * 1024 * 1024;
const MONTH = 30.44 * 86_400_000;

/** A plan as typed or sent, checked. Associates must be people the user may see. */
export function readPlanInput(raw: Record<string, unknown>, today = londonDate(new Date())) {
  const check = new Checker();
  const text = (
    field: string,
    label: string,
    opts: { required?: boolean; max?: number; requiredMessage?: string } = {},
  ) => check.text(raw[field], field, { label, max: opts.max ?? 3000, ...opts }) ?? null;
  const physicalDescription = text('physicalDescription', 'Physical description', {
    required: true,
    requiredMessage: 'Describe the child: height, build, hair, marks, what they usually wear',
  });
  const firstActions = text('firstActions', 'What to do first', {
    required: true,
    requiredMessage: 'Enter what the carer and the police should do first when the child goes missing',
  });
  const reviewDue = check.date(raw.reviewDue, 'reviewDue', { label: 'Review date', required: true });
  if (reviewDue && reviewDue <= today) check.add('reviewDue', 'Review date must be in the future');
  const associates = asList(raw.associates).filter(Boolean);
  if (associates.some((id) => !/^[0-9a-f-]{36}$/i.test(id)))
    check.add('associates', 'Choose associates from the list');
  const version = raw.version === undefined || raw.version === '' ? null : Number(raw.version);
  const input = {
    physicalDescription: physicalDescription as string,
    associates: [...new Set(associates)],
    associatesNote: text('associatesNote', 'Other friends and associates'),
    places: text('places', 'Places they go'),
    phones: text('phones', 'Phone numbers', { max: 500 }),
    socialMedia: text('socialMedia', 'Social media', { max: 500 }),
    healthNeeds: text('healthNeeds', 'Health needs and medication'),
    triggers: text('triggers', 'Known triggers'),
    firstActions: firstActions as string,
    reviewDue: reviewDue as string,
  };
  check.throwIfAny();
  return { input, version: Number.isInteger(version) ? version : null };
}

export function createPhilomenaService(db: Database) {
  async function visiblePlan(c: Queryable, actor: Actor, planId: string) {
    if (!/^[0-9a-f-]{36}$/i.test(planId)) throw new NotFoundError('No such plan');
    const plan = await repo.findPlan(c, actor.partnershipId, planId);
    if (!plan) throw new NotFoundError('No such plan');
    await assertCanSeePerson(c, actor, plan.personId);
    return plan;
  }

  /** The plan, the placement and the agreements; `summary` (the person page) skips the associates' names. */
  async function planState(c: Queryable, actor: Actor, personId: string, summary = false) {
    // Read side by side: in a transaction too, the connection is pipelined.
    const [plan, placement] = await sideBySide(
      repo.planOf(c, actor.partnershipId, personId),
      currentPlacementOf(c, actor.partnershipId, personId),
    );
    const agreements = plan ? await repo.agreementsOf(c, actor.partnershipId, plan.id, plan.version) : [];
    const associates =
      plan && !summary
        ? await repo.namesOf(c, actor.partnershipId, plan.associates)
        : new Map<string, string>();
    return {
      plan,
      placement: placement ? { ...placement, kindName: PLACEMENT_KIND_NAMES[placement.kind] } : null,
      residential: !!placement && RESIDENTIAL.includes(placement.kind),
      agreements: PARTIES.map((party) => ({
        party,
        partyName: PARTY_NAMES[party],
        agreement: agreements.find((a) => a.party === party) ?? null,
      })),
      agreed: PARTIES.every((p) => agreements.some((a) => a.party === p)),
      associates: plan?.associates.map((id) => ({ id, name: associates.get(id) ?? 'Not known' })) ?? [],
      reviewOverdue: !!plan && plan.reviewDue < londonDate(new Date()),
    };
  }

  const service = {
    /** The child's plan, its agreements and what to choose associates from (audited as a view of the child). */
    async forPerson(actor: Actor, personId: string) {
      missingPolicy.assert(actor, 'view_plan');
      return db.for(actor).tx(async (c) => {
        await assertCanSeePerson(c, actor, personId);
        const state = await planState(c, actor, personId);
        const seenWith = await repo.peopleSeenWith(c, actor.partnershipId, personId);
        const visible = await visiblePeople(
          c,
          actor,
          seenWith.map((p) => p.id),
        );
        await audit(c, actor, { action: 'philomena.viewed', subjectPersonId: personId });
        return { ...state, seenWith: seenWith.filter((p) => visible.has(p.id)) };
      });
    },

    /** For the person page: whether a plan is needed, made and agreed (read with the page's audited view). */
    async summary(actor: Actor, personId: string) {
      missingPolicy.assert(actor, 'view_plan');
      const c = db.for(actor);
      await assertCanSeePerson(c, actor, personId);
      const { plan, agreed, residential, reviewOverdue } = await planState(c, actor, personId, true);
      return { exists: !!plan, agreed, residential, reviewOverdue, reviewDue: plan?.reviewDue ?? null };
    },

    /** Makes or changes the plan. A change is a new version: the three parties agree it again. */
    async save(actor: Actor, personId: string, raw: Record<string, unknown>) {
      missingPolicy.assert(actor, 'record_plan');
      const { input, version } = readPlanInput(raw);
      return db.for(actor).tx(async (c) => {
        await assertCanSeePerson(c, actor, personId);
        const visible = await visiblePeople(c, actor, input.associates);
        if (input.associates.some((id) => !visible.has(id) || id === personId))
          throw new ValidationError([{ field: 'associates', message: 'Choose associates from the list' }]);
        const placement = await currentPlacementOf(c, actor.partnershipId, personId);
        const values = { ...input, placementId: placement?.id ?? null };
        const existing = await repo.planOf(c, actor.partnershipId, personId);
        let id: string;
        if (existing) {
          if (version !== existing.version)
            throw new ConflictError(
              'Someone changed this plan while you were editing it. Reload it and make your change again.',
            );
          if (
            !(await repo.updatePlan(
              c,
              actor.partnershipId,
              existing.id,
              existing.version,
              actor.userId,
              values,
            ))
          )
            throw new ConflictError(
              'Someone changed this plan while you were editing it. Reload it and make your change again.',
            );
          id = existing.id;
        } else {
          const made = await repo.insertPlan(c, actor.partnershipId, personId, actor.userId, values);
          if (!made)
            throw new ConflictError(
              'A plan for this child was made while you were writing this one. Reload it.',
            );
          id = made;
        }
        await addChronologyEntry(c, actor, {
          personId,
          kind: 'missing',
          title: existing
            ? `Philomena plan changed (version ${existing.version + 1}): to be agreed again`
            : 'Philomena plan made: to be agreed',
        });
        await audit(c, actor, {
          action: existing ? 'philomena.changed' : 'philomena.made',
          subjectPersonId: personId,
          details: { planId: id },
        });
        await checkAndRecord(
          c,
          actor,
          { kind: 'philomena_plan', id },
          { triggers: input.triggers, places: input.places, firstActions: input.firstActions },
        );
        return { id };
      });
    },

    /**
     * One party's agreement to the plan as it stands. The police agree through a police user, the
     * social worker through children's social care; the provider's is recorded by name.
     */
    async agree(actor: Actor, planId: string, raw: Record<string, unknown>) {
      missingPolicy.assert(actor, 'record_plan');
      const check = new Checker();
      const party = check.oneOf(raw.party, 'party', PARTIES, { label: 'Who is agreeing', required: true });
      const name = check.text(raw.agreedByName, 'agreedByName', {
        label: 'Name and role',
        required: true,
        max: 200,
        requiredMessage: 'Enter the name and role of the person agreeing',
      });
      const version = Number(raw.version);
      if (party === 'police' && actor.agencyKind !== 'police')
        check.add('party', 'The police agree the plan through a police user of Lantern');
      if (party === 'social_worker' && actor.agencyKind !== 'childrens_social_care')
        check.add(
          'party',
          "The social worker agrees the plan through a children's social care user of Lantern",
        );
      check.throwIfAny();
      return db.for(actor).tx(async (c) => {
        const plan = await visiblePlan(c, actor, planId);
        if (version !== plan.version)
          throw new ConflictError('The plan changed since you opened it: read it again before agreeing.');
        if (
          !(await repo.insertAgreement(c, actor.partnershipId, {
            planId,
            version,
            party: party as Party,
            agreedByName: name as string,
            userId: actor.userId,
          }))
        )
          throw new ConflictError(
            `${PARTY_NAMES[party as Party]} has already agreed this version of the plan.`,
          );
        const agreements = await repo.agreementsOf(c, actor.partnershipId, planId, version);
        const all = PARTIES.every((p) => agreements.some((a) => a.party === p));
        await addChronologyEntry(c, actor, {
          personId: plan.personId,
          kind: 'missing',
          title: `Philomena plan agreed by the ${PARTY_NAMES[party as Party].toLowerCase()}${all ? ': agreed by all three' : ''}`,
          detail: name,
        });
        await audit(c, actor, {
          action: 'philomena.agreed',
          subjectPersonId: plan.personId,
          details: { planId, version, party, all },
        });
        if (all) {
          await completeWork(
            c,
            actor,
            { kind: 'philomena_plan', personId: plan.personId },
            'Agreed by all three',
          );
          await schedule(c, actor.partnershipId, {
            kind: 'philomena_plan',
            title: 'Review the Philomena plan',
            reason: `Agreed by all three; review due ${plan.reviewDue}`,
            personId: plan.personId,
            dueAt: new Date(`${plan.reviewDue}T17:00:00Z`),
          });
        }
        return { all, personId: plan.personId };
      });
    },

    /** The photograph, checked by its content (JPEG or PNG) and its size; what the browser says is not trusted. */
    async uploadPhoto(actor: Actor, planId: string, file: { data: Buffer; truncated: boolean } | undefined) {
      missingPolicy.assert(actor, 'view_photo');
      if (!file?.data.length) throw new ValidationError([{ field: 'photo', message: 'Choose a photograph' }]);
      if (file.truncated || file.data.length > PHOTO_LIMIT)
        throw new ValidationError([{ field: 'photo', message: 'The photograph must be smaller than 2 MB' }]);
      const type = await fileTypeFromBuffer(file.data);
      const format = type?.mime.replace(/^image\//, '') as PhotoFormat | undefined;
      if (!format || !PHOTO_FORMATS.includes(format))
        throw new ValidationError([
          { field: 'photo', message: 'The photograph must be a JPEG or PNG image' },
        ]);
      return db.for(actor).tx(async (c) => {
        const plan = await visiblePlan(c, actor, planId);
        await repo.savePhoto(c, actor.partnershipId, planId, {
          format,
          content: file.data,
          userId: actor.userId,
        });
        await audit(c, actor, {
          action: 'philomena.photo_saved',
          subjectPersonId: plan.personId,
          details: { planId, bytes: file.data.length },
        });
        return plan.personId;
      });
    },

    async photo(actor: Actor, planId: string) {
      missingPolicy.assert(actor, 'view_photo');
      return db.for(actor).tx(async (c) => {
        const plan = await visiblePlan(c, actor, planId);
        const photo = await repo.photoOf(c, actor.partnershipId, planId);
        if (!photo) throw new NotFoundError('No photograph');
        await audit(c, actor, {
          action: 'philomena.photo_viewed',
          subjectPersonId: plan.personId,
          details: { planId },
        });
        return photo;
      });
    },

    /** The one-page grab pack for the police: part 1 (the plan) and part 2 (the episode now, if any). */
    async grabPack(actor: Actor, personId: string) {
      missingPolicy.assert(actor, 'view_plan');
      return db.for(actor).tx(async (c) => {
        await assertCanSeePerson(c, actor, personId);
        const state = await planState(c, actor, personId);
        const child = await repo.childForPack(c, actor.partnershipId, personId);
        const list = await repo.episodesOf(c, actor.partnershipId, personId);
        if (!state.plan || !child) throw new NotFoundError('This child has no Philomena plan yet');
        const canSeePhoto = missingPolicy.can(actor, 'view_photo');
        const photo =
          canSeePhoto && state.plan.hasPhoto
            ? await repo.photoOf(c, actor.partnershipId, state.plan.id)
            : undefined;
        const open = list.find((e) => e.returnedAt === null) ?? null;
        const yearAgo = new Date(Date.now() - 12 * MONTH);
        await audit(c, actor, {
          action: 'philomena.grab_pack_printed',
          subjectPersonId: personId,
          details: { planId: state.plan.id },
        });
        return {
          ...state,
          child: {
            ...child,
            genderName: GENDER_NAMES[child.gender as keyof typeof GENDER_NAMES] ?? child.gender,
            ethnicityName: (child.ethnicity && ETHNICITY_NAMES[child.ethnicity]) || 'Not recorded',
          },
          photo: photo ? `data:${photo.mediaType};base64,${photo.content.toString('base64')}` : null,
          open: open ? { ...open, gradingName: GRADING_NAMES[open.riskGrading] } : null,
          episodesInYear: list.filter((e) => e.lastSeenAt >= yearAgo).length,
          printedAt: new Date(),
          printedBy: actor.displayName,
        };
      });
    },

    /** A child placed in residential care without an agreed plan goes on the work queue. */
    async placedInResidentialCare(c: Queryable, actor: Actor, personId: string) {
      const plan = await repo.planOf(c, actor.partnershipId, personId);
      if (plan) {
        const agreements = await repo.agreementsOf(c, actor.partnershipId, plan.id, plan.version);
        if (PARTIES.every((p) => agreements.some((a) => a.party === p))) return;
      }
      if ((await peopleWithOpenWork(c, actor.partnershipId, [personId], 'philomena_plan')).length) return;
      await schedule(c, actor.partnershipId, {
        kind: 'philomena_plan',
        title: 'Agree a Philomena Protocol plan',
        reason: 'Placed in residential care without an agreed missing trigger plan',
        personId,
      });
    },
  };
  return service;
}

export type PhilomenaService = ReturnType<typeof createPhilomenaService>;
