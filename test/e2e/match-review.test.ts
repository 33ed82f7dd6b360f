import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { importExtract } from '../../src/modules/matching/index.ts';
import { TEST_PASSWORD } from '../helpers.ts';
import { assertAccessible } from './browser.ts';
import { journey } from './harness.ts';

describe('browser journey: a possible match reviewed, merged and unmerged', { timeout: 170_000 }, () => {
  const j = journey();

  it('reviews a possible match side by side, merges it, sees the agency record, and undoes the merge', async () => {
    // A police record loaded by import, and a person the Front Door recorded: maybe one girl.
    await importExtract(j.t.db, {
      agencyCode: 'police',
      sourceName: 'police.csv',
      records: [
        {
          id: 'PR-77',
          given_name: 'Kezia',
          family_name: 'Quarrington',
          dob: '04/05/2012',
          postcode: 'BD8 1AA',
        },
      ],
    });
    const frontdoorActor = await j.ta.services.accounts.signIn('frontdoor', TEST_PASSWORD);
    assert.ok(frontdoorActor.ok);
    const recorded = await j.ta.services.people.create(frontdoorActor.actor, {
      givenName: 'Keziah',
      familyName: 'Quarrington',
      dobPrecision: 'exact',
      dateOfBirth: '2012-04-05',
      gender: 'female',
    });
    const imported = (
      await j.t.owner.pool.query("SELECT person_id FROM agency_record WHERE source_ref = 'PR-77'")
    ).rows[0].person_id;
    const [a, b] = [recorded, imported].sort();
    await j.t.owner.pool.query(
      `INSERT INTO match_review (partnership_id, person_a, person_b, probability, model_version)
       VALUES ($1, $2, $3, 0.8, 1)`,
      [j.t.partnershipId, a, b],
    );

    const page = await j.signedIn('frontdoor');
    await page.click('a:has-text("Match review")');
    await assertAccessible(page, 'clerical review list');
    await page.click('[data-qa=reviews] a:has-text("Quarrington")');
    assert.match(await page.locator('[data-qa=side-by-side]').innerText(), /PR-77/);
    assert.match(await page.locator('[data-qa=review-explanation]').innerText(), /Date of birth/);
    await assertAccessible(page, 'clerical review of a pair');
    await page.click('[data-qa=save-review]');
    assert.match(
      await page.locator('.govuk-error-summary').innerText(),
      /Select whether these records are the same person/,
    );
    await assertAccessible(page, 'clerical review with an error');
    await page.check('#decision');
    await page.fill('#note', 'School confirmed the date of birth');
    await page.click('[data-qa=save-review]');
    await page.waitForSelector('[data-qa=review-decided]');

    // The record made first (the imported one) is kept; the other now leads to it.
    await page.goto(`${j.base}/people/${recorded}`);
    await page.waitForSelector('[data-qa=merged-notice]');
    assert.ok(page.url().includes(imported));
    assert.match(await page.locator('[data-qa=agency-records]').innerText(), /District Police/);
    assert.match(await page.locator('[data-qa=merged-records]').innerText(), /Keziah Quarrington/);
    assert.match(await page.locator('[data-qa=chronology]').innerText(), /Records merged/);
    await assertAccessible(page, 'person with a merged record');
    await page.click('[data-qa=undo-merge]');
    await assertAccessible(page, 'undo a merge');
    await page.click('[data-qa=confirm-unmerge]');
    assert.match(
      await page.locator('.govuk-error-summary').innerText(),
      /Enter why these records are not the same person/,
    );
    await page.fill('#reason', 'Different girls: GP records checked');
    await page.click('[data-qa=confirm-unmerge]');
    await page.waitForSelector('[data-qa=unmerged-banner]');
    assert.equal(await page.locator('[data-qa=merged-records]').count(), 0);
    await page.context().close();
  });
});
