// npm run bench:realtime [-- 100000]
// Real-time "already known?" at N people: latency p50/p95/p99 over 1,000 present and 1,000 absent
// queries, right-person-first and in-top-10 rates, false "known" rate, and in the same run the
// baseline: pg_trgm similarity on the full name plus date-of-birth equality. Prints, never asserts.
import path from 'node:path';
import { en, en_GB, Faker } from '@faker-js/faker';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { connectDatabase } from '../src/db/connect.ts';
import { ensureDatabase, openDatabase, withDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { seedDemo } from '../src/demo/index.ts';
import { NICKNAMES } from '../src/modules/people/index.ts';
import { createServices } from '../src/services.ts';

export async function runRealtime(people: number) {
  const config = loadConfig({
    ...process.env,
    LANTERN_DATA_DIR: path.resolve('var/bench'),
    EMBEDDED_PG_PORT: '54331',
  });
  const target = await connectDatabase(config);
  const url = withDatabase(target.url, `lantern_bench_${people}`);
  await ensureDatabase(url);
  await migrate(url);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const existing = (await admin.query('SELECT count(*)::int AS n FROM person')).rows[0].n;
  if (existing !== people) {
    if (existing)
      throw new Error(`database lantern_bench_${people} holds ${existing} people; drop it and run again`);
    console.log(`Seeding ${people.toLocaleString('en-GB')} people…`);
    await seedDemo(url, {
      seed: 11,
      people,
      demoUsers: true,
      demoPassword: 'bench-password-123',
      history: false,
    });
  }
  const db = openDatabase(url, { max: 4 });
  const services = createServices(db, config);
  const signedIn = await services.accounts.signIn('frontdoor', 'bench-password-123');
  if (!signedIn.ok) throw new Error('sign-in failed');
  const actor = signedIn.actor;
  const partnershipId = actor.partnershipId;

  // Present queries: real people written with an agency's errors. Absent: people not recorded.
  const faker = new Faker({ locale: [en_GB, en] });
  faker.seed(5);
  const sample = (
    await admin.query(
      `SELECT id, given_name, family_name, to_char(date_of_birth, 'YYYY-MM-DD') AS dob, dob_precision, postcode
       FROM person WHERE dob_precision = 'exact' ORDER BY md5(id::text) LIMIT 1000`,
    )
  ).rows;
  const typo = (s: string) => {
    const i = faker.number.int({ min: 1, max: Math.max(1, s.length - 2) });
    return s.slice(0, i) + s.slice(i + 1);
  };
  const present = sample.map((p) => {
    let given: string = p.given_name;
    let family: string = p.family_name;
    let dob: string | null = p.dob;
    if (faker.number.float() < 0.1 && NICKNAMES[given]) given = NICKNAMES[given];
    if (faker.number.float() < 0.08) family = typo(family);
    const roll = faker.number.float();
    if (roll < 0.05) dob = `${dob?.slice(0, 8)}${dob?.slice(8) === '28' ? '27' : '28'}`;
    else if (roll < 0.1) dob = null;
    return {
      truth: p.id as string,
      query: {
        given_name: given,
        family_name: family,
        dob,
        postcode: faker.number.float() < 0.8 ? p.postcode : null,
      },
    };
  });
  const absent = Array.from({ length: 1000 }, () => ({
    truth: null,
    query: {
      given_name: faker.person.firstName(),
      family_name: `${faker.person.lastName()}${faker.string.fromCharacters('bcdfg')}`,
      dob: faker.date.birthdate({ min: 8, max: 60, mode: 'age' }).toISOString().slice(0, 10),
      postcode: null,
    },
  }));

  const pct = (xs: number[], q: number) =>
    [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
  const report = (name: string, times: number[], first: number, top10: number, falseKnown: number) =>
    console.log(
      `${name}: p50 ${pct(times, 0.5).toFixed(1)} ms, p95 ${pct(times, 0.95).toFixed(1)} ms, p99 ${pct(times, 0.99).toFixed(1)} ms; ` +
        `right person first ${(first / present.length).toFixed(3)}, in top 10 ${(top10 / present.length).toFixed(3)}; false "known" ${(falseKnown / absent.length).toFixed(3)}`,
    );

  await services.matching.match(actor, present[0].query); // trains the model on first use
  {
    const times: number[] = [];
    let first = 0;
    let top10 = 0;
    let falseKnown = 0;
    for (const q of [...present, ...absent]) {
      const t = performance.now();
      const result = await services.matching.match(actor, q.query);
      times.push(performance.now() - t);
      const ids = result.candidates.map((c) => c.person.id);
      if (q.truth && ids[0] === q.truth) first++;
      if (q.truth && ids.includes(q.truth)) top10++;
      if (!q.truth && result.candidates[0]?.probability >= 0.5) falseKnown++;
    }
    console.log(
      `\n== ${people.toLocaleString('en-GB')} people, ${present.length} present and ${absent.length} absent queries`,
    );
    report('Lantern matcher (service, audited)', times, first, top10, falseKnown);
  }
  {
    await admin.query('SET pg_trgm.similarity_threshold = 0.3');
    const times: number[] = [];
    let first = 0;
    let top10 = 0;
    let falseKnown = 0;
    for (const q of [...present, ...absent]) {
      const name = `${q.query.given_name} ${q.query.family_name}`.toLowerCase();
      const t = performance.now();
      const { rows } = await admin.query(
        `SELECT id FROM person WHERE partnership_id = $1 AND lower(given_name || ' ' || family_name) % $2
          AND ($3::date IS NULL OR date_of_birth = $3)
        ORDER BY similarity(lower(given_name || ' ' || family_name), $2) DESC LIMIT 10`,
        [partnershipId, name, q.query.dob],
      );
      times.push(performance.now() - t);
      const ids = rows.map((r) => r.id);
      if (q.truth && ids[0] === q.truth) first++;
      if (q.truth && ids.includes(q.truth)) top10++;
      if (!q.truth && ids.length) falseKnown++;
    }
    report('Baseline pg_trgm name similarity + DOB equality', times, first, top10, falseKnown);
  }
  await admin.end();
  await db.close();
  await target.stop();
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  await runRealtime(Number(process.argv[2] ?? 100_000));
  process.exit(0);
}
