import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { RawRecord } from './normalise.ts';

/** Lantern's field names that an agency extract's columns can be mapped to. */
export const MAPPABLE_FIELDS = [
  'given_name',
  'family_name',
  'full_name',
  'dob',
  'gender',
  'postcode',
  'address',
  'town',
  'birth_place',
  'email',
  'phone',
  'nhs_number',
  'upn',
  'police_ref',
] as const;
export type MappableField = (typeof MAPPABLE_FIELDS)[number];
/** The fields a real-time "already known?" query may carry. */
export const QUERY_FIELDS = [
  'given_name',
  'family_name',
  'full_name',
  'dob',
  'gender',
  'postcode',
  'nhs_number',
  'upn',
  'police_ref',
  'phone',
  'email',
] as const satisfies readonly MappableField[];

/** Other columns an extract can be compared on, as `extra:NAME=column` (at most this many). */
export const MAX_EXTRA_FIELDS = 3;

/** Which columns feed each field: several columns joined with `+` are read as one value. */
export interface FieldMap {
  fields: Map<MappableField, string[]>;
  /** The extra fields' names, in slot order, with their columns. */
  extras: { name: string; columns: string[] }[];
}

export class ExtractError extends Error {}

/**
 * Parses "--map given_name=FirstName,address=street_number+address_1+address_2,extra:job=occupation".
 * A field named twice gets both columns (joined), as `+` does.
 */
export function parseFieldMap(spec: string): FieldMap {
  const fields = new Map<MappableField, string[]>();
  const extras: FieldMap['extras'] = [];
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    const field = eq > 0 ? part.slice(0, eq).trim() : '';
    const value = eq > 0 ? part.slice(eq + 1).trim() : '';
    if (!field || !value) throw new ExtractError(`--map entry "${part}" must look like field=column`);
    const columns = value.split('+').map((c) => c.trim());
    if (columns.some((c) => !c))
      throw new ExtractError(
        `--map entry "${part}" has an empty column name: join columns like address=street+town`,
      );
    if (field.startsWith('extra:')) {
      const name = field.slice('extra:'.length).trim();
      if (!/^[a-z][a-z0-9_]*$/i.test(name))
        throw new ExtractError(
          `--map entry "${part}": an extra field needs a name of letters, digits and _, like extra:occupation=job`,
        );
      const known = extras.find((e) => e.name === name);
      if (known) known.columns.push(...columns);
      else if (extras.length === MAX_EXTRA_FIELDS)
        throw new ExtractError(`--map may name at most ${MAX_EXTRA_FIELDS} extra fields`);
      else extras.push({ name, columns });
      continue;
    }
    if (!(MAPPABLE_FIELDS as readonly string[]).includes(field)) {
      throw new ExtractError(
        `--map names "${field}", which is not a Lantern field. Use: ${MAPPABLE_FIELDS.join(', ')}, or extra:NAME for any other`,
      );
    }
    fields.set(field as MappableField, [...(fields.get(field as MappableField) ?? []), ...columns]);
  }
  if (!fields.size && !extras.length)
    throw new ExtractError('--map must map at least one field, for example given_name=FirstName');
  return { fields, extras };
}

/** The field names a map gives values for (extras as extra:NAME), for printing what was used. */
export function mappedFieldNames(map: FieldMap): string[] {
  return [...map.fields.keys(), ...map.extras.map((e) => `extra:${e.name}`)];
}

/**
 * Reads an extract: one record per row, mapped columns only; unmapped columns are ignored. With
 * `as`, each record is turned into what the caller keeps as soon as it is read (a million raw
 * records then never live all at once).
 */
export function readExtract<T>(file: string, idColumn: string, map: FieldMap, as: (raw: RawRecord) => T): T[];
export function readExtract(file: string, idColumn: string, map: FieldMap): RawRecord[];
export function readExtract<T>(
  file: string,
  idColumn: string,
  map: FieldMap,
  as?: (raw: RawRecord) => T,
): (T | RawRecord)[] {
  let rows: (string[] | undefined)[];
  try {
    // Rows as arrays, read by position: a million rows parse in about half the time they take
    // as objects keyed by column name (csv-parse's on_record would copy its context per row).
    rows = parse(readFileSync(file), {
      bom: true,
      ltrim: true,
      rtrim: true,
      skip_empty_lines: true,
      relax_column_count: true,
    });
  } catch (error) {
    throw new ExtractError(`Could not read ${file}: ${(error as Error).message}`);
  }
  if (rows.length < 2) throw new ExtractError(`${file} has no rows`);
  const toRecord = recordMaker(file, rows[0] as string[], idColumn, map);
  const records: (T | RawRecord)[] = new Array(rows.length - 1);
  for (let r = 1; r < rows.length; r++) {
    const record = toRecord(rows[r] as string[], r + 1);
    records[r - 1] = as ? as(record) : record;
    rows[r] = undefined; // each parsed row can go as soon as its record is made
  }
  return records;
}

/** Checks the header against the map; then makes each row's record (row numbers count the header). */
function recordMaker(file: string, columns: string[], idColumn: string, map: FieldMap) {
  const missing = (column: string) =>
    new ExtractError(`${file} has no column "${column}". Its columns are: ${columns.join(', ')}`);
  const at = (column: string) => {
    // As a header read into an object would be: a column named twice is the later one.
    const i = columns.lastIndexOf(column);
    if (i < 0) throw missing(column);
    return i;
  };
  const idAt = at(idColumn);
  for (const [field, cols] of [
    ...map.fields,
    ...map.extras.map((e) => [`extra:${e.name}`, e.columns] as const),
  ]) {
    const absent = cols.find((c) => !columns.includes(c));
    if (absent === undefined) continue;
    if (cols.length === 1) throw missing(absent);
    throw new ExtractError(
      `${file} has no column "${absent}", which --map joins into ${field} (${cols.join('+')}). Its columns are: ${columns.join(', ')}`,
    );
  }
  const fields = [...map.fields].map(([field, cols]) => ({ field, at: cols.map(at) }));
  const extras = map.extras.map((e) => e.columns.map(at));
  /** The value of one or more columns (joined by spaces, blanks left out); '' when none. */
  const columnsValue = (row: string[], positions: number[]): string => {
    if (positions.length === 1) return (row[positions[0]] ?? '').trim();
    return positions
      .map((i) => row[i] ?? '')
      .filter(Boolean)
      .join(' ')
      .trim();
  };
  const seen = new Set<string>();
  return (row: string[], line: number): RawRecord => {
    const id = row[idAt];
    if (!id) throw new ExtractError(`${file} row ${line} has no ${idColumn}`);
    if (seen.has(id)) throw new ExtractError(`${file} has the id "${id}" more than once (row ${line})`);
    seen.add(id);
    const record: RawRecord = { id };
    for (const f of fields) {
      const value = columnsValue(row, f.at);
      if (value) (record as unknown as Record<string, string>)[f.field] = value;
    }
    if (extras.length) record.extras = extras.map((positions) => columnsValue(row, positions) || null);
    return record;
  };
}
