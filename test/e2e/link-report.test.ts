import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { assertAccessible, launchBrowser } from './browser.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'lantern-report-'));

function link(args: string[]) {
  const run = spawnSync(process.execPath, [path.join(ROOT, 'bin/lantern.js'), 'link', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'test' },
  });
  assert.equal(run.status, 0, run.stderr);
  return run;
}

describe('lantern link --report', () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(() => browser.close());

  for (const [name, args] of [
    [
      'FEBRL dataset 1',
      [
        '--input',
        path.join(ROOT, 'data/linkage/febrl/dataset1.csv'),
        '--id',
        'rec_id',
        '--map',
        'given_name=given_name,family_name=surname,dob=date_of_birth,postcode=postcode,address=street_number+address_1+address_2,nhs_number=soc_sec_id',
      ],
    ],
    [
      "Splink's fake_1000",
      [
        '--input',
        path.join(ROOT, 'data/linkage/fake_1000/fake_1000.csv'),
        '--id',
        'unique_id',
        '--map',
        'given_name=first_name,family_name=surname,dob=dob,town=city,email=email',
      ],
    ],
  ] as const) {
    it(`opens as one self-contained, accessible page for ${name}`, async () => {
      const file = path.join(dir, `${name.replace(/\W+/g, '-')}.html`);
      const run = link([...args, '--output', path.join(dir, 'pairs.csv'), '--report', file]);
      assert.match(run.stdout, /report written to/);
      assert.match(run.stdout, /EM on "[^"]+" \([\d,]+ pairs\): converged after \d+ iterations/);
      assert.match(run.stdout, /Blocking keeps an estimated [\d.]+% of true pairs/);
      assert.match(run.stdout, /Household and twin rules: off \(estimated: /);
      const html = readFileSync(file, 'utf8');
      // Nothing fetched from elsewhere: no scripts, stylesheets or images by address.
      assert.doesNotMatch(html, /<script|<link |src="http|href="http/);
      const page = await browser.newPage();
      try {
        await page.goto(pathToFileURL(file).href);
        assert.equal(await page.title(), 'Lantern link: model report');
        const headings = await page.locator('h2').allTextContents();
        for (const h of [
          'Match weights',
          'Score distribution',
          'Estimated precision and recall',
          'Blocking',
          'Example pairs',
          'What the command chose',
        ])
          assert.ok(headings.includes(h), `${h} in ${headings}`);
        // Every chart is an image named by its caption, with a table beside it.
        const charts = await page.locator('svg[role="img"]').count();
        assert.ok(charts >= 5, `${charts} charts`);
        assert.ok((await page.locator('table').count()) >= charts);
        for (const label of await page
          .locator('svg[role="img"]')
          .evaluateAll((svgs) =>
            svgs.map(
              (s) => document.getElementById(s.getAttribute('aria-labelledby') ?? '')?.textContent ?? '',
            ),
          ))
          assert.ok(label.length > 20, `chart named: ${label}`);
        // Every chart draws its marks (a bar on a log scale from 0 once drew nothing at all).
        const drawn = await page.locator('svg[role="img"]').evaluateAll((svgs) =>
          svgs.map(
            (svg) =>
              [...svg.querySelectorAll('g[class*="role-mark"] path')].filter((mark) => {
                const box = (mark as SVGGraphicsElement).getBBox();
                return box.width > 1 && box.height > 1;
              }).length,
          ),
        );
        assert.ok(
          drawn.every((n) => n > 0),
          `marks drawn in each chart: ${drawn}`,
        );
        // The weights table holds m and u of the fields mapped, and only those.
        const weights = await page.locator('table').first().innerText();
        assert.match(weights, /Date of birth: exact/);
        assert.doesNotMatch(weights, /Unique pupil number/);
        await assertAccessible(page, `link report for ${name}`);
      } finally {
        await page.close();
      }
    });
  }
});
