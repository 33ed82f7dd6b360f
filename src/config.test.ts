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
  it('turns on provider sign-in with OIDC_ISSUER, and asks for what must come with it', () => {
    assert.equal(loadConfig(base).oidc, undefined);
    const oidc = {
      OIDC_ISSUER: 'https://login.example.gov.uk/tenant/v2.0',
      OIDC_CLIENT_ID: 'lantern',
      OIDC_CLIENT_SECRET: 's3cret',
    };
    assert.deepEqual(loadConfig({ ...base, ...oidc }).oidc, {
      issuer: 'https://login.example.gov.uk/tenant/v2.0',
      clientId: 'lantern',
      clientSecret: 's3cret',
      groupsClaim: 'groups',
      displayName: 'your council account',
    });
    assert.throws(() => loadConfig({ ...base, OIDC_ISSUER: oidc.OIDC_ISSUER }), /OIDC_CLIENT_ID must be set/);
    assert.throws(() => loadConfig({ ...base, OIDC_CLIENT_ID: 'lantern' }), /OIDC_ISSUER is not/);
    assert.throws(
      () => loadConfig({ ...base, ...oidc, OIDC_ISSUER: 'login.example' }),
      /OIDC_ISSUER must be a web address/,
    );
    const production = { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32), ...oidc };
    assert.throws(() => loadConfig(production), /PUBLIC_URL must be set/);
    assert.throws(
      () =>
        loadConfig({
          ...production,
          PUBLIC_URL: 'https://lantern.example.gov.uk',
          OIDC_ISSUER: 'http://login.example.gov.uk',
        }),
      /OIDC_ISSUER must use https/,
    );
    assert.equal(
      loadConfig({ ...production, PUBLIC_URL: 'https://lantern.example.gov.uk/' }).publicUrl,
      'https://lantern.example.gov.uk',
    );
  });
});
