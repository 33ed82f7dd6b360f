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

/** Reads an extract: one record per row, mapped columns only; unmapped columns are ignored. */
export function readExtract(file: string, idColumn: string, map: FieldMap): RawRecord[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(readFileSync(file), {
      columns: true,
      bom: true,
      ltrim: true,
      rtrim: true,
      skip_empty_lines: true,
      relax_column_count: true,
    });
  } catch (error) {
    throw new ExtractError(`Could not read ${file}: ${(error as Error).message}`);
  }
  if (!rows.length) throw new ExtractError(`${file} has no rows`);
  const columns = Object.keys(rows[0]);
  const missing = (column: string) =>
    new ExtractError(`${file} has no column "${column}". Its columns are: ${columns.join(', ')}`);
  if (!columns.includes(idColumn)) throw missing(idColumn);
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
  const joined = (row: Record<string, string>, cols: string[]) =>
    cols
      .map((c) => row[c] ?? '')
      .filter(Boolean)
      .join(' ')
      .trim();
  const seen = new Set<string>();
  return rows.map((row, i) => {
    const id = row[idColumn];
    if (!id) throw new ExtractError(`${file} row ${i + 2} has no ${idColumn}`);
    if (seen.has(id)) throw new ExtractError(`${file} has the id "${id}" more than once (row ${i + 2})`);
    seen.add(id);
    const record: RawRecord = { id };
    for (const [field, cols] of map.fields) {
      const value = joined(row, cols);
      if (value) (record as unknown as Record<string, string>)[field] = value;
    }
    if (map.extras.length) record.extras = map.extras.map((e) => joined(row, e.columns) || null);
    return record;
  });
}
