import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

const base = { NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(32) };

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig(base);
    assert.equal(config.port, 3000);
    assert.equal(config.sessionIdleSeconds, 1800);
    assert.equal(config.sessionAbsoluteSeconds, 12 * 3600);
    assert.equal(config.databaseUrl, undefined);
  });
  it('refuses a bad port with a message naming it', () => {
    assert.throws(
      () => loadConfig({ ...base, PORT: 'eighty' }),
      (e: Error) => e instanceof ConfigError && /PORT/.test(e.message),
    );
    assert.throws(() => loadConfig({ ...base, PORT: '70000' }), /PORT must be between/);
  });
  it('refuses a DATABASE_URL that is not PostgreSQL', () => {
    assert.throws(() => loadConfig({ ...base, DATABASE_URL: 'mysql://x' }), /DATABASE_URL/);
  });
  it('requires a session secret in production', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /SESSION_SECRET must be set/);
    assert.throws(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'short' }), /at least 32/);
  });
  it('secures cookies by default in production only', () => {
    assert.equal(loadConfig({ ...base, NODE_ENV: 'production' }).cookieSecure, true);
    assert.equal(loadConfig(base).cookieSecure, false);
  });
});
