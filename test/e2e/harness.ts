import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Config } from '../../src/config.ts';
import { createTestApp, createTestDatabase, type TestApp, type TestDatabase } from '../helpers.ts';
import { launchBrowser, signedIn } from './browser.ts';

/** What a browser journey runs against: its own database, Lantern listening on a port, Chromium. */
export interface Journey {
  t: TestDatabase;
  ta: TestApp;
  base: string;
  browser: Browser;
  /** A new browser context signed in as the user (at another server's address if given). */
  signedIn(username: string, at?: string): Promise<Page>;
  /** Another Lantern on the same database, with other settings (e.g. a short idle timeout). */
  another(config: Partial<Config>): Promise<string>;
}

/** Sets a journey up before the file's tests and takes it down after (call inside describe). */
export function journey(opts: { people?: number; seed?: number; history?: boolean } = {}): Journey {
  const extra: TestApp[] = [];
  const j = {
    signedIn: (username: string, at?: string) => signedIn(j.browser, at ?? j.base, username),
    async another(config: Partial<Config>) {
      const other = await createTestApp(j.t, config);
      extra.push(other);
      return other.app.listen({ port: 0, host: '127.0.0.1' });
    },
  } as Journey;
  before(async () => {
    j.t = await createTestDatabase(opts);
    j.ta = await createTestApp(j.t);
    j.base = await j.ta.app.listen({ port: 0, host: '127.0.0.1' });
    j.browser = await launchBrowser();
  });
  after(async () => {
    await j.browser?.close();
    for (const other of extra) await other.app.close();
    await j.ta?.app.close();
    await j.t?.close();
  });
  return j;
}
