import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/database.ts';
import { auditSystem } from '../../platform/audit/index.ts';
import {
  type AgencyRecordInput,
  agencyRecordOwners,
  type ImportedPerson,
  isValidNhsNumber,
  isValidUpn,
  normalisePostcode,
  saveImportedRecords,
} from '../people/index.ts';
import { clusters } from './cluster.ts';
import { ExtractError, MAPPABLE_FIELDS } from './extract.ts';
import { compareCandidates, type Progress, predict, trainModel } from './link.ts';
import { normaliseEmail, normalisePhone, normaliseRecord, parseDob, type RawRecord } from './normalise.ts';
import * as repo from './repository.ts';
import { personRecord } from './service.ts';

export interface ImportOptions {
  agencyCode: string;
  /** The file's name, kept with the import for the record. */
  sourceName: string;
  records: RawRecord[];
  /** At or above: the record is linked to the person without asking anyone. */
  autoThreshold?: number;
  /** At or above (and below auto): the pair goes to clerical review. */
  reviewThreshold?: number;
  seed?: number;
  progress?: Progress;
}

export interface ImportSummary {
  importId: string;
  agencyName: string;
  rowsRead: number;
  linked: number;
  created: number;
  updated: number;
  forReview: number;
  refused: { id: string; reason: string }[];
  modelVersion: number;
}

/** The record's mapped fields exactly as the agency gave them (kept on the agency record). */
function heldFields(r: RawRecord): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of MAPPABLE_FIELDS) if (r[f]) out[f] = r[f] as string;
  return out;
}

/** What the agency record keeps: its fields as given, and its phone and email normalised. */
function held(r: RawRecord) {
  const email = normaliseEmail(r.email);
  return {
    fields: heldFields(r),
    phoneKey: normalisePhone(r.phone),
    emailKey: email.emailLocal && email.email && email.email.length <= 254 ? email.email : null,
  };
}

/** Names as written, split from a full name when the agency only has one ("Smith, Jon" or "Jon Smith"). */
function namesOf(r: RawRecord): { given: string; family: string } | null {
  if (r.family_name?.trim()) return { given: r.given_name?.trim() ?? '', family: r.family_name.trim() };
  const full = r.full_name?.trim();
  if (!full) return null;
  if (full.includes(',')) {
    const [family, given] = full.split(',', 2).map((x) => x.trim());
    return family ? { given: given ?? '', family } : null;
  }
  const words = full.split(/\s+/);
  return { given: words.slice(0, -1).join(' '), family: words[words.length - 1] };
}

/** A new person made from an agency record: only values that pass Lantern's own checks. */
function personFrom(r: RawRecord, names: { given: string; family: string }): ImportedPerson {
  const dob = parseDob(r.dob);
  const gender = normaliseRecord(r).gender;
  const nhs = r.nhs_number?.replace(/\s+/g, '') ?? '';
  const upn = r.upn?.toUpperCase().replace(/\s+/g, '') ?? '';
  return {
    id: randomUUID(),
    givenName: names.given,
    familyName: names.family,
    dateOfBirth: dob ? `${dob.y}-${String(dob.m).padStart(2, '0')}-${String(dob.d).padStart(2, '0')}` : null,
    gender: gender === 'f' ? 'female' : gender === 'm' ? 'male' : 'not_known',
    addressLine: r.address?.trim() || null,
    postcode: (r.postcode && normalisePostcode(r.postcode)) || null,
    nhsNumber: isValidNhsNumber(nhs) ? nhs : null,
    upn: isValidUpn(upn) ? upn : null,
    policeRef: r.police_ref?.trim() || null,
  };
}

/** How many fields a record has: the fullest record of a cluster becomes the new person. */
const filled = (r: RawRecord) => MAPPABLE_FIELDS.filter((f) => r[f]).length;

/**
 * Loads an agency's extract as linked records. Each record joins the person it matches with at
 * least `autoThreshold`; records of one person that nobody knows yet become one new person; pairs
 * between `reviewThreshold` and `autoThreshold` go to clerical review. The agency's record is kept
 * as the agency holds it. One transaction: all of it lands, or none.
 */
