import type { Database, Queryable } from '../../db/database.ts';
import { type Actor, definePolicy } from '../../platform/access.ts';
import { checkLanguage, type LanguageFinding } from './check.ts';
import * as repo from './repository.ts';

export const languagePolicy = definePolicy('language', {
  check: ['front_door', 'meeting_chair', 'police_intelligence', 'analyst', 'service_worker', 'manager'],
  view_practice: ['manager', 'analyst'],
});

/**
 * Checks the free-text fields of a record being saved and stores which phrases were found (counts
 * for practice monitoring). Warns only: it never stops the save. For use inside the saving
 * module's transaction.
 */
export async function checkAndRecord(
  c: Queryable,
  actor: Actor,
  record: { kind: string; id: string },
  fields: Record<string, string | null | undefined>,
): Promise<Record<string, LanguageFinding[]>> {
  const result: Record<string, LanguageFinding[]> = {};
  for (const [field, text] of Object.entries(fields)) {
    const findings = text ? checkLanguage(text) : [];
    if (!findings.length) continue;
    result[field] = findings;
    await repo.recordFindings(c, {
      partnershipId: actor.partnershipId,
      userId: actor.userId,
      agencyId: actor.agencyId,
      recordKind: record.kind,
      recordId: record.id,
      field,
      phraseIds: findings.map((f) => f.phraseId),
    });
  }
  return result;
}

export function createLanguageService(db: Database) {
  return {
    /** The inline check as someone types: nothing is stored. */
    check(actor: Actor, text: string) {
      languagePolicy.assert(actor, 'check');
      return checkLanguage(text.slice(0, 20_000));
    },
    async practice(actor: Actor, since: Date) {
      languagePolicy.assert(actor, 'view_practice');
      return repo.countsByPhrase(db.for(actor), actor.partnershipId, since);
    },
  };
}

export type LanguageService = ReturnType<typeof createLanguageService>;
