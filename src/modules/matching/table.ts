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
  nhs: Int32Array;
  upn: Int32Array;
  police: Int32Array;
  address: Int32Array;
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
}

const NONE: number[] = [];

export function recordTable(records: MatchRecord[]): RecordTable {
  const size = records.length;
  const ids = new Map<string, number>();
  const text: string[] = [];
  const sound: number[] = [];
  const nicknames: number[][] = [];
  const parts: number[][] = [];
  const words: number[][] = [];
  const named: boolean[] = [];
  const id = (value: string | null): number => {
    if (!value) return -1;
    let n = ids.get(value);
    if (n === undefined) {
      n = text.length;
      ids.set(value, n);
      text.push(value);
      sound.push(-1);
      nicknames.push(NONE);
      parts.push(NONE);
      words.push(NONE);
      named.push(false);
    }
    return n;
  };
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
    aliases: new Uint8Array(size),
    namesSound: new Int32Array(size),
    text,
    sound,
    nicknames,
    parts,
    words,
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
    t.nhs[i] = id(r.nhs);
    t.upn[i] = id(r.upn);
    t.police[i] = id(r.police);
    const address = r.addressWords.length ? id(r.addressWords.join(' ')) : -1;
    if (address >= 0 && words[address] === NONE) words[address] = r.addressWords.map(id);
    t.address[i] = address;
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
  return t;
}
