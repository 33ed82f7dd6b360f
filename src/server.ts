import type { FastifyInstance } from 'fastify';
import { createApp } from './app.ts';
import { isEmpty, seedDemo } from './cli/seed.ts';
import type { Config } from './config.ts';
import { connectDatabase } from './db/connect.ts';
import { openDatabase } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { createServices } from './services.ts';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  stop(): Promise<void>;
}

/** config → database → migrations → (demo seed on an empty database) → app → listen. */
export async function startServer(
  config: Config,
  opts: { seedIfEmpty?: boolean; say?: (line: string) => void } = {},
) {
  const say = opts.say ?? ((line: string) => console.log(line));
  const target = await connectDatabase(config);
  const stopAll: (() => Promise<void>)[] = [target.stop];
  try {
    const { applied } = await migrate(target.url);
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
    const db = openDatabase(target.url);
    stopAll.unshift(() => db.close());
    const services = createServices(db, config);
    await services.accounts.purgeExpiredSessions();
    const sweep = setInterval(
      () => services.accounts.purgeExpiredSessions().catch(() => undefined),
      5 * 60_000,
    );
    sweep.unref();
    const app = await createApp(services, config);
    stopAll.unshift(async () => {
      clearInterval(sweep);
      await app.close();
    });
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://localhost:${port}`;
    return {
      app,
      url,
      seeded,
      embedded: target.embedded,
      async stop() {
        for (const stop of stopAll) await stop().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const stop of stopAll) await stop().catch(() => undefined);
    throw error;
  }
}
