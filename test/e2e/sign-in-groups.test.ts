import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertAccessible } from './browser.ts';
import { journey } from './harness.ts';

describe('browser journey: sign-in with the identity provider, and the groups administrators map', {
  timeout: 170_000,
}, () => {
  const j = journey();

  it('one administrator maps a provider group, a second approves it', async () => {
    const admin = await j.signedIn('admin');
    await admin.goto(`${j.base}/admin/users`);
    await admin.click('[data-qa=sign-in-groups-link]');
    assert.match(
      await admin.locator('[data-qa=sign-in-groups]').innerText(),
      /SG-Lantern-FrontDoor[\s\S]*In force/,
    );
    await assertAccessible(admin, 'sign-in groups');
    await admin.click('[data-qa=request-mapping]');
    await admin.waitForSelector('.govuk-error-summary');
    assert.match(
      await admin.locator('.govuk-error-summary').innerText(),
      /Select at least one role the group gives/,
    );
    await assertAccessible(admin, 'sign-in groups with errors');
    await admin.fill('#groupName', 'SG-Lantern-Youth');
    await admin.selectOption('#agencyId', { label: 'Youth Service (Youth service)' });
    await admin.check('input[name=roles][value=service_worker]');
    await admin.fill('#reason', 'Detached youth workers who attend the DRAM');
    await admin.click('[data-qa=request-mapping]');
    await admin.waitForSelector('text=another administrator must approve it');
    // The one who asked cannot approve it.
    assert.equal(await admin.locator('[data-qa=approve-SG-Lantern-Youth]').count(), 0);
    await admin.context().close();

    const second = await j.signedIn('admin2');
    await second.goto(`${j.base}/admin/sign-in-groups`);
    await second.click('[data-qa=approve-SG-Lantern-Youth]');
    await second.waitForSelector('text=Mapping approved');
    assert.match(
      await second.locator('[data-qa="group-SG-Lantern-Youth"]').innerText(),
      /Youth Service[\s\S]*Service worker[\s\S]*In force/,
    );
    await assertAccessible(second, 'sign-in groups after approval');
    await second.context().close();
  });

  it('offers the council account on the sign-in page, and says so plainly when the provider is away', async () => {
    const at = await j.another({
      publicUrl: 'http://lantern.test',
      oidc: {
        issuer: 'http://127.0.0.1:9',
        clientId: 'lantern',
        clientSecret: 'unused',
        groupsClaim: 'groups',
        displayName: 'your council account',
      },
    });
    const context = await j.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${at}/sign-in`);
    assert.match(
      await page.locator('[data-qa=sign-in-provider]').innerText(),
      /Sign in with your council account/,
    );
    await assertAccessible(page, 'sign-in page with the identity provider');
    await page.click('[data-qa=sign-in-provider]');
    await page.waitForSelector('.govuk-error-summary');
    assert.match(await page.locator('.govuk-error-summary').innerText(), /not available right now/);
    await assertAccessible(page, 'identity provider not available');
    await context.close();
  });
});
