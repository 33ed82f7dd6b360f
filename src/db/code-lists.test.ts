import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../test/helpers.ts';

/**
 * The code's lists of codes (`[...] as const` in reference.ts, rules.ts and access.ts) and the
 * database's CHECK constraints that mirror them say the same: a value added to one and not the
 * other is either refused by the database at the worst moment or stored unchecked.
 */

const SRC = path.resolve(import.meta.dirname, '..');

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return listFiles(full);
    return ['reference.ts', 'rules.ts', 'access.ts'].includes(name) ? [full] : [];
  });
}

/** Every exported list of two or more codes, by `file:NAME`. */
async function codeLists(): Promise<Map<string, string[]>> {
  const lists = new Map<string, string[]>();
  for (const file of listFiles(SRC)) {
    const exports = (await import(file)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(exports))
      if (
        Array.isArray(value) &&
        value.length >= 2 &&
        value.every((v) => typeof v === 'string' && /^[a-z][a-z0-9_]*$/.test(v))
      )
        lists.set(`${path.relative(SRC, file)}:${name}`, value as string[]);
  }
  return lists;
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((v) => b.includes(v));

describe('code lists and CHECK constraints', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase({ people: 0 });
  });
  after(() => t.close());

  it('has a code list saying exactly what each CHECK constraint allows', async () => {
    const { rows } = await t.owner.pool.query<{ name: string; def: string }>(
      `SELECT conrelid::regclass::text || '.' || conname AS name, pg_get_constraintdef(oid) AS def
         FROM pg_constraint WHERE contype = 'c' AND connamespace = 'public'::regnamespace`,
    );
    // `col = ANY (ARRAY['a'::text, …])` for one code, `col <@ ARRAY[…]` for a list of codes.
    const checks = rows
      .map((r) => ({
        name: r.name,
        values: /^CHECK \(\(\w+ (?:= ANY \(|<@ )\(?ARRAY\[(.*)\]/.exec(r.def)?.[1].match(/'[^']*'/g),
      }))
      .filter((c): c is { name: string; values: RegExpMatchArray } => !!c.values)
      .map((c) => ({ name: c.name, values: c.values.map((v) => v.slice(1, -1)) }));
    assert.ok(checks.length >= 25, `found ${checks.length} code constraints`);
    const lists = await codeLists();
    const problems: string[] = [];
    for (const check of checks) {
      if ([...lists.values()].some((list) => same(list, check.values))) continue;
      // Name the nearest list, so a mismatch says what to change.
      const [nearest, list] = [...lists].sort(
        ([, a], [, b]) =>
          b.filter((v) => check.values.includes(v)).length - a.filter((v) => check.values.includes(v)).length,
      )[0];
      problems.push(
        `${check.name} allows [${check.values.join(', ')}]; nearest code list ${nearest} has [${list.join(', ')}]`,
      );
    }
    assert.deepEqual(problems, []);
  });

  it('refuses a code the lists do not know, in a single column and in a list column', async () => {
    await assert.rejects(
      t.owner.pool.query(
        `UPDATE app_user SET roles = roles || '{superuser}'::text[] WHERE username = 'admin'`,
      ),
      /app_user_roles_known/,
    );
    await assert.rejects(
      t.owner.pool.query(`UPDATE agency SET kind = 'secret_service' WHERE code IS NOT NULL`),
      /agency_kind_check/,
    );
  });
});
