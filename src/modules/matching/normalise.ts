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
  /** The nickname groups the given name is in (none for most names). */
  nicknameGroups: number[];
  /** Both names' sound codes, sorted (so first and last names swapped give the same key). */
  namesSound: string | null;
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
  /** The words joined, to see at once whether two addresses are the same. */
  addressKey: string | null;
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

export function sameNicknameGroup(a: MatchRecord, b: MatchRecord): boolean {
  for (const g of a.nicknameGroups) if (b.nicknameGroups.includes(g)) return true;
  return false;
}

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

const META_CACHE = new Map<string, string | null>();
/** Double Metaphone's primary code; names repeat, so codes are kept (a bounded cache). */
function meta(name: string | null): string | null {
  if (!name) return null;
  let code = META_CACHE.get(name);
  if (code === undefined) {
    if (META_CACHE.size >= 100_000) META_CACHE.clear();
    code = doubleMetaphone(name.replace(/[\s-]/g, ''))[0] || null;
    META_CACHE.set(name, code);
  }
  return code;
}

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

const cleanId = (value: string | null | undefined) => {
  const v = value?.toUpperCase().replace(/[\s-]/g, '') ?? '';
  return v || null;
};

export function normaliseRecord(raw: RawRecord): MatchRecord {
  let given = cleanName(raw.given_name);
  let family = cleanName(raw.family_name);
  if (!given && !family && raw.full_name) {
    const words = cleanName(raw.full_name)?.split(' ') ?? [];
    family = words.length ? (words[words.length - 1] ?? null) : null;
    given = words.length > 1 ? words[0] : null;
  }
  // Only the first given name is compared; the rest are middle names.
  const firstGiven = given?.split(' ')[0] ?? null;
  const familyJoined = family ? family.replace(/\s+/g, '-') : null;
  const gender = raw.gender
    ? /^f|^w|^g/i.test(raw.gender)
      ? 'f'
      : /^m|^b/i.test(raw.gender)
        ? 'm'
        : null
    : null;
  const place = normalisePostcodeLoose(raw.postcode);
  const dobValue = raw.dob?.trim();
  const givenMeta = meta(firstGiven);
  const familyMeta = meta(familyJoined);
  const addressWords = [
    ...new Set(
      (raw.address ?? '')
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter(Boolean),
    ),
  ].sort();
  return {
    id: raw.id,
    given: firstGiven,
    family: familyJoined ? familyJoined.replace(/-/g, '') : null,
    familyParts: familyJoined?.includes('-') ? familyJoined.split('-').filter(Boolean) : [],
    givenMeta,
    familyMeta,
    nicknameGroups: (firstGiven && NICKNAME_GROUPS.get(firstGiven)) || NO_GROUPS,
    namesSound:
      givenMeta && familyMeta
        ? givenMeta < familyMeta
          ? `${givenMeta}|${familyMeta}`
          : `${familyMeta}|${givenMeta}`
        : null,
    aliasFamilies: (raw.aliases ?? [])
      .map((a) => cleanName(a.family)?.replace(/[\s-]/g, ''))
      .filter((a): a is string => !!a),
    aliasGivens: (raw.aliases ?? [])
      .map((a) => cleanName(a.given)?.split(' ')[0])
      .filter((a): a is string => !!a),
    dob: parseDob(dobValue),
    ...place,
    gender,
    nhs: cleanId(raw.nhs_number),
    upn: cleanId(raw.upn),
    police: cleanId(raw.police_ref),
    addressWords,
    addressKey: addressWords.length ? addressWords.join(' ') : null,
  };
}
