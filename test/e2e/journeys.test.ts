import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { DEMO_USERS } from '../../src/demo/index.ts';
import { importExtract } from '../../src/modules/matching/index.ts';
import {
  createTestApp,
  createTestDatabase,
  TEST_PASSWORD,
  type TestApp,
  type TestDatabase,
} from '../helpers.ts';
import { assertAccessible, launchBrowser, signedIn as signInAs } from './browser.ts';

describe('browser journeys', { timeout: 170_000 }, () => {
  let t: TestDatabase;
  let ta: TestApp;
  let quick: TestApp;
  let base: string;
  let quickBase: string;
  let browser: Browser;

  before(async () => {
    t = await createTestDatabase({ people: 30 });
    ta = await createTestApp(t);
    base = await ta.app.listen({ port: 0, host: '127.0.0.1' });
    // A second server with a short idle timeout, to watch the warning and the sign-out happen.
    quick = await createTestApp(t, { sessionIdleSeconds: 14, sessionWarningSeconds: 7 });
    quickBase = await quick.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await ta?.app.close();
    await quick?.app.close();
    await t?.close();
  });

  const signedIn = (username: string, at = base) => signInAs(browser, at, username);

  it('signs in as each demo role and shows only what that role may use', async () => {
    const expected: Record<string, string[]> = {
      frontdoor: ['Work', 'Contacts', 'People', 'Match review'],
      chair: ['Work', 'Contacts', 'People', 'Ward reports'],
      police: ['Work', 'Contacts', 'People', 'Match review'],
      analyst: ['Contacts', 'People', 'Ward reports', 'Language in records', 'Matching'],
      keyworker: ['People'],
      manager: [
        'Work',
        'Contacts',
        'People',
        'Match review',
        'Ward reports',
        'Language in records',
        'Clock settings',
        'Matching',
      ],
      admin: ['Users', 'Clock settings', 'Matching', 'Jobs'],
      admin2: ['Users', 'Clock settings', 'Matching', 'Jobs'],
      councillor: ['Ward reports'],
    };
    for (const user of DEMO_USERS) {
      const page = await signedIn(user.username);
      const nav = (await page.locator('.govuk-service-navigation__list a').allInnerTexts()).map((s) =>
        s.trim(),
      );
      assert.deepEqual(nav, expected[user.username], `navigation for ${user.username}`);
      assert.equal(await page.locator('[data-qa=signed-in-user]').innerText(), user.displayName);
      await assertAccessible(page, `${user.username}'s start page`);
      await page.click('[data-qa=sign-out]');
      await page.waitForSelector('[data-qa=signed-out-banner]');
      await page.context().close();
    }
  });

  it('keyboard: the first Tab reaches the skip link; the sign-in page and its errors are accessible', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/sign-in`);
    await assertAccessible(page, 'sign-in');
    await page.keyboard.press('Tab');
    assert.equal(
      await page.evaluate(() => document.activeElement?.textContent?.trim()),
      'Skip to main content',
    );
    // Keyboard only: Tab on to the Sign in button and press Enter.
    for (let i = 0; i < 15; i++) {
      if (await page.evaluate(() => document.activeElement?.getAttribute('data-qa') === 'sign-in')) break;
      await page.keyboard.press('Tab');
    }
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-qa')), 'sign-in');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.govuk-error-summary');
    // GOV.UK Frontend moves focus to the error summary.
    assert.equal(
      await page.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary')),
      true,
    );
    await assertAccessible(page, 'sign-in with errors');
    await page.goto(`${base}/accessibility`);
    await assertAccessible(page, 'accessibility statement');
    await page.goto(`${base}/no-such-page`);
    await assertAccessible(page, '404');
    await context.close();
  });

  it('a practitioner creates, views and edits a person; a manager sees the view in the access log', async () => {
    const page = await signedIn('frontdoor');
    await page.goto(`${base}/people`);
    await assertAccessible(page, 'people search');
    await page.click('[data-qa=add-person]');
    await assertAccessible(page, 'add a person');
    await page.click('[data-qa=save-person]');
    await page.waitForSelector('.govuk-error-summary');
    await assertAccessible(page, 'add a person with errors');
    const postcode = (await t.owner.pool.query('SELECT postcode FROM postcode ORDER BY postcode LIMIT 1'))
      .rows[0].postcode;
    await page.fill('#givenName', 'Keira');
    await page.fill('#familyName', 'Journeytest');
    await page.check('#dobPrecision');
    await page.fill('#dateOfBirth-day', '14');
    await page.fill('#dateOfBirth-month', '2');
    await page.fill('#dateOfBirth-year', '2012');
    await page.check('#gender');
    await page.selectOption('#ethnicity', 'white_british');
    await page.fill('#postcode', postcode);
    await page.fill('#nhsNumber', '943 476 5919');
    await page.click('[data-qa=save-person]');
    await page.waitForSelector('[data-qa=created-banner]');
    assert.equal(await page.locator('[data-qa=person-name]').innerText(), 'Keira Journeytest');
    assert.match(await page.locator('[data-qa=person-details]').innerText(), /14 February 2012/);
    assert.match(await page.locator('[data-qa=chronology]').innerText(), /Person record created/);
    await assertAccessible(page, 'person page');
    const personUrl = page.url().split('?')[0];

    await page.click('[data-qa=edit-person]');
    await assertAccessible(page, 'edit person');
    await page.fill('#town', 'Bradford');
    await page.click('[data-qa=save-person]');
    await page.waitForSelector('[data-qa=saved-banner]');
    assert.match(
      await page.locator('[data-qa=chronology]').innerText(),
      /Person details changed[\s\S]*Changed: town/,
    );

    await page.goto(`${base}/people?name=Journeytest`);
    assert.match(await page.locator('[data-qa=results]').innerText(), /Keira Journeytest/);
    await assertAccessible(page, 'search results');
    await page.context().close();

    const manager = await signedIn('manager');
    await manager.goto(personUrl);
    await manager.click('[data-qa=access-log-link]');
    const log = await manager.locator('[data-qa=access-log]').innerText();
    assert.match(log, /frontdoor[\s\S]*person\.viewed/);
    assert.match(log, /frontdoor[\s\S]*person\.created/);
    await assertAccessible(manager, 'access log');
    await manager.context().close();
  });

  it('administrators, analysts and councillors see their own pages, accessibly; others get a 403 page', async () => {
    const admin = await signedIn('admin');
    await admin.goto(`${base}/admin/users`);
    await assertAccessible(admin, 'users');
    await admin.click('text=Sam Whitaker');
    await assertAccessible(admin, 'edit user');
    await admin.goto(`${base}/admin/users/new`);
    await assertAccessible(admin, 'add user');
    await admin.goto(`${base}/admin/matching`);
    await admin.click('[data-qa=train-model]');
    assert.match(await admin.locator('[data-qa=model-summary]').innerText(), /Version in use/);
    await assertAccessible(admin, 'matching model');
    await admin.goto(`${base}/people`);
    assert.equal(await admin.locator('[data-qa=forbidden]').count(), 1);
    await assertAccessible(admin, '403');
    await admin.context().close();

    const councillor = await signedIn('councillor');
    await councillor.goto(`${base}/reports/wards`);
    const wards = await councillor.locator('[data-qa=wards] tbody tr').count();
    assert.equal(wards, 30);
    assert.match(await councillor.locator('[data-qa=wards]').innerText(), /Queensbury\s+E05001360\s+3,911/);
    await assertAccessible(councillor, 'ward reports');
    await councillor.goto(`${base}/account`);
    await assertAccessible(councillor, 'account');
    await councillor.context().close();
  });

  it('Front Door: a school reports a 14-year-old; the concern becomes a graded, flagged, timed case', async () => {
    const page = await signedIn('frontdoor');
    await page.goto(`${base}/contacts`);
    await assertAccessible(page, 'contacts');
    await page.click('[data-qa=new-contact]');
    await assertAccessible(page, 'record a contact');
    await page.check('#sourceKind');
    await page.selectOption('#sourceAgencyId', { label: 'Education Safeguarding Team' });
    await page.check('input[name=categories][value=sexual]');
    await page.check('input[name=categories][value=missing]');
    // The language check warns as the narrative is written (JavaScript) ...
    await page.fill(
      '#narrative',
      'Seen getting into cars with older males after school, and missing twice this month. She is putting herself at risk.',
    );
    await page.locator('[data-qa=language-warning-narrative] li').first().waitFor();
    assert.match(
      await page.locator('[data-qa=language-warning-narrative]').innerText(),
      /putting herself at risk/,
    );
    await assertAccessible(page, 'contact with a language warning');
    await page.click('[data-qa=save-contact]');
    // ... and again on the saved record (no JavaScript needed); it never blocks saving.
    assert.match(
      await page.locator('[data-qa=language-warning-narrative]').innerText(),
      /putting herself at risk/,
    );

    // "Already known?": a peer already in Lantern, typed the way the school has it.
    const peer = (
      await t.owner.pool.query(
        "SELECT id, given_name, family_name, to_char(date_of_birth, 'DD/MM/YYYY') AS dob FROM person WHERE dob_precision = 'exact' ORDER BY id LIMIT 1",
      )
    ).rows[0];
    await page.fill('#name', `${peer.given_name} ${peer.family_name}`);
    await page.fill('#dob', peer.dob);
    await page.click('[data-qa=contact-search]');
    const first = page.locator('[data-qa=candidate]').first();
    assert.match(await first.innerText(), new RegExp(`${peer.given_name} ${peer.family_name}`));
    assert.match(await first.locator('[data-qa=likelihood]').innerText(), /very likely/);
    await first.locator('summary').click();
    assert.match(await first.locator('[data-qa=evidence]').innerText(), /Date of birth: exact/);
    await assertAccessible(page, 'already known? candidates');
    await first.locator('select').selectOption('peer');
    await first.locator('[data-qa=add-candidate]').click();
    assert.match(
      await page.locator('[data-qa=contact-people]').innerText(),
      new RegExp(`${peer.given_name} ${peer.family_name}[\\s\\S]*Peer`),
    );
    const decided = await t.owner.pool.query('SELECT decision FROM match_decision WHERE person_id = $1', [
      peer.id,
    ]);
    assert.deepEqual(
      decided.rows.map((r) => r.decision),
      ['confirmed'],
    );

    await page.click('[data-qa=add-someone-new]');
    await assertAccessible(page, 'add someone new');
    const dob = new Date();
    dob.setUTCFullYear(dob.getUTCFullYear() - 14);
    dob.setUTCMonth(dob.getUTCMonth() - 2);
    await page.fill('#givenName', 'Jade');
    await page.fill('#familyName', 'Browsertest');
    await page.check('#dobPrecision');
    await page.fill('#dateOfBirth-day', String(dob.getUTCDate()));
    await page.fill('#dateOfBirth-month', String(dob.getUTCMonth() + 1));
    await page.fill('#dateOfBirth-year', String(dob.getUTCFullYear()));
    await page.check('#gender');
    await page.click('[data-qa=add-new-person]');
    assert.match(
      await page.locator('[data-qa=contact-people]').innerText(),
      /Jade Browsertest[\s\S]*Subject of the concern/,
    );
    await assertAccessible(page, 'draft contact with people');
    await page.click('[data-qa=submit-contact]');
    await page.waitForSelector('[data-qa=submitted-banner]');

    // Front Door decision: exploitation assessment.
    await page.check('input[name=outcome][value=exploitation_assessment]');
    await page.check('input[name=urgency][value=within_24_hours]');
    await page.fill('#rationale', 'Clear signs of sexual exploitation and repeated missing episodes.');
    await assertAccessible(page, 'decision form');
    await page.click('[data-qa=record-decision]');
    await page.waitForSelector('[data-qa=decided-banner]');
    await page.click('[data-qa=contact-people] a:has-text("Jade Browsertest")');

    // The clock shows when the assessment is due: "within 24 hours" sets it.
    const clock = await page.locator('[data-qa=person-work]').innerText();
    assert.match(clock, /Complete the exploitation assessment[\s\S]*Due (in (2[0-3]|1?[0-9]) hours|today)/);
    await page.click('[data-qa=person-work] a:has-text("Complete the exploitation assessment")');
    await assertAccessible(page, 'assessment form');
    await page.check('input[name="a-cse-cars"][value=current]');
    await page.check('input[name="a-mis-repeat"][value=current]');
    for (const id of [
      'onl-contact',
      'onl-groomed',
      'onl-devices',
      'dis-learning',
      'dis-send',
      'dis-communication',
      'rad-views',
      'rad-prevent',
    ]) {
      await page.check(`input[name="a-${id}"][value=not_present]`);
    }
    await page.fill('#analysis', 'Adults are grooming Jade; the missing episodes are linked.');
    await page.click('[data-qa=submit-assessment]');
    await page.waitForLoadState();
    if (await page.locator('.govuk-error-summary').count())
      assert.fail(await page.locator('.govuk-error-summary').innerText());
    assert.equal(await page.locator('[data-qa=final-level]').innerText(), 'Moderate');
    await assertAccessible(page, 'completed assessment');

    await page.click('a:has-text("Back to Jade Browsertest")');
    assert.match(
      await page.locator('[data-qa=current-flags]').innerText(),
      /Child sexual exploitation: Moderate/,
    );
    const chronology = await page.locator('[data-qa=chronology]').innerText();
    for (const entry of [
      'Child sexual exploitation flag set: Moderate',
      'Exploitation assessment completed: Moderate',
      'Front Door decision on',
      'received (subject)',
    ]) {
      assert.ok(chronology.includes(entry), `chronology shows "${entry}"`);
    }
    await assertAccessible(page, 'flagged person');
    await page.click('[data-qa=print-chronology]');
    assert.match(await page.locator('[data-qa=chronology-print]').innerText(), /flag set: Moderate/);
    await assertAccessible(page, 'printable chronology');
    await page.goto(`${base}/work`);
    await assertAccessible(page, 'work queues');
    await page.goto(`${base}/people?name=Browsertest`);
    await page.click('[data-qa=results] a');
    await page.click('[data-qa=person-work] a:has-text("Review moderate flag")');
    assert.match(await page.locator('[data-qa=work-item]').innerText(), /Due in/);
    await assertAccessible(page, 'work item');
    await page.fill('#note', 'Reviewed at DRAM: plan in place, flag stays moderate.');
    await page.click('[data-qa=complete-work]');
    assert.match(await page.locator('[data-qa=work-item]').innerText(), /Done/);
    await page.context().close();

    const manager = await signedIn('manager');
    await manager.goto(`${base}/admin/clock`);
    await assertAccessible(manager, 'clock settings');
    await manager.goto(`${base}/reports/language`);
    assert.match(await manager.locator('[data-qa=language-counts]').innerText(), /putting-self-at-risk/);
    await assertAccessible(manager, 'language report');
    await manager.context().close();
  });

  it('reviews a possible match side by side, merges it, sees the agency record, and undoes the merge', async () => {
    // A police record loaded by import, and a person the Front Door recorded: maybe one girl.
    await importExtract(t.db, {
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
    const frontdoorActor = await ta.services.accounts.signIn('frontdoor', TEST_PASSWORD);
    assert.ok(frontdoorActor.ok);
    const recorded = await ta.services.people.create(frontdoorActor.actor, {
      givenName: 'Keziah',
      familyName: 'Quarrington',
      dobPrecision: 'exact',
      dateOfBirth: '2012-04-05',
      gender: 'female',
    });
    const imported = (
      await t.owner.pool.query("SELECT person_id FROM agency_record WHERE source_ref = 'PR-77'")
    ).rows[0].person_id;
    const [a, b] = [recorded, imported].sort();
    await t.owner.pool.query(
      `INSERT INTO match_review (partnership_id, person_a, person_b, probability, model_version)
       VALUES ($1, $2, $3, 0.8, 1)`,
      [t.partnershipId, a, b],
    );

    const page = await signedIn('frontdoor');
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
    await page.goto(`${base}/people/${recorded}`);
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

  it('warns before the idle timeout, can stay signed in, and signs out when time runs out', async () => {
    const page = await signedIn('frontdoor', quickBase);
    const dialog = page.locator('[data-qa=timeout-warning]');
    await dialog.waitFor({ state: 'visible', timeout: 12_000 });
    assert.match(await dialog.innerText(), /You're about to be signed out/);
    await assertAccessible(page, 'timeout warning');
    await page.click('[data-timeout-action=extend]');
    await dialog.waitFor({ state: 'hidden' });
    const status = await page.evaluate(async () => (await fetch('/session/status')).json());
    assert.ok(status.secondsLeft > 10, `the session was extended (${status.secondsLeft}s left)`);
    // Now do nothing: the warning comes back and then the session ends.
    await page.waitForURL(/\/sign-in\?expired=1/, { timeout: 25_000 });
    assert.equal(await page.locator('[data-qa=expired-banner]').count(), 1);
    await page.goto(`${quickBase}/people`);
    assert.match(page.url(), /\/sign-in/);
    await page.context().close();
  });
});
