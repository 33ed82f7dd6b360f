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
import { pdfPages } from '../../../test/pdf.ts';
import { addMonths, monthOf } from '../../platform/figures/index.ts';
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
  it('gives the councillor Bradford South’s 2020 committee pack as a PDF: published rates, "c" for small counts, no children', async () => {
    const councillor = new Client(ta.app);
    await councillor.signIn('councillor');
    const page = await councillor.get('/reports/wards?from=2020-01&to=2020-12&areaCommittee=Bradford+South');
    const link = /href="([^"]+)" download data-qa="pack"/.exec(page.body)?.[1]?.replaceAll('&amp;', '&');
    assert.equal(link, '/reports/area-committees/Bradford%20South.pdf?from=2020-01&to=2020-12');
    const res = await councillor.get(link);
    assert.equal(res.statusCode, 200, res.body.slice(0, 300));
    assert.equal(res.headers['content-type'], 'application/pdf');
    assert.match(
      String(res.headers['content-disposition']),
      /lantern-bradford-south-2020-01-to-2020-12\.pdf/,
    );
    const pages = await pdfPages(res.rawPayload);
    const text = pages.join('\n');
    assert.ok(pages.length >= 6, `${pages.length} pages`);
    assert.match(pages[0], /Bradford South Area Committee/);
    assert.match(pages[0], /January 2020 to December 2020/);
    for (const [name, published] of Object.entries(PUBLISHED_2020))
      assert.match(
        text,
        new RegExp(`${name}\\s+${published.average.toFixed(2)}\\s+[\\d,]+\\s+${published.rate.toFixed(2)}`),
        name,
      );
    assert.match(text, /By risk level/);
    assert.match(text, /Notes on the figures/);
    assert.match(text, /(^|\s)c(\s|$)/, 'small counts shown as c');
    assert.doesNotMatch(text, /EXACT FIGURES/);
    const names = await t.owner.pool.query(
      `SELECT DISTINCT p.family_name AS name FROM flag_period f JOIN person p ON p.id = f.person_id
        WHERE p.ward_code IN (SELECT code FROM ward WHERE name = ANY($1)) AND length(p.family_name) > 5 LIMIT 50`,
      [AREA_COMMITTEES['Bradford South']],
    );
    for (const r of names.rows) assert.ok(!text.includes(r.name), 'no child is named in the pack');
    // The analyst's pack is exact, and says so on its cover.
    const analyst = new Client(ta.app);
    await analyst.signIn('analyst');
    const exact = await analyst.get('/reports/area-committees/bradford-south.pdf?from=2020-01&to=2020-12');
    assert.equal(exact.statusCode, 200);
    assert.match((await pdfPages(exact.rawPayload))[0], /EXACT FIGURES/);
    assert.equal((await councillor.get('/reports/area-committees/Nowhere.pdf')).statusCode, 404);
    assert.equal(
      (await councillor.get('/reports/area-committees/Bradford%20South.pdf?from=2020-13')).statusCode,
      422,
    );
  });

  it('counts the children waiting for an assessment in each ward and how long they have waited', async () => {
    const to = addMonths(monthOf(new Date()), -1);
    const query = `from=${addMonths(to, -11)}&to=${to}&areaCommittee=Bradford%20South`;
    const analyst = new Client(ta.app);
    await analyst.signIn('analyst');
    const waitingIn = async (code: string) => {
      const page = await analyst.get(`/reports/wards?${query}`);
      assert.equal(page.statusCode, 200);
      const row = new RegExp(`data-qa="waiting-${code}">[\\s\\S]*?</tr>`).exec(page.body)?.[0] ?? '';
      return [...row.matchAll(/numeric">([^<]*)</g)].map((m) => m[1]);
    };
    const tong = (await t.owner.pool.query(`SELECT code FROM ward WHERE name = 'Tong'`)).rows[0].code;
    const child = (
      await t.owner.pool.query(
        `SELECT id, partnership_id FROM person WHERE ward_code = $1 AND date_of_birth > current_date - interval '15 years'
           AND merged_into IS NULL AND NOT EXISTS (SELECT 1 FROM assessment a WHERE a.person_id = person.id AND a.status <> 'completed') LIMIT 1`,
        [tong],
      )
    ).rows[0];
    const before = await waitingIn(tong);
    // Asked for 40 days before the end of last month, and still not done.
    const endOfLastMonth = new Date(`${addMonths(to, 1)}-01T00:00:00Z`).getTime();
    await t.owner.pool.query(
      `INSERT INTO assessment (partnership_id, person_id, status, rules_version, started_at) VALUES ($1, $2, 'in_progress', 'exploitation-v1', $3)`,
      [child.partnership_id, child.id, new Date(endOfLastMonth - 40 * 86_400_000)],
    );
    const after = await waitingIn(tong);
    assert.equal(Number(after[0]), Number(before[0]) + 1, `${before} → ${after}`);
    assert.equal(Number(after[3]), Number(before[3]) + 1, 'waiting over 20 days');
    assert.ok(Number(after[2]) >= 40, 'the longest wait is at least the new one');
  });

  it('shows the analyst equality monitoring from the demo history, with intervals, a drill-down in the access log and a CSV', async () => {
    const analyst = new Client(ta.app);
    await analyst.signIn('analyst');
    const page = await analyst.get('/reports/equality');
    assert.equal(page.statusCode, 200);
    for (const code of ['female', 'male']) assert.match(page.body, new RegExp(`data-qa="group-${code}"`));
    assert.match(
      page.body,
      /data-qa="decision-on-time">\d+(\.\d)?% <span class="govuk-body-s">\(\d+ of \d+; [\d.]+–[\d.]+\)/,
    );
    assert.ok([...page.body.matchAll(/<svg role="img"/g)].length >= 3, 'charts with intervals');
    // The contacts counted are those about children received in the twelve months.
    const to = addMonths(monthOf(new Date()), -1);
    const from = addMonths(to, -11);
    const counted = await t.owner.pool.query(
      `SELECT count(*)::int AS n FROM contact c JOIN contact_person cp ON cp.contact_id = c.id AND cp.part = 'subject'
         JOIN person p ON p.id = cp.person_id
        WHERE c.status = 'submitted' AND c.received_at >= ($1 || '-01')::timestamp AT TIME ZONE 'Europe/London'
          AND c.received_at < (($2 || '-01')::timestamp + interval '1 month') AT TIME ZONE 'Europe/London'
          AND (p.date_of_birth IS NULL OR p.date_of_birth + interval '18 years' > c.received_at::date)`,
      [from, to],
    );
    const all = /data-qa="group-all">[\s\S]*?numeric">([\d,]+) \(/.exec(page.body)?.[1];
    assert.equal(Number(all?.replace(/,/g, '')), counted.rows[0].n);
    // By disability; the children behind the boys' figures, each in their access log.
    assert.match((await analyst.get('/reports/equality?by=disability')).body, /data-qa="group-yes"/);
    const link = /href="([^"]+)" data-qa="children-male"/.exec(page.body)?.[1]?.replaceAll('&amp;', '&');
    assert.ok(link);
    const list = await analyst.get(link);
    assert.equal(list.statusCode, 200);
    const ids = [...list.body.matchAll(/href="\/people\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
    const boys = /data-qa="group-male">[\s\S]*?numeric">[\d,]+ \(([\d,]+)\)/.exec(page.body)?.[1];
    assert.equal(ids.length, Number(boys));
    const logged = await t.owner.pool.query(
      `SELECT listed_person_ids FROM audit_event WHERE action = 'report.children_listed' AND details->>'report' = 'equality' ORDER BY seq DESC LIMIT 1`,
    );
    assert.deepEqual([...logged.rows[0].listed_person_ids].sort(), [...ids].sort());
    const csv = await analyst.get(`/reports/equality.csv?from=${from}&to=${to}`);
    assert.equal(csv.statusCode, 200);
    const rows: string[][] = parse(csv.body);
    assert.deepEqual(rows[0], ['characteristic', 'group', 'measure', 'value', 'of', 'low', 'high']);
    for (const c of ['Gender', 'Ethnicity', 'Age', 'Disability or special educational needs'])
      assert.ok(
        rows.some((r) => r[0] === c && r[2] === 'percent_decided_within_target'),
        c,
      );
    const everyone = rows.find((r) => r[0] === 'Gender' && r[1] === 'All children' && r[2] === 'contacts');
    assert.equal(Number(everyone?.[3]), counted.rows[0].n);
    // Not for elected members; a bad choice is explained, keeping what was typed.
    const councillor = new Client(ta.app);
    await councillor.signIn('councillor');
    assert.equal((await councillor.get('/reports/equality')).statusCode, 403);
    const bad = await analyst.get('/reports/equality?by=shoe-size&from=2020-1');
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /govuk-error-summary/);
    assert.match(bad.body, /value="2020-1"/);
  });

  it('shows practice monitoring month by month, phrases named in words, and the measures as CSV', async () => {
    const analyst = new Client(ta.app);
    await analyst.signIn('analyst');
    const to = addMonths(monthOf(new Date()), -1);
    const from = addMonths(to, -11);
    const page = await analyst.get(`/reports/practice?from=${from}&to=${to}`);
    assert.equal(page.statusCode, 200);
    assert.equal([...page.body.matchAll(/data-qa="month-\d{4}-\d{2}"/g)].length, 12);
    assert.ok([...page.body.matchAll(/<svg role="img"/g)].length >= 6);
    // Risk reviews that fell due in the period and were done by then, counted independently.
    const reviews = await t.owner.pool.query(
      `SELECT count(*)::int AS due, count(*) FILTER (WHERE completed_at <= due_at)::int AS on_time FROM work_item
        WHERE kind = 'risk_review' AND due_at >= ($1 || '-01')::timestamp AT TIME ZONE 'Europe/London'
          AND due_at < (($2 || '-01')::timestamp + interval '1 month') AT TIME ZONE 'Europe/London'`,
      [from, to],
    );
    const { due, on_time } = reviews.rows[0];
    assert.ok(due > 0, 'the demo has risk reviews');
    assert.match(
      page.body,
      new RegExp(`data-qa="measure-riskReviewsOnTime">[\\s\\S]*?\\(${on_time} of ${due};`),
    );
    // Phrases by name, not by their identifiers.
    const phrases = /data-qa="practice-phrases">[\s\S]*?<\/table>/.exec(page.body)?.[0] ?? '';
    assert.match(phrases, /“/);
    assert.doesNotMatch(phrases, /<th scope="row" class="govuk-table__header">[a-z]+-[a-z-]+</);
    const language = await analyst.get('/reports/language');
    assert.doesNotMatch(language.body, /<td class="govuk-table__cell">[a-z]+(-[a-z]+)+<\/td>/);
    const csv = await analyst.get(`/reports/practice.csv?from=${from}&to=${to}`);
    const rows: string[][] = parse(csv.body);
    assert.equal(rows.length, 1 + 13 * 6);
    const period = rows.find((r) => r[0] === 'period' && r[1] === 'riskReviewsOnTime');
    assert.equal(Number(period?.[3]), due);
    const councillor = new Client(ta.app);
    await councillor.signIn('councillor');
    assert.equal((await councillor.get('/reports/practice')).statusCode, 403);
    assert.equal((await analyst.get('/reports/practice?from=2031-01')).statusCode, 422);
  });
});
