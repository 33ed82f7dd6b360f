import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { doubleMetaphone } from 'double-metaphone';

/** A person record from any source, in Lantern's field names (all optional but the id). */
export interface RawRecord {
  id: string;
  given_name?: string | null;
  family_name?: string | null;
  full_name?: string | null;
  dob?: string | null;
  gender?: string | null;
  postcode?: string | null;
  address?: string | null;
  town?: string | null;
  birth_place?: string | null;
  email?: string | null;
  phone?: string | null;
  /** Values of the extract's extra fields, in the order --map names them. */
  extras?: (string | null)[];
  nhs_number?: string | null;
  upn?: string | null;
  police_ref?: string | null;
  /** Other names the person is known by (Lantern's aliases). */
  aliases?: { given?: string | null; family?: string | null }[];
}

export interface Dob {
  y: number;
  m: number;
  d: number;
  /** Only the year is reliable (approximate date of birth). */
  yearOnly: boolean;
  digits: string;
}

/** A record ready to compare: cleaned, split and phonetically coded once. */
export interface MatchRecord {
  id: string;
  given: string | null;
  family: string | null;
  /** Parts of a hyphenated or double-barrelled surname. */
  familyParts: string[];
  givenMeta: string | null;
  familyMeta: string | null;
  aliasFamilies: string[];
  aliasGivens: string[];
  dob: Dob | null;
  postcode: string | null;
  sector: string | null;
  district: string | null;
  gender: 'f' | 'm' | null;
  nhs: string | null;
  upn: string | null;
  police: string | null;
  /** Distinct words of the address (house number included), for comparing addresses. */
  addressWords: string[];
  town: string | null;
  birthPlace: string | null;
  /** Lower case, as written; its local part and domain apart. */
  email: string | null;
  emailLocal: string | null;
  emailDomain: string | null;
  /** Digits only, a UK number written nationally (+44 7700… as 07700…). */
  phone: string | null;
  /** Extra fields, cleaned (lower case, single spaces), in slot order. */
  extras: (string | null)[];
}

const NICKNAMES_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../data/matching/nicknames.json',
);
const groups = (JSON.parse(readFileSync(NICKNAMES_FILE, 'utf8')) as { groups: string[][] }).groups;
/** Each name's nickname groups (a name can be in several, e.g. "alex", "sam"). */
const NICKNAME_GROUPS = new Map<string, number[]>();
groups.forEach((group, i) => {
  for (const name of group) NICKNAME_GROUPS.set(name, [...(NICKNAME_GROUPS.get(name) ?? []), i]);
});

const NO_GROUPS: number[] = [];

/** The nickname groups a (cleaned) first name is in: none for most names. */
export const nicknameGroupsOf = (name: string): number[] => NICKNAME_GROUPS.get(name) ?? NO_GROUPS;

