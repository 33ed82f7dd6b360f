import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { PUBLISHED_2020 } from '../../src/modules/district/index.ts';
import { assertAccessible } from './browser.ts';
import { journey } from './harness.ts';

describe('browser journey: a councillor reads Bradford South’s 2020 ward report', {
  timeout: 170_000,
}, () => {
  const j = journey({ people: 300, seed: 2026, history: true });

  it('chooses the period and committee with the form, sees the published rates, charts with tables, and downloads the CSV', async () => {
    const page = await j.signedIn('councillor');
    await page.goto(`${j.base}/reports/wards`);
    await page.fill('#from', '2020-01');
    await page.fill('#to', '2020-12');
    await page.selectOption('#areaCommittee', 'Bradford South');
    await page.click('text=Show the report');
    assert.equal(await page.locator('h1').innerText(), 'Ward report: Bradford South');
    for (const [ward, published] of Object.entries(PUBLISHED_2020)) {
      const row = page.locator('[data-qa=ward-report] tbody tr', { hasText: ward });
      assert.equal(await row.locator('[data-qa=rate]').innerText(), published.rate.toFixed(2), ward);
    }
    // Each chart is one image named by its summary, and a table sits with it.
    const charts = page.locator('figure.lantern-chart svg[role=img]');
    assert.ok((await charts.count()) >= 7);
    assert.ok(
      (await page.locator('[data-qa^=series-] td', { hasText: /^c$/ }).count()) > 0,
      'small numbers as c',
    );
    await assertAccessible(page, 'ward report');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('text=Download every table as CSV'),
    ]);
    assert.match(
      download.suggestedFilename(),
      /^lantern-ward-report-bradford-south-2020-01-to-2020-12\.csv$/,
    );
    const [pack] = await Promise.all([
      page.waitForEvent('download'),
      page.click('text=Download the Bradford South committee pack (PDF)'),
    ]);
    assert.equal(pack.suggestedFilename(), 'lantern-bradford-south-2020-01-to-2020-12.pdf');
    const pdf = await readFile((await pack.path()) as string);
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    // A mistyped month: the error summary, the field marked, what was typed kept.
    await page.fill('#from', '2020-1');
    await page.click('text=Show the report');
    assert.match(await page.locator('.govuk-error-summary').innerText(), /first month/);
    assert.equal(await page.inputValue('#from'), '2020-1');
    await assertAccessible(page, 'ward report with an error');
    await page.context().close();
  });

  it('as an analyst, compares groups on the equality page, opens the children behind a figure, and reads practice monitoring', async () => {
    const page = await j.signedIn('analyst');
    await page.goto(`${j.base}/reports/equality`);
    await page.selectOption('#by', 'disability');
    await page.click('text=Show the report');
    assert.equal(
      await page.locator('h1').innerText(),
      'Equality monitoring: by disability or special educational needs',
    );
    assert.ok((await page.locator('[data-qa=equality-timeliness] tbody tr').count()) >= 2);
    assert.ok((await page.locator('figure.lantern-chart svg[role=img]').count()) >= 3);
    await assertAccessible(page, 'equality monitoring');
    await page.click('[data-qa=children-yes]');
    assert.match(await page.locator('h1').innerText(), /Children in the group: Yes/);
    assert.ok((await page.locator('[data-qa=children] tbody tr').count()) > 0);
    await assertAccessible(page, 'the children behind an equality figure');
    await page.goto(`${j.base}/reports/practice`);
    assert.equal(await page.locator('[data-qa=practice-months] tbody tr').count(), 12);
    assert.ok((await page.locator('figure.lantern-chart svg[role=img]').count()) >= 6);
    await assertAccessible(page, 'practice monitoring');
    // The menu leads to both, and to the language page.
    for (const name of ['Equality', 'Practice', 'Language in records'])
      assert.equal(
        await page.locator('.govuk-service-navigation').getByRole('link', { name, exact: true }).count(),
        1,
        name,
      );
    await page.context().close();
  });
});
