import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertAccessible } from './browser.ts';
import { journey } from './harness.ts';

describe('browser journey: roles granted by two administrators; a user’s own API token', {
  timeout: 170_000,
}, () => {
  const j = journey();

  it('one administrator asks for a casework role, a second approves it; a user makes their own API token', async () => {
    const admin = await j.signedIn('admin');
    await admin.goto(`${j.base}/admin/users`);
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

    const second = await j.signedIn('admin2');
    await second.goto(`${j.base}/admin/users`);
    await assertAccessible(second, 'users with requests waiting');
    await second.click('[data-qa=role-requests] a:has-text("Ellis Barraclough")');
    await second.check('input[name=decision][value=approve]');
    await assertAccessible(second, 'deciding a role request');
    await second.click('[data-qa=decide-roles]');
    await second.waitForSelector('text=Roles approved');

    const analyst = await j.signedIn('analyst');
    await analyst.goto(`${j.base}/account`);
    assert.match(await analyst.locator('[data-qa=signed-in-roles]').innerText(), /Front Door practitioner/);
    await analyst.fill('#token-name', 'Analysis notebook');
    await analyst.click('[data-qa=create-token]');
    assert.match(await analyst.locator('[data-qa=api-token]').innerText(), /^lnt_/);
    await assertAccessible(analyst, 'token created');
    await analyst.goto(`${j.base}/account`);
    assert.match(await analyst.locator('[data-qa=tokens]').innerText(), /Analysis notebook/);
    await assertAccessible(analyst, 'account page with tokens');
  });
});
