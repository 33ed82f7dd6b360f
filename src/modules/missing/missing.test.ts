import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  Client,
  createTestApp,
  createTestDatabase,
  personIdWhere,
  type TestApp,
  type TestDatabase,
  tokenFor,
} from '../../../test/helpers.ts';
import { sealAll, verifyAuditTrail } from '../../platform/audit/index.ts';
import { toLondon } from '../../platform/validation.ts';
import { academicYearOf } from './service.ts';

const HOUR = 3_600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR);
const isoAgo = (hours: number) => ago(hours).toISOString();

describe('missing episodes, return home interviews, placements and education', () => {
  let t: TestDatabase;
  let ta: TestApp;
  const tokens: Record<string, string> = {};
  const clients: Record<string, Client> = {};
  /** A child known to the keyworker's agency (so every casework role may see them). */
  let child: string;

  before(async () => {
    t = await createTestDatabase({ people: 30 });
    ta = await createTestApp(t);
    for (const u of ['police', 'frontdoor', 'keyworker', 'chair', 'manager', 'analyst', 'councillor'])
      tokens[u] = await tokenFor(ta.services, u);
    for (const u of ['keyworker', 'councillor', 'analyst', 'frontdoor']) {
      clients[u] = new Client(ta.app);
      await clients[u].signIn(u);
    }
    child = await knownToKeyworker(0);
  });
  after(async () => {
    await ta.app.close();
    await t.close();
  });

  async function knownToKeyworker(n: number): Promise<string> {
    const { rows } = await t.owner.pool.query(
      `SELECT p.id FROM person p JOIN person_agency pa ON pa.person_id = p.id JOIN agency a ON a.id = pa.agency_id
        WHERE a.code = 'trp' AND p.date_of_birth > current_date - interval '17 years' ORDER BY p.id OFFSET $1 LIMIT 1`,
      [n],
    );
    assert.ok(rows[0], 'a child known to the keyworker’s agency');
    return rows[0].id;
  }
  function call(method: 'GET' | 'POST' | 'PATCH', url: string, user: string, payload?: object, headers = {}) {
    return ta.app.inject({
      method,
      url,
      payload,
      headers: { authorization: `Bearer ${tokens[user]}`, ...headers },
    });
  }
  const openWork = async (personId: string, kind: string) =>
    (
      await t.owner.pool.query(
        'SELECT id, due_at, reason, missing_episode_id FROM work_item WHERE person_id = $1 AND kind = $2 AND completed_at IS NULL',
        [personId, kind],
      )
    ).rows;
  const chronology = async (personId: string) =>
    (
      await t.owner.pool.query(
        "SELECT title FROM chronology_entry WHERE person_id = $1 AND kind IN ('missing', 'placement', 'education') ORDER BY occurred_at",
        [personId],
      )
    ).rows.map((r) => r.title as string);
  const episode = (personId: string, extra: object = {}) => ({
    personId,
    reportedBy: 'police',
    lastSeenAt: isoAgo(5),
    missingFrom: 'home',
    riskGrading: 'medium',
    lastSeenPlace: 'Interchange',
    ...extra,
  });

  it('a police system posts an episode for a flagged child, once however often it retries, and a risk review appears on the work queue', async () => {
    const flagged = await knownToKeyworker(1);
    const flag = await call('POST', `/api/v1/people/${flagged}/flags`, 'chair', {
      flagType: 'cce',
      level: 'moderate',
      reason: 'Agreed at the MACE',
    });
    assert.equal(flag.statusCode, 201, flag.body);
    const body = episode(flagged, { policeReference: 'WY-2026-1001' });
    const first = await call('POST', '/api/v1/missing-episodes', 'police', body, {
      'idempotency-key': 'wy-1001',
    });
    assert.equal(first.statusCode, 201, first.body);
    const id = first.json().id;
    assert.equal(first.json().open, true);
    const retry = await call('POST', '/api/v1/missing-episodes', 'police', body, {
      'idempotency-key': 'wy-1001',
    });
    assert.equal(retry.statusCode, 200);
    assert.equal(retry.json().id, id);
    const changed = await call(
      'POST',
      '/api/v1/missing-episodes',
      'police',
      { ...body, riskGrading: 'high' },
      {
        'idempotency-key': 'wy-1001',
      },
    );
    assert.equal(changed.statusCode, 422);
    assert.equal(changed.json().errors[0].field, 'Idempotency-Key');
    const empty = await call('POST', '/api/v1/missing-episodes', 'police', body, { 'idempotency-key': '' });
    assert.equal(empty.statusCode, 400);
    const count = await t.owner.pool.query(
      'SELECT count(*)::int AS n FROM missing_episode WHERE person_id = $1',
      [flagged],
    );
    assert.equal(count.rows[0].n, 1);

    const reviews = await openWork(flagged, 'risk_review');
    assert.equal(reviews.length, 1);
    assert.match(reviews[0].reason, /Reported missing while flagged Child criminal exploitation moderate/);
    const queue = await clients.frontdoor.get('/work');
    assert.match(queue.body, /Risk review needed: reported missing/);
    // Shown wherever the child appears: their page and the search results.
    const page = await clients.frontdoor.get(`/people/${flagged}`);
    assert.match(page.body, /data-qa="missing-now-banner"/);
    const { rows } = await t.owner.pool.query('SELECT family_name FROM person WHERE id = $1', [flagged]);
    const search = await clients.frontdoor.get(`/people?name=${encodeURIComponent(rows[0].family_name)}`);
    assert.match(search.body, /data-qa="missing-now"/);
    // The chronology says what happened; the API lists the child's episodes.
    assert.match((await chronology(flagged))[0], /Reported missing from home by police: medium risk/);
    const list = await call('GET', `/api/v1/people/${flagged}/missing-episodes`, 'frontdoor');
    assert.equal(list.json().open.id, id);
  });

  it('an episode posted after the child is back is stored with its return and one grading, however often it is retried', async () => {
    // The flagged child of the test above, over a year ago (the children here are few).
    const child = await knownToKeyworker(1);
    // Both from one instant, so the duration is exactly five hours.
    const lastSeen = ago(24 * 400 + 9);
    const returnedAt = new Date(lastSeen.getTime() + 5 * HOUR).toISOString();
    const body = episode(child, {
      riskGrading: 'high',
      lastSeenAt: lastSeen.toISOString(),
      returnedAt,
      foundBy: 'police',
      foundPlace: 'Bus station',
      foundWith: 'Two older males',
    });
    for (const expected of [201, 200]) {
      const r = await call('POST', '/api/v1/missing-episodes', 'police', body, {
        'idempotency-key': 'over-1',
      });
      assert.equal(r.statusCode, expected, r.body);
      assert.equal(r.json().open, false);
    }
    const { rows } = await t.owner.pool.query(
      `SELECT e.id, e.returned_at, e.found_by, e.found_place, e.found_with,
              (SELECT json_agg(json_build_object('grading', g.risk_grading, 'reason', g.reason, 'at', g.graded_at))
                 FROM missing_grading g WHERE g.episode_id = e.id) AS gradings
         FROM missing_episode e WHERE e.person_id = $1 AND e.idempotency_key = 'over-1'`,
      [child],
    );
    assert.equal(rows.length, 1);
    assert.equal(rows[0].returned_at.toISOString(), returnedAt);
    assert.deepEqual(
      [rows[0].found_by, rows[0].found_place, rows[0].found_with],
      ['police', 'Bus station', 'Two older males'],
    );
    assert.deepEqual(
      rows[0].gradings.map((g: { grading: string; reason: string }) => [g.grading, g.reason]),
      [['high', 'Graded when reported']],
    );
    const due = await openWork(child, 'return_interview');
    assert.equal(due.length, 1);
    assert.equal(due[0].missing_episode_id, rows[0].id);
    assert.equal(due[0].due_at.getTime(), new Date(returnedAt).getTime() + 72 * HOUR);
    const titles = await chronology(child);
    assert.equal(
      titles.filter((x) => x.startsWith('Returned after 5 hours missing (police)')).length,
      1,
      titles.join('\n'),
    );
  });

  it('a police system regrades an open episode and then records the return by PATCH, each on the record', async () => {
    // The pupil of the education test below, long before it (the children here are few).
    const child = await knownToKeyworker(7);
    const lastSeen = ago(24 * 600 + 30);
    const posted = await call(
      'POST',
      '/api/v1/missing-episodes',
      'police',
      episode(child, { lastSeenAt: lastSeen.toISOString() }),
    );
    assert.equal(posted.statusCode, 201, posted.body);
    const id = posted.json().id as string;
    // A new grading needs its reason: refused, naming the field, and nothing changes.
    const bare = await call('PATCH', `/api/v1/missing-episodes/${id}`, 'police', { riskGrading: 'high' });
    assert.equal(bare.statusCode, 422, bare.body);
    assert.ok(
      bare.json().errors.some((e: { field: string }) => e.field === 'gradingReason'),
      bare.body,
    );
    const regraded = await call('PATCH', `/api/v1/missing-episodes/${id}`, 'police', {
      riskGrading: 'high',
      gradingReason: 'Seen getting into a car with two older males',
    });
    assert.equal(regraded.statusCode, 200, regraded.body);
    assert.equal(regraded.json().riskGrading, 'high');
    assert.equal(regraded.json().open, true);
    const returnedAt = new Date(lastSeen.getTime() + 28 * HOUR).toISOString();
    const back = await call('PATCH', `/api/v1/missing-episodes/${id}`, 'police', {
      returnedAt,
      foundBy: 'police',
    });
    assert.equal(back.statusCode, 200, back.body);
    // The answer is the episode as stored after the return, read in the same transaction.
    assert.equal(back.json().open, false);
    assert.equal(new Date(back.json().returnedAt).toISOString(), returnedAt);
    const again = await call('PATCH', `/api/v1/missing-episodes/${id}`, 'police', {
      returnedAt,
      foundBy: 'police',
    });
    assert.equal(again.statusCode, 409, again.body);
    const gradings = await t.owner.pool.query(
      'SELECT risk_grading, reason FROM missing_grading WHERE episode_id = $1 ORDER BY graded_at, risk_grading',
      [id],
    );
    assert.deepEqual(
      gradings.rows.map((g) => [g.risk_grading, g.reason]),
      [
        ['medium', 'Graded when reported'],
        ['high', 'Seen getting into a car with two older males'],
      ],
    );
    const titles = await chronology(child);
    assert.ok(titles.includes('Missing: police risk grading medium risk → high risk'), titles.join('\n'));
    assert.equal(
      titles.filter((x) => x.startsWith('Returned after 1 day 4 hours missing (police)')).length,
      1,
      titles.join('\n'),
    );
    const due = (await openWork(child, 'return_interview')).filter((w) => w.missing_episode_id === id);
    assert.deepEqual(
      due.map((w) => w.due_at.getTime()),
      [new Date(returnedAt).getTime() + 72 * HOUR],
    );
    const audited = await t.owner.pool.query(
      `SELECT action FROM audit_event WHERE details->>'episodeId' = $1 ORDER BY seq`,
      [id],
    );
    assert.deepEqual(
      audited.rows.map((r) => r.action),
      ['missing.reported', 'missing.regraded', 'missing.returned'],
    );
  });

  it('refuses what is inconsistent with a clear error, keeping what was typed', async () => {
    const other = await knownToKeyworker(2);
    const backwards = await call(
      'POST',
      '/api/v1/missing-episodes',
      'police',
      episode(other, { returnedAt: isoAgo(8), foundBy: 'police' }),
    );
    assert.equal(backwards.statusCode, 422);
    assert.equal(backwards.json().errors[0].field, 'returnedAt');
    const future = await call(
      'POST',
      '/api/v1/missing-episodes',
      'police',
      episode(other, { lastSeenAt: isoAgo(-3) }),
    );
    assert.equal(future.statusCode, 422);
    assert.match(future.json().errors[0].message, /future/);
    assert.equal((await call('POST', '/api/v1/missing-episodes', 'police', episode(other))).statusCode, 201);
    const twice = await call(
      'POST',
      '/api/v1/missing-episodes',
      'police',
      episode(other, { lastSeenAt: isoAgo(2) }),
    );
    assert.equal(twice.statusCode, 422);
    assert.match(twice.json().errors[0].message, /already recorded as missing/);
    // On the page: the error summary, and the typed values stay.
    const form = await clients.keyworker.post(`/people/${other}/missing`, {
      reportedBy: 'carer',
      'lastSeenAt-date': '2026-02-30',
      'lastSeenAt-time': '21:30',
      missingFrom: 'home',
      riskGrading: 'low',
      circumstances: 'Left after an argument about curfew',
    });
    assert.equal(form.statusCode, 422);
    assert.match(form.body, /govuk-error-summary/);
    assert.match(form.body, /Date last seen must be a real date/);
    assert.match(form.body, /Left after an argument about curfew/);
    assert.match(form.body, /value="21:30"/);
  });

  it('a carer reports an episode, it closes with a return, the 72-hour interview is due and then recorded', async () => {
    const lastSeen = toLondon(ago(30));
    const reported = await clients.keyworker.post(`/people/${child}/missing`, {
      reportedBy: 'carer',
      'lastSeenAt-date': lastSeen.date,
      'lastSeenAt-time': lastSeen.time,
      missingFrom: 'home',
      riskGrading: 'low',
      lastSeenPlace: 'Retail park',
    });
    assert.equal(reported.statusCode, 303, reported.body);
    const url = String(reported.headers.location).split('?')[0];
    const id = url.split('/').at(-1) as string;
    const back = toLondon(ago(20));
    const returned = await clients.keyworker.post(url, {
      'returnedAt-date': back.date,
      'returnedAt-time': back.time,
      foundBy: 'police',
      foundPlace: 'An address in Leeds',
      foundPostcode: 'ls1 1aa',
      foundWith: 'Two adult men',
    });
    assert.equal(returned.statusCode, 303, returned.body);
    const due = await openWork(child, 'return_interview');
    assert.equal(due.length, 1);
    assert.equal(due[0].missing_episode_id, id);
    const returnedAt = (
      await t.owner.pool.query('SELECT returned_at FROM missing_episode WHERE id = $1', [id])
    ).rows[0].returned_at as Date;
    assert.equal(due[0].due_at.getTime(), returnedAt.getTime() + 72 * HOUR);
    const banner = await clients.frontdoor.get('/work');
    assert.match(banner.body, /return home interviews? due/);
    const shown = await clients.keyworker.get(url);
    assert.match(shown.body, /10 hours/);
    assert.match(shown.body, /LS1 1AA/);

    // The interview: independence is required; what was learned is checked for language.
    const offered = toLondon(ago(4));
    const form = {
      interviewerName: 'Alex Mercer',
      interviewerRole: 'Return home interview worker, The Children’s Trust',
      'offeredAt-date': offered.date,
      'offeredAt-time': offered.time,
      outcome: 'accepted',
      'heldAt-date': offered.date,
      'heldAt-time': offered.time,
      whereTheyWere: 'A flat in Leeds; she said she was putting herself at risk',
      pullFactors: 'Promised money',
      indicators: ['older_people', 'money_or_gifts'],
    };
    const notIndependent = await clients.keyworker.post(`${url}/return-interview`, form);
    assert.equal(notIndependent.statusCode, 422);
    assert.match(notIndependent.body, /independent of the child’s carer/);
    assert.match(notIndependent.body, /Promised money/);
    const saved = await clients.keyworker.post(`${url}/return-interview`, {
      ...form,
      independentOfCarer: 'yes',
    });
    assert.equal(saved.statusCode, 303, saved.body);
    assert.equal((await openWork(child, 'return_interview')).length, 0);
    // An indicator seen asks the Front Door to consider an assessment.
    const consider = await openWork(child, 'consider_assessment');
    assert.equal(consider.length, 1);
    assert.match(consider[0].reason, /with older people/);
    const findings = await t.owner.pool.query(
      "SELECT count(*)::int AS n FROM language_check_event WHERE record_kind = 'return_interview'",
    );
    assert.ok(findings.rows[0].n >= 1, 'the victim-blaming phrase is found in what was learned');
    const again = await clients.keyworker.post(`${url}/return-interview`, {
      ...form,
      independentOfCarer: 'yes',
    });
    assert.notEqual(again.statusCode, 303);
    assert.ok(again.statusCode < 500);
    const titles = await chronology(child);
    assert.ok(
      titles.some((x) => /^Returned after 10 hours missing \(police\)/.test(x)),
      titles.join('\n'),
    );
    assert.ok(
      titles.some((x) => /^Return home interview: accepted and held$/.test(x)),
      titles.join('\n'),
    );
  });

  it('three episodes in 90 days for a child with no flag put "consider an assessment" before the Front Door, once', async () => {
    const repeat = await knownToKeyworker(3);
    for (const [i, hours] of [200, 100, 30, 10].entries()) {
      const r = await call(
        'POST',
        '/api/v1/missing-episodes',
        'police',
        episode(repeat, {
          lastSeenAt: isoAgo(hours),
          returnedAt: isoAgo(hours - 3),
          foundBy: 'returned_themselves',
        }),
      );
      assert.equal(r.statusCode, 201, r.body);
      const consider = await openWork(repeat, 'consider_assessment');
      assert.equal(consider.length, i >= 2 ? 1 : 0, `after episode ${i + 1}`);
    }
    assert.match((await openWork(repeat, 'consider_assessment'))[0].reason, /3 missing episodes in 90 days/);
    assert.equal((await openWork(repeat, 'risk_review')).length, 0, 'no flag, no assessment: no risk review');
  });

  it('takes many reports for one child at once: exactly one episode opens, the others are refused, and the audit trail verifies', async () => {
    const busy = await knownToKeyworker(4);
    const responses = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        call(
          'POST',
          '/api/v1/missing-episodes',
          i % 2 ? 'police' : 'frontdoor',
          episode(busy, { lastSeenAt: isoAgo(2 + i / 10) }),
          {
            'idempotency-key': `race-${i}`,
          },
        ),
      ),
    );
    const codes = responses.map((r) => r.statusCode).sort();
    assert.equal(codes.filter((c) => c === 201).length, 1, codes.join(','));
    assert.equal(codes.filter((c) => c === 422).length, 23, codes.join(','));
    // One body, retried: the same request sent again (a body made afresh would differ in its time).
    const retried = episode(await knownToKeyworker(5));
    const retries = await Promise.all(
      Array.from({ length: 16 }, () =>
        call('POST', '/api/v1/missing-episodes', 'police', retried, {
          'idempotency-key': 'same-retry',
        }),
      ),
    );
    assert.ok(
      retries.every((r) => r.statusCode === 201 || r.statusCode === 200),
      retries.map((r) => `${r.statusCode} ${r.statusCode === 422 ? r.body : ''}`).join(','),
    );
    assert.equal(new Set(retries.map((r) => r.json().id)).size, 1);
    await sealAll(t.db);
    const report = await verifyAuditTrail(t.owner);
    assert.equal(report.ok, true, JSON.stringify(report.problems));
  });

  it('counts children and episodes per month, exact for analysts and suppressed for elected members', async () => {
    const month = new Date().toISOString().slice(0, 7);
    const [y, mo] = month.split('-').map(Number);
    const previous = mo === 1 ? `${y - 1}-12` : `${y}-${String(mo - 1).padStart(2, '0')}`;
    // A child in a children's home who goes missing from it: counted as looked after.
    const resident = (
      await t.owner.pool.query(
        `SELECT p.id FROM person p WHERE p.date_of_birth > current_date - interval '16 years'
            AND NOT EXISTS (SELECT 1 FROM missing_episode e WHERE e.person_id = p.id)
            AND NOT EXISTS (SELECT 1 FROM placement pl WHERE pl.person_id = p.id)
          ORDER BY p.id LIMIT 1`,
      )
    ).rows[0].id;
    const placed = await call('POST', `/api/v1/people/${resident}/placements`, 'frontdoor', {
      kind: 'childrens_home',
      provider: 'Bench House',
      localAuthority: 'Bradford',
      outOfArea: false,
      startedOn: new Date(Date.now() - 40 * 86_400_000).toISOString().slice(0, 10),
    });
    assert.equal(placed.statusCode, 201, placed.body);
    const gone = await call(
      'POST',
      '/api/v1/missing-episodes',
      'police',
      episode(resident, {
        missingFrom: 'placement',
        lastSeenAt: isoAgo(2),
        returnedAt: isoAgo(1),
        foundBy: 'carer',
      }),
      { 'idempotency-key': 'looked-after-figures' },
    );
    assert.equal(gone.statusCode, 201, gone.body);
    const exact = await call('GET', `/api/v1/reports/missing?from=${previous}&to=${month}`, 'analyst');
    assert.equal(exact.statusCode, 200, exact.body);
    const { rows } = await t.owner.pool.query(
      `SELECT to_char(last_seen_at AT TIME ZONE 'Europe/London', 'YYYY-MM') AS month, count(*)::int AS episodes,
              count(DISTINCT person_id)::int AS children
         FROM missing_episode WHERE to_char(last_seen_at AT TIME ZONE 'Europe/London', 'YYYY-MM') IN ($1, $2)
        GROUP BY 1 ORDER BY 1`,
      [previous, month],
    );
    for (const m of exact.json().months) {
      const row = rows.find((r) => r.month === m.month) ?? { episodes: 0, children: 0 };
      assert.deepEqual([m.episodes, m.children], [row.episodes, row.children], m.month);
    }
    // The breakdowns, worked out here from the rows themselves: looked after (a placement on the
    // London day they went), known to children's social care, each ward, interviews offered in time.
    const episodes = (
      await t.owner.pool.query(
        `SELECT e.person_id, to_char(e.last_seen_at AT TIME ZONE 'Europe/London', 'YYYY-MM') AS month,
                to_char(e.last_seen_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD') AS day, p.ward_code,
                coalesce((SELECT array_agg(to_char(pl.started_on, 'YYYY-MM-DD') || '/' || coalesce(to_char(pl.ended_on, 'YYYY-MM-DD'), '9999-12-31'))
                            FROM placement pl WHERE pl.person_id = e.person_id), '{}') AS spells,
                EXISTS (SELECT 1 FROM person_agency pa JOIN agency a ON a.id = pa.agency_id
                         WHERE pa.person_id = e.person_id AND a.kind = 'childrens_social_care') AS csc
           FROM missing_episode e JOIN person p ON p.id = e.person_id
          WHERE to_char(e.last_seen_at AT TIME ZONE 'Europe/London', 'YYYY-MM') IN ($1, $2)`,
        [previous, month],
      )
    ).rows as {
      person_id: string;
      month: string;
      day: string;
      ward_code: string;
      spells: string[];
      csc: boolean;
    }[];
    const distinct = (list: typeof episodes) => new Set(list.map((e) => e.person_id)).size;
    for (const m of exact.json().months) {
      const these = episodes.filter((e) => e.month === m.month);
      const placed = these.filter((e) =>
        e.spells.some((s) => {
          const [from, to] = s.split('/');
          return from <= e.day && e.day <= to;
        }),
      );
      assert.deepEqual(
        [m.lookedAfter, m.knownToCsc, m.notLookedAfter + m.lookedAfter],
        [distinct(placed), distinct(these.filter((e) => e.csc)), distinct(these)],
        m.month,
      );
    }
    for (const w of exact.json().wards) {
      const these = episodes.filter((e) => e.ward_code === w.code);
      assert.deepEqual([w.episodes, w.children], [these.length, distinct(these)], w.code);
    }
    const interviews = exact.json().interviews;
    const { rows: returns } = await t.owner.pool.query(
      `SELECT e.returned_at, r.offered_at FROM missing_episode e LEFT JOIN return_interview r ON r.episode_id = e.id
        WHERE to_char(e.returned_at AT TIME ZONE 'Europe/London', 'YYYY-MM') IN ($1, $2)`,
      [previous, month],
    );
    assert.deepEqual(
      [interviews.returns, interviews.offeredInTime],
      [
        returns.length,
        returns.filter((r) => r.offered_at && r.offered_at - r.returned_at <= 72 * 3_600_000).length,
      ],
    );
    const totals = exact.json().totals;
    assert.equal(
      totals.episodes,
      rows.reduce((n, r) => n + r.episodes, 0),
    );
    assert.ok(
      totals.episodes > totals.children,
      'one child went missing several times: children and episodes differ',
    );
    const member = await call('GET', `/api/v1/reports/missing?from=${previous}&to=${month}`, 'councillor');
    assert.equal(member.statusCode, 200);
    const shown = member.json();
    assert.equal(shown.exact, false);
    for (const w of shown.wards)
      for (const v of [w.children, w.episodes]) assert.ok(v === 'c' || v === 0 || v > 5, JSON.stringify(w));
    const small = shown.wards.filter((w: { children: unknown }) => w.children === 'c').length;
    assert.notEqual(small, 1, 'never a single suppressed ward: it could be worked out from the total');
    assert.equal(JSON.stringify(shown).includes(child), false, 'no person-level detail');
    const page = await clients.councillor.get('/reports/missing');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /children went missing/);
    assert.equal((await clients.councillor.get(`/people/${child}`)).statusCode, 403);
    const bad = await clients.analyst.get('/reports/missing?from=2026-13');
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /govuk-error-summary/);
  });

  it('records placements with moves counted, lists children placed out of area, and a move for a flagged child asks for a risk review', async () => {
    const looked = await knownToKeyworker(6);
    await call('POST', `/api/v1/people/${looked}/flags`, 'chair', {
      flagType: 'cse',
      level: 'significant',
      reason: 'MACE',
    });
    const days = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
    const place = (startedOn: string, extra: object = {}) =>
      call('POST', `/api/v1/people/${looked}/placements`, 'frontdoor', {
        kind: 'foster',
        provider: 'Aire Valley Foster Care',
        localAuthority: 'Bradford',
        outOfArea: false,
        startedOn,
        ...extra,
      });
    assert.equal((await place(days(500))).statusCode, 201);
    const noReason = await place(days(200));
    assert.equal(noReason.statusCode, 422);
    assert.equal(noReason.json().errors[0].field, 'moveReason');
    for (const [n, extra] of [
      [200, { moveReason: 'Carers gave notice' }],
      [100, { moveReason: 'Breakdown', kind: 'childrens_home', provider: 'Moorside House' }],
      [
        20,
        {
          moveReason: 'To be safe',
          kind: 'childrens_home',
          provider: 'Hollins View',
          localAuthority: 'Leeds',
          outOfArea: true,
        },
      ],
    ] as const)
      assert.equal((await place(days(n), extra)).statusCode, 201);
    const before = await place(days(300), { moveReason: 'x' });
    assert.equal(before.statusCode, 422, 'a move cannot start before the current placement');
    const read = await call('GET', `/api/v1/people/${looked}/placements`, 'police');
    assert.equal(read.json().movesInYear, 3);
    assert.equal(read.json().manyMoves, true);
    assert.equal(read.json().current.provider, 'Hollins View');
    assert.equal(read.json().history.filter((p: { endedOn: string | null }) => p.endedOn === null).length, 1);
    assert.equal(
      (await openWork(looked, 'risk_review')).length,
      3,
      'each move while flagged asks for a review',
    );
    const list = await clients.frontdoor.get('/placements/out-of-area');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /Hollins View/);
    assert.match(list.body, /data-qa="out-of-area-cse">1</);
    const audited = await t.owner.pool.query(
      "SELECT listed_person_ids FROM audit_event WHERE action = 'placements.out_of_area_viewed' ORDER BY seq DESC LIMIT 1",
    );
    assert.deepEqual(audited.rows[0].listed_person_ids, [looked]);
    // Missing from the placement: the current one by default.
    const fromPlacement = await call(
      'POST',
      '/api/v1/missing-episodes',
      'police',
      episode(looked, { missingFrom: 'placement', reportedBy: 'residential_provider' }),
    );
    assert.equal(fromPlacement.statusCode, 201, fromPlacement.body);
    assert.equal(fromPlacement.json().missingFromName, 'Placement: Hollins View');
    assert.ok((await chronology(looked)).some((x) => x.startsWith('Moved to children')));
  });

  it('records education; the status shows on the person page and in the assessment, and disruption asks for a risk review', async () => {
    const pupil = await knownToKeyworker(7);
    await call('POST', `/api/v1/people/${pupil}/flags`, 'chair', {
      flagType: 'cce',
      level: 'emerging',
      reason: 'MACE',
    });
    const today = new Date().toISOString().slice(0, 10);
    const rec = (body: object) => call('POST', `/api/v1/people/${pupil}/education-events`, 'frontdoor', body);
    assert.equal(
      (
        await rec({
          kind: 'school_place',
          startedOn: '2025-09-01',
          school: 'Tong Leadership Academy',
          yearGroup: 9,
        })
      ).statusCode,
      201,
    );
    const missingDays = await rec({
      kind: 'suspension',
      startedOn: today,
      school: 'Tong Leadership Academy',
      reason: 'Fighting',
    });
    assert.equal(missingDays.statusCode, 422);
    assert.equal(missingDays.json().errors[0].field, 'days');
    assert.equal(
      (
        await rec({
          kind: 'suspension',
          startedOn: today,
          school: 'Tong Leadership Academy',
          days: 3,
          reason: 'Fighting',
        })
      ).statusCode,
      201,
    );
    assert.equal((await openWork(pupil, 'risk_review')).length, 1);
    const cme = await rec({ kind: 'missing_education', startedOn: today });
    assert.equal(cme.statusCode, 201);
    const status = (await call('GET', `/api/v1/people/${pupil}/education-events`, 'police')).json().status;
    assert.deepEqual(status.facts.slice(0, 2), [
      'Tong Leadership Academy, Year 9',
      `Missing education since ${today}: whereabouts not yet established`,
    ]);
    const page = await clients.frontdoor.get(`/people/${pupil}`);
    assert.match(page.body, /1 suspension in the last 12 months \(3 days\)/);
    // Found: the whereabouts recorded on the page.
    const found = await clients.frontdoor.post(`/people/${pupil}/education/${cme.json().id}/whereabouts`, {
      whereabouts: 'found_in_school',
      whereaboutsOn: today,
    });
    assert.equal(found.statusCode, 303, found.body);
    const after = (await call('GET', `/api/v1/people/${pupil}/education-events`, 'police')).json().status;
    assert.equal(after.missingEducation, false);
    // The figures: referrals in this academic year, with whereabouts established, and home education.
    const figures = (await call('GET', `/api/v1/reports/missing?to=${today.slice(0, 7)}`, 'analyst')).json();
    const year = figures.missingEducation.find(
      (y: { academicYear: string }) => y.academicYear === academicYearOf(today),
    );
    const { rows } = await t.owner.pool.query(
      "SELECT count(*)::int AS n, count(whereabouts)::int AS found FROM education_event WHERE kind = 'missing_education' AND started_on >= $1",
      [`${figures.from}-01`],
    );
    assert.deepEqual([year.referrals, year.established], [rows[0].n, rows[0].found]);
    assert.equal(typeof figures.homeEducation.registered, 'number');
    // The assessment's education theme shows what Lantern holds.
    const started = await clients.frontdoor.post(`/people/${pupil}/assessments`, {});
    const form = await clients.frontdoor.get(String(started.headers.location));
    assert.match(form.body, /data-qa="theme-facts-education"/);
    assert.match(form.body, /Tong Leadership Academy, Year 9/);
  });

  it('a service worker cannot read or record for a child their agency does not know', async () => {
    const stranger = await personIdWhere(
      t,
      "NOT EXISTS (SELECT 1 FROM person_agency pa JOIN agency a ON a.id = pa.agency_id WHERE pa.person_id = person.id AND a.code = 'trp')",
    );
    const read = await call('GET', `/api/v1/people/${stranger}/missing-episodes`, 'keyworker');
    assert.equal(read.statusCode, 404);
    const report = await call(
      'POST',
      '/api/v1/missing-episodes',
      'keyworker',
      episode(stranger, { reportedBy: 'carer' }),
    );
    assert.equal(report.statusCode, 422);
    assert.equal(report.json().errors[0].message, 'No such person');
    assert.equal((await clients.keyworker.get(`/people/${stranger}/missing/new`)).statusCode, 404);
  });
});
