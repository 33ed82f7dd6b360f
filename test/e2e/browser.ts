import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';
import { TEST_PASSWORD } from '../helpers.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Runs axe-core on the page as it stands; fails listing each WCAG A/AA violation. */
export async function assertAccessible(page: Page, label: string) {
  // Evaluated through the DevTools protocol: the page's real CSP stays in force.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (tags) => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected at run time
    const result = await (window as any).axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return result.violations.map(
      (v: { id: string; nodes: { target: string[] }[] }) =>
        `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  }, WCAG_TAGS);
  assert.deepEqual(violations, [], `axe violations on ${label}`);
}

/** Debian's Chromium, headless, as this machine (no network, as root) needs it. */
export async function launchBrowser(): Promise<Browser> {
  assert.ok(
    existsSync(CHROMIUM),
    `Chromium is needed for the browser tests: install Debian's "chromium" package or set CHROMIUM_PATH (looked for ${CHROMIUM})`,
  );
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A new browser context signed in as the user, on their start page. */
export async function signedIn(browser: Browser, at: string, username: string, password = TEST_PASSWORD) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${at}/sign-in`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('[data-qa=sign-in]');
  await page.waitForSelector('[data-qa=signed-in-user]');
  return page;
}
