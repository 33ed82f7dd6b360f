import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import { MODULES } from './modules/index.ts';
import { EventBus } from './platform/events/index.ts';
import { createJobs, type JobDefinition, type Jobs } from './platform/jobs/index.ts';
import type { ModuleContext, ModuleDescriptor } from './platform/module.ts';

// biome-ignore lint/suspicious/noExplicitAny: any module, whatever its service and needs
export type AnyModule = ModuleDescriptor<any, any> & { readonly name: string };
type ServiceOf<M> = M extends ModuleDescriptor<infer S, infer _D> ? S : never;

/** What the platform itself holds: the module list, the event bus, the job queue, the database. */
export interface Platform {
  modules: readonly AnyModule[];
  events: EventBus;
  jobs: Jobs;
  db: Database;
  /** Every module's jobs, bound to its service. */
  jobDefinitions: JobDefinition[];
  databaseStatus(): Promise<'up' | 'down'>;
}

/** Every module's service under its name, and the platform. Built from the module list alone. */
export type Services = { [M in (typeof MODULES)[number] as M['name']]: ServiceOf<M> } & {
  platform: Platform;
};

/**
 * The service wiring: each module's service is made from the platform and the services it needs
 * (which come earlier in the list), then its event subscriptions are made. Plain factories, no
 * container.
 */
export function createServices(
  db: Database,
  config: Pick<Config, 'sessionIdleSeconds' | 'sessionAbsoluteSeconds'> & Partial<Config>,
  opts: { modules?: readonly AnyModule[]; jobs?: Jobs } = {},
): Services {
  const modules = opts.modules ?? MODULES;
  const events = new EventBus();
  const jobs = opts.jobs ?? createJobs(db.url, db.pool);
  const ctx: ModuleContext = { db, config, events, jobs };
  const services: Record<string, unknown> = {};
  for (const m of modules) {
    for (const need of m.needs ?? [])
      if (!(need in services))
        throw new Error(`Module ${m.name} needs ${need}, which must come before it in the list`);
    const deps = Object.fromEntries((m.needs ?? []).map((n) => [n, services[n]]));
    services[m.name] = m.service?.(ctx, deps);
  }
  for (const m of modules) m.subscribe?.(services[m.name], events, ctx);
  const jobDefinitions = modules.flatMap((m) =>
    (m.jobs ?? []).map((job) => ({
      ...job,
      run: (data: Record<string, unknown>) => job.run(services[m.name], data),
    })),
  );
  const platform: Platform = {
    modules,
    events,
    jobs,
    db,
    jobDefinitions,
    async databaseStatus() {
      return (await db.ping()) ? 'up' : 'down';
    },
  };
  return { ...services, platform } as Services;
}

/** The jobs every module declares (names and schedules: what the owner installs as queues). */
export function jobDeclarations(modules: readonly AnyModule[] = MODULES) {
  return modules.flatMap((m) => (m.jobs ?? []).map(({ run: _run, ...declaration }) => declaration));
}
