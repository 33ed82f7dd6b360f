import type { FastifyInstance } from 'fastify';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { connectDatabase, serviceDatabaseUrl } from './db/connect.ts';
import { openDatabase } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { assertLeastPrivilege } from './db/roles.ts';
import { isEmpty, seedDemo } from './demo/index.ts';
import { startSealer } from './platform/audit/index.ts';
import { createJobs, installJobs } from './platform/jobs/index.ts';
import { createServices, jobDeclarations } from './services.ts';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  seeded: boolean;
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * Everything the owner does before the service starts, and what `lantern migrate` does: the SQL
 * migrations, the service's own login, and the job queue's schema and queues.
 */
export async function prepareDatabase(
  config: Config,
  ownerUrl: string,
): Promise<{ applied: string[]; appUrl: string }> {
  const { applied } = await migrate(ownerUrl);
  const appUrl = await serviceDatabaseUrl(config, ownerUrl);
  await installJobs(ownerUrl, jobDeclarations());
  return { applied, appUrl };
}

/**
 * config → database (as owner: migrations, the service's login, the job queues, the demo seed on
 * an empty database) → the service's own least-privileged connections → app → listen.
 */
export async function startServer(
  config: Config,
  opts: { seedIfEmpty?: boolean; say?: (line: string) => void } = {},
): Promise<RunningServer> {
  const say = opts.say ?? ((line: string) => console.log(line));
  const stopAll: (() => Promise<void>)[] = [];
  let stopping = false;
  // The embedded cluster stopped without being asked (killed, crashed): start it again; the pools
  // reconnect by themselves. If it will not start, say so and exit rather than serve 503s forever.
  const onUnexpectedExit = (restart: () => Promise<void>) => {
    if (stopping) return;
    say('The embedded PostgreSQL stopped unexpectedly: restarting it…');
    const attempt = async (n: number): Promise<void> => {
      try {
        await restart();
        say('The embedded PostgreSQL is running again.');
      } catch (error) {
        if (n >= 5) {
          console.error(
            `The embedded PostgreSQL could not be restarted (${(error as Error).message}). Lantern is stopping: start it again with \`npm start\`.`,
          );
          process.exit(1);
        }
        await new Promise((r) => setTimeout(r, 1000 * n));
        return attempt(n + 1);
      }
    };
    void attempt(1);
  };
  const target = await connectDatabase(config, { onUnexpectedExit });
  stopAll.push(target.stop);
  try {
    const { applied, appUrl } = await prepareDatabase(config, target.url);
    if (applied.length) say(`Applied migrations: ${applied.join(', ')}`);
    let seeded = false;
    if (opts.seedIfEmpty && (await isEmpty(target.url))) {
      say('Empty database: loading the synthetic demo district…');
      await seedDemo(target.url, {
        seed: 2026,
        people: 2000,
        demoUsers: config.env !== 'production',
        demoPassword: config.demoPassword,
        say,
      });
      seeded = true;
    }
    await assertLeastPrivilege(appUrl);
    const db = openDatabase(appUrl, {
      max: config.databasePoolSize,
      shared: config.databasePipelinedConnections,
    });
    stopAll.unshift(() => db.close());
    const jobs = createJobs(appUrl, db.pool, {
      onError: (error) => console.error(`Job queue: ${(error as Error).message}`),
    });
    const services = createServices(db, config, { jobs });
    await services.accounts.purgeExpiredSessions();
    // Said once a minute at most: while the database is away every round fails the same way.
    let lastSealError = 0;
    const sealer = startSealer(db, {
      onError: (error) => {
        if (Date.now() - lastSealError < 60_000) return;
        lastSealError = Date.now();
        console.error(`Audit sealing failed (retrying every round): ${(error as Error).message}`);
      },
    });
    await sealer.sealNow();
    await services.audit
      .anchor()
      .catch((error) => say(`Could not write the audit anchor log: ${(error as Error).message}`));
    await jobs.start(services.platform.jobDefinitions);
    const app = await createApp(services, config);
    stopAll.unshift(async () => {
      await app.close();
      await jobs.stop();
      await sealer.stop();
      await services.audit.anchor().catch(() => undefined);
    });
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    return {
      app,
      url: `http://localhost:${port}`,
      seeded,
      embedded: target.embedded,
      async stop() {
        stopping = true;
        for (const stop of stopAll) await stop().catch(() => undefined);
      },
    };
  } catch (error) {
    stopping = true;
    for (const stop of stopAll) await stop().catch(() => undefined);
    throw error;
  }
}
