/**
 * A stale edit: someone saved the person while this form was open. Nothing is kept silently —
 * neither what was typed nor what they saved. Each part of the record is compared three ways:
 * what the form started from (base), what was typed (mine), what is saved now (theirs).
 *
 * - untouched here, changed there → their change is taken into the form, and said so;
 * - changed here, untouched there → the typed value stays;
 * - changed in both, differently → a conflict: the person chooses which to keep.
 */

type Form = Record<string, string | string[] | undefined>;

export interface FieldGroup {
  id: string;
  label: string;
  keys: string[];
}

/** The parts of the person form, as a person would name them. */
export const PERSON_FIELD_GROUPS: FieldGroup[] = [
  { id: 'givenName', label: 'first name', keys: ['givenName'] },
  { id: 'middleNames', label: 'middle names', keys: ['middleNames'] },
  { id: 'familyName', label: 'last name', keys: ['familyName'] },
  { id: 'aliasesText', label: 'other names', keys: ['aliasesText'] },
  {
    id: 'dateOfBirth',
    label: 'date of birth',
    keys: ['dobPrecision', 'dateOfBirth-day', 'dateOfBirth-month', 'dateOfBirth-year'],
  },
  { id: 'gender', label: 'gender', keys: ['gender'] },
  { id: 'ethnicity', label: 'ethnicity', keys: ['ethnicity'] },
  { id: 'disability', label: 'disability or special educational needs', keys: ['disability'] },
  { id: 'addressLine', label: 'address', keys: ['addressLine'] },
  { id: 'town', label: 'town', keys: ['town'] },
  { id: 'postcode', label: 'postcode', keys: ['postcode'] },
  { id: 'nhsNumber', label: 'NHS number', keys: ['nhsNumber'] },
  { id: 'upn', label: 'unique pupil number', keys: ['upn'] },
  { id: 'policeRef', label: 'police reference', keys: ['policeRef'] },
];

export interface Conflict {
  group: FieldGroup;
  mine: Form;
  theirs: Form;
}

const norm = (v: string | string[] | undefined) =>
  Array.isArray(v) ? [...v].sort().join('\n') : (v ?? '').replace(/\r\n/g, '\n').trim();

const same = (a: Form, b: Form, keys: string[]) => keys.every((k) => norm(a[k]) === norm(b[k]));

const pick = (form: Form, keys: string[]): Form => Object.fromEntries(keys.map((k) => [k, form[k]]));

export function threeWayMerge(
  base: Form,
  mine: Form,
  theirs: Form,
  groups: FieldGroup[] = PERSON_FIELD_GROUPS,
): { merged: Form; conflicts: Conflict[]; takenFromTheirs: FieldGroup[] } {
  const merged: Form = { ...mine };
  const conflicts: Conflict[] = [];
  const takenFromTheirs: FieldGroup[] = [];
  for (const group of groups) {
    const changedHere = !same(base, mine, group.keys);
    const changedThere = !same(base, theirs, group.keys);
    if (!changedThere || same(mine, theirs, group.keys)) continue;
    if (!changedHere) {
      Object.assign(merged, pick(theirs, group.keys));
      takenFromTheirs.push(group);
    } else {
      conflicts.push({ group, mine: pick(mine, group.keys), theirs: pick(theirs, group.keys) });
    }
  }
  // Agencies are only ever added: both sets stand.
  const agencies = new Set([...[mine.agencyIds ?? []].flat(), ...[theirs.agencyIds ?? []].flat()]);
  merged.agencyIds = [...agencies];
  return { merged, conflicts, takenFromTheirs };
}

/**
 * A form sent back from the conflict page: for each conflicting part, the choice made
 * (`resolve-<part>`: mine or theirs); theirs puts back the saved values shown (`theirs-<key>`).
 */
export function applyResolutions(
  body: Form,
  groups: FieldGroup[] = PERSON_FIELD_GROUPS,
): { values: Form; unresolved: FieldGroup[] } {
  const listed = String(body.conflicts ?? '')
    .split(',')
    .filter(Boolean);
  const values: Form = { ...body };
  const unresolved: FieldGroup[] = [];
  for (const id of listed) {
    const group = groups.find((g) => g.id === id);
    if (!group) continue;
    const choice = body[`resolve-${id}`];
    if (choice === 'theirs') for (const k of group.keys) values[k] = body[`theirs-${k}`] ?? '';
    else if (choice !== 'mine') unresolved.push(group);
  }
  return { values, unresolved };
}