export async function importExtract(db: Database, options: ImportOptions): Promise<ImportSummary> {
  const auto = options.autoThreshold ?? 0.95;
  const review = options.reviewThreshold ?? 0.5;
  if (!(review > 0 && review <= auto && auto <= 1))
    throw new ExtractError(
      'The review threshold must be above 0 and no higher than the automatic one (at most 1)',
    );
  const agencies = await repo.agenciesWithCode(db.pool, options.agencyCode);
  if (agencies.length !== 1) {
    throw new ExtractError(
      agencies.length
        ? `More than one partnership has an agency "${options.agencyCode}"`
        : `No agency has the code "${options.agencyCode}"`,
    );
  }
  const agency = agencies[0];
  const partnershipId = agency.partnershipId;
  const scope = db.for({ partnershipId });
  const owners = await agencyRecordOwners(scope, partnershipId, agency.id);

  const refused: ImportSummary['refused'] = [];
  const known: AgencyRecordInput[] = [];
  const fresh: { raw: RawRecord; names: { given: string; family: string } }[] = [];
  for (const raw of options.records) {
    const owner = owners.get(raw.id);
    if (owner) {
      known.push({
        sourceRef: raw.id,
        personId: owner,
        ...held(raw),
        linkedHow: 'matched',
        linkProbability: null,
        refreshed: true,
      });
      continue;
    }
    const names = namesOf(raw);
    if (!names) refused.push({ id: raw.id, reason: 'no last name or full name' });
    else fresh.push({ raw, names });
  }

  // Link the new records with everyone recorded (merged records included: a match on any name a
  // person was known by counts, and leads to the person they belong to now).
  const people = await repo.allPeople(scope, partnershipId, true);
  const all = [...people.map((row) => personRecord(row)), ...fresh.map((f) => normaliseRecord(f.raw))];
  const seed = options.seed ?? 42;
  const compared = await compareCandidates(all, null, { progress: options.progress, uSample: { seed } });
  const params = trainModel(all, null, { seed, progress: options.progress, compared });
  const scored = predict(params, all, null, { progress: options.progress, compared });
  const offset = people.length;
  const isFresh = (i: number) => i >= offset;

  // Records of the extract that are one person, and each record's best sure match among people.
  const sure: [number, number][] = [];
  const bestPerson = new Map<number, { root: string; p: number }>();
  for (let k = 0; k < scored.probability.length; k++) {
    const p = scored.probability[k];
    if (p < auto) continue;
    const [i, j] = [scored.left[k], scored.right[k]];
    if (isFresh(i) && isFresh(j)) sure.push([i - offset, j - offset]);
    else if (isFresh(i) || isFresh(j)) {
      const [record, person] = isFresh(i) ? [i - offset, j] : [j - offset, i];
      const held = bestPerson.get(record);
      if (!held || p > held.p) bestPerson.set(record, { root: people[person].root_id, p });
    }
  }
  const clusterOf = clusters(fresh.length, sure);
  const members = new Map<number, number[]>();
  for (let i = 0; i < clusterOf.length; i++) {
    const group = members.get(clusterOf[i]);
    if (group) group.push(i);
    else members.set(clusterOf[i], [i]);
  }

  const newPeople: ImportedPerson[] = [];
  const records: AgencyRecordInput[] = [...known];
  const personOfRecord: string[] = new Array(fresh.length);
  const reviewPairs = new Map<string, { a: string; b: string; probability: number }>();
  const addReview = (a: string, b: string, probability: number) => {
    if (a === b) return;
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    const held = reviewPairs.get(key);
    if (!held || probability > held.probability) reviewPairs.set(key, { a, b, probability });
  };
  for (const group of members.values()) {
    const matched = group.map((i) => bestPerson.get(i)).filter((m): m is { root: string; p: number } => !!m);
    if (!matched.length) {
      // Nobody known: the fullest record of the cluster becomes the person, the rest link to them.
      const lead = group.reduce((a, b) => (filled(fresh[b].raw) > filled(fresh[a].raw) ? b : a));
      const person = personFrom(fresh[lead].raw, fresh[lead].names);
      newPeople.push(person);
      for (const i of group) {
        personOfRecord[i] = person.id;
        records.push({
          sourceRef: fresh[i].raw.id,
          personId: person.id,
          ...held(fresh[i].raw),
          linkedHow: i === lead ? 'new_person' : 'matched',
          // Linked through the other records of the extract rather than scored against the person.
          linkProbability: null,
        });
      }
      continue;
    }
    const strongest = matched.reduce((a, b) => (b.p > a.p ? b : a));
    for (const i of group) {
      const own = bestPerson.get(i) ?? strongest;
      personOfRecord[i] = own.root;
      records.push({
        sourceRef: fresh[i].raw.id,
        personId: own.root,
        ...held(fresh[i].raw),
        linkedHow: 'matched',
        linkProbability: own.p,
      });
    }
    // One agency's records join people Lantern holds apart: a practitioner should look.
    const roots = [...new Set(matched.map((m) => m.root))];
    for (const other of roots) if (other !== strongest.root) addReview(strongest.root, other, strongest.p);
  }

  // Uncertain pairs touching this extract, as pairs of people, for clerical review.
  const personAt = (i: number) => (isFresh(i) ? personOfRecord[i - offset] : people[i].root_id);
  for (let k = 0; k < scored.probability.length; k++) {
    const p = scored.probability[k];
    if (p < review || p >= auto) continue;
    const [i, j] = [scored.left[k], scored.right[k]];
    if (!isFresh(i) && !isFresh(j)) continue;
    addReview(personAt(i), personAt(j), p);
  }

  options.progress?.('saving', 0, 1);
  const importId = randomUUID();
  const summary = await scope.tx(async (c) => {
    const modelVersion = await repo.saveModel(c, partnershipId, params, null);
    const counts = {
      rowsRead: options.records.length,
      linked: records.filter((r) => !r.refreshed && r.linkProbability !== null).length,
      created: newPeople.length,
      updated: known.length,
      forReview: 0,
      refused: refused.length,
    };
    await repo.insertImport(c, {
      id: importId,
      partnershipId,
      agencyId: agency.id,
      sourceName: options.sourceName,
      modelVersion,
      autoThreshold: auto,
      reviewThreshold: review,
      counts,
    });
    await saveImportedRecords(c, partnershipId, agency, importId, { newPeople, records });
    counts.forReview = await repo.insertReviews(c, partnershipId, modelVersion, importId, [
      ...reviewPairs.values(),
    ]);
    await repo.setImportReviewCount(c, importId, counts.forReview);
    await auditSystem(c, partnershipId, {
      action: 'records.imported',
      actorUsername: 'operator',
      details: { importId, agency: agency.code, source: options.sourceName, modelVersion, ...counts },
    });
    return { modelVersion, ...counts };
  });
  options.progress?.('saving', 1, 1);
  return {
    importId,
    agencyName: agency.name,
    rowsRead: summary.rowsRead,
    linked: summary.linked,
    created: summary.created,
    updated: summary.updated,
    forReview: summary.forReview,
    refused,
    modelVersion: summary.modelVersion,
  };
}
