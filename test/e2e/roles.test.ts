import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEMO_USERS } from '../../src/demo/index.ts';
import { assertAccessible } from './browser.ts';
import { journey } from './harness.ts';
import { Navigation } from './pages.ts';

describe('browser journey: each role signs in and sees only what it may use', { timeout: 170_000 }, () => {
  const j = journey();

  it('signs in as each demo role and shows only what that role may use', async () => {
    const expected: Record<string, string[]> = {
      frontdoor: ['Work', 'Contacts', 'People', 'Out of area', 'Match review'],
      chair: ['Work', 'Contacts', 'People', 'Out of area', 'Ward reports', 'Equality', 'Practice', 'Missing'],
      police: ['Work', 'Contacts', 'People', 'Out of area', 'Match review'],
      analyst: [
        'Contacts',
        'People',
        'Out of area',
        'Ward reports',
        'Equality',
        'Practice',
        'Missing',
        'Language in records',
        'Matching',
      ],
      keyworker: ['People'],
      manager: [
        'Work',
        'Contacts',
        'People',
        'Out of area',
        'Match review',
        'Ward reports',
        'Equality',
        'Practice',
        'Missing',
        'Language in records',
        'Clock settings',
        'Matching',
      ],
      admin: ['Users', 'Clock settings', 'Matching', 'Jobs'],
      admin2: ['Users', 'Clock settings', 'Matching', 'Jobs'],
      councillor: ['Ward reports', 'Missing'],
    };
    for (const user of DEMO_USERS) {
      const page = await j.signedIn(user.username);
      const nav = new Navigation(page);
      assert.deepEqual(await nav.links(), expected[user.username], `navigation for ${user.username}`);
      assert.equal(await nav.signedInAs(), user.displayName);
      await assertAccessible(page, `${user.username}'s start page`);
      await nav.signOut();
      await page.context().close();
    }
  });

  it('administrators, analysts and councillors see their own pages, accessibly; others get a 403 page', async () => {
    const admin = await j.signedIn('admin');
    await admin.goto(`${j.base}/admin/users`);
    await assertAccessible(admin, 'users');
    await admin.click('text=Sam Whitaker');
    await assertAccessible(admin, 'edit user');
    await admin.goto(`${j.base}/admin/users/new`);
    await assertAccessible(admin, 'add user');
    await admin.goto(`${j.base}/admin/matching`);
    await admin.click('[data-qa=train-model]');
    assert.match(await admin.locator('[data-qa=model-summary]').innerText(), /Version in use/);
    await assertAccessible(admin, 'matching model');
    await admin.goto(`${j.base}/people`);
    assert.equal(await admin.locator('[data-qa=forbidden]').count(), 1);
    await assertAccessible(admin, '403');
    await admin.context().close();

    const councillor = await j.signedIn('councillor');
    await councillor.goto(`${j.base}/reports/wards`);
    const wards = await councillor.locator('[data-qa=wards] tbody tr').count();
    assert.equal(wards, 30);
    assert.match(await councillor.locator('[data-qa=wards]').innerText(), /Queensbury\s+E05001360\s+3,911/);
    await assertAccessible(councillor, 'ward reports');
    await councillor.goto(`${j.base}/account`);
    await assertAccessible(councillor, 'account');
    await councillor.context().close();
  });
});
