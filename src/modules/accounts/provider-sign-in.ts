import type { Database } from '../../db/database.ts';
import { type Actor, ROLES, type Role } from '../../platform/access.ts';
import { audit, auditSystem } from '../../platform/audit/index.ts';
import { ForbiddenError, NotFoundError } from '../../platform/errors.ts';
import { asList, Checker } from '../../platform/validation.ts';
import { accountsPolicy } from './policy.ts';
import * as repo from './repository.ts';
import type { ProviderIdentity, SingleSignOn } from './single-sign-on.ts';
import { usernameKey } from './username.ts';

/** Why a provider sign-in was refused after the provider vouched for the person. */
export type ProviderRefusal =
  | 'no_mapped_group'
  | 'several_agencies'
  | 'several_partnerships'
  | 'inactive'
  | 'email_ambiguous';

export type ProviderSignInResult =
  | { ok: true; sessionToken: string; actor: Actor }
  | { ok: false; reason: ProviderRefusal };

/**
 * Sign-in through the council's identity provider, after openid-client has checked its answer.
 * The user is found by the provider's subject, or at first by a verified email address (then linked
 * to the subject); someone new whose groups are mapped gets an account. Roles and agency come from
 * the mappings of their groups at every sign-in, so the provider's groups are what decides access:
 * someone moved out of a group loses its roles at their next sign-in, and a leaver cannot sign in.
 */
