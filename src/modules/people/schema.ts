import { code, nullable, type TSchema, Type } from '../../platform/schemas.ts';
import { Checker } from '../../platform/validation.ts';
import {
  isValidNhsNumber,
  isValidUpn,
  normaliseNhsNumber,
  normaliseOutwardCode,
  normalisePostcode,
} from './identifiers.ts';
import {
  ALIAS_KINDS,
  type AliasKind,
  DISABILITIES,
  type Disability,
  DOB_PRECISIONS,
  type DobPrecision,
  ETHNICITY_CODES,
  GENDERS,
  type Gender,
} from './reference.ts';

export interface AliasInput {
  givenName: string | null;
  familyName: string | null;
  kind: AliasKind;
}

/** A person as entered: the one shape pages and the API both validate into. */
export interface PersonInput {
  givenName: string;
  middleNames: string | null;
  familyName: string;
  dateOfBirth: string | null;
  dobPrecision: DobPrecision;
  gender: Gender;
  ethnicity: string | null;
  disability: Disability | null;
  addressLine: string | null;
  town: string | null;
  postcode: string | null;
  nhsNumber: string | null;
  upn: string | null;
  policeRef: string | null;
  aliases: AliasInput[];
  agencyIds: string[];
  /** Why this is a different person from one recorded with the same NHS number or UPN. */
  duplicateReason?: string | null;
}

