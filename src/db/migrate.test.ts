import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../test/helpers.ts';
import { migrate } from './migrate.ts';

// Tables that are not a partnership's data (see docs/data-model.md).
const SYSTEM_TABLES = ['partnership', 'schema_migrations', 'sign_in_throttle'];

describe('migrations', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase({ people: 1 });
  });
  after(() => t.close());

  it('are applied once: running again changes nothing', async () => {
    assert.deepEqual(await migrate(t.url), { applied: [] });
  });

  it('refuse to run when an applied migration was edited', async () => {
    await t.owner.pool.query(
      "UPDATE schema_migrations SET checksum = 'edited' WHERE version = '001_foundation'",
    );
    await assert.rejects(migrate(t.url), /was changed after it was applied/);
  });

  it('give every domain table a partnership_id', async () => {
    const { rows } = await t.owner.pool.query(
      `SELECT t.table_name FROM information_schema.tables t
        WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE'
          AND NOT EXISTS (SELECT 1 FROM information_schema.columns c
                           WHERE c.table_schema = 'public' AND c.table_name = t.table_name AND c.column_name = 'partnership_id')`,
    );
    assert.deepEqual(rows.map((r) => r.table_name).sort(), [...SYSTEM_TABLES].sort());
  });
});
