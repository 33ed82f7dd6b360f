import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { agencyOf } from '../test/factories.ts';
import {
  createTestApp,
  createTestDatabase,
  personIdWhere,
  TEST_PASSWORD,
  type TestApp,
  type TestDatabase,
  tokenFor,
} from '../test/helpers.ts';

/**
 * A generated fuzz test: requests derived from the OpenAPI description of every API route — valid
 * bodies, near-valid ones and hostile ones (NUL bytes, lone surrogates, wrong types, huge and
 * nested values, unknown fields, bad ids) — from several roles. None may answer 500 or worse.
 */

const REQUESTS = Number(process.env.LANTERN_FUZZ_REQUESTS ?? 10_000);

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  oneOf?: Schema[];
  anyOf?: Schema[];
};

/** mulberry32: small, fast and deterministic, so a failure can be replayed from its seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    chance: (p: number) => next() < p,
  };
}
type Rng = ReturnType<typeof rng>;

const NASTY_STRINGS = [
  '',
  ' ',
  'a\u0000b',
  '\u0000',
  '\ud800',
  'x\udfffy',
  '💥'.repeat(50),
  'İstanbul',
  "Robert'); DROP TABLE person;--",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00',
  '\\',
  '{{ 7*7 }}',
  'ﬁ ligature',
  '\u202eevil',
  'a'.repeat(5000),
  '9999-99-99',
  '2010-02-30',
  '00000000-0000-0000-0000-000000000000',
  'not-a-uuid',
  '-1',
  '1e309',
  'true',
  'null',
];

function randomString(r: Rng, schema: Schema): string {
  if (schema.enum && r.chance(0.8)) return String(r.pick(schema.enum));
  if (r.chance(0.35)) return r.pick(NASTY_STRINGS);
  switch (schema.format) {
    case 'uuid':
      return r.chance(0.9) ? crypto.randomUUID() : r.pick(NASTY_STRINGS);
    case 'date':
      return `${r.int(1900, 2030)}-${String(r.int(0, 13)).padStart(2, '0')}-${String(r.int(0, 32)).padStart(2, '0')}`;
    case 'date-time':
      return new Date(r.int(0, 2e12)).toISOString();
    case 'email':
      return 'someone@example.invalid';
  }
  const length = r.int(schema.minLength ?? 0, Math.min(schema.maxLength ?? 40, 60));
  const alphabet = 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ0123456789-/éçßØ';
  return Array.from({ length }, () => alphabet[r.int(0, alphabet.length - 1)]).join('');
}

/** A value for the schema: mostly fitting it, sometimes not at all. */
function generate(r: Rng, schema: Schema | undefined, depth = 0): unknown {
  if (!schema || depth > 5) return r.pick([null, 1, 'x', [], {}]);
  if (r.chance(0.04))
    return r.pick([null, 42, -1.5, true, 'text', [], {}, [null], { nested: { deep: [1] } }]);
  const choices = schema.oneOf ?? schema.anyOf;
  if (choices) return generate(r, r.pick(choices), depth + 1);
  const types = Array.isArray(schema.type)
    ? schema.type
    : [schema.type ?? (schema.properties ? 'object' : 'string')];
  const type = r.pick(types);
  switch (type) {
    case 'null':
      return null;
    case 'boolean':
      return r.chance(0.9) ? r.chance(0.5) : 'yes';
    case 'integer':
    case 'number': {
      if (r.chance(0.1)) return r.pick([Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e308, -0, 0.5]);
      const lo = schema.minimum ?? -5;
      const hi = schema.maximum ?? 1000;
      return type === 'integer' ? r.int(Math.ceil(lo), Math.floor(hi)) : lo + r.next() * (hi - lo);
    }
    case 'array': {
      const n = r.int(schema.minItems ?? 0, Math.min(schema.maxItems ?? 4, 6));
      return Array.from({ length: n }, () => generate(r, schema.items, depth + 1));
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(schema.properties ?? {})) {
        const required = schema.required?.includes(key);
        if (required ? r.chance(0.95) : r.chance(0.6)) out[key] = generate(r, child, depth + 1);
      }
      if (r.chance(0.05)) out[r.pick(['unknownField', 'a\u0000b', '__proto__', 'constructor'])] = 'surprise';
      return out;
    }
    default:
      return randomString(r, schema);
  }
}

/** Percent-encodes a path segment; a lone surrogate goes as the bytes a hostile client would send. */
function encodePath(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value
      .split('')
      .map((ch) => (/[\ud800-\udfff]/.test(ch) ? '%ED%A0%80' : encodeURIComponent(ch)))
      .join('');
  }
}

interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  query?: Schema;
  headers: string[];
  body?: Schema;
}