export interface PersonSearch {
  name?: string;
  dob?: string;
  postcode?: string;
  outwardCode?: string;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isRealDate(iso: string): boolean {
  const m = ISO_DATE.exec(iso);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return (
    date.getUTCFullYear() === Number(m[1]) &&
    date.getUTCMonth() === Number(m[2]) - 1 &&
    date.getUTCDate() === Number(m[3])
  );
}

const today = () => new Date().toISOString().slice(0, 10);

/**
 * Checks raw input (from a form or a JSON body) against Lantern's rules for a person and returns
 * the clean value. Every problem is reported against its field; nothing is half-accepted.
 */
export function readPersonInput(raw: Record<string, unknown>, knownAgencyIds: string[]): PersonInput {
  const check = new Checker();
  const givenName = check.text(raw.givenName, 'givenName', { label: 'First name', required: true, max: 100 });
  const middleNames = check.text(raw.middleNames, 'middleNames', { label: 'Middle names', max: 100 });
  const familyName = check.text(raw.familyName, 'familyName', {
    label: 'Last name',
    required: true,
    max: 100,
  });
  const dobPrecision =
    check.oneOf(raw.dobPrecision, 'dobPrecision', DOB_PRECISIONS, {
      label: 'How sure the date of birth is',
      required: true,
      requiredMessage: 'Select whether the date of birth is exact, approximate or not known',
    }) ?? 'unknown';
  let dateOfBirth: string | null = null;
  if (dobPrecision !== 'unknown') {
    const dob = check.text(raw.dateOfBirth, 'dateOfBirth', {
      label: 'Date of birth',
      required: true,
      requiredMessage: 'Enter a date of birth, or select that it is not known',
    });
    if (dob) {
      if (!isRealDate(dob)) check.add('dateOfBirth', 'Date of birth must be a real date');
      else if (dob > today()) check.add('dateOfBirth', 'Date of birth must be today or in the past');
      else if (dob < '1900-01-01') check.add('dateOfBirth', 'Date of birth must be after 1900');
      else dateOfBirth = dob;
    }
  }
  const gender =
    check.oneOf(raw.gender, 'gender', GENDERS, { label: 'Gender', required: true }) ?? 'not_known';
  const ethnicity = check.oneOf(raw.ethnicity, 'ethnicity', ETHNICITY_CODES, { label: 'Ethnicity' }) ?? null;
  const disability =
    check.oneOf(raw.disability, 'disability', DISABILITIES, {
      label: 'Disability or special educational needs',
    }) ?? null;
  const addressLine = check.text(raw.addressLine, 'addressLine', { label: 'Address', max: 200 }) ?? null;
  const town = check.text(raw.town, 'town', { label: 'Town or city', max: 100 }) ?? null;
  let postcode: string | null = null;
  const rawPostcode = check.text(raw.postcode, 'postcode', { label: 'Postcode', max: 10 });
  if (rawPostcode) {
    postcode = normalisePostcode(rawPostcode) ?? null;
    if (!postcode) check.add('postcode', 'Enter a real postcode, like BD7 1AB');
  }
  let nhsNumber: string | null = null;
  const rawNhs = check.text(raw.nhsNumber, 'nhsNumber', { label: 'NHS number', max: 14 });
  if (rawNhs) {
    nhsNumber = normaliseNhsNumber(rawNhs);
    if (!/^\d{10}$/.test(nhsNumber))
      check.add('nhsNumber', 'NHS number must be 10 digits, like 943 476 5919');
    else if (!isValidNhsNumber(nhsNumber))
      check.add('nhsNumber', 'NHS number is not valid: check the digits');
  }
  let upn: string | null = null;
  const rawUpn = check.text(raw.upn, 'upn', { label: 'Unique pupil number', max: 20 });
  if (rawUpn) {
    upn = rawUpn.toUpperCase().replace(/\s/g, '');
    if (!isValidUpn(upn)) {
      check.add(
        'upn',
        'Unique pupil number must be a check letter and 12 digits, like A801200109001, with the right check letter',
      );
    }
  }
  const policeRef = check.text(raw.policeRef, 'policeRef', { label: 'Police reference', max: 40 }) ?? null;
  if (policeRef && !/^[A-Za-z0-9/\-. ]+$/.test(policeRef)) {
    check.add(
      'policeRef',
      'Police reference must only include letters, numbers, spaces, slashes, dots and hyphens',
    );
  }
  const duplicateReason =
    check.text(raw.duplicateReason, 'duplicateReason', {
      label: 'Why this is a different person',
      max: 1000,
    }) ?? null;
  const aliases = readAliases(check, raw.aliases);
  const agencyIds = Array.isArray(raw.agencyIds) ? raw.agencyIds.map(String) : [];
  const unknown = agencyIds.filter((id) => !knownAgencyIds.includes(id));
  if (unknown.length) check.add('agencyIds', 'Select agencies from the list');
  check.throwIfAny();
  return {
    givenName: givenName as string,
    middleNames: middleNames ?? null,
    familyName: familyName as string,
    dateOfBirth,
    dobPrecision: dateOfBirth ? dobPrecision : 'unknown',
    gender,
    ethnicity,
    disability,
    addressLine,
    town,
    postcode,
    nhsNumber,
    upn,
    policeRef,
    aliases,
    agencyIds: [...new Set(agencyIds)],
    duplicateReason,
  };
}

function readAliases(check: Checker, value: unknown): AliasInput[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    check.add('aliases', 'Other names must be a list');
    return [];
  }
  const aliases: AliasInput[] = [];
  value.forEach((item, i) => {
    const a = (item ?? {}) as Record<string, unknown>;
    const given = check.text(a.givenName, `aliases.${i}.givenName`, { label: 'Other first name', max: 100 });
    const family = check.text(a.familyName, `aliases.${i}.familyName`, {
      label: 'Other last name',
      max: 100,
    });
    const kind =
      check.oneOf(a.kind ?? 'alias', `aliases.${i}.kind`, ALIAS_KINDS, { label: 'Kind of name' }) ?? 'alias';
    if (!given && !family) check.add(`aliases.${i}`, 'Each other name needs a first or last name');
    else aliases.push({ givenName: given ?? null, familyName: family ?? null, kind });
  });
  if (aliases.length > 20) check.add('aliases', 'Enter 20 other names or fewer');
  return aliases;
}

