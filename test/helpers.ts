import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { createApp } from '../src/app.ts';
import { TEST_DISTRICT, TEST_PASSWORD, TEST_SESSION_SECRET } from '../src/cli/test-runner.ts';
import { type Config, loadConfig } from '../src/config.ts';
import { type Database, openDatabase, SERVICE_LOGIN, withDatabase, withLogin } from '../src/db/database.ts';
import { secureDatabase, serviceLoginPassword } from '../src/db/roles.ts';
import { seedDemo } from '../src/demo/index.ts';
import { createServices, type Services } from '../src/services.ts';

export { TEST_PASSWORD, TEST_SESSION_SECRET } from '../src/cli/test-runner.ts';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with "npm test" (it prepares the database)`);
  return value;
}

export interface TestDatabase {
  /** Owner connection string (like an operator's). */
  url: string;
  /** The service's own login (lantern_service): what the app connects as. */
  appUrl: string;
  /** Connects as the service's login, like the app does (row-level security applies). */
  db: Database;
  /** Runs as the owner: for tests that inspect or tamper with the database directly. */
  owner: Database;
  partnershipId: string;
  close(): Promise<void>;
}

/** A fresh database cloned from the migrated template, with the demo district (small) seeded. */
export async function createTestDatabase(
  opts: { people?: number; seed?: number; history?: boolean } = {},
): Promise<TestDatabase> {
  const adminUrl = required('LANTERN_TEST_ADMIN_URL');
  const template = required('LANTERN_TEST_TEMPLATE');
  const name = `${required('LANTERN_TEST_PREFIX')}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabase(adminUrl, 'postgres') });
  await admin.connect();
  // The usual district is seeded once per run (by the runner); another is seeded here.
  const usual =
    (opts.seed ?? TEST_DISTRICT.seed) === TEST_DISTRICT.seed &&
    (opts.people ?? TEST_DISTRICT.people) === TEST_DISTRICT.people &&
    !opts.history;
  await admin.query(
    `CREATE DATABASE ${name} TEMPLATE ${usual ? required('LANTERN_TEST_SEEDED_TEMPLATE') : template}`,
  );
  const url = withDatabase(adminUrl, name);
  let partnershipId: string;
  if (usual) {
    const owner = new pg.Client({ connectionString: url });
    await owner.connect();
    try {
      partnershipId = (await owner.query('SELECT id FROM partnership')).rows[0].id;
    } finally {
      await owner.end();
    }
  } else {
    ({ partnershipId } = await seedDemo(url, {
      seed: opts.seed ?? TEST_DISTRICT.seed,
      people: opts.people ?? TEST_DISTRICT.people,
      demoUsers: true,
      demoPassword: TEST_PASSWORD,
      history: opts.history ?? false,
    }));
  }
  // The test runner made the login (it belongs to the whole cluster); each database needs its grants.
  const password = serviceLoginPassword(TEST_SESSION_SECRET);
  await secureDatabase(url);
  const appUrl = withLogin(url, SERVICE_LOGIN, password);
  const db = openDatabase(appUrl, { max: 5 });
  const owner = openDatabase(url, { max: 2 });
  return {
    url,
    appUrl,
    db,
    owner,
    partnershipId,
    async close() {
      // Tolerates pools a test already closed: the database is dropped whatever happened.
      await db.close().catch(() => undefined);
      await owner.close().catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({
      NODE_ENV: 'test',
      SESSION_SECRET: TEST_SESSION_SECRET,
      LOG_LEVEL: process.env.LOG_LEVEL,
    }),
    ...overrides,
  };
}

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  config: Config;
}

export async function createTestApp(t: TestDatabase, overrides: Partial<Config> = {}): Promise<TestApp> {
  const config = testConfig(overrides);
  const services = createServices(t.db, config);
  const app = await createApp(services, config);
  await app.ready();
  return { app, services, config };
}

/** A person-shaped client over app.inject: keeps cookies and sends the page's CSRF token with forms. */
export class Client {
  cookies = new Map<string, string>();
  csrf = '';

  constructor(private readonly app: FastifyInstance) {}

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(response: LightMyRequestResponse) {
    for (const c of response.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const match = /name="_csrf" value="([^"]+)"/.exec(response.body);
    if (match) this.csrf = match[1];
    return response;
  }

  async get(url: string, headers: Record<string, string> = {}) {
    return this.keep(
      await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader(), ...headers } }),
    );
  }

  /** Posts a form as a browser would; fetches a page first when no CSRF token is held yet. */
  async post(url: string, form: Record<string, string | string[]>, opts: { csrf?: boolean } = {}) {
    if (opts.csrf !== false && !this.csrf) await this.get('/sign-in');
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const item of [v].flat()) body.append(k, item);
    if (opts.csrf !== false) body.append('_csrf', this.csrf);
    return this.keep(
      await this.app.inject({
        method: 'POST',
        url,
        headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: body.toString(),
      }),
    );
  }

  async signIn(username: string, password = TEST_PASSWORD) {
    await this.get('/sign-in');
    const response = await this.post('/sign-in', { username, password, next: '/' });
    if (response.statusCode !== 302) throw new Error(`sign-in as ${username} failed: ${response.statusCode}`);
    await this.get('/account');
    return response;
  }
}

export async function personIdWhere(t: TestDatabase, sql = 'TRUE'): Promise<string> {
  const { rows } = await t.owner.pool.query(`SELECT id FROM person WHERE ${sql} ORDER BY id LIMIT 1`);
  if (!rows[0]) throw new Error(`no person where ${sql}`);
  return rows[0].id;
}

/** A personal access token of the user's own (as they would make on their account page). */
export async function tokenFor(services: Services, username: string, name = 'test token'): Promise<string> {
  const signedIn = await services.accounts.signIn(username, TEST_PASSWORD);
  if (!signedIn.ok) throw new Error(`sign-in as ${username} failed`);
  return services.accounts.createOwnToken(signedIn.actor, name);
}

const decodeHtml = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/**
 * The values a browser would send for the form in `html` (the first, or the one with this
 * data-qa): text and hidden inputs, checked radios and checkboxes, textareas and selected options.
 */
export function formValues(html: string, qa?: string): Record<string, string | string[]> {
  let form = html;
  const start = qa ? html.indexOf(`data-qa="${qa}"`) : html.indexOf('<form');
  if (start >= 0) form = html.slice(html.lastIndexOf('<form', start), html.indexOf('</form>', start));
  const out: Record<string, string | string[]> = {};
  const add = (name: string, value: string) => {
    const existing = out[name];
    if (existing === undefined) out[name] = value;
    else out[name] = [existing, value].flat();
  };
  for (const tag of form.match(/<input\b[^>]*>/g) ?? []) {
    const attr = (n: string) => new RegExp(`\\s${n}="([^"]*)"`).exec(tag)?.[1];
    const name = attr('name');
    if (!name) continue;
    const type = attr('type') ?? 'text';
    if ((type === 'radio' || type === 'checkbox') && !/\schecked\b/.test(tag)) continue;
    add(decodeHtml(name), decodeHtml(attr('value') ?? ''));
  }
  for (const m of form.matchAll(/<textarea\b[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g))
    add(decodeHtml(m[1]), decodeHtml(m[2].replace(/^\n/, '')));
  for (const m of form.matchAll(/<select\b[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const selected = /<option value="([^"]*)"[^>]*selected/.exec(m[2]);
    add(decodeHtml(m[1]), decodeHtml(selected?.[1] ?? ''));
  }
  delete out._csrf;
  return out;
}
