import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { personIdWhere } from '../helpers.ts';
import { assertAccessible } from './browser.ts';
import { journey } from './harness.ts';
import { PersonForm } from './pages.ts';

describe('browser journey: a stale edit, and "already known?" before adding a person', {
  timeout: 170_000,
}, () => {
  const j = journey();

  it('a stale edit shows both versions; adding a person asks "already known?" first', async () => {
    const id = await personIdWhere(j.t, 'merged_into IS NULL AND town IS NOT NULL');
    const frontdoor = await j.signedIn('frontdoor');
    const manager = await j.signedIn('manager');
    await frontdoor.goto(`${j.base}/people/${id}/edit`);
    await manager.goto(`${j.base}/people/${id}/edit`);
    await manager.fill('#familyName', 'Managerchange');
    await manager.click('[data-qa=save-person]');
    await manager.waitForSelector('text=Changes saved');
    await frontdoor.fill('#familyName', 'Frontdoorchange');
    await frontdoor.click('[data-qa=save-person]');
    await frontdoor.waitForSelector('[data-qa=stale-edit]');
    assert.match(
      await frontdoor.locator('[data-qa=stale-edit]').innerText(),
      /Yours: Frontdoorchange[\s\S]*Managerchange/,
    );
    await assertAccessible(frontdoor, 'stale edit');
    await frontdoor.check('input[name=resolve-familyName][value=theirs]');
    await frontdoor.click('[data-qa=save-person]');
    await frontdoor.waitForSelector('text=Changes saved');

    const { rows } = await j.t.owner.pool.query(
      'SELECT given_name, family_name, date_of_birth FROM person WHERE date_of_birth IS NOT NULL AND merged_into IS NULL ORDER BY id LIMIT 1',
    );
    const [y, m, d] = rows[0].date_of_birth.split('-');
    await frontdoor.goto(`${j.base}/people/new`);
    const form = new PersonForm(frontdoor);
    await form.fill({
      givenName: rows[0].given_name,
      familyName: rows[0].family_name,
      born: { day: Number(d), month: Number(m), year: Number(y) },
      gender: 'female',
    });
    await form.save();
    await frontdoor.waitForSelector('[data-qa=possible-matches]');
    await assertAccessible(frontdoor, 'possible matches');
    assert.match(
      await frontdoor.locator('[data-qa=possible-matches]').innerText(),
      new RegExp(rows[0].family_name),
    );
  });
});
