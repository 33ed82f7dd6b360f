import type { Queryable } from '../../db/database.ts';
import type { Category, ContactStatus, Outcome, Part, SignoffStatus, Urgency } from './reference.ts';
import type { ContactInput, DecisionInput } from './schema.ts';

export interface ContactPerson {
  personId: string;
  part: Part;
  name: string;
  dateOfBirth: string | null;
}

export interface Decision {
  outcome: Outcome;
  urgency: Urgency;
  rationale: string;
  decidedBy: string;
  decidedAt: Date;
  signoffStatus: SignoffStatus;
  signoffBy: string | null;
  signoffAt: Date | null;
  signoffNote: string | null;
}

/** A stored contact: what was entered (ContactInput) plus what Lantern knows about it. */
export interface ContactRecord extends ContactInput {
  id: string;
  reference: string;
  status: ContactStatus;
  sourceAgencyName: string | null;
  receivedAt: Date | null;
  createdBy: string | null;
  createdById: string | null;
  createdAt: Date;
  version: number;
  people: ContactPerson[];
  decision: Decision | null;
}

const SELECT = `
  SELECT c.id, c.reference, c.status, c.source_kind AS "sourceKind", c.source_agency_id AS "sourceAgencyId",
         sa.name AS "sourceAgencyName", c.source_name AS "sourceName", c.source_contact_details AS "sourceContactDetails",
         c.anonymous, c.occurred_on AS "occurredOn", c.occurred_time AS "occurredTime", c.location, c.categories,
         c.narrative, c.received_at AS "receivedAt", u.display_name AS "createdBy", c.created_by AS "createdById",
         c.created_at AS "createdAt", c.version,
         coalesce((SELECT json_agg(json_build_object('personId', p.id, 'part', cp.part,
                     'name', p.given_name || ' ' || p.family_name, 'dateOfBirth', p.date_of_birth) ORDER BY cp.part, p.family_name)
                     FROM contact_person cp JOIN person p ON p.id = cp.person_id WHERE cp.contact_id = c.id), '[]') AS people,
         coalesce((SELECT json_agg(json_build_object('description', pl.description, 'kind', pl.kind, 'postcode', pl.postcode))
                     FROM contact_place pl WHERE pl.contact_id = c.id), '[]') AS places,
         (SELECT json_build_object('outcome', d.outcome, 'urgency', d.urgency, 'rationale', d.rationale,
                   'decidedBy', du.display_name, 'decidedAt', d.decided_at, 'signoffStatus', d.signoff_status,
                   'signoffBy', su.display_name, 'signoffAt', d.signoff_at, 'signoffNote', d.signoff_note)
            FROM front_door_decision d JOIN app_user du ON du.id = d.decided_by LEFT JOIN app_user su ON su.id = d.signoff_by
           WHERE d.contact_id = c.id) AS decision
    FROM contact c
    LEFT JOIN agency sa ON sa.id = c.source_agency_id
    LEFT JOIN app_user u ON u.id = c.created_by`;

export async function findContact(
  db: Queryable,
  partnershipId: string,
  id: string,
): Promise<ContactRecord | undefined> {
  const { rows } = await db.query(`${SELECT} WHERE c.partnership_id = $1 AND c.id = $2`, [partnershipId, id]);
  const row = rows[0];
  if (row?.decision) {
    row.decision.decidedAt = new Date(row.decision.decidedAt);
    if (row.decision.signoffAt) row.decision.signoffAt = new Date(row.decision.signoffAt);
  }
  return row;
}

export async function findByIdempotencyKey(
  db: Queryable,
  partnershipId: string,
  userId: string,
  key: string,
) {
  const { rows } = await db.query(
    `SELECT id, idempotency_body_hash AS "bodyHash" FROM contact
      WHERE partnership_id = $1 AND created_by = $2 AND idempotency_key = $3`,
    [partnershipId, userId, key],
  );
  return rows[0] as { id: string; bodyHash: string | null } | undefined;
}

export interface ContactListRow {
  id: string;
  reference: string;
  status: string;
  categories: Category[];
  receivedAt: Date | null;
  createdAt: Date;
  subjects: string | null;
  subjectIds?: string[] | null;
  outcome: Outcome | null;
}

