import { type MatchRecord, nicknameGroupsOf } from './normalise.ts';

/**
 * Records as columns of numbers, for comparing millions of pairs. Every name, postcode,
 * identifier and address is given a number once (its id), so comparing two records reads a few
 * small arrays that stay in the processor's cache instead of chasing strings across the heap:
 * this is what makes a million records link in under a minute. Ids are -1 where unknown.
 */
export interface RecordTable {
  size: number;
  records: MatchRecord[];
  given: Int32Array;
  family: Int32Array;
  /** Date of birth as yyyymmdd (0 when unknown); `yearOnly` marks approximate dates. */
  dob: Int32Array;
  yearOnly: Uint8Array;
  postcode: Int32Array;
  sector: Int32Array;
  district: Int32Array;
  /** 0 unknown, 1 female, 2 male. */
  gender: Uint8Array;
  /** Identifiers are numbered apart from other values (they have no text in `text`). */
  nhs: Int32Array;
  upn: Int32Array;
  police: Int32Array;
  address: Int32Array;
  town: Int32Array;
  birthPlace: Int32Array;
  email: Int32Array;
  emailLocal: Int32Array;
  emailDomain: Int32Array;
  phone: Int32Array;
  /** The last seven digits of the phone number (a number written with another area code). */
  phoneTail: Int32Array;
  /** One column per extra field slot. */
  extras: Int32Array[];
  /** Which of the fields most extracts lack any record has: the rest are not compared at all. */
  has: { town: boolean; birthPlace: boolean; email: boolean; phone: boolean; extras: number };
  /** 1 where the record carries other names (aliases), which are compared from the record. */
  aliases: Uint8Array;
  /** Both names' sound codes as one id, the same whichever way round the names are. */
  namesSound: Int32Array;
  /** By value id: the text, its sound code's id, nickname groups, surname parts, address words. */
  text: string[];
  sound: number[];
  nicknames: number[][];
  parts: number[][];
  words: number[][];
  /** By value id: 1 where the value starts with a digit (a house number among address words). */
  numeric: Uint8Array;
}

const NONE: number[] = [];

/** Lists of ids, one per value id, as two flat arrays (quick to send to another thread). */
interface FlatLists {
  starts: Int32Array;
  values: Int32Array;
}

/** A copy on shared memory: another thread reads it without it being copied again. */
function shared<T extends Int32Array | Uint8Array>(column: T): T {
  const copy = new (column.constructor as new (buffer: SharedArrayBuffer) => T)(
    new SharedArrayBuffer(column.byteLength),
  );
  copy.set(column);
  return copy;
}

function flatten(lists: number[][]): FlatLists {
  const starts = shared(new Int32Array(lists.length + 1));
  for (let n = 0; n < lists.length; n++) starts[n + 1] = starts[n] + lists[n].length;
  const values = shared(new Int32Array(starts[lists.length]));
  for (let n = 0; n < lists.length; n++) values.set(lists[n], starts[n]);
  return { starts, values };
}

function unflatten({ starts, values }: FlatLists): number[][] {
  const lists: number[][] = new Array(starts.length - 1);
  for (let n = 0; n < lists.length; n++)
    lists[n] = starts[n] === starts[n + 1] ? NONE : Array.from(values.subarray(starts[n], starts[n + 1]));
  return lists;
}

/**
 * A table as a worker thread receives it. Sending a million strings and arrays one by one takes
 * seconds to copy, so the text goes as one string and the lists as flat arrays. Comparing reads
 * only the records' aliases (rare), sent as [row, other first names, other last names].
 */
export interface PortableTable
  extends Omit<RecordTable, 'records' | 'text' | 'sound' | 'nicknames' | 'parts' | 'words'> {
  text: string;
  textEnds: Int32Array;
  sound: Int32Array;
  nicknames: FlatLists;
  parts: FlatLists;
  words: FlatLists;
  aliasNames: [number, string[], string[]][];
}