function operations(spec: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const params = (op.parameters ?? []) as {
        in: string;
        name: string;
        schema: Schema;
        required?: boolean;
      }[];
      const query: Schema = { type: 'object', properties: {}, required: [] };
      for (const p of params.filter((x) => x.in === 'query')) {
        (query.properties as Record<string, Schema>)[p.name] = p.schema;
        if (p.required) query.required?.push(p.name);
      }
      const content = (op.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)
        ?.content;
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((x) => x.in === 'path').map((x) => x.name),
        query: Object.keys(query.properties ?? {}).length ? query : undefined,
        headers: params.filter((x) => x.in === 'header').map((x) => x.name),
        body: content?.['application/json']?.schema,
      });
    }
  }
  return ops;
}

describe(`API fuzz: ${REQUESTS.toLocaleString('en-GB')} generated requests to every API route`, () => {
  let t: TestDatabase;
  let ta: TestApp;
  const tokens: string[] = [];
  const known: Record<string, string[]> = { id: [], mergeId: [] };

  before(async () => {
    t = await createTestDatabase({ people: 30 });
    ta = await createTestApp(t);
    for (const user of ['frontdoor', 'police', 'manager', 'keyworker', 'analyst', 'chair', 'councillor'])
      tokens.push(await tokenFor(ta.services, user));
    // Real ids for path parameters, so the requests reach the deep code as well as the checks.
    const signedIn = await ta.services.accounts.signIn('frontdoor', TEST_PASSWORD);
    assert.ok(signedIn.ok);
    const person = await personIdWhere(t);
    const school = await agencyOf(t, 'education');
    const contact = await ta.services.contacts.receive(
      signedIn.actor,
      {
        sourceKind: 'agency',
        sourceAgencyId: school,
        categories: ['criminal'],
        narrative: 'Fuzz fixture',
        people: [{ personId: person, part: 'subject' }],
      },
      null,
    );
    const assessment = await ta.services.assessments.start(signedIn.actor, person);
    known.id.push(person, contact.id, assessment.id);
    for (const { id } of (await t.owner.pool.query('SELECT id FROM person ORDER BY id LIMIT 10')).rows)
      known.id.push(id);
  });
  after(async () => {
    await ta.app.close();
    await t.close();
  });

  it('never answers with a server error', async () => {
    const spec = (await ta.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const ops = operations(spec);
    assert.ok(ops.length >= 15, `${ops.length} operations described`);
    const r = rng(20261201);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const reached = new Set<string>();
    for (let i = 0; i < REQUESTS; i++) {
      const op = ops[i % ops.length];
      let url = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
        const pool = known[name] ?? known.id;
        const value = r.chance(0.7) ? r.pick(pool) : String(generate(r, { type: 'string', format: 'uuid' }));
        return encodePath(value);
      });
      if (op.query) {
        const query = generate(r, op.query) as Record<string, unknown> | null;
        if (query && typeof query === 'object' && !Array.isArray(query)) {
          const search = new URLSearchParams();
          for (const [k, v] of Object.entries(query))
            search.append(k, typeof v === 'string' ? v : JSON.stringify(v));
          url += `?${search}`;
        }
      }
      const headers: Record<string, string> = {};
      if (r.chance(0.97)) headers.authorization = `Bearer ${r.pick(tokens)}`;
      if (op.headers.includes('idempotency-key') && r.chance(0.8))
        headers['idempotency-key'] = r.pick([
          '',
          ' ',
          'k-1',
          `k-${r.int(1, 30)}`,
          'a\u00e9',
          'x'.repeat(300),
        ]);
      let payload: string | undefined;
      if (op.body || op.method !== 'GET') {
        const roll = r.next();
        if (roll < 0.03) {
          payload = r.pick(['{', 'null', '[]', '"text"', '{"a":', '\u0000', '{"__proto__": {"x": 1}}']);
          headers['content-type'] = 'application/json';
        } else if (roll < 0.05) {
          payload = 'name=x&y=z';
          headers['content-type'] = r.pick([
            'application/x-www-form-urlencoded',
            'text/plain',
            'application/xml',
          ]);
        } else {
          payload = JSON.stringify(generate(r, op.body ?? { type: 'object' }));
          headers['content-type'] = 'application/json';
        }
      }
      let status: number;
      try {
        const response = await ta.app.inject({ method: op.method as 'GET', url, headers, payload });
        status = response.statusCode;
        if (status >= 500)
          failures.push(
            `${op.method} ${url} → ${status}: ${response.body.slice(0, 200)} (payload ${String(payload).slice(0, 200)})`,
          );
        else if (status < 300) reached.add(`${op.method} ${op.path}`);
      } catch (error) {
        status = 0;
        failures.push(`${op.method} ${url} threw ${(error as Error).message}`);
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} server errors`);
    // The fuzzing was not all bounced at the door: most operations succeeded at least once.
    assert.ok(reached.size >= ops.length / 2, `${reached.size} of ${ops.length} operations ever succeeded`);
    assert.ok((statuses.get(400) ?? 0) > 0 && [...statuses.keys()].some((s) => s >= 200 && s < 300));
  });
});