export async function listContacts(
  db: Queryable,
  partnershipId: string,
  filter: { draftsOf?: string; undecided?: boolean; limit: number },
): Promise<ContactListRow[]> {
  const { rows } = await db.query(
    `SELECT c.id, c.reference, c.status, c.categories, c.received_at AS "receivedAt", c.created_at AS "createdAt",
            (SELECT string_agg(p.given_name || ' ' || p.family_name, ', ') FROM contact_person cp JOIN person p ON p.id = cp.person_id
              WHERE cp.contact_id = c.id AND cp.part = 'subject') AS subjects,
            (SELECT array_agg(cp.person_id) FROM contact_person cp
              WHERE cp.contact_id = c.id AND cp.part = 'subject') AS "subjectIds",
            d.outcome
       FROM contact c LEFT JOIN front_door_decision d ON d.contact_id = c.id
      WHERE c.partnership_id = $1
        AND ($2::uuid IS NULL OR (c.status = 'draft' AND c.created_by = $2))
        AND (NOT $3 OR (c.status = 'submitted' AND d.id IS NULL))
      ORDER BY coalesce(c.received_at, c.created_at) DESC LIMIT $4`,
    [partnershipId, filter.draftsOf ?? null, filter.undecided ?? false, filter.limit],
  );
  return rows;
}

export async function contactsAboutPerson(
  db: Queryable,
  partnershipId: string,
  personId: string,
): Promise<ContactListRow[]> {
  const { rows } = await db.query(
    `SELECT c.id, c.reference, c.status, c.categories, c.received_at AS "receivedAt", c.created_at AS "createdAt",
            NULL AS subjects, NULL AS "subjectIds", d.outcome
       FROM contact c LEFT JOIN front_door_decision d ON d.contact_id = c.id
      WHERE c.partnership_id = $1 AND c.status = 'submitted'
        -- The person's contacts first (a few), then each one: never a walk through every contact.
        AND c.id = ANY(ARRAY(SELECT cp.contact_id FROM contact_person cp
                              WHERE cp.person_id = ANY(ARRAY(SELECT g FROM person_group($2) g))))
      ORDER BY c.received_at DESC`,
    [partnershipId, personId],
  );
  return rows;
}

function contactValues(c: ContactInput) {
  return [
    c.sourceKind,
    c.sourceAgencyId,
    c.sourceName,
    c.sourceContactDetails,
    c.anonymous,
    c.occurredOn,
    c.occurredTime,
    c.location,
    c.categories,
    c.narrative,
  ];
}

