import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertAccessible } from './browser.ts';
import { journey } from './harness.ts';

describe('browser journey: keyboard and the sign-in page', { timeout: 170_000 }, () => {
  const j = journey();

  it('keyboard: the first Tab reaches the skip link; the sign-in page and its errors are accessible', async () => {
    const context = await j.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${j.base}/sign-in`);
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
    await page.goto(`${j.base}/accessibility`);
    await assertAccessible(page, 'accessibility statement');
    await page.goto(`${j.base}/no-such-page`);
    await assertAccessible(page, '404');
    await context.close();
  });
});
