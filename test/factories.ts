import type { DEMO_AGENCIES } from '../src/modules/district/index.ts';
import { agencyIdByCode } from '../src/modules/district/index.ts';
import type { Actor } from '../src/platform/access.ts';
import type { Services } from '../src/services.ts';
import { TEST_PASSWORD, type TestDatabase } from './helpers.ts';

/**
 * Test data made the way users make it — through the services, with their checks and audit — rather
 * than by raw SQL lookups or inserts. Each call makes something new (a distinct name), so tests in
 * one file do not trip over each other's records.
 */

type AgencyCode = (typeof DEMO_AGENCIES)[number]['code'];

let made = 0;
/** A distinct family name for each thing made (letters only: the person form's rule). */
const fresh = (stem: string) =>
  `${stem}${String.fromCharCode(97 + (made % 26))}${String.fromCharCode(97 + (Math.floor(made++ / 26) % 26))}`;

/** A date of birth `years` (and ten days) ago, as a form would send it. */
export function bornYearsAgo(years: number): string {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() - 10);
  return d.toISOString().slice(0, 10);
}

/** A demo agency's id, by its code. */
export const agencyOf = (t: TestDatabase, code: AgencyCode): Promise<string> =>
  agencyIdByCode(t.owner.pool, code);

export function factories(t: TestDatabase, services: Services) {
  return {
    /** The demo users, signed in (their actors, as a request would carry). */
    async actors<U extends string>(...usernames: U[]): Promise<Record<U, Actor>> {
      const out = {} as Record<U, Actor>;
      for (const username of usernames) {
        const result = await services.accounts.signIn(username, TEST_PASSWORD);
        if (!result.ok) throw new Error(`sign-in as ${username} failed: ${result.reason}`);
        out[username] = result.actor;
      }
      return out;
    },

    /** A demo agency's id, by its code. */
    agencyId: (code: AgencyCode): Promise<string> => agencyOf(t, code),

    /** A child (14 unless said), recorded by the actor; returns their id. */
    child(actor: Actor, overrides: Record<string, unknown> = {}): Promise<string> {
      return services.people.create(actor, {
        givenName: 'Casey',
        familyName: fresh('Testchild'),
        dobPrecision: 'exact',
        dateOfBirth: bornYearsAgo(14),
        gender: 'female',
        ...overrides,
      });
    },

    /** An adult (34 unless said). */
    adult(actor: Actor, overrides: Record<string, unknown> = {}): Promise<string> {
      return services.people.create(actor, {
        givenName: 'Robin',
        familyName: fresh('Testadult'),
        dobPrecision: 'exact',
        dateOfBirth: bornYearsAgo(34),
        gender: 'male',
        ...overrides,
      });
    },

    /** A contact about the person, from a school, submitted to the Front Door; returns its id. */
    async submittedContact(
      actor: Actor,
      personId: string,
      overrides: Record<string, unknown> = {},
    ): Promise<string> {
      const id = await services.contacts.createDraft(actor, {
        sourceKind: 'agency',
        sourceAgencyId: await agencyIdByCode(t.owner.pool, 'education'),
        categories: ['sexual', 'missing'],
        narrative: 'Seen getting into cars with older males; missing twice this month.',
        placesText: 'Takeaway on the high street BD7 1AB',
        ...overrides,
      });
      await services.contacts.addPerson(actor, id, personId, 'subject');
      const draft = await services.contacts.get(actor, id);
      await services.contacts.submit(actor, id, draft.version);
      return id;
    },

    /** A flag set by hand (a meeting's decision), as a chair would. */
    async flag(chair: Actor, personId: string, flagType = 'cse', level = 'moderate'): Promise<void> {
      await services.flags.set(chair, personId, { flagType, level, reason: 'Agreed at the DRAM' });
    },
  };
}
