import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';

/** Every setting Lantern reads, validated once at start-up. */
export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  /** Owner connection (migrations, operators' commands); the embedded cluster when unset. */
  databaseUrl: string | undefined;
  /** The service's own login when the operator manages it; Lantern manages `lantern_service` otherwise. */
  appDatabaseUrl: string | undefined;
  /** Connections per partnership pool. */
  databasePoolSize: number;
  /** Pipelined connections per partnership for statements outside a transaction. */
  databasePipelinedConnections: number;
  dataDir: string;
  embeddedPgPort: number;
  sessionSecret: string;
  sessionIdleSeconds: number;
  sessionAbsoluteSeconds: number;
  sessionWarningSeconds: number;
  cookieSecure: boolean;
  /** Which proxies' X-Forwarded-For to believe: none, a hop count, or their addresses / CIDRs. */
  trustProxy: false | number | string[];
  /** Where the audit trail's head is appended on a schedule, for keeping outside the database. */
  auditAnchorFile: string;
  demoPassword: string;
  logLevel: string;
  /** Lantern's own address as staff reach it (for the identity provider's redirects). */
  publicUrl: string;
  /** Sign-in with the council's identity provider (OpenID Connect), when configured. */
  oidc: OidcConfig | undefined;
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The claim listing the user's groups (Entra ID and most providers: `groups`). */
  groupsClaim: string;
  /** How the sign-in page names the provider: "Sign in with …". */
  displayName: string;
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

/** Proxies whose X-Forwarded-For is believed. "Everything" is refused: any client could pick its IP. */
function trustedProxies(raw: string | undefined): false | number | string[] {
  if (raw === undefined || raw.trim() === '' || ['false', '0', 'no'].includes(raw.trim().toLowerCase()))
    return false;
  const value = raw.trim();
  if (['true', 'yes', '*'].includes(value.toLowerCase())) {
    throw new ConfigError(
      "TRUST_PROXY=true would believe any client's X-Forwarded-For. Give your load balancers' addresses or CIDRs (like 10.0.0.0/8,127.0.0.1) or the number of proxies in front of Lantern (like 1)",
    );
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 10) throw new ConfigError(`TRUST_PROXY must be at most 10 hops, got ${hops}`);
    return hops;
  }
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [address, bits, ...rest] = entry.split('/');
    const family = isIP(address);
    const maxBits = family === 6 ? 128 : 32;
    const okBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= maxBits);
    if (!family || !okBits || rest.length)
      throw new ConfigError(
        `TRUST_PROXY must list IP addresses or CIDRs (like 10.0.0.0/8), or a hop count; "${entry}" is neither`,
      );
  }
  return entries;
}

function httpUrl(name: string, raw: string, production: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a web address like https://login.example.gov.uk, got "${raw}"`);
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && (local || !production)))
    throw new ConfigError(
      `${name} must use https:// (http:// only for a provider on this machine), got "${raw}"`,
    );
  return url;
}

/** OIDC_ISSUER turns on sign-in with the identity provider; its client id and secret must come with it. */
function oidcConfig(env: NodeJS.ProcessEnv, production: boolean): OidcConfig | undefined {
  const issuer = env.OIDC_ISSUER?.trim();
  if (!issuer) {
    for (const name of ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'])
      if (env[name])
        throw new ConfigError(`${name} is set but OIDC_ISSUER is not: set the provider's issuer too`);
    return undefined;
  }
  httpUrl('OIDC_ISSUER', issuer, production);
  const clientId = env.OIDC_CLIENT_ID?.trim();
  const clientSecret = env.OIDC_CLIENT_SECRET ?? '';
  if (!clientId)
    throw new ConfigError('OIDC_CLIENT_ID must be set with OIDC_ISSUER (the id the provider gave Lantern)');
  if (!clientSecret) throw new ConfigError('OIDC_CLIENT_SECRET must be set with OIDC_ISSUER');
  return {
    issuer,
    clientId,
    clientSecret,
    groupsClaim: env.OIDC_GROUPS_CLAIM?.trim() || 'groups',
    displayName: env.OIDC_DISPLAY_NAME?.trim() || 'your council account',
  };
}

/** A secret kept in the data directory so sessions survive restarts in development. */
function localSecret(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const nodeEnv = env.NODE_ENV ?? 'development';
  if (!['development', 'test', 'production'].includes(nodeEnv)) {
    throw new ConfigError(`NODE_ENV must be development, test or production, got "${nodeEnv}"`);
  }
  const production = nodeEnv === 'production';
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const appDatabaseUrl = env.APP_DATABASE_URL || undefined;
  if (appDatabaseUrl && !/^postgres(ql)?:\/\//.test(appDatabaseUrl)) {
    throw new ConfigError('APP_DATABASE_URL must start with postgres:// or postgresql://');
  }
  if (appDatabaseUrl && !databaseUrl) {
    throw new ConfigError('APP_DATABASE_URL needs DATABASE_URL (the owner connection for migrations) too');
  }
  const dataDir = path.resolve(env.LANTERN_DATA_DIR || 'var');
  let sessionSecret = env.SESSION_SECRET ?? '';
  if (!sessionSecret) {
    if (production)
      throw new ConfigError('SESSION_SECRET must be set in production (at least 32 characters)');
    sessionSecret = localSecret(dataDir);
  }
  if (sessionSecret.length < 32) throw new ConfigError('SESSION_SECRET must be at least 32 characters');
  const sessionIdleSeconds = int(env, 'SESSION_IDLE_SECONDS', 30 * 60, 10, 24 * 3600);
  const port = int(env, 'PORT', 3000, 0, 65535);
  const oidc = oidcConfig(env, production);
  if (oidc && production && !env.PUBLIC_URL)
    throw new ConfigError(
      'PUBLIC_URL must be set with OIDC_ISSUER in production (the address staff use, like https://lantern.example.gov.uk)',
    );
  const publicUrl = httpUrl('PUBLIC_URL', env.PUBLIC_URL || `http://localhost:${port}`, production)
    .toString()
    .replace(/\/$/, '');
  return {
    env: nodeEnv as Config['env'],
    port,
    host: env.HOST || (production ? '0.0.0.0' : 'localhost'),
    databaseUrl,
    appDatabaseUrl,
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 10, 1, 200),
    databasePipelinedConnections: int(env, 'DATABASE_PIPELINED_CONNECTIONS', 2, 1, 64),
    dataDir,
    embeddedPgPort: int(env, 'EMBEDDED_PG_PORT', 54329, 1024, 65535),
    sessionSecret,
    sessionIdleSeconds,
    sessionAbsoluteSeconds: int(env, 'SESSION_ABSOLUTE_SECONDS', 12 * 3600, 60, 7 * 24 * 3600),
    sessionWarningSeconds: Math.min(
      int(env, 'SESSION_WARNING_SECONDS', 2 * 60, 5, 3600),
      Math.floor(sessionIdleSeconds / 2),
    ),
    cookieSecure: bool(env, 'COOKIE_SECURE', production),
    trustProxy: trustedProxies(env.TRUST_PROXY),
    auditAnchorFile: path.resolve(env.AUDIT_ANCHOR_FILE || path.join(dataDir, 'audit-anchors.log')),
    demoPassword: env.DEMO_PASSWORD || 'lantern-demo-2026',
    logLevel: env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info'),
    publicUrl,
    oidc,
  };
}
