import type { Database, Queryable } from '../../db/database.ts';
import { type Actor, CASEWORK_ROLES, definePolicy } from '../../platform/access.ts';
import { audit } from '../../platform/audit/index.ts';
import { ConflictError, NotFoundError } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/events/index.ts';
import { Checker } from '../../platform/validation.ts';
import { assertCanSeePerson, onlyVisible, relationshipAgency } from '../../platform/visibility/index.ts';
import { mergePeople } from '../people/index.ts';
import { COMPARISON_COUNT, compareAt, compareRecords } from './comparisons.ts';
import { QUERY_FIELDS } from './extract.ts';
import { trainModel } from './link.ts';
import { type Explanation, explain, type ModelParameters, pairWeight, scorer } from './model.ts';
import {
  type MatchRecord,
  normaliseEmail,
  normalisePhone,
  normaliseRecord,
  parseDob,
  type RawRecord,
} from './normalise.ts';
import { MATCH_DECISIONS, type MatchDecision, REVIEW_DECISIONS, type ReviewDecision } from './reference.ts';
import * as repo from './repository.ts';
import { recordTable } from './table.ts';

export const matchingPolicy = definePolicy('matching', {
  search: CASEWORK_ROLES,
  decide: ['front_door', 'meeting_chair', 'police_intelligence', 'manager'],
  // Clerical review ends in a merge, so it is for those who may merge people.
  review: ['front_door', 'police_intelligence', 'manager'],
  view_model: ['administrator', 'manager', 'analyst'],
  train: ['administrator'],
});

/** A person row as a match record; an approximate date of birth only tells the year. */
export function personRecord(row: repo.PersonRow, query?: MatchRecord): MatchRecord {
  // Of the phones and emails agencies hold, the one asked about (when it is there) or the first.
  const pick = (held: string[], asked: string | null | undefined) =>
    (asked && held.includes(asked) ? asked : held[0]) ?? null;
  const record = normaliseRecord({
    ...row,
    phone: pick(row.phones ?? [], query?.phone),
    email: pick(row.emails ?? [], query?.email),
  });
  if (!record.dob && row.dob_year) {
    record.dob = {
      ...(parseDob(`${row.dob_year}-07-01`) as NonNullable<MatchRecord['dob']>),
      yearOnly: true,
    };
  }
  return record;
}

/** People as match records, for linking an extract against Lantern (operator command). */
export async function peopleForLinking(c: Queryable, partnershipId: string | null): Promise<MatchRecord[]> {
  return (await repo.allPeople(c, partnershipId)).map((row) => personRecord(row));
}

/** Trains a new model version on the partnership's people and stores it. */
export async function trainAndStore(
  c: Queryable,
  partnershipId: string,
  userId: string | null,
): Promise<{ version: number; params: ModelParameters }> {
  const people = (await repo.allPeople(c, partnershipId)).map((row) => personRecord(row));
  const params = trainModel(people, null, { seed: 42 });
  const version = await repo.saveModel(c, partnershipId, params, userId);
  return { version, params };
}

export interface MatchCandidate {
  person: {
    id: string;
    givenName: string;
    familyName: string;
    dateOfBirth: string | null;
    postcode: string | null;
  };
  probability: number;
  matchWeight: number;
  explanation: Explanation;
}

