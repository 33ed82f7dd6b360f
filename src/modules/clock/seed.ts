import type { SeedContext } from '../../platform/module.ts';
import * as repo from './repository.ts';
import { DEFAULT_CLOCK_RULES, type WorkKind } from './rules.ts';

/** The partnership's clock rules, at their defaults. */
export async function seedClock(ctx: SeedContext): Promise<void> {
  for (const rule of DEFAULT_CLOCK_RULES) await repo.saveRule(ctx.client, ctx.partnershipId, rule);
}

/** A piece of work as a later module's seed makes it (times as ISO text). */
export interface SeedWorkItem {
  id: string;
  kind: WorkKind;
  title: string;
  reason: string | null;
  personId?: string | null;
  contactId?: string | null;
  assessmentId?: string | null;
  missingEpisodeId?: string | null;
  dueAt: string;
  createdAt: string;
  completedAt?: string | null;
  completedBy?: string | null;
  completionNote?: string | null;
}

/** Bulk-loads seeded work onto the clock (every module's history the same way). */
export async function copyWorkItems(
  client: SeedContext['client'],
  partnershipId: string,
  items: SeedWorkItem[],
) {
  await client.copy(
    'work_item',
    [
      'partnership_id',
      'id',
      'kind',
      'title',
      'reason',
      'person_id',
      'contact_id',
      'assessment_id',
      'missing_episode_id',
      'due_at',
      'created_at',
      'completed_at',
      'completed_by',
      'completion_note',
    ],
    items.map((w) => [
      partnershipId,
      w.id,
      w.kind,
      w.title,
      w.reason,
      w.personId ?? null,
      w.contactId ?? null,
      w.assessmentId ?? null,
      w.missingEpisodeId ?? null,
      w.dueAt,
      w.createdAt,
      w.completedAt ?? null,
      w.completedBy ?? null,
      w.completionNote ?? null,
    ]),
  );
}
