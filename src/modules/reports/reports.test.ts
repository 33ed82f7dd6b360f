import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import {
  Client,
  createTestApp,
  createTestDatabase,
  type TestApp,
  type TestDatabase,
  tokenFor,
} from '../../../test/helpers.ts';
import { AREA_COMMITTEES, PUBLISHED_2020, PUBLISHED_DISTRICT_MONTHS } from '../district/index.ts';

interface Figures {
  name: string;
  averageMonthlyChildren: number | 'c';
  ratePer10000: number | 'c';
  children: number | 'c';
  months: { month: string; children: number | 'c' }[];
}

describe('ward reports on the demo district’s history', () => {
  let t: TestDatabase;
  let ta: TestApp;
  const api = async (username: string, query: string) => {
    const token = await tokenFor(ta.services, username);
    return ta.app.inject({
      method: 'GET',
      url: `/api/v1/reports/wards?${query}`,
      headers: { authorization: `Bearer ${token}` },
    });
  };

  before(async () => {
    t = await createTestDatabase({ people: 300, seed: 2026, history: true });
    ta = await createTestApp(t);
  });
  after(async () => {
    await ta.app.close();
    await t.close();
  });

  it('reproduces the rates Bradford South’s 2020 report published, and the district’s months', async () => {
    const res = await api('analyst', 'from=2020-01&to=2020-12&areaCommittee=Bradford%20South');
    assert.equal(res.statusCode, 200, res.body);
    const report = res.json();
    assert.equal(report.exact, true);
    assert.deepEqual(
      report.wards.map((w: Figures) => w.name).sort(),
      [...AREA_COMMITTEES['Bradford South']].sort(),
    );
    for (const w of report.wards as Figures[]) {
      assert.equal(w.averageMonthlyChildren, PUBLISHED_2020[w.name].average, `${w.name}: average`);
      assert.equal(w.ratePer10000, PUBLISHED_2020[w.name].rate, `${w.name}: rate`);
    }
    const district = new Map((report.district as Figures).months.map((m) => [m.month, m.children]));
    for (const [month, n] of Object.entries(PUBLISHED_DISTRICT_MONTHS))
      assert.equal(district.get(month), n, month);
    // Breakdowns add up to each month's total, and most of the children are 13 to 17.
    const ages = report.series.find((s: { key: string }) => s.key === 'ageBand');
    let teenagers = 0;
    let all = 0;
    for (const row of ages.rows) {
      assert.equal(
        row.cells.reduce((a: number, b: number) => a + b, 0),
        row.total,
      );
      teenagers += row.cells[2] + row.cells[3];
      all += row.total;
    }
    assert.ok(teenagers / all > 0.6, `mostly 13 to 17 (${teenagers} of ${all})`);
  });

  it('gives an elected member the same report suppressed: "c" for 1 to 5, a second cell beside a total, rates with their counts', async () => {
    const query = 'from=2020-01&to=2020-12&areaCommittee=Bradford%20South';
    const exact = (await api('analyst', query)).json();
    const shown = (await api('councillor', query)).json();
    assert.equal(shown.exact, false);
    let hidden = 0;
    // Each month's ward counts beside the area's total for the month.
    for (let m = 0; m < 12; m++) {
      const column = (exact.wards as Figures[]).map((w) => w.months[m].children as number);
      const seen = (shown.wards as Figures[]).map((w) => w.months[m].children);
      const small = column.filter((n) => n >= 1 && n <= 5).length;
      column.forEach((n, i) => {
        if (n >= 1 && n <= 5) assert.equal(seen[i], 'c');
        else if (seen[i] !== 'c') assert.equal(seen[i], n);
      });
      const c = seen.filter((v) => v === 'c').length;
      assert.ok(c === 0 || c >= 2, 'never one hidden cell beside its total');
      if (small) hidden += c;
    }
    // Breakdown cells: 1 to 5 hidden; a row never has one hidden cell beside its total.
    for (const [i, s] of (shown.series as { rows: { cells: (number | 'c')[] }[] }[]).entries())
      s.rows.forEach((row, r) => {
        const cells = exact.series[i].rows[r].cells as number[];
        cells.forEach((n, j) => {
          if (n >= 1 && n <= 5) assert.equal(row.cells[j], 'c');
        });
        const c = row.cells.filter((v) => v === 'c').length;
        assert.ok(c === 0 || c >= 2);
      });
    // The published wards have enough children for their averages and rates to be shown.
    for (const w of shown.wards as Figures[]) assert.equal(w.ratePer10000, PUBLISHED_2020[w.name].rate);
    assert.ok(hidden > 0, 'some small monthly figures are hidden');
    assert.doesNotMatch(JSON.stringify(shown), /personId|givenName|familyName/);
  });

  it('shows the councillor the dashboard: charts with their tables and summaries, and the CSV', async () => {
    const councillor = new Client(ta.app);
    await councillor.signIn('councillor');
    const page = await councillor.get('/reports/wards?from=2020-01&to=2020-12&areaCommittee=Bradford+South');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /data-qa="suppressed-figures"/);
    for (const [name, published] of Object.entries(PUBLISHED_2020))
      assert.match(
        page.body,
        new RegExp(
          `${name}</th>\\s*<td[^>]*data-qa="average">${published.average.toFixed(2)}</td>[\\s\\S]*?data-qa="rate">${published.rate.toFixed(2)}<`,
        ),
      );
    const svgs = [...page.body.matchAll(/<svg role="img" aria-labelledby="([\w-]+)"/g)].map((m) => m[1]);
    assert.ok(svgs.length >= 7, `${svgs.length} charts`);
    for (const id of svgs) assert.match(page.body, new RegExp(`id="${id}">[^<]{20,}`), `${id} has a summary`);
    assert.match(page.body, /data-qa="series-level"/);
    assert.match(page.body, />c</);
    const csvLink = /href="(\/reports\/wards\.csv\?[^"]+)"/.exec(page.body)?.[1]?.replaceAll('&amp;', '&');
    assert.ok(csvLink);
    const csv = await councillor.get(csvLink);
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    const rows: string[][] = parse(csv.body);
    assert.deepEqual(rows[0], ['table', 'area', 'ward', 'month', 'measure', 'value']);
    const tong = rows.find((r) => r[2] === 'Tong' && r[4] === 'rate_per_10000');
    assert.equal(tong?.[5], '24.37');
    assert.ok(
      rows.some((r) => r[5] === 'c'),
      'suppressed cells in the CSV too',
    );
  });

  it('opens on the last twelve whole months for every role that may see it, zeros and all', async () => {
    for (const username of ['councillor', 'analyst', 'manager', 'chair']) {
      const client = new Client(ta.app);
      await client.signIn(username);
      const page = await client.get('/reports/wards');
      assert.equal(page.statusCode, 200, username);
      assert.equal([...page.body.matchAll(/<tr class="govuk-table__row" data-qa="ward-/g)].length, 30);
      assert.equal([...page.body.matchAll(/data-qa="area-month-/g)].length, 12);
    }
  });

  it('lets an analyst open the children behind a ward’s figure, in each child’s access log; a councillor may not', async () => {
    const query = 'from=2020-01&to=2020-12&areaCommittee=Bradford%20South';
    const report = (await api('analyst', query)).json();
    const tong = (report.wards as (Figures & { code: string })[]).find((w) => w.name === 'Tong');
    assert.ok(tong);
    const analyst = new Client(ta.app);
    await analyst.signIn('analyst');
    const page = await analyst.get(`/reports/wards?${query}`);
    const link = new RegExp(`href="([^"]+)" data-qa="children-${tong.code}"`)
      .exec(page.body)?.[1]
      ?.replaceAll('&amp;', '&');
    assert.ok(link, 'the ward name links to its children');
    const list = await analyst.get(link);
    assert.equal(list.statusCode, 200);
    const ids = [...list.body.matchAll(/href="\/people\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
    assert.equal(ids.length, tong.children, 'every child behind the figure');
    const logged = await t.owner.pool.query(
      `SELECT count(*)::int AS n FROM audit_event WHERE action = 'report.children_listed' AND $1 = ANY(listed_person_ids)`,
      [ids[0]],
    );
    assert.equal(logged.rows[0].n, 1);
    const month = await analyst.get(`${link}&month=2020-05`);
    const inMay = [...month.body.matchAll(/href="\/people\//g)].length;
    assert.equal(inMay, (tong.months.find((m) => m.month === '2020-05')?.children as number) ?? -1);
    const councillor = new Client(ta.app);
    await councillor.signIn('councillor');
    assert.equal((await councillor.get(link)).statusCode, 403);
    assert.equal((await analyst.get(`${link}&month=2019-01`)).statusCode, 422);
  });

  it('refuses a bad period with a clear error, keeping what was typed', async () => {
    const analyst = new Client(ta.app);
    await analyst.signIn('analyst');
    const page = await analyst.get('/reports/wards?from=2020-13&to=2019-01&areaCommittee=Nowhere');
    assert.equal(page.statusCode, 422);
    assert.match(page.body, /govuk-error-summary/);
    assert.match(page.body, /href="#from"/);
    assert.match(page.body, /href="#areaCommittee"/);
    assert.match(page.body, /value="2020-13"/);
    const res = await api('analyst', 'from=2020-01&to=2031-01');
    assert.ok(res.statusCode === 422 || res.statusCode === 400, String(res.statusCode));
    assert.match(String(res.headers['content-type']), /problem\+json/);
    assert.match(res.body, /future/);
  });
});
