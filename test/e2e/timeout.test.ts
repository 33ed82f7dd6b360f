import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertAccessible } from './browser.ts';
import { journey } from './harness.ts';

describe('browser journey: the idle timeout warns, extends and signs out', { timeout: 170_000 }, () => {
  const j = journey();

  it('warns before the idle timeout, can stay signed in, and signs out when time runs out', async () => {
    // A server with a short idle timeout, to watch the warning and the sign-out happen.
    const quickBase = await j.another({ sessionIdleSeconds: 14, sessionWarningSeconds: 7 });
    const page = await j.signedIn('frontdoor', quickBase);
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