export function createProviderSignIn(
  db: Database,
  deps: {
    provider: SingleSignOn | undefined;
    openSession(
      user: { id: string; partnershipId: string },
      how: { requestId?: string; method: 'provider'; providerIdToken: string },
    ): Promise<{ ok: true; sessionToken: string; actor: Actor }>;
    newPasswordHash(): Promise<string>;
  },
) {
  const identity = db.pool;

  async function refuse(
    reason: ProviderRefusal,
    who: { id: string; partnershipId: string; username: string; agencyId: string; roles: Role[] } | undefined,
    context: { requestId?: string; groups: string[] },
  ): Promise<ProviderSignInResult> {
    // Audited where the partnership is known; group names are the partnership's own, not personal data.
    if (who)
      await auditSystem(db.for(who), who.partnershipId, {
        action: 'sign_in.refused',
        actorUserId: who.id,
        actorUsername: who.username,
        actorAgencyId: who.agencyId,
        actorRoles: who.roles,
        details: { method: 'provider', reason, groups: context.groups },
        requestId: context.requestId,
      });
    return { ok: false, reason };
  }

  async function availableUsername(email: string | null, subject: string): Promise<string> {
    const base = email ?? `provider-${subject}`.slice(0, 120);
    if (!(await repo.usernameTaken(identity, usernameKey(base)))) return base;
    const suffixed = `${base}-${subject.slice(-6)}`;
    return suffixed;
  }

  return {
    /** The identity provider, when one is configured. */
    provider: deps.provider,

    async signInWithProvider(
      who: ProviderIdentity,
      context: { requestId?: string } = {},
    ): Promise<ProviderSignInResult> {
      const known = await repo.findUserByProviderSubject(identity, who.issuer, who.subject);
      const mappings = await repo.approvedGroupsNamed(identity, who.groups);
      const inKnownPartnership = known
        ? mappings.filter((m) => m.partnershipId === known.partnershipId)
        : mappings;
      const refusalContext = { requestId: context.requestId, groups: who.groups };
      if (!inKnownPartnership.length) return refuse('no_mapped_group', known, refusalContext);
      const partnerships = new Set(inKnownPartnership.map((m) => m.partnershipId));
      if (partnerships.size > 1) return refuse('several_partnerships', known, refusalContext);
      const agencies = new Set(inKnownPartnership.map((m) => m.agencyId));
      if (agencies.size > 1) return refuse('several_agencies', known, refusalContext);
      const partnershipId = inKnownPartnership[0].partnershipId;
      const agencyId = inKnownPartnership[0].agencyId;
      const roles = ROLES.filter((r) => inKnownPartnership.some((m) => m.roles.includes(r)));
      const byEmail =
        !known && who.email && who.emailVerified
          ? await repo.unlinkedUsersWithEmail(db.for({ partnershipId }), partnershipId, who.email)
          : [];
      if (byEmail.length > 1) return refuse('email_ambiguous', undefined, refusalContext);
      const existing = known ?? byEmail[0];
      if (existing && !existing.active) return refuse('inactive', existing, refusalContext);
      const displayName = who.name ?? who.email ?? existing?.displayName ?? 'Provider user';
      const userId = await db.for({ partnershipId }).tx(async (c) => {
        const system = { partnershipId, requestId: context.requestId };
        if (!existing) {
          const username = await availableUsername(who.email, who.subject);
          const id = await repo.insertProviderUser(c, partnershipId, {
            username,
            usernameKey: usernameKey(username),
            displayName,
            email: who.emailVerified ? who.email : null,
            agencyId,
            roles,
            passwordHash: await deps.newPasswordHash(),
            issuer: who.issuer,
            subject: who.subject,
          });
          await auditSystem(c, partnershipId, {
            action: 'user.created_from_provider',
            actorUserId: id,
            actorUsername: username,
            actorAgencyId: agencyId,
            actorRoles: roles,
            details: { userId: id, roles, agencyId, groups: inKnownPartnership.map((m) => m.groupName) },
            requestId: system.requestId,
          });
          return id;
        }
        await repo.updateFromProvider(c, partnershipId, existing.id, {
          issuer: who.issuer,
          subject: who.subject,
          displayName,
          email: who.emailVerified ? who.email : null,
          agencyId,
          roles,
        });
        const changed =
          existing.agencyId !== agencyId ||
          existing.roles.length !== roles.length ||
          existing.roles.some((r) => !roles.includes(r));
        if (changed || !existing.providerSubject) {
          await repo.notifyIdentityChanged(c, 'user');
          await auditSystem(c, partnershipId, {
            action: existing.providerSubject ? 'user.roles_from_provider' : 'user.linked_to_provider',
            actorUserId: existing.id,
            actorUsername: existing.username,
            actorAgencyId: agencyId,
            actorRoles: roles,
            details: {
              userId: existing.id,
              from: { roles: existing.roles, agencyId: existing.agencyId },
              to: { roles, agencyId },
              groups: inKnownPartnership.map((m) => m.groupName),
            },
            requestId: system.requestId,
          });
        }
        return existing.id;
      });
      return deps.openSession(
        { id: userId, partnershipId },
        { requestId: context.requestId, method: 'provider', providerIdToken: who.idToken },
      );
    },

    async signInGroups(actor: Actor) {
      accountsPolicy.assert(actor, 'manage_users');
      return repo.signInGroups(db.for(actor), actor.partnershipId);
    },

    /** A new mapping waits for a second administrator (a group reaches everyone in it). */
    async requestSignInGroup(actor: Actor, raw: Record<string, unknown>): Promise<string> {
      accountsPolicy.assert(actor, 'manage_users');
      const scope = db.for(actor);
      const agencies = await repo.listAgencies(scope, actor.partnershipId);
      const check = new Checker();
      const groupName = check.text(raw.groupName, 'groupName', {
        label: 'Group',
        required: true,
        max: 256,
        requiredMessage: 'Enter the group’s name or id as the identity provider sends it',
      });
      const agencyId = check.oneOf(
        raw.agencyId,
        'agencyId',
        agencies.map((a) => a.id),
        {
          label: 'Agency',
          required: true,
          requiredMessage: 'Select the agency the group’s members work for',
        },
      );
      const roles = asList(raw.roles).filter((r): r is Role =>
        (ROLES as readonly string[]).includes(r as string),
      );
      if (!roles.length) check.add('roles', 'Select at least one role the group gives');
      const reason = check.text(raw.reason, 'reason', {
        label: 'Reason',
        required: true,
        max: 1000,
        requiredMessage: 'Say why this group should have these roles',
      });
      check.throwIfAny();
      return scope.tx(async (c) => {
        const id = await repo.insertSignInGroup(c, actor.partnershipId, {
          groupName: groupName as string,
          agencyId: agencyId as string,
          roles,
          reason: reason as string,
          requestedBy: actor.userId,
        });
        if (!id) {
          const again = new Checker();
          again.add('groupName', 'This group already has a mapping, in force or waiting for approval');
          again.throwIfAny();
        }
        await audit(c, actor, {
          action: 'sign_in_group.requested',
          reason,
          details: { mappingId: id, groupName, agencyId, roles },
        });
        return id as string;
      });
    },

    async decideSignInGroup(actor: Actor, id: string, raw: Record<string, unknown>): Promise<void> {
      accountsPolicy.assert(actor, 'manage_users');
      const check = new Checker();
      const decision = check.oneOf(raw.decision, 'decision', ['approve', 'reject'] as const, {
        label: 'Decision',
        required: true,
      });
      check.throwIfAny();
      await db.for(actor).tx(async (c) => {
        const mapping = await repo.findSignInGroup(c, actor.partnershipId, id, true);
        if (mapping?.status !== 'pending') throw new NotFoundError('No such mapping waiting for a decision');
        if (mapping.requestedBy === actor.userId)
          throw new ForbiddenError('Another administrator must decide a mapping you asked for');
        await repo.decideSignInGroup(
          c,
          actor.partnershipId,
          id,
          decision === 'approve' ? 'approved' : 'rejected',
          actor.userId,
        );
        await audit(c, actor, {
          action: decision === 'approve' ? 'sign_in_group.approved' : 'sign_in_group.rejected',
          details: {
            mappingId: id,
            groupName: mapping.groupName,
            roles: mapping.roles,
            requestedBy: mapping.requestedBy,
          },
        });
      });
    },

    /** Removing a mapping takes effect at once: taking access away never waits for a second person. */
    async removeSignInGroup(actor: Actor, id: string): Promise<void> {
      accountsPolicy.assert(actor, 'manage_users');
      await db.for(actor).tx(async (c) => {
        const mapping = await repo.findSignInGroup(c, actor.partnershipId, id, true);
        if (!mapping || !(await repo.removeSignInGroup(c, actor.partnershipId, id, actor.userId)))
          throw new NotFoundError('No such mapping');
        await audit(c, actor, {
          action: 'sign_in_group.removed',
          details: { mappingId: id, groupName: mapping.groupName, roles: mapping.roles },
        });
      });
    },
  };
}
