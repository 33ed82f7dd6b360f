import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertAccessible } from './browser.ts';
import { journey } from './harness.ts';
import { AssessmentForm, PersonForm } from './pages.ts';

describe('browser journey: a concern becomes a graded, flagged, timed case', { timeout: 170_000 }, () => {
  const j = journey();

  it('Front Door: a school reports a 14-year-old; the concern becomes a graded, flagged, timed case', async () => {
    const page = await j.signedIn('frontdoor');
    await page.goto(`${j.base}/contacts`);
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
      await j.t.owner.pool.query(
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
    const decided = await j.t.owner.pool.query('SELECT decision FROM match_decision WHERE person_id = $1', [
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
    await new PersonForm(page).fill({
      givenName: 'Jade',
      familyName: 'Browsertest',
      born: { day: dob.getUTCDate(), month: dob.getUTCMonth() + 1, year: dob.getUTCFullYear() },
      gender: 'female',
    });
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
    const assessment = new AssessmentForm(page);
    await assessment.answer('cse-cars', 'current');
    await assessment.answer('mis-repeat', 'current');
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
      await assessment.answer(id, 'not_present');
    }
    await assessment.submit('Adults are grooming Jade; the missing episodes are linked.');
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
    await page.goto(`${j.base}/work`);
    await assertAccessible(page, 'work queues');
    await page.goto(`${j.base}/people?name=Browsertest`);
    await page.click('[data-qa=results] a');
    await page.click('[data-qa=person-work] a:has-text("Review moderate flag")');
    assert.match(await page.locator('[data-qa=work-item]').innerText(), /Due in/);
    await assertAccessible(page, 'work item');
    await page.fill('#note', 'Reviewed at DRAM: plan in place, flag stays moderate.');
    await page.click('[data-qa=complete-work]');
    assert.match(await page.locator('[data-qa=work-item]').innerText(), /Done/);
    await page.context().close();

    const manager = await j.signedIn('manager');
    await manager.goto(`${j.base}/admin/clock`);
    await assertAccessible(manager, 'clock settings');
    await manager.goto(`${j.base}/reports/language`);
    assert.match(
      await manager.locator('[data-qa=language-counts]').innerText(),
      /“Putting themselves at risk”/,
      'phrases named in words, not by their identifiers',
    );
    await assertAccessible(manager, 'language report');
    await manager.context().close();
  });
});