/** Lower case, letters only (accents folded), words kept apart by single spaces. */
export function cleanName(value: string | null | undefined): string | null {
  if (!value) return null;
  const cleaned = value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z\s'-]/g, ' ')
    .replace(/['’]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned || null;
}

/**
 * Names, postcodes and dates repeat across a million records: each distinct value is worked out
 * once and its result shared (results are never changed). Bounded, so a long-running server
 * keeps no more than `limit` of them.
 */
function remembered<T>(work: (value: string) => T, limit = 100_000): (value: string) => T {
  const kept = new Map<string, T>();
  return (value) => {
    let result = kept.get(value);
    if (result === undefined) {
      if (kept.size >= limit) kept.clear();
      result = work(value);
      kept.set(value, result);
    }
    return result;
  };
}

/** Double Metaphone's primary code. */
const metaOf = remembered((name) => doubleMetaphone(name.replace(/[\s-]/g, ''))[0] || null);
const meta = (name: string | null) => (name ? metaOf(name) : null);
const placeOf = remembered(normalisePostcodeLoose);
const dobOf = remembered((value) => parseDob(value));
/** A cleaned surname: compared without spaces or hyphens, with the parts of a double-barrelled one. */
const surnameOf = remembered((family) => {
  const joined = family.replace(/\s+/g, '-');
  return {
    family: joined.replace(/-/g, ''),
    parts: joined.includes('-') ? joined.split('-').filter(Boolean) : NO_WORDS,
    meta: meta(joined),
  };
});

/** Only the first given name is compared; the rest are middle names. */
function givenParts(given: string) {
  const words = given.split(' ');
  const first = words[0];
  return {
    first,
    middle: words.length > 1 ? words.slice(1).filter((w) => w.length > 1) : NO_WORDS,
    meta: meta(first),
  };
}
// A name as written, worked out in one look-up (cleaned, title left out, split, sound code): a
// million records ask for their names two million times.
const givenOf = remembered((written) => {
  const cleaned = cleanName(written);
  return cleaned ? givenParts(withoutTitle(cleaned)) : null;
});
const familyOf = remembered((written) => {
  const cleaned = cleanName(written);
  return cleaned ? surnameOf(cleaned) : null;
});

/** Dates in ISO (YYYY-MM-DD), DD/MM/YYYY (or DD-MM-YYYY, DD.MM.YYYY) or YYYYMMDD; blank means unknown. */
export function parseDob(value: string | null | undefined, yearOnly = false): Dob | null {
  if (!value) return null;
  const v = value.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})/.exec(v);
  const british = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(v);
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  let y: number;
  let m: number;
  let d: number;
  if (iso) [y, m, d] = [+iso[1], +iso[2], +iso[3]];
  else if (british) [d, m, y] = [+british[1], +british[2], +british[3]];
  else if (compact) [y, m, d] = [+compact[1], +compact[2], +compact[3]];
  else return null;
  if (y < 1880 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31) return null;
  // A real calendar date only (no 31 February).
  if (new Date(Date.UTC(y, m - 1, d)).getUTCDate() !== d) return null;
  const digits = `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`;
  return { y, m, d, yearOnly, digits };
}

export function normalisePostcodeLoose(value: string | null | undefined) {
  if (!value) return { postcode: null, sector: null, district: null };
  const compact = value.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (/^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$/.test(compact)) {
    const outward = compact.slice(0, -3);
    return {
      postcode: `${outward} ${compact.slice(-3)}`,
      sector: `${outward} ${compact.slice(-3, -2)}`,
      district: outward,
    };
  }
  if (/^[A-Z]{1,2}\d[A-Z\d]?$/.test(compact)) return { postcode: null, sector: null, district: compact };
  // Not a UK postcode (e.g. FEBRL's Australian ones): compare it whole.
  return compact
    ? { postcode: compact, sector: null, district: null }
    : { postcode: null, sector: null, district: null };
}

/** A place, a job, any extra value: lower case, letters and digits, single spaces. */
export function cleanText(value: string | null | undefined): string | null {
  if (!value) return null;
  const cleaned = value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  return cleaned || null;
}

/** Titles written before a name ("Mr", "Dr") are not part of it. */
const TITLES = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'rev', 'sir', 'master']);

function withoutTitle(name: string): string {
  const words = name.split(' ');
  return words.length > 1 && TITLES.has(words[0]) ? words.slice(1).join(' ') : name;
}

export function normaliseEmail(value: string | null | undefined) {
  const v = value?.trim().toLowerCase() ?? '';
  const at = v.lastIndexOf('@');
  if (at < 1 || at === v.length - 1) return { email: v || null, emailLocal: null, emailDomain: null };
  return { email: v, emailLocal: v.slice(0, at), emailDomain: v.slice(at + 1) };
}

/** UK numbers in any writing (+44 (0)7700 900123, 0044…, 07700-900123) as 07700900123. */
export function normalisePhone(value: string | null | undefined): string | null {
  let digits = value?.replace(/\D/g, '') ?? '';
  if (digits.startsWith('0044')) digits = digits.slice(4);
  else if (digits.startsWith('44') && digits.length >= 12) digits = digits.slice(2);
  if (digits.startsWith('0')) digits = digits.slice(1);
  return digits.length >= 7 ? `0${digits}` : null;
}

