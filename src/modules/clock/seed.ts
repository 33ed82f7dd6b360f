import type { SeedContext } from '../../platform/module.ts';
import * as repo from './repository.ts';
import { DEFAULT_CLOCK_RULES } from './rules.ts';

/** The partnership's clock rules, at their defaults. */
export async function seedClock(ctx: SeedContext): Promise<void> {
  for (const rule of DEFAULT_CLOCK_RULES) await repo.saveRule(ctx.client, ctx.partnershipId, rule);
}
