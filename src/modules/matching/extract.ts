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
  'nhs_number',
  'upn',
  'police_ref',
] as const;
export type MappableField = (typeof MAPPABLE_FIELDS)[number];
/** The fields a real-time "already known?" query may carry (all but the address). */
export const QUERY_FIELDS = MAPPABLE_FIELDS.filter((f) => f !== 'address');

export class ExtractError extends Error {}

/** Parses "--map given_name=FirstName,family_name=Surname"; several columns may feed one field (joined). */
export function parseFieldMap(spec: string): Map<MappableField, string[]> {
  const map = new Map<MappableField, string[]>();
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [field, column] = part.split('=').map((x) => x?.trim());
    if (!field || !column) throw new ExtractError(`--map entry "${part}" must look like field=column`);
    if (!(MAPPABLE_FIELDS as readonly string[]).includes(field)) {
      throw new ExtractError(
        `--map names "${field}", which is not a Lantern field. Use: ${MAPPABLE_FIELDS.join(', ')}`,
      );
    }
    map.set(field as MappableField, [...(map.get(field as MappableField) ?? []), column]);
  }
  if (!map.size)
    throw new ExtractError('--map must map at least one field, for example given_name=FirstName');
  return map;
}

/** Reads an extract: one record per row, mapped columns only; unmapped columns are ignored. */
export function readExtract(file: string, idColumn: string, map: Map<MappableField, string[]>): RawRecord[] {
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
  for (const column of [idColumn, ...[...map.values()].flat()]) {
    if (!columns.includes(column))
      throw new ExtractError(`${file} has no column "${column}". Its columns are: ${columns.join(', ')}`);
  }
  const seen = new Set<string>();
  return rows.map((row, i) => {
    const id = row[idColumn];
    if (!id) throw new ExtractError(`${file} row ${i + 2} has no ${idColumn}`);
    if (seen.has(id)) throw new ExtractError(`${file} has the id "${id}" more than once (row ${i + 2})`);
    seen.add(id);
    const record: RawRecord = { id };
    for (const [field, cols] of map) {
      const value = cols
        .map((c) => row[c] ?? '')
        .filter(Boolean)
        .join(' ')
        .trim();
      if (value) (record as unknown as Record<string, string>)[field] = value;
    }
    return record;
  });
}