const cleanId = (value: string | null | undefined) => {
  const v = value?.toUpperCase().replace(/[\s-]/g, '') ?? '';
  return v || null;
};

/** Shared by the many records with no surname parts, aliases or address (never changed). */
const NO_WORDS: string[] = [];
const NO_PLACE = { postcode: null, sector: null, district: null };
const NO_EMAIL = { email: null, emailLocal: null, emailDomain: null };
const NO_EXTRAS: (string | null)[] = [];
const placeNameOf = remembered((value) => cleanText(value));

export function normaliseRecord(raw: RawRecord): MatchRecord {
  let given = raw.given_name ? givenOf(raw.given_name) : null;
  let surname = raw.family_name ? familyOf(raw.family_name) : null;
  if (!given && !surname && raw.full_name) {
    // "Smith, Jon" puts the surname first; otherwise it is the last word.
    const comma = raw.full_name.indexOf(',');
    const full = cleanName(
      comma > 0 ? `${raw.full_name.slice(comma + 1)} ${raw.full_name.slice(0, comma)}` : raw.full_name,
    );
    const words = full ? withoutTitle(full).split(' ') : [];
    surname = words.length ? surnameOf(words[words.length - 1]) : null;
    given = words.length > 1 ? givenParts(words[0]) : null;
  }
  const firstGiven = given?.first ?? null;
  const middleNames = given?.middle ?? NO_WORDS;
  const gender = raw.gender
    ? /^f|^w|^g/i.test(raw.gender)
      ? 'f'
      : /^m|^b/i.test(raw.gender)
        ? 'm'
        : null
    : null;
  const place = raw.postcode ? placeOf(raw.postcode) : NO_PLACE;
  const dobValue = raw.dob?.trim();
  const givenMeta = given?.meta ?? null;
  const addressWords = raw.address
    ? [
        ...new Set(
          raw.address
            .toLowerCase()
            .split(/[^a-z0-9]+/)
            .filter(Boolean),
        ),
      ].sort()
    : NO_WORDS;
  const aliases = raw.aliases?.length ? raw.aliases : null;
  const email = raw.email ? normaliseEmail(raw.email) : NO_EMAIL;
  return {
    id: raw.id,
    given: firstGiven,
    family: surname?.family ?? null,
    familyParts: surname?.parts ?? NO_WORDS,
    givenMeta,
    familyMeta: surname?.meta ?? null,
    aliasFamilies: aliases
      ? aliases.map((a) => cleanName(a.family)?.replace(/[\s-]/g, '')).filter((a): a is string => !!a)
      : NO_WORDS,
    // Middle names count like other names: "Paul" may be what John Paul Smith is called.
    aliasGivens:
      aliases || middleNames.length
        ? [
            ...middleNames,
            ...(aliases ?? []).map((a) => cleanName(a.given)?.split(' ')[0]).filter((a): a is string => !!a),
          ]
        : NO_WORDS,
    dob: dobValue ? dobOf(dobValue) : null,
    // Written out, not spread: a spread in the middle of a literal is copied property by
    // property at run time, a million times.
    postcode: place.postcode,
    sector: place.sector,
    district: place.district,
    gender,
    nhs: cleanId(raw.nhs_number),
    upn: cleanId(raw.upn),
    police: cleanId(raw.police_ref),
    addressWords,
    town: raw.town ? placeNameOf(raw.town) : null,
    birthPlace: raw.birth_place ? placeNameOf(raw.birth_place) : null,
    email: email.email,
    emailLocal: email.emailLocal,
    emailDomain: email.emailDomain,
    phone: raw.phone ? normalisePhone(raw.phone) : null,
    extras: raw.extras?.length ? raw.extras.map(cleanText) : NO_EXTRAS,
  };
}
