import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import {
  Client,
  createTestApp,
  createTestDatabase,
  type TestApp,
  type TestDatabase,
  tokenFor,
} from '../../../test/helpers.ts';
import { pdfPages } from '../../../test/pdf.ts';

/** A real, tiny PNG (one grey pixel), built here rather than shipped as a file. */
function png(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const byte of b) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header.set([8, 0, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from([0, 0x80]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A multipart form as a browser sends a file upload. */
function multipart(
  fields: Record<string, string>,
  file: { name: string; filename: string; type: string; data: Buffer },
) {
  const boundary = '----lantern-test-boundary';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`,
    ),
    file.data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('the Philomena Protocol', () => {
  let t: TestDatabase;
  let ta: TestApp;
  const tokens: Record<string, string> = {};
  const clients: Record<string, Client> = {};
  let child: string;

  before(async () => {
    t = await createTestDatabase({ people: 20 });
    ta = await createTestApp(t);
    for (const u of ['police', 'frontdoor', 'keyworker']) {
      tokens[u] = await tokenFor(ta.services, u);
      clients[u] = new Client(ta.app);
      await clients[u].signIn(u);
    }
    const { rows } = await t.owner.pool.query(
      `SELECT p.id FROM person p JOIN person_agency pa ON pa.person_id = p.id JOIN agency a ON a.id = pa.agency_id
        WHERE a.code = 'trp' AND p.date_of_birth > current_date - interval '17 years' ORDER BY p.id LIMIT 1`,
    );
    child = rows[0].id;
  });
  after(async () => {
    await ta.app.close();
    await t.close();
  });

  const call = (method: 'GET' | 'POST', url: string, user: string, payload?: object) =>
    ta.app.inject({ method, url, payload, headers: { authorization: `Bearer ${tokens[user]}` } });
  const openPlanWork = async () =>
    (
      await t.owner.pool.query(
        "SELECT title, due_at FROM work_item WHERE person_id = $1 AND kind = 'philomena_plan' AND completed_at IS NULL",
        [child],
      )
    ).rows;
  const planId = async () =>
    (await t.owner.pool.query('SELECT id, version FROM philomena_plan WHERE person_id = $1', [child]))
      .rows[0];

  it('puts a child placed in residential care without a plan on the work queue, then agreed by all three takes it off', async () => {
    const placed = await call('POST', `/api/v1/people/${child}/placements`, 'frontdoor', {
      kind: 'childrens_home',
      provider: 'Moorside House',
      localAuthority: 'Bradford',
      outOfArea: false,
      startedOn: new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10),
    });
    assert.equal(placed.statusCode, 201, placed.body);
    assert.deepEqual(
      (await openPlanWork()).map((w) => w.title),
      ['Agree a Philomena Protocol plan'],
    );
    const queue = await clients.frontdoor.get('/work');
    assert.match(queue.body, /Agree a Philomena Protocol plan/);

    // Made on the page; what was typed is kept when something is missing.
    const incomplete = await clients.keyworker.post(`/people/${child}/philomena`, {
      physicalDescription: 'Slim, 5ft 3in, dark hair in a ponytail',
      reviewDue: '2099-01-01',
    });
    assert.equal(incomplete.statusCode, 422);
    assert.match(incomplete.body, /Enter what the carer and the police should do first/);
    assert.match(incomplete.body, /dark hair in a ponytail/);
    const made = await clients.keyworker.post(`/people/${child}/philomena`, {
      physicalDescription: 'Slim, 5ft 3in, dark hair in a ponytail',
      places: 'Interchange; takeaways on Leeds Road',
      triggers: 'Contact with mum cancelled',
      firstActions: 'Ring her phone, check the places listed, report to the police within an hour',
      reviewDue: '2099-01-01',
    });
    assert.equal(made.statusCode, 303, made.body);
    const plan = await planId();

    // Each party through the right kind of user: the police through a police user.
    const wrongParty = await clients.keyworker.post(`/philomena-plans/${plan.id}/agreements`, {
      party: 'police',
      agreedByName: 'PC Someone',
      version: String(plan.version),
      personId: child,
    });
    assert.equal(wrongParty.statusCode, 422);
    assert.match(wrongParty.body, /police user/);
    for (const [user, party, name] of [
      ['keyworker', 'provider', 'Jo Hart, registered manager'],
      ['frontdoor', 'social_worker', 'Sam Whitaker, social worker'],
      ['police', 'police', 'PC Lund, missing persons coordinator'],
    ] as const) {
      const agreed = await clients[user].post(`/philomena-plans/${plan.id}/agreements`, {
        party,
        agreedByName: name,
        version: String(plan.version),
        personId: child,
      });
      assert.equal(agreed.statusCode, 303, agreed.body);
    }
    const again = await clients.police.post(`/philomena-plans/${plan.id}/agreements`, {
      party: 'police',
      agreedByName: 'PC Lund',
      version: String(plan.version),
      personId: child,
    });
    assert.equal(again.statusCode, 409);
    const work = await openPlanWork();
    assert.deepEqual(
      work.map((w) => w.title),
      ['Review the Philomena plan'],
    );
    assert.equal(work[0].due_at.toISOString().slice(0, 10), '2099-01-01');
    const page = await clients.frontdoor.get(`/people/${child}`);
    assert.match(page.body, /data-qa="philomena-status"[\s\S]*Agreed by all three/);
    const agreements = await t.owner.pool.query(
      'SELECT party, agreed_by_name, recorded_by, agreed_at FROM philomena_agreement WHERE plan_id = $1',
      [plan.id],
    );
    assert.equal(agreements.rows.length, 3);
    assert.ok(agreements.rows.every((a) => a.recorded_by && a.agreed_at && a.agreed_by_name));
  });

  it('a change makes a new version that needs agreeing again, and a stale edit is refused', async () => {
    const plan = await planId();
    const form = {
      physicalDescription: 'Slim, 5ft 4in now, hair cut short',
      firstActions: 'Ring her phone, check the places listed, report to the police within an hour',
      reviewDue: '2099-01-01',
    };
    const stale = await clients.frontdoor.post(`/people/${child}/philomena`, {
      ...form,
      version: String(plan.version - 1),
    });
    assert.equal(stale.statusCode, 409);
    const changed = await clients.frontdoor.post(`/people/${child}/philomena`, {
      ...form,
      version: String(plan.version),
    });
    assert.equal(changed.statusCode, 303, changed.body);
    const page = await clients.frontdoor.get(`/people/${child}/philomena`);
    assert.match(page.body, /Not yet agreed by all three/);
    assert.match(page.body, /Version 2/);
  });

  it('takes a photograph judged by its content and size, and shows it only to roles that may see it', async () => {
    const plan = await planId();
    const upload = (client: Client, file: { filename: string; type: string; data: Buffer }) => {
      const body = multipart({ _csrf: client.csrf, personId: child }, { name: 'photo', ...file });
      return ta.app.inject({
        method: 'POST',
        url: `/philomena-plans/${plan.id}/photo`,
        payload: body.payload,
        headers: {
          'content-type': body.contentType,
          cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        },
      });
    };
    await clients.police.get(`/people/${child}/philomena`);
    const forged = multipart(
      { _csrf: 'not-the-token', personId: child },
      { name: 'photo', filename: 'x.png', type: 'image/png', data: png() },
    );
    const noToken = await ta.app.inject({
      method: 'POST',
      url: `/philomena-plans/${plan.id}/photo`,
      payload: forged.payload,
      headers: {
        'content-type': forged.contentType,
        cookie: [...clients.police.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    assert.equal(noToken.statusCode, 403, 'an upload is checked for its CSRF token too');
    const elsewhere = await ta.app.inject({
      method: 'POST',
      url: `/people/${child}/philomena`,
      payload: forged.payload,
      headers: {
        'content-type': forged.contentType,
        cookie: [...clients.police.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    assert.equal(elsewhere.statusCode, 415, 'no other route takes multipart (so none skips the CSRF check)');
    const pretend = await upload(clients.police, {
      filename: 'photo.png',
      type: 'image/png',
      data: Buffer.from('this is text, not a picture'),
    });
    assert.equal(pretend.statusCode, 422);
    assert.match(pretend.body, /must be a JPEG or PNG image/);
    await clients.police.get(`/people/${child}/philomena`);
    const big = Buffer.concat([png(), Buffer.alloc(2 * 1024 * 1024)]);
    const tooBig = await upload(clients.police, { filename: 'big.png', type: 'image/png', data: big });
    assert.equal(tooBig.statusCode, 422);
    assert.match(tooBig.body, /smaller than 2 MB/);
    await clients.police.get(`/people/${child}/philomena`);
    const real = await upload(clients.police, {
      filename: 'x.bin',
      type: 'application/octet-stream',
      data: png(),
    });
    assert.equal(real.statusCode, 303, real.body);
    const shown = await clients.police.get(`/philomena-plans/${plan.id}/photo`);
    assert.equal(shown.statusCode, 200);
    assert.equal(shown.headers['content-type'], 'image/png');
    assert.deepEqual(shown.rawPayload, png());
    assert.equal((await clients.keyworker.get(`/philomena-plans/${plan.id}/photo`)).statusCode, 403);
    assert.doesNotMatch(
      (await clients.keyworker.get(`/people/${child}/philomena`)).body,
      /philomena-plans\/[^"]+\/photo"/,
    );
    const viewed = await t.owner.pool.query(
      "SELECT count(*)::int AS n FROM audit_event WHERE action = 'philomena.photo_viewed' AND subject_person_id = $1",
      [child],
    );
    assert.equal(viewed.rows[0].n, 1);
  });

  it('prints a one-page grab pack for the police with part 2 when the child is missing', async () => {
    const missing = await call('POST', '/api/v1/missing-episodes', 'police', {
      personId: child,
      reportedBy: 'residential_provider',
      lastSeenAt: new Date(Date.now() - 3 * 3_600_000).toISOString(),
      missingFrom: 'placement',
      riskGrading: 'high',
      clothing: 'Black puffer jacket, grey joggers, white trainers',
      circumstances: 'Left after a phone call',
    });
    assert.equal(missing.statusCode, 201, missing.body);
    const page = await clients.police.get(`/people/${child}/philomena/grab-pack`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /data-qa="part-2"[\s\S]*Black puffer jacket/);
    const pdf = await clients.police.get(`/people/${child}/philomena/grab-pack.pdf`);
    assert.equal(pdf.statusCode, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    const pages = await pdfPages(pdf.rawPayload);
    assert.equal(pages.length, 1, 'one page');
    assert.match(pages[0], /Part 2: this episode/);
    assert.match(pages[0], /Black puffer jacket/);
    // Version 2 has not been agreed yet: the pack says so rather than showing version 1's agreements.
    assert.match(pages[0], /Plan NOT yet agreed by all three/);
    assert.match(pages[0], /Police: not yet agreed/);
    assert.doesNotMatch(pages[0], /PC Lund/);
    const printed = await t.owner.pool.query(
      "SELECT count(*)::int AS n FROM audit_event WHERE action = 'philomena.grab_pack_printed' AND subject_person_id = $1",
      [child],
    );
    assert.equal(printed.rows[0].n, 2);
  });
});
