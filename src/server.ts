import type { FastifyInstance } from 'fastify';
import { createApp } from './app.ts';
import { isEmpty, seedDemo } from './cli/seed.ts';
import type { Config } from './config.ts';
import { connectDatabase, serviceDatabaseUrl } from './db/connect.ts';
import { openDatabase } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { assertLeastPrivilege } from './db/roles.ts';
import { anchorer, startSealer } from './platform/audit/index.ts';
import { createServices } from './services.ts';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  seeded: boolean;
  embedded: boolean;
  stop(): Promise<void>;
}

/** How often the audit chain's head is appended to the local anchor log. */
const ANCHOR_EVERY_MS = 5 * 60_000;
const SESSION_SWEEP_MS = 5 * 60_000;

/**
 * config → database (as owner: migrations, the service's login, the demo seed on an empty
 * database) → the service's own least-privileged connections → app → listen.
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
    const { applied } = await migrate(target.url);
    if (applied.length) say(`Applied migrations: ${applied.join(', ')}`);
    const appUrl = await serviceDatabaseUrl(config, target.url);
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
    const db = openDatabase(appUrl, { max: config.databasePoolSize });
    stopAll.unshift(() => db.close());
    const services = createServices(db, config);
    await services.accounts.purgeExpiredSessions();
    const sealer = startSealer(db, {
      onError: (error) => console.error(`Audit sealing failed this round: ${(error as Error).message}`),
    });
    const anchor = anchorer(db, config.auditAnchorFile);
    const timers = [
      setInterval(() => services.accounts.purgeExpiredSessions().catch(() => undefined), SESSION_SWEEP_MS),
      setInterval(() => {
        sealer
          .sealNow()
          .then(anchor)
          .catch(() => undefined);
      }, ANCHOR_EVERY_MS),
    ];
    for (const t of timers) t.unref();
    await sealer.sealNow();
    await anchor().catch((error) => say(`Could not write the audit anchor log: ${(error as Error).message}`));
    const app = await createApp(services, config);
    stopAll.unshift(async () => {
      for (const t of timers) clearInterval(t);
      await app.close();
      await sealer.stop();
      await anchor().catch(() => undefined);
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
