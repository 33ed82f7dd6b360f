import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Database, Queryable } from '../db/database.ts';
import type { Actor, Policy } from './access.ts';
import type { EventBus } from './events/index.ts';
import type { Jobs, ModuleJob } from './jobs/index.ts';

/**
 * What a module is, in one place: the app, the service wiring, the navigation, the route × role
 * test, the demo seed, the jobs and the event subscriptions all read it from the module list
 * (src/modules/index.ts). Adding a module is a folder with an index.ts exporting one of these,
 * and one line in that list.
 */
export interface ModuleDescriptor<S = unknown, D = Record<string, unknown>> {
  /** The module's name: also the key of its service (`services.<name>`). */
  readonly name: string;
  /** Who may do what in this module: the permissions its routes and service check. */
  readonly policy?: Policy<string>;
  /** Modules whose services this one's service or routes use; they come earlier in the list. */
  readonly needs?: readonly string[];
  /** The domain service, built once from the platform and the services it needs. */
  service?(ctx: ModuleContext, deps: D): S;
  /** Its pages and API routes (each declares its access rule). */
  routes?(app: FastifyInstance, ctx: RouteContext<S, D>): Promise<void>;
  /** Entries in the main navigation, shown to those holding the permission. */
  readonly navigation?: readonly NavEntry[];
  /** Parts of a person's page this module shows (loaded when the viewer holds the permission). */
  personPanels?(service: S): PersonPanel[];
  /** Shown on every page for those holding the permission (e.g. the "needs attention" banner). */
  pageContext?(service: S): PageContextSource;
  /** Who is asking: how requests are signed in (the accounts module). */
  identify?(service: S): Identify;
  /** What this module offers other modules without their importing it (see Capabilities). */
  provides?(service: S): Partial<Capabilities>;
  /** Ids of records the route × role test needs for this module's routes (`:id` placeholders). */
  fixtures?(ctx: FixtureContext): Promise<RouteFixtures>;
  /** The module's part of the synthetic demo district. */
  seed?(ctx: SeedContext): Promise<void>;
  /** Background and scheduled work, run by the job queue. */
  readonly jobs?: readonly ModuleJob<S>[];
  /** Handlers for domain events, run inside the publishing transaction. */
  subscribe?(service: S, events: EventBus, ctx: ModuleContext): void;
}

export interface ModuleContext {
  db: Database;
  config: Pick<Config, 'sessionIdleSeconds' | 'sessionAbsoluteSeconds'> & Partial<Config>;
  events: EventBus;
  jobs: Jobs;
}

/**
 * Services one module offers others through the platform rather than an import, where an import
 * would point the wrong way or make a cycle (people's "add a person" asks matching, which builds on
 * people).
 */
export interface Capabilities {
  /** "Already known?": people who may be this one, most likely first (the matching module). */
  alreadyKnown(
    actor: Actor,
    query: Record<string, unknown>,
    limit: number,
  ): Promise<
    {
      person: {
        id: string;
        givenName: string;
        familyName: string;
        dateOfBirth: string | null;
        postcode: string | null;
      };
      probability: number;
    }[]
  >;
  /** What Lantern holds about a child's education, in words (the education module). */
  educationFacts(actor: Actor, personId: string): Promise<string[]>;
  /** A child's missing episodes, in words (the missing module). */
  missingFacts(actor: Actor, personId: string): Promise<string[]>;
  /** Of these people, those missing now and when they were last seen (the missing module). */
  missingNow(actor: Actor, personIds: string[]): Promise<Map<string, Date>>;
}

export interface RouteContext<S, D> {
  service: S;
  deps: D;
  config: Config;
  capabilities: Partial<Capabilities>;
  /** Every module's person panels, for the page that shows a person. */
  personPanels: PersonPanel[];
  /** Whether the database answers (for /health). */
  databaseStatus(): Promise<'up' | 'down'>;
  /** Reports the job queue's state (for the jobs page). */
  jobs: Jobs;
}

export interface NavEntry {
  href: string;
  text: string;
  permission: string;
  /** Where it sits in the navigation (low first). */
  order: number;
}

export interface PersonPanel {
  /** The key the person page's template reads the panel's data under. */
  key: string;
  permission: string;
  load(actor: Actor, person: { id: string; givenName: string; familyName: string }): Promise<unknown>;
  /**
   * The module's own parts of the page, templates that read its data under `key`; without them the
   * person page lays the data out itself. `top` comes before the person's details (what must not
   * be missed, such as a child missing now), `main` after the flags.
   */
  templates?: { top?: string; main?: string };
}

export interface PageContextSource {
  key: string;
  permission: string;
  load(actor: Actor): Promise<unknown>;
}

export interface Identify {
  fromToken(token: string): Promise<Actor | undefined>;
  fromSession(
    token: string,
    opts: { touch: boolean },
  ): Promise<{ state: 'active'; actor: Actor; secondsLeft: number } | { state: 'expired' | 'none' }>;
}

export interface FixtureContext {
  /** The owner's connection to the test database. */
  owner: Queryable;
  partnershipId: string;
  /** Every service, by module name. */
  services: Record<string, unknown>;
  /** Signed-in actors of the demo users, by username. */
  actors: Record<string, Actor>;
  /** What earlier modules' fixtures made (a person every role may see: `person`). */
  ids: RouteFixtures;
}

/** Route placeholders to ids: `{ '/people/:id': '…' }` or a whole url prefix. */
export type RouteFixtures = Record<string, string>;

export interface SeedContext {
  /** The owner's connection, inside the seed's one transaction. */
  client: Queryable & { copy(table: string, columns: string[], rows: Iterable<unknown[]>): Promise<void> };
  partnershipId: string;
  seed: number;
  /** How many people the district has (for benchmarks, a million). */
  people: number;
  demoUsers: boolean;
  demoPassword: string;
  /** Whether to add the history of work done (contacts, assessments, flags …), not only reference data and people. */
  history: boolean;
  /** A deterministic random source, shared so the district is the same for a seed. */
  random: import('@faker-js/faker').Faker;
  /** What earlier modules' seeds made, for later ones (agency ids, postcodes, people). */
  made: Record<string, unknown>;
  say(line: string): void;
  progress?(done: number, total: number): void;
}

/** The request's actor, or undefined (page helpers need it typed loosely). */
export type RequestWithActor = FastifyRequest & { actor?: Actor };

/**
 * Declares a module. A typed identity: it keeps the module's name and service type, from which the
 * wiring's `Services` type is built, so nothing else needs to list the modules.
 */
export function defineModule<const N extends string, S = undefined, D = Record<string, unknown>>(
  m: ModuleDescriptor<S, D> & { readonly name: N },
): ModuleDescriptor<S, D> & { readonly name: N } {
  return m;
}