export function portableTable(t: RecordTable): PortableTable {
  const { records, text, sound, nicknames, parts, words, extras, has, size, ...rest } = t;
  const columns = Object.fromEntries(
    Object.entries(rest).map(([name, column]) => [name, shared(column as Int32Array | Uint8Array)]),
  ) as unknown as typeof rest;
  const aliasNames: PortableTable['aliasNames'] = [];
  for (let i = 0; i < t.size; i++)
    if (t.aliases[i]) aliasNames.push([i, records[i].aliasGivens, records[i].aliasFamilies]);
  const textEnds = new Int32Array(text.length);
  let end = 0;
  for (let n = 0; n < text.length; n++) textEnds[n] = end += text[n].length;
  return {
    ...columns,
    size,
    has,
    extras: extras.map(shared),
    text: text.join(''),
    textEnds: shared(textEnds),
    sound: shared(Int32Array.from(sound)),
    nicknames: flatten(nicknames),
    parts: flatten(parts),
    words: flatten(words),
    aliasNames,
  };
}

export function tableFromPortable(portable: PortableTable): RecordTable {
  const { aliasNames, text, textEnds, sound, nicknames, parts, words, ...columns } = portable;
  const none = { aliasGivens: [], aliasFamilies: [] } as unknown as MatchRecord;
  const records: MatchRecord[] = new Array(portable.size).fill(none);
  for (const [i, aliasGivens, aliasFamilies] of aliasNames)
    records[i] = { aliasGivens, aliasFamilies } as MatchRecord;
  const values: string[] = new Array(textEnds.length);
  for (let n = 0; n < textEnds.length; n++) values[n] = text.slice(n ? textEnds[n - 1] : 0, textEnds[n]);
  return {
    ...columns,
    records,
    text: values,
    sound: Array.from(sound),
    nicknames: unflatten(nicknames),
    parts: unflatten(parts),
    words: unflatten(words),
  };
}

/** Extra fields an extract can be compared on (`--map extra:NAME=column`). */
export const EXTRA_SLOTS = 3;

/**
 * Places, emails and extras are given ids apart from names that look the same ("town:bradford",
 * "@jo@x.com"): `valueText` is the value without that prefix.
 */
export const PREFIX = { town: 'town:', email: '@', extra: (x: number) => `x${x}:` };
export const valueText = (t: RecordTable, n: number, prefix: string) => t.text[n].slice(prefix.length);
/** Numbers each distinct value from 0 as first met (-1 for none), telling `added` of each new one. */
function numbering(added?: (value: string) => void) {
  const ids = new Map<string, number>();
  return (value: string | null): number => {
    if (!value) return -1;
    let n = ids.get(value);
    if (n === undefined) {
      n = ids.size;
      ids.set(value, n);
      added?.(value);
    }
    return n;
  };
}