/** Dates a mistyped date of birth could have been: swapped day and month, a year either side. */
function dobVariants(dob: MatchRecord['dob']): string[] {
  if (!dob || dob.yearOnly) return [];
  const iso = (y: number, m: number, d: number) =>
    `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  const variants = [iso(dob.y, dob.m, dob.d), iso(dob.y - 1, dob.m, dob.d), iso(dob.y + 1, dob.m, dob.d)];
  if (dob.d <= 12 && dob.d !== dob.m) variants.push(iso(dob.y, dob.d, dob.m));
  return variants.filter(
    (v) => !Number.isNaN(new Date(v).getTime()) && new Date(v).toISOString().startsWith(v),
  );
}

export function createMatchingService(db: Database, events: EventBus) {
  // The model (with its name-frequency tables) is read once per version, not on every search.
  const cache = new Map<string, repo.StoredModel>();

  // A newer version (trained by an administrator or an import) is picked up within seconds.
  const checkedAt = new Map<string, number>();
  const RECHECK_MS = 5000;

  async function currentModel(actor: Actor) {
    const cached = cache.get(actor.partnershipId);
    if (cached && Date.now() - (checkedAt.get(actor.partnershipId) ?? 0) < RECHECK_MS) return cached;
    const latest = await repo.latestVersion(db.for(actor), actor.partnershipId);
    checkedAt.set(actor.partnershipId, Date.now());
    if (cached && cached.version === latest) return cached;
    const stored = latest ? await repo.activeModel(db.for(actor), actor.partnershipId) : undefined;
    if (stored) {
      cache.set(actor.partnershipId, stored);
      return stored;
    }
    // First use: learn from the people already recorded.
    const { version, params } = await trainAndStore(db.for(actor), actor.partnershipId, null);
    return { version, params, trainedAt: new Date(), trainedBy: null };
  }

  return {
    /**
     * "Already known?": people who may be this person, most likely first, each with the
     * probability and the evidence of each field.
     */
    async match(actor: Actor, raw: Record<string, unknown>, limit = 10) {
      matchingPolicy.assert(actor, 'search');
      const check = new Checker();
      const fields = QUERY_FIELDS;
      const input: RawRecord = { id: 'query' };
      for (const f of fields) {
        const v = check.text(raw[f], f, { label: f.replace(/_/g, ' '), max: 100 });
        if (v) (input as unknown as Record<string, string>)[f] = v;
      }
      if (input.dob && !parseDob(input.dob))
        check.add('dob', 'Date of birth must be a real date, like 2010-03-12 or 12/03/2010');
      if (input.phone && !normalisePhone(input.phone))
        check.add('phone', 'Phone number must have at least 7 digits, like 07700 900123 or +44 7700 900123');
      if (input.email && !normaliseEmail(input.email).emailLocal)
        check.add('email', 'Email address must look like name@example.org');
      if (
        !input.given_name &&
        !input.family_name &&
        !input.full_name &&
        !input.dob &&
        !input.nhs_number &&
        !input.upn &&
        !input.police_ref &&
        !input.phone &&
        !input.email
      ) {
        check.add(
          'family_name',
          'Give at least a name, a date of birth, a phone number, an email or an identifier',
        );
      }
      check.throwIfAny();
      const query = normaliseRecord(input);
      const model = await currentModel(actor);
      const onlyAgency = relationshipAgency(actor);
      const rows = await repo.candidates(
        db.for(actor),
        actor.partnershipId,
        {
          name: [query.given, query.family].filter(Boolean).join(' ') || null,
          given: query.given,
          family: query.family,
          birthYear: query.dob?.y ?? null,
          dobs: dobVariants(query.dob),
          postcode: query.postcode,
          nhs: query.nhs,
          upn: query.upn,
          police: query.police,
          phone: query.phone,
          email: query.emailLocal ? query.email : null,
        },
        500,
        onlyAgency,
      );
      // The prior for "this query is that person": present at most once among everyone recorded.
      const params = { ...model.params, lambda: 0.5 / Math.max(model.params.trainedOn.records, 1) };
      // Records merged into someone stand for that person: keep each person's best-matching record.
      // Every candidate is scored; only those shown are explained field by field.
      const best = new Map<string, { row: repo.PersonRow; levels: Uint8Array; weight: number }>();
      const weigh = scorer(params);
      // One table: the query (row 0) and every candidate.
      // Phones and emails count only when asked about: only then are the candidates' read.
      const withKeys =
        query.phone || query.email
          ? repo.withContacts(
              rows,
              await repo.contactKeys(
                db.for(actor),
                actor.partnershipId,
                rows.map((r) => r.id),
              ),
            )
          : rows;
      const table = recordTable([query, ...withKeys.map((row) => personRecord(row, query))]);
      withKeys.forEach((row, k) => {
        const levels = compareAt(table, 0, k + 1, new Uint8Array(COMPARISON_COUNT));
        const weight = pairWeight(weigh, levels, 0, query);
        const held = best.get(row.root_id);
        if (!held || weight > held.weight) best.set(row.root_id, { row, levels, weight });
      });
      const shortlist = [...best.values()].sort((a, b) => b.weight - a.weight).slice(0, limit);
      const rootRows = new Map(
        (
          await repo.peopleByIds(
            db.for(actor),
            actor.partnershipId,
            shortlist.filter((b) => b.row.root_id !== b.row.id).map((b) => b.row.root_id),
          )
        ).map((r) => [r.id, r]),
      );
      const top: MatchCandidate[] = shortlist.map(({ row, levels }) => {
        const shown = rootRows.get(row.root_id) ?? row;
        const explanation = explain(params, levels, query);
        return {
          person: {
            id: row.root_id,
            givenName: shown.given_name ?? '',
            familyName: shown.family_name ?? '',
            dateOfBirth: shown.dob ?? (shown.dob_year ? `${shown.dob_year} (approximate)` : null),
            postcode: shown.postcode ?? null,
          },
          probability: explanation.probability,
          matchWeight: explanation.totalWeight,
          explanation,
        };
      });
      // Each person shown as a candidate appears in their access log.
      await audit(db.for(actor), actor, {
        action: 'people.matched',
        listedPersonIds: top.map((c) => c.person.id),
        details: { candidates: top.length, modelVersion: model.version },
      });
      return { modelVersion: model.version, candidates: top };
    },

    /** A practitioner's verdict on a suggested match, kept for reviewing the model. */
    async recordDecision(actor: Actor, raw: Record<string, unknown>) {
      matchingPolicy.assert(actor, 'decide');
      const check = new Checker();
      const decision = check.oneOf(raw.decision, 'decision', MATCH_DECISIONS, {
        label: 'Decision',
        required: true,
      });
      const probability = Number(raw.probability);
      if (!(probability >= 0 && probability <= 1))
        check.add('probability', 'Probability must be between 0 and 1');
      const modelVersion = Number(raw.modelVersion);
      if (!Number.isInteger(modelVersion) || modelVersion < 1)
        check.add('modelVersion', 'Model version is missing');
      check.throwIfAny();
      const personId = String(raw.personId ?? '');
      const contactId = typeof raw.contactId === 'string' && raw.contactId ? raw.contactId : null;
      return db.for(actor).tx(async (c) => {
        await assertCanSeePerson(c, actor, personId);
        const id = await repo.insertDecision(c, actor.partnershipId, {
          personId,
          contactId,
          decision: decision as MatchDecision,
          probability,
          modelVersion,
          evidence: raw.evidence ?? {},
          userId: actor.userId,
        });
        await audit(c, actor, {
          action: `match.${decision}`,
          subjectPersonId: personId,
          details: { probability, modelVersion, contactId },
        });
        return id;
      });
    },

    /** Pairs of people who may be one person, waiting for a practitioner. */
    async reviews(actor: Actor, limit = 200) {
      matchingPolicy.assert(actor, 'review');
      return db.for(actor).tx(async (c) => {
        const all = await repo.openReviews(c, actor.partnershipId, limit);
        const items = await onlyVisible(c, actor, all, (r) => r.personA);
        const shown = await onlyVisible(c, actor, items, (r) => r.personB);
        const open = await repo.countOpenReviews(c, actor.partnershipId);
        // The latest decisions beside them, so a reviewer sees how others have told pairs apart.
        const decided = await repo.decidedReviews(c, actor.partnershipId, 10);
        const recent = await onlyVisible(
          c,
          actor,
          await onlyVisible(c, actor, decided, (r) => r.personA),
          (r) => r.personB,
        );
        await audit(c, actor, {
          action: 'matching.reviews_listed',
          listedPersonIds: [...shown, ...recent].flatMap((r) => [r.personA, r.personB]),
          details: { shown: shown.length, decided: recent.length },
        });
        return { items: shown, open, recent };
      });
    },

    /** One pair side by side with the model's evidence; reading both people is audited. */
    async review(actor: Actor, id: string) {
      matchingPolicy.assert(actor, 'review');
      return db.for(actor).tx(async (c) => {
        const item = await repo.findReview(c, actor.partnershipId, id);
        if (!item) throw new NotFoundError('No such review');
        await assertCanSeePerson(c, actor, item.personA);
        await assertCanSeePerson(c, actor, item.personB);
        const [a, b] = await repo
          .peopleByIds(c, actor.partnershipId, [item.personA, item.personB])
          .then((rows) =>
            [item.personA, item.personB].map((pid) => rows.find((r) => r.id === pid) as repo.PersonRow),
          );
        const model = await currentModel(actor);
        const explanation = explain(
          model.params,
          compareRecords(personRecord(a), personRecord(b)),
          personRecord(a),
        );
        for (const subject of [item.personA, item.personB]) {
          await audit(c, actor, {
            action: 'person.viewed',
            subjectPersonId: subject,
            reason: 'clerical review of a possible match',
            details: { reviewId: id },
          });
        }
        return { item, a, b, explanation, modelVersion: model.version };
      });
    },

    /**
     * A practitioner's decision on a pair: "same person" merges them (the record made first is
     * kept as the main one; nothing is lost either way), "different" closes the pair, "not sure"
     * leaves it for someone else.
     */
    async decideReview(actor: Actor, id: string, raw: Record<string, unknown>) {
      matchingPolicy.assert(actor, 'review');
      const check = new Checker();
      const decision = check.oneOf(raw.decision, 'decision', REVIEW_DECISIONS, {
        label: 'Decision',
        required: true,
        requiredMessage: 'Select whether these records are the same person',
      });
      const note = check.text(raw.note, 'note', { label: 'Note', max: 2000 });
      check.throwIfAny();
      return db.for(actor).tx(async (c) => {
        const item = await repo.findReview(c, actor.partnershipId, id, true);
        if (!item) throw new NotFoundError('No such review');
        await assertCanSeePerson(c, actor, item.personA);
        await assertCanSeePerson(c, actor, item.personB);
        if (item.status === 'accepted' || item.status === 'rejected')
          throw new ConflictError('Someone has already decided this pair.');
        let mergeId: string | null = null;
        if (decision === 'accepted') {
          const [first, second] = await repo.inOrderOfCreation(c, [item.personA, item.personB]);
          mergeId = await mergePeople(
            c,
            actor,
            {
              survivorId: first,
              absorbedId: second,
              reason:
                note ??
                `Confirmed as the same person in clerical review (probability ${(item.probability * 100).toFixed(1)}%)`,
              reviewId: id,
            },
            events,
          );
        }
        await repo.decideReview(c, actor.partnershipId, id, {
          status: decision as ReviewDecision,
          note: note ?? null,
          userId: actor.userId,
        });
        await audit(c, actor, {
          action: 'match.reviewed',
          subjectPersonId: item.personA,
          details: {
            reviewId: id,
            decision,
            otherPersonId: item.personB,
            probability: item.probability,
            mergeId,
          },
        });
        return { decision: decision as string, mergeId };
      });
    },

    async model(actor: Actor) {
      matchingPolicy.assert(actor, 'view_model');
      const [current, versions, decisions] = await Promise.all([
        repo.activeModel(db.for(actor), actor.partnershipId),
        repo.modelVersions(db.for(actor), actor.partnershipId),
        repo.decisionCounts(db.for(actor), actor.partnershipId),
      ]);
      return { current, versions, decisions };
    },

    async train(actor: Actor) {
      matchingPolicy.assert(actor, 'train');
      return db.for(actor).tx(async (c) => {
        const { version, params } = await trainAndStore(c, actor.partnershipId, actor.userId);
        await audit(c, actor, {
          action: 'match.model_trained',
          details: { version, trainedOn: params.trainedOn },
        });
        checkedAt.delete(actor.partnershipId);
        return version;
      });
    },
  };
}

export type MatchingService = ReturnType<typeof createMatchingService>;
