import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers.ts';
import { schedule } from './service.ts';

/** Putting work on the clock inside another module's transaction (schedule in service.ts). */
describe('the clock inside a transaction', () => {
  let t: TestDatabase;
  let person: string;
  before(async () => {
    t = await createTestDatabase({ people: 5 });
    person = (await t.owner.pool.query('SELECT id FROM person ORDER BY id LIMIT 1')).rows[0].id;
  });
  after(async () => {
    await t.close();
  });

  const setRule = (amount: number) =>
    t.owner.pool.query(
      `INSERT INTO clock_rule (partnership_id, kind, amount, unit) VALUES ($1, 'risk_review', $2, 'hours')
       ON CONFLICT (partnership_id, kind) DO UPDATE SET amount = excluded.amount, unit = excluded.unit`,
      [t.partnershipId, amount],
    );
  const item = (from: Date) => ({
    kind: 'risk_review' as const,
    title: 'Risk review',
    reason: 'test',
    personId: person,
    from,
  });

  it('reads the rules once for all the work one transaction schedules, and sees a change in the next', async () => {
    await setRule(5);
    const from = new Date('2026-06-01T09:00:00Z');
    // Counts the statements that read the rules, on every connection.
    const query = pg.Client.prototype.query as (...a: unknown[]) => unknown;
    let reads = 0;
    pg.Client.prototype.query = function (this: pg.Client, ...a: unknown[]) {
      const text = typeof a[0] === 'string' ? a[0] : (a[0] as { text?: string })?.text;
      if (text?.includes('FROM clock_rule')) reads++;
      return query.apply(this, a);
    } as typeof pg.Client.prototype.query;
    try {
      const scope = t.db.for({ partnershipId: t.partnershipId });
      const first = await scope.tx(async (c) => [
        await schedule(c, t.partnershipId, item(from)),
        await schedule(c, t.partnershipId, item(from)),
        await schedule(c, t.partnershipId, item(from)),
      ]);
      assert.equal(reads, 1, 'one read of the rules for three pieces of work');
      for (const w of first) assert.equal(w.dueAt.getTime(), from.getTime() + 5 * 3_600_000);

      await setRule(7);
      const next = await scope.tx((c) => schedule(c, t.partnershipId, item(from)));
      assert.equal(
        next.dueAt.getTime(),
        from.getTime() + 7 * 3_600_000,
        'the next transaction sees the change',
      );
      assert.equal(reads, 2);
      // Outside a transaction the rules are read every time.
      await schedule(scope, t.partnershipId, item(from));
      await schedule(scope, t.partnershipId, item(from));
      assert.equal(reads, 4);
    } finally {
      pg.Client.prototype.query = query as typeof pg.Client.prototype.query;
    }
  });
});
