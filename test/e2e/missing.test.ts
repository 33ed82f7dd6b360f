import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toLondon } from '../../src/platform/validation.ts';
import { tokenFor } from '../helpers.ts';
import { assertAccessible } from './browser.ts';
import { journey } from './harness.ts';

describe('browser journey: missing episodes, return home interviews, the Philomena Protocol, placements and education', {
  timeout: 170_000,
}, () => {
  const j = journey({ people: 400, seed: 2026, history: true });
  const one = async (sql: string, values: unknown[] = []) =>
    (await j.t.owner.pool.query(sql, values)).rows[0];

  it('a police system posts an episode for a flagged child and the Front Door sees the risk review', async () => {
    const { id: child } = await one(
      `SELECT f.person_id AS id FROM flag_period f WHERE f.valid_to IS NULL
          AND NOT EXISTS (SELECT 1 FROM missing_episode e WHERE e.person_id = f.person_id AND e.returned_at IS NULL)
          AND NOT EXISTS (SELECT 1 FROM work_item w WHERE w.person_id = f.person_id AND w.kind = 'risk_review' AND w.completed_at IS NULL)
        ORDER BY f.person_id LIMIT 1`,
    );
    const token = await tokenFor(j.ta.services, 'police');
    const posted = await fetch(`${j.base}/api/v1/missing-episodes`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': 'e2e-1',
      },
      body: JSON.stringify({
        personId: child,
        reportedBy: 'police',
        lastSeenAt: new Date(Date.now() - 2 * 3_600_000).toISOString(),
        missingFrom: 'home',
        riskGrading: 'high',
        lastSeenPlace: 'Interchange',
      }),
    });
    assert.equal(posted.status, 201);
    const page = await j.signedIn('frontdoor');
    await page.goto(`${j.base}/work`);
    const row = page.locator('[data-qa=queue-risk-review] tr', {
      hasText: 'Risk review needed: reported missing',
    });
    assert.equal(await row.count(), 1);
    assert.match(await row.innerText(), /Missing now/);
    await assertAccessible(page, 'work queues with a child missing now');
    await page.goto(`${j.base}/people/${child}`);
    assert.match(await page.locator('[data-qa=missing-now-banner]').innerText(), /Missing now: last seen/);
    await assertAccessible(page, 'the person page of a child missing now');
    await page.context().close();
  });

  it('a carer’s episode is closed with a return, and the return home interview is recorded within 72 hours', async () => {
    const { id: child } = await one(
      `SELECT p.id FROM person p JOIN person_agency pa ON pa.person_id = p.id JOIN agency a ON a.id = pa.agency_id
        WHERE a.code = 'trp' AND p.date_of_birth > current_date - interval '17 years' AND p.merged_into IS NULL
          AND NOT EXISTS (SELECT 1 FROM missing_episode e WHERE e.person_id = p.id AND e.last_seen_at > now() - interval '3 days')
        ORDER BY p.id LIMIT 1`,
    );
    const page = await j.signedIn('keyworker');
    await page.goto(`${j.base}/people/${child}`);
    await page.click('[data-qa=report-missing]');
    await assertAccessible(page, 'report a child missing');
    await page.getByLabel('Foster or kinship carer').check();
    const seen = toLondon(new Date(Date.now() - 20 * 3_600_000));
    await page.fill('#lastSeenAt-date', seen.date);
    await page.fill('#lastSeenAt-time', '25:00');
    await page.getByLabel('Home', { exact: true }).check();
    await page.getByLabel('Medium risk').check();
    await page.fill('#circumstances', 'Did not come home after school');
    await page.click('[data-qa=save-missing]');
    // A wrong time: the error summary, the field marked, what was typed kept.
    assert.match(await page.locator('.govuk-error-summary').innerText(), /24-hour time/);
    assert.equal(await page.inputValue('#circumstances'), 'Did not come home after school');
    await assertAccessible(page, 'report missing with an error');
    await page.fill('#lastSeenAt-time', seen.time);
    await page.click('[data-qa=save-missing]');
    assert.equal(await page.locator('[data-qa=reported-banner]').count(), 1);
    await assertAccessible(page, 'a missing episode');
    const back = toLondon(new Date(Date.now() - 6 * 3_600_000));
    await page.fill('#returnedAt-date', back.date);
    await page.fill('#returnedAt-time', back.time);
    await page.getByLabel('Came back themselves').check();
    await page.click('[data-qa=save-return]');
    assert.match(await page.locator('[data-qa=duration]').innerText(), /14 hours/);
    await page.click('[data-qa=record-interview]');
    await assertAccessible(page, 'the return home interview form');
    await page.fill('#interviewerName', 'Alex Mercer');
    await page.fill('#interviewerRole', 'Return home interview worker');
    const offered = toLondon(new Date(Date.now() - 2 * 3_600_000));
    await page.fill('#offeredAt-date', offered.date);
    await page.fill('#offeredAt-time', offered.time);
    await page.getByLabel('Declined').check();
    await page.click('[data-qa=save-interview]');
    assert.match(await page.locator('.govuk-error-summary').innerText(), /independent of the child’s carer/);
    await assertAccessible(page, 'the interview form with an error');
    await page.getByLabel('They are independent of the child’s carer').check();
    await page.click('[data-qa=save-interview]');
    assert.match(await page.locator('[data-qa=interview]').innerText(), /Declined, offered/);
    await page.goto(`${j.base}/people/${child}?kind=missing#chronology`);
    const chronology = await page.locator('[data-qa=chronology]').innerText();
    assert.match(chronology, /Return home interview: declined/);
    assert.match(chronology, /Returned after 14 hours missing/);
    await page.context().close();
  });

  it('a residential child’s Philomena plan is agreed and the grab pack printed; placements and education are recorded', async () => {
    const { id: child } = await one(
      `SELECT pl.person_id AS id FROM placement pl JOIN philomena_plan pp ON pp.person_id = pl.person_id
        WHERE pl.ended_on IS NULL AND pl.kind = 'childrens_home' ORDER BY pl.person_id LIMIT 1`,
    );
    const page = await j.signedIn('police');
    await page.goto(`${j.base}/people/${child}/philomena`);
    await assertAccessible(page, 'a Philomena plan');
    await page.goto(`${j.base}/people/${child}/philomena/grab-pack`);
    assert.match(await page.locator('[data-qa=grab-pack]').innerText(), /Part 1: the plan/);
    await page.emulateMedia({ media: 'print' });
    assert.equal(
      await page.locator('.govuk-service-navigation').isVisible(),
      false,
      'the print leaves the menu out',
    );
    await page.emulateMedia({ media: 'screen' });
    await assertAccessible(page, 'the grab pack');
    await page.context().close();

    const chair = await j.signedIn('chair');
    await chair.goto(`${j.base}/people/${child}/placements`);
    await assertAccessible(chair, 'the placement form');
    await chair.goto(`${j.base}/placements/out-of-area`);
    assert.match(
      await chair.locator('[data-qa=out-of-area-figures]').innerText(),
      /at risk of child sexual exploitation/,
    );
    await assertAccessible(chair, 'children placed out of area');
    await chair.goto(`${j.base}/people/${child}/education`);
    await chair.getByRole('radio', { name: 'Suspension' }).check();
    await chair.fill('#startedOn', toLondon(new Date()).date);
    await chair.fill('#school', 'Tong Leadership Academy');
    await chair.click('[data-qa=save-education]');
    assert.match(await chair.locator('.govuk-error-summary').innerText(), /how many school days/);
    assert.equal(await chair.inputValue('#school'), 'Tong Leadership Academy');
    await assertAccessible(chair, 'the education form with an error');
    await chair.fill('#days', '2');
    await chair.fill('#reason', 'Fighting');
    await chair.click('[data-qa=save-education]');
    assert.match(await chair.locator('#education + [data-qa=education-status]').innerText(), /suspension/);
    await chair.context().close();
  });

  it('an elected member reads the missing figures with small numbers suppressed', async () => {
    const page = await j.signedIn('councillor');
    await page.goto(`${j.base}/reports/missing`);
    assert.match(await page.locator('[data-qa=missing-totals]').innerText(), /children went missing/);
    assert.ok(
      (await page.locator('[data-qa=missing-wards] td', { hasText: /^c$/ }).count()) > 0,
      'small numbers as c',
    );
    assert.equal(await page.locator('figure.lantern-chart svg[role=img]').count(), 1);
    await assertAccessible(page, 'missing figures');
    await page.context().close();
  });
});