export async function insertContact(
  db: Queryable,
  partnershipId: string,
  userId: string,
  c: ContactInput,
  idempotency: { key: string; bodyHash: string } | null,
): Promise<string> {
  const { rows } = await db.query(
    `INSERT INTO contact (partnership_id, created_by, idempotency_key, idempotency_body_hash, source_kind,
       source_agency_id, source_name, source_contact_details, anonymous, occurred_on, occurred_time, location,
       categories, narrative)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
    [partnershipId, userId, idempotency?.key ?? null, idempotency?.bodyHash ?? null, ...contactValues(c)],
  );
  return rows[0].id;
}

/**
 * A contact received in one step (the API): stored as submitted. With an idempotency key already
 * used by this user, nothing is inserted and undefined returned.
 */
export async function insertReceivedContact(
  db: Queryable,
  partnershipId: string,
  userId: string,
  c: ContactInput,
  idempotency: { key: string; bodyHash: string } | null,
): Promise<{ id: string; reference: string; receivedAt: Date } | undefined> {
  const { rows } = await db.query(
    `INSERT INTO contact (partnership_id, created_by, idempotency_key, idempotency_body_hash, source_kind,
       source_agency_id, source_name, source_contact_details, anonymous, occurred_on, occurred_time, location,
       categories, narrative, status, received_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'submitted', now())
     ON CONFLICT (partnership_id, created_by, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
     RETURNING id, reference, received_at AS "receivedAt"`,
    [partnershipId, userId, idempotency?.key ?? null, idempotency?.bodyHash ?? null, ...contactValues(c)],
  );
  return rows[0];
}

export async function linkPeople(
  db: Queryable,
  partnershipId: string,
  contactId: string,
  people: { personId: string; part: Part }[],
) {
  if (!people.length) return;
  await db.query(
    `INSERT INTO contact_person (partnership_id, contact_id, person_id, part)
     SELECT $1, $2, x.person, x.part FROM unnest($3::uuid[], $4::text[]) AS x(person, part)
     ON CONFLICT (contact_id, person_id) DO UPDATE SET part = excluded.part`,
    [partnershipId, contactId, people.map((p) => p.personId), people.map((p) => p.part)],
  );
}

export async function insertPlaces(
  db: Queryable,
  partnershipId: string,
  contactId: string,
  places: ContactInput['places'],
) {
  if (!places.length) return;
  await db.query(
    `INSERT INTO contact_place (partnership_id, contact_id, description, kind, postcode)
     SELECT $1, $2, x.description, x.kind, x.postcode FROM unnest($3::text[], $4::text[], $5::text[]) AS x(description, kind, postcode)`,
    [
      partnershipId,
      contactId,
      places.map((p) => p.description),
      places.map((p) => p.kind),
      places.map((p) => p.postcode),
    ],
  );
}

/** Updates a draft if nobody saved it since `version`. */
export async function updateDraft(
  db: Queryable,
  partnershipId: string,
  id: string,
  version: number,
  c: ContactInput,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE contact SET source_kind = $4, source_agency_id = $5, source_name = $6, source_contact_details = $7,
            anonymous = $8, occurred_on = $9, occurred_time = $10, location = $11, categories = $12, narrative = $13,
            updated_at = now(), version = version + 1
      WHERE partnership_id = $1 AND id = $2 AND version = $3 AND status = 'draft'`,
    [partnershipId, id, version, ...contactValues(c)],
  );
  return result.rowCount === 1;
}

export async function replacePlaces(
  db: Queryable,
  partnershipId: string,
  contactId: string,
  places: ContactInput['places'],
) {
  await db.query('DELETE FROM contact_place WHERE contact_id = $1', [contactId]);
  for (const p of places) {
    await db.query(
      'INSERT INTO contact_place (partnership_id, contact_id, description, kind, postcode) VALUES ($1, $2, $3, $4, $5)',
      [partnershipId, contactId, p.description, p.kind, p.postcode],
    );
  }
}

export async function linkPerson(
  db: Queryable,
  partnershipId: string,
  contactId: string,
  personId: string,
  part: Part,
) {
  await db.query(
    `INSERT INTO contact_person (partnership_id, contact_id, person_id, part) VALUES ($1, $2, $3, $4)
     ON CONFLICT (contact_id, person_id) DO UPDATE SET part = excluded.part`,
    [partnershipId, contactId, personId, part],
  );
}

export async function unlinkPerson(db: Queryable, contactId: string, personId: string) {
  await db.query('DELETE FROM contact_person WHERE contact_id = $1 AND person_id = $2', [
    contactId,
    personId,
  ]);
}

export async function markSubmitted(
  db: Queryable,
  partnershipId: string,
  id: string,
  version: number,
): Promise<Date | undefined> {
  const { rows } = await db.query(
    `UPDATE contact SET status = 'submitted', received_at = now(), updated_at = now(), version = version + 1
      WHERE partnership_id = $1 AND id = $2 AND version = $3 AND status = 'draft' RETURNING received_at AS "receivedAt"`,
    [partnershipId, id, version],
  );
  return rows[0]?.receivedAt;
}

export async function insertDecision(
  db: Queryable,
  partnershipId: string,
  contactId: string,
  userId: string,
  d: DecisionInput,
  signoff: 'not_needed' | 'pending',
): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO front_door_decision (partnership_id, contact_id, outcome, urgency, rationale, decided_by, signoff_status)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (contact_id) DO NOTHING`,
    [partnershipId, contactId, d.outcome, d.urgency, d.rationale, userId, signoff],
  );
  return result.rowCount === 1;
}

export async function recordSignoff(
  db: Queryable,
  partnershipId: string,
  contactId: string,
  userId: string,
  status: 'approved' | 'declined',
  note: string | null,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE front_door_decision SET signoff_status = $4, signoff_by = $3, signoff_at = now(), signoff_note = $5
      WHERE partnership_id = $1 AND contact_id = $2 AND signoff_status = 'pending'`,
    [partnershipId, contactId, userId, status, note],
  );
  return result.rowCount === 1;
}

/** Undoes a declined decision so the Front Door decides again. */
export async function deleteDecision(db: Queryable, partnershipId: string, contactId: string) {
  await db.query('DELETE FROM front_door_decision WHERE partnership_id = $1 AND contact_id = $2', [
    partnershipId,
    contactId,
  ]);
}
