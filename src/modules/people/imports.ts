import type { Queryable } from '../../db/database.ts';
import * as repo from './repository.ts';

export type { AgencyRecordInput, ImportedPerson } from './repository.ts';

/** Which person each of an agency's records already belongs to (source reference → person). */
export const agencyRecordOwners = repo.agencyRecordOwners;

/**
 * Writes one agency extract's outcome inside the caller's transaction: the new people, every
 * record as the agency holds it (linked to its person, the agency now knowing them) and a line on
 * each person's chronology.
 */
export async function saveImportedRecords(
  c: Queryable,
  partnershipId: string,
  agency: { id: string; name: string },
  importId: string,
  input: { newPeople: repo.ImportedPerson[]; records: repo.AgencyRecordInput[] },
) {
  await repo.insertImportedPeople(c, partnershipId, input.newPeople);
  await repo.upsertAgencyRecords(c, partnershipId, agency.id, importId, input.records);
  await repo.addChronologyBulk(
    c,
    partnershipId,
    input.records
      .filter((r) => !r.refreshed)
      .map((r) => ({
        personId: r.personId,
        title:
          r.linkedHow === 'new_person'
            ? `Person record created from ${agency.name}`
            : `${agency.name} record linked`,
        detail:
          r.linkedHow === 'new_person'
            ? `From ${agency.name}'s record ${r.sourceRef}`
            : r.linkProbability === null
              ? `${agency.name}'s record ${r.sourceRef} is the same person as another of its records`
              : `${agency.name}'s record ${r.sourceRef} matched this person (probability ${(r.linkProbability * 100).toFixed(1)}%)`,
      })),
  );
}
