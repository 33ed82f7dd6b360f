import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  createTestApp,
  createTestDatabase,
  personIdWhere,
  type TestApp,
  type TestDatabase,
} from '../helpers.ts';
import { assertAccessible, launchBrowser, signedIn } from './browser.ts';

describe('browser journeys: accounts and edits people can trust', { timeout: 170_000 }, () => {
  let t: TestDatabase;
  let ta: TestApp;
  let base: string;
  let browser: Browser;

  before(async () => {
    t = await createTestDatabase({ people: 30 });
    ta = await createTestApp(t);
    base = await ta.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await ta?.app.close();
    await t?.close();
  });

  it('one administrator asks for a casework role, a second approves it; a user makes their own API token', async () => {
    const admin = await signedIn(browser, base, 'admin');
    await admin.goto(`${base}/admin/users`);
    await admin.click('a:has-text("Ellis Barraclough")');
    await admin.check('input[name=roles][value=front_door]');
    await admin.fill('#reason', 'Covering the Front Door rota in December');
    await admin.click('[data-qa=save-user]');
    await admin.waitForSelector('text=waiting for a second administrator');
    assert.match(
      await admin.locator('[data-qa=role-request]').innerText(),
      /Another administrator must decide/,
    );
    await assertAccessible(admin, 'user page with a request waiting');

    const second = await signedIn(browser, base, 'admin2');
    await second.goto(`${base}/admin/users`);
    await assertAccessible(second, 'users with requests waiting');
    await second.click('[data-qa=role-requests] a:has-text("Ellis Barraclough")');
    await second.check('input[name=decision][value=approve]');
    await assertAccessible(second, 'deciding a role request');
    await second.click('[data-qa=decide-roles]');
    await second.waitForSelector('text=Roles approved');

    const analyst = await signedIn(browser, base, 'analyst');
    await analyst.goto(`${base}/account`);
    assert.match(await analyst.locator('[data-qa=signed-in-roles]').innerText(), /Front Door practitioner/);
    await analyst.fill('#token-name', 'Analysis notebook');
    await analyst.click('[data-qa=create-token]');
    assert.match(await analyst.locator('[data-qa=api-token]').innerText(), /^lnt_/);
    await assertAccessible(analyst, 'token created');
    await analyst.goto(`${base}/account`);
    assert.match(await analyst.locator('[data-qa=tokens]').innerText(), /Analysis notebook/);
    await assertAccessible(analyst, 'account page with tokens');
  });

  it('a stale edit shows both versions; adding a person asks "already known?" first', async () => {
    const id = await personIdWhere(t, 'merged_into IS NULL AND town IS NOT NULL');
    const frontdoor = await signedIn(browser, base, 'frontdoor');
    const manager = await signedIn(browser, base, 'manager');
    await frontdoor.goto(`${base}/people/${id}/edit`);
    await manager.goto(`${base}/people/${id}/edit`);
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

    const { rows } = await t.owner.pool.query(
      'SELECT given_name, family_name, date_of_birth FROM person WHERE date_of_birth IS NOT NULL AND merged_into IS NULL ORDER BY id LIMIT 1',
    );
    const [y, m, d] = rows[0].date_of_birth.split('-');
    await frontdoor.goto(`${base}/people/new`);
    await frontdoor.fill('#givenName', rows[0].given_name);
    await frontdoor.fill('#familyName', rows[0].family_name);
    await frontdoor.check('input[name=dobPrecision][value=exact]');
    await frontdoor.fill('#dateOfBirth-day', String(Number(d)));
    await frontdoor.fill('#dateOfBirth-month', String(Number(m)));
    await frontdoor.fill('#dateOfBirth-year', y);
    await frontdoor.check('input[name=gender][value=female]');
    await frontdoor.click('[data-qa=save-person]');
    await frontdoor.waitForSelector('[data-qa=possible-matches]');
    await assertAccessible(frontdoor, 'possible matches');
    assert.match(
      await frontdoor.locator('[data-qa=possible-matches]').innerText(),
      new RegExp(rows[0].family_name),
    );
  });
});
