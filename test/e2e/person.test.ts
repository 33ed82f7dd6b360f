import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertAccessible } from './browser.ts';
import { journey } from './harness.ts';
import { PersonForm } from './pages.ts';

describe('browser journey: a person recorded, viewed, edited and their access log', {
  timeout: 170_000,
}, () => {
  const j = journey();

  it('a practitioner creates, views and edits a person; a manager sees the view in the access log', async () => {
    const page = await j.signedIn('frontdoor');
    await page.goto(`${j.base}/people`);
    await assertAccessible(page, 'people search');
    await page.click('[data-qa=add-person]');
    await assertAccessible(page, 'add a person');
    await new PersonForm(page).save();
    await page.waitForSelector('.govuk-error-summary');
    await assertAccessible(page, 'add a person with errors');
    const postcode = (await j.t.owner.pool.query('SELECT postcode FROM postcode ORDER BY postcode LIMIT 1'))
      .rows[0].postcode;
    const form = new PersonForm(page);
    await form.fill({
      givenName: 'Keira',
      familyName: 'Journeytest',
      born: { day: 14, month: 2, year: 2012 },
      gender: 'female',
      ethnicity: 'white_british',
      postcode,
      nhsNumber: '943 476 5919',
    });
    await form.save();
    await page.waitForSelector('[data-qa=created-banner]');
    assert.equal(await page.locator('[data-qa=person-name]').innerText(), 'Keira Journeytest');
    assert.match(await page.locator('[data-qa=person-details]').innerText(), /14 February 2012/);
    assert.match(await page.locator('[data-qa=chronology]').innerText(), /Person record created/);
    await assertAccessible(page, 'person page');
    const personUrl = page.url().split('?')[0];

    await page.click('[data-qa=edit-person]');
    await assertAccessible(page, 'edit person');
    await form.fill({ town: 'Bradford' });
    await form.save();
    await page.waitForSelector('[data-qa=saved-banner]');
    assert.match(
      await page.locator('[data-qa=chronology]').innerText(),
      /Person details changed[\s\S]*Changed: town/,
    );

    await page.goto(`${j.base}/people?name=Journeytest`);
    assert.match(await page.locator('[data-qa=results]').innerText(), /Keira Journeytest/);
    await assertAccessible(page, 'search results');
    await page.context().close();

    const manager = await j.signedIn('manager');
    await manager.goto(personUrl);
    await manager.click('[data-qa=access-log-link]');
    const log = await manager.locator('[data-qa=access-log]').innerText();
    assert.match(log, /frontdoor[\s\S]*person\.viewed/);
    assert.match(log, /frontdoor[\s\S]*person\.created/);
    await assertAccessible(manager, 'access log');
    await manager.context().close();
  });
});