export function recordTable(records: MatchRecord[]): RecordTable {
  const size = records.length;
  const text: string[] = [];
  const sound: number[] = [];
  const nicknames: number[][] = [];
  const parts: number[][] = [];
  const words: number[][] = [];
  const named: boolean[] = [];
  const id = numbering((value) => {
    text.push(value);
    sound.push(-1);
    nicknames.push(NONE);
    parts.push(NONE);
    words.push(NONE);
    named.push(false);
  });
  const nameId = (name: string | null, soundCode: string | null, nameParts: string[]) => {
    const n = id(name);
    if (n >= 0 && !named[n]) {
      named[n] = true;
      sound[n] = soundCode ? id(soundCode) : -1;
      nicknames[n] = nicknameGroupsOf(text[n]);
      parts[n] = nameParts.length ? nameParts.map(id) : NONE;
    }
    return n;
  };
  // Identifiers are only ever tested for equality: numbered on their own, they keep the (much
  // larger) table of names, places and addresses out of their way.
  const identifierId = numbering();
  const pairIds = new Map<number, number>();
  const t: RecordTable = {
    size,
    records,
    given: new Int32Array(size),
    family: new Int32Array(size),
    dob: new Int32Array(size),
    yearOnly: new Uint8Array(size),
    postcode: new Int32Array(size),
    sector: new Int32Array(size),
    district: new Int32Array(size),
    gender: new Uint8Array(size),
    nhs: new Int32Array(size),
    upn: new Int32Array(size),
    police: new Int32Array(size),
    address: new Int32Array(size),
    town: new Int32Array(size),
    birthPlace: new Int32Array(size),
    email: new Int32Array(size),
    emailLocal: new Int32Array(size),
    emailDomain: new Int32Array(size),
    phone: new Int32Array(size),
    phoneTail: new Int32Array(size),
    extras: Array.from({ length: EXTRA_SLOTS }, () => new Int32Array(size)),
    has: { town: false, birthPlace: false, email: false, phone: false, extras: 0 },
    aliases: new Uint8Array(size),
    namesSound: new Int32Array(size),
    text,
    sound,
    nicknames,
    parts,
    words,
    numeric: new Uint8Array(0),
  };
  for (let i = 0; i < size; i++) {
    const r = records[i];
    t.given[i] = nameId(r.given, r.givenMeta, []);
    t.family[i] = nameId(r.family, r.familyMeta, r.familyParts);
    t.dob[i] = r.dob ? r.dob.y * 10_000 + r.dob.m * 100 + r.dob.d : 0;
    t.yearOnly[i] = r.dob?.yearOnly ? 1 : 0;
    t.postcode[i] = id(r.postcode);
    t.sector[i] = id(r.sector);
    t.district[i] = id(r.district);
    t.gender[i] = r.gender === 'f' ? 1 : r.gender === 'm' ? 2 : 0;
    t.nhs[i] = identifierId(r.nhs);
    t.upn[i] = identifierId(r.upn);
    t.police[i] = identifierId(r.police);
    const address = r.addressWords.length ? id(r.addressWords.join(' ')) : -1;
    if (address >= 0 && words[address] === NONE) words[address] = r.addressWords.map(id);
    t.address[i] = address;
    // Places, emails and extras get their own ids, apart from names that look the same.
    t.town[i] = id(r.town && PREFIX.town + r.town);
    t.birthPlace[i] = id(r.birthPlace && PREFIX.town + r.birthPlace);
    t.email[i] = id(r.email && PREFIX.email + r.email);
    t.emailLocal[i] = id(r.emailLocal && `local@${r.emailLocal}`);
    t.emailDomain[i] = id(r.emailDomain && `domain@${r.emailDomain}`);
    t.phone[i] = id(r.phone && `tel:${r.phone}`);
    t.phoneTail[i] = id(r.phone && `tel:${r.phone.slice(-7)}`);
    for (let x = 0; x < EXTRA_SLOTS; x++)
      t.extras[x][i] = id(r.extras[x] ? PREFIX.extra(x) + r.extras[x] : null);
    if (r.town) t.has.town = true;
    if (r.birthPlace) t.has.birthPlace = true;
    if (r.email) t.has.email = true;
    if (r.phone) t.has.phone = true;
    if (r.extras.length > t.has.extras) t.has.extras = r.extras.length;
    t.aliases[i] = r.aliasGivens.length || r.aliasFamilies.length ? 1 : 0;
    const gs = t.given[i] >= 0 ? sound[t.given[i]] : -1;
    const fs = t.family[i] >= 0 ? sound[t.family[i]] : -1;
    if (gs >= 0 && fs >= 0) {
      const key = Math.min(gs, fs) * 2 ** 26 + Math.max(gs, fs);
      let pair = pairIds.get(key);
      if (pair === undefined) {
        pair = pairIds.size;
        pairIds.set(key, pair);
      }
      t.namesSound[i] = pair;
    } else t.namesSound[i] = -1;
  }
  t.numeric = Uint8Array.from(text, (value) => {
    const c = value.charCodeAt(0);
    return c >= 48 && c <= 57 ? 1 : 0;
  });
  return t;
}