/** Search criteria: at least one; dates must be real; a postcode may be full or just its district. */
export function readPersonSearch(raw: Record<string, unknown>): PersonSearch {
  const check = new Checker();
  const name = check.text(raw.name, 'name', { label: 'Name', max: 100 });
  const dob = check.text(raw.dob, 'dob', { label: 'Date of birth', max: 10 });
  if (dob && !isRealDate(dob)) check.add('dob', 'Date of birth must be a real date in the form YYYY-MM-DD');
  const rawPostcode = check.text(raw.postcode, 'postcode', { label: 'Postcode', max: 10 });
  let postcode: string | undefined;
  let outwardCode: string | undefined;
  if (rawPostcode) {
    postcode = normalisePostcode(rawPostcode);
    outwardCode = postcode ? undefined : normaliseOutwardCode(rawPostcode);
    if (!postcode && !outwardCode)
      check.add('postcode', 'Enter a full postcode like BD7 1AB, or its first part like BD7');
  }
  if (!name && !dob && !rawPostcode) check.add('name', 'Enter a name, date of birth or postcode to search');
  check.throwIfAny();
  return { name, dob, postcode, outwardCode };
}

// The API's schemas (TypeBox): the shape is checked here, the rules by readPersonInput.
const text = (maxLength: number, description?: string) =>
  nullable(Type.String({ maxLength, ...(description ? { description } : {}) }));

export const personBodySchema = Type.Object(
  {
    givenName: Type.String({ maxLength: 100 }),
    middleNames: Type.Optional(text(100)),
    familyName: Type.String({ maxLength: 100 }),
    dateOfBirth: Type.Optional(text(10, 'YYYY-MM-DD; for an approximate date, the best estimate')),
    dobPrecision: code(DOB_PRECISIONS),
    gender: code(GENDERS),
    ethnicity: Type.Optional(nullable(code(ETHNICITY_CODES, { description: 'ONS 2021 category' }))),
    disability: Type.Optional(
      nullable(code(DISABILITIES, { description: 'A disability or special educational needs' })),
    ),
    addressLine: Type.Optional(text(200)),
    town: Type.Optional(text(100)),
    postcode: Type.Optional(text(10)),
    nhsNumber: Type.Optional(text(14, '10 digits with a valid check digit')),
    upn: Type.Optional(text(20, 'Unique pupil number: check letter and 12 digits')),
    policeRef: Type.Optional(text(40)),
    aliases: Type.Optional(
      Type.Array(
        Type.Object(
          {
            givenName: Type.Optional(text(100)),
            familyName: Type.Optional(text(100)),
            kind: Type.Optional(code(ALIAS_KINDS)),
          },
          { additionalProperties: false },
        ),
        { maxItems: 20 },
      ),
    ),
    agencyIds: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 20 })),
    duplicateReason: Type.Optional(
      text(1000, 'Why this is a different person from one with the same NHS number or UPN'),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        givenName: 'Keira',
        familyName: 'Example',
        dateOfBirth: '2012-02-14',
        dobPrecision: 'exact',
        gender: 'female',
        postcode: 'BD7 1AB',
        aliases: [{ givenName: 'Kiki', familyName: null, kind: 'nickname' }],
      },
    ],
  },
);

const maybe = (schema: TSchema) => nullable(schema);

export const personResponseSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  version: Type.Integer(),
  givenName: Type.String(),
  middleNames: maybe(Type.String()),
  familyName: Type.String(),
  dateOfBirth: maybe(Type.String()),
  dobPrecision: Type.String(),
  ageYears: maybe(Type.Integer()),
  gender: Type.String(),
  ethnicity: maybe(Type.String()),
  disability: maybe(Type.String()),
  addressLine: maybe(Type.String()),
  town: maybe(Type.String()),
  postcode: maybe(Type.String()),
  ward: nullable(Type.Object({ code: Type.String(), name: Type.String() })),
  nhsNumber: maybe(Type.String()),
  upn: maybe(Type.String()),
  policeRef: maybe(Type.String()),
  aliases: Type.Array(
    Type.Object({ givenName: maybe(Type.String()), familyName: maybe(Type.String()), kind: Type.String() }),
  ),
  agencies: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), kind: Type.String() })),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const personSearchQuerySchema = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 100 })),
    dob: Type.Optional(Type.String({ maxLength: 10, description: 'YYYY-MM-DD' })),
    postcode: Type.Optional(
      Type.String({ maxLength: 10, description: 'Full postcode or outward code (e.g. BD7)' }),
    ),
  },
  { additionalProperties: false },
);
