import { type Database, inTransaction, type Queryable } from '../../db/database.ts';
import type { Actor } from '../../platform/access.ts';
import { audit, auditSystem } from '../../platform/audit/index.ts';
import { ConflictError, NotFoundError } from '../../platform/errors.ts';
import { Checker } from '../../platform/validation.ts';
import { assertCanSeePerson, onlyVisible } from '../../platform/visibility/index.ts';
import { checkAndRecord } from '../language/index.ts';
import { addChronologyEntry, addSystemChronologyEntries } from '../people/index.ts';
import { clockPolicy } from './policy.ts';
import * as repo from './repository.ts';
import {
  type ClockRule,
  COMPLETED_ON_ITEM,
  DEFAULT_CLOCK_RULES,
  dueAt,
  UNITS,
  WORK_KIND_NAMES,
  WORK_KINDS,
  type WorkKind,
} from './rules.ts';

const LONDON_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const londonDay = (d: Date) => LONDON_DAY.format(d);

export interface Queues {
  overdue: repo.WorkItemRow[];
  dueToday: repo.WorkItemRow[];
  notYetAssessed: repo.WorkItemRow[];
  riskReview: repo.WorkItemRow[];
  signoff: repo.WorkItemRow[];
  frontDoor: repo.WorkItemRow[];
  returnInterview: repo.WorkItemRow[];
  considerAssessment: repo.WorkItemRow[];
  philomenaPlan: repo.WorkItemRow[];
  upcoming: repo.WorkItemRow[];
}

/** Sorts open work into the queues practitioners and managers work from. An item can be in several. */
export function classify(items: repo.WorkItemRow[], now: Date): Queues {
  const today = londonDay(now);
  const overdue = items.filter((w) => w.dueAt.getTime() < now.getTime());
  const dueToday = items.filter((w) => w.dueAt.getTime() >= now.getTime() && londonDay(w.dueAt) === today);
  const of = (kind: WorkKind) => items.filter((w) => w.kind === kind);
  return {
    overdue,
    dueToday,
    notYetAssessed: of('assessment'),
    riskReview: of('risk_review'),
    signoff: of('signoff'),
    frontDoor: of('front_door_decision'),
    returnInterview: of('return_interview'),
    considerAssessment: of('consider_assessment'),
    philomenaPlan: of('philomena_plan'),
    upcoming: items.filter((w) => !overdue.includes(w) && !dueToday.includes(w)),
  };
}

/**
 * A transaction's clock rules, read once however many pieces of work it puts on the clock (posting
 * an episode schedules the return interview and may schedule more). Kept by the transaction's own
 * connection, so the memo ends with it; any other connection reads the rules every time, so a
 * change saved elsewhere is always seen.
 */
const rulesInTransaction = new WeakMap<Queryable, Promise<ClockRule[]>>();

function rulesFor(c: Queryable, partnershipId: string): Promise<ClockRule[]> {
  if (!inTransaction(c)) return repo.rulesFor(c, partnershipId);
  let rules = rulesInTransaction.get(c);
  if (!rules) {
    rules = repo.rulesFor(c, partnershipId);
    rulesInTransaction.set(c, rules);
  }
  return rules;
}

/**
 * Puts a piece of work on the clock, due by the partnership's rule for its kind. For use inside
 * another module's transaction, after that module has checked access.
 */
export async function schedule(
  c: Queryable,
  partnershipId: string,
  item: Omit<repo.NewWorkItem, 'dueAt'> & { from?: Date; dueAt?: Date; dueBy?: Date },
): Promise<{ id: string; dueAt: Date }> {
  const rules = await rulesFor(c, partnershipId);
  const rule =
    rules.find((r) => r.kind === item.kind) ?? DEFAULT_CLOCK_RULES.find((r) => r.kind === item.kind);
  if (!rule) throw new Error(`no clock rule for ${item.kind}`);
  let due = item.dueAt ?? dueAt(rule, item.from ?? new Date());
  // An urgent decision sets a deadline sooner than the rule: the sooner one stands.
  if (item.dueBy && item.dueBy < due) due = item.dueBy;
  const { dueBy: _dueBy, from: _from, ...stored } = item;
  const id = await repo.insertWorkItem(c, partnershipId, { ...stored, dueAt: due });
  return { id, dueAt: due };
}

/** Several pieces of work on the clock at once (one read of the rules, one insert). */
export async function scheduleMany(
  c: Queryable,
  partnershipId: string,
  items: (Omit<repo.NewWorkItem, 'dueAt'> & { from?: Date; dueBy?: Date })[],
): Promise<{ id: string; dueAt: Date }[]> {
  if (!items.length) return [];
  const rules = await rulesFor(c, partnershipId);
  const timed = items.map(({ from, dueBy, ...item }) => {
    const rule =
      rules.find((r) => r.kind === item.kind) ?? DEFAULT_CLOCK_RULES.find((r) => r.kind === item.kind);
    if (!rule) throw new Error(`no clock rule for ${item.kind}`);
    let due = dueAt(rule, from ?? new Date());
    if (dueBy && dueBy < due) due = dueBy;
    return { ...item, dueAt: due };
  });
  const ids = await repo.insertWorkItems(c, partnershipId, timed);
  return ids.map((id, i) => ({ id, dueAt: timed[i].dueAt }));
}

/** Brings open work's deadline forward to `dueBy` (never later); returns the deadline now. */
export async function bringForward(
  c: Queryable,
  partnershipId: string,
  match: repo.WorkMatch,
  dueBy: Date,
): Promise<Date | null> {
  return repo.bringForward(c, partnershipId, match, dueBy);
}

/** Marks matching open work done. For use inside another module's transaction. */
export function completeWork(c: Queryable, actor: Actor, match: repo.WorkMatch, note: string | null = null) {
  return repo.completeWork(c, actor.partnershipId, match, actor.userId, note);
}

/** Of these people, those with open work of a kind (for another module's transaction). */
export const peopleWithOpenWork = (
  c: Queryable,
  partnershipId: string,
  personIds: string[],
  kind: WorkKind,
) => repo.peopleWithOpenWork(c, partnershipId, personIds, kind);

/** Open work about a person (the case's visible clock). For pages that already checked access. */
export const openWorkForPerson = (c: Queryable, partnershipId: string, personId: string) =>
  repo.workForPerson(c, partnershipId, personId);

export function createClockService(db: Database) {
  return {
    /**
     * The scheduled sweep: work that became overdue since the last sweep goes on its person's
     * chronology ("Overdue: …"), so the record shows when the clock ran out, not only that it has.
     */
    async sweepOverdue(): Promise<number> {
      let noticed = 0;
      for (const partnershipId of await repo.partnershipIds(db.pool)) {
        noticed += await db.for({ partnershipId }).tx(async (c) => {
          const items = await repo.markNewlyOverdue(c, partnershipId);
          await addSystemChronologyEntries(
            c,
            partnershipId,
            items
              .filter((w) => w.personId)
              .map((w) => ({
                personId: w.personId as string,
                kind: 'review',
                title: `Overdue: ${WORK_KIND_NAMES[w.kind]}`,
                detail: `${w.title} was due ${w.dueAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
                occurredAt: w.dueAt,
              })),
          );
          if (items.length)
            await auditSystem(c, partnershipId, {
              action: 'work.overdue_noticed',
              listedPersonIds: [...new Set(items.map((w) => w.personId).filter((p): p is string => !!p))],
              details: { items: items.length },
            });
          return items.length;
        });
      }
      return noticed;
    },

    /** The work queues. They name people, so showing them is audited against each one. */
    async queues(actor: Actor, now = new Date()) {
      clockPolicy.assert(actor, 'view_queues');
      return db.for(actor).tx(async (c) => {
        const work = await onlyVisible(
          c,
          actor,
          await repo.openWork(c, actor.partnershipId),
          (w) => w.personId,
        );
        await audit(c, actor, {
          action: 'work_queues.viewed',
          listedPersonIds: [...new Set(work.map((w) => w.personId).filter((id): id is string => !!id))],
          details: { items: work.length },
        });
        return classify(work, now);
      });
    },

    /** Counts for the banner that keeps overdue work and risk reviews in view on every page. */
    async attention(actor: Actor) {
      clockPolicy.assert(actor, 'view_queues');
      return repo.attentionCounts(db.for(actor), actor.partnershipId);
    },

    async forPerson(actor: Actor, personId: string) {
      clockPolicy.assert(actor, 'view_person');
      await assertCanSeePerson(db.for(actor), actor, personId);
      return repo.workForPerson(db.for(actor), actor.partnershipId, personId);
    },

    async item(actor: Actor, id: string) {
      clockPolicy.assert(actor, 'view_queues');
      if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError('No such work item');
      return db.for(actor).tx(async (c) => {
        const item = await repo.findWorkItem(c, actor.partnershipId, id);
        if (!item) throw new NotFoundError('No such work item');
        if (item.personId) {
          await assertCanSeePerson(c, actor, item.personId);
          await audit(c, actor, {
            action: 'work_item.viewed',
            subjectPersonId: item.personId,
            details: { workItemId: id },
          });
        }
        return { item, completableHere: COMPLETED_ON_ITEM.includes(item.kind) };
      });
    },

    /** Records the outcome of a review and takes it off the clock; it goes on the person's chronology. */
    async complete(actor: Actor, id: string, raw: Record<string, unknown>) {
      clockPolicy.assert(actor, 'complete');
      const check = new Checker();
      const note = check.text(raw.note, 'note', {
        label: 'Outcome',
        required: true,
        max: 5000,
        requiredMessage: 'Record the outcome of the review',
      });
      check.throwIfAny();
      await db.for(actor).tx(async (c) => {
        const item = await repo.findWorkItem(c, actor.partnershipId, id);
        if (!item) throw new NotFoundError('No such work item');
        if (!COMPLETED_ON_ITEM.includes(item.kind)) {
          throw new ConflictError(`${WORK_KIND_NAMES[item.kind]} is done by completing it, not here.`);
        }
        if (item.personId) await assertCanSeePerson(c, actor, item.personId);
        if (!(await repo.completeById(c, actor.partnershipId, id, actor.userId, note as string))) {
          throw new ConflictError('This work has already been done.');
        }
        await checkAndRecord(c, actor, { kind: 'work_item', id }, { note });
        if (item.personId) {
          await addChronologyEntry(c, actor, {
            personId: item.personId,
            kind: 'review',
            title: `${WORK_KIND_NAMES[item.kind]}: outcome recorded`,
            detail: note,
          });
        }
        await audit(c, actor, {
          action: 'work.completed',
          subjectPersonId: item.personId,
          reason: note,
          details: { workItemId: id, kind: item.kind },
        });
      });
    },

    async rules(actor: Actor) {
      clockPolicy.assert(actor, 'manage_rules');
      const saved = await repo.rulesFor(db.for(actor), actor.partnershipId);
      return WORK_KINDS.map(
        (kind) =>
          saved.find((r) => r.kind === kind) ??
          (DEFAULT_CLOCK_RULES.find((r) => r.kind === kind) as ClockRule),
      );
    },

    async updateRules(actor: Actor, form: Record<string, unknown>) {
      clockPolicy.assert(actor, 'manage_rules');
      const check = new Checker();
      const rules: ClockRule[] = [];
      for (const kind of WORK_KINDS) {
        const raw = String(form[`${kind}-amount`] ?? '').trim();
        const amount = Number(raw);
        if (!/^\d+$/.test(raw) || amount < 1 || amount > 1000)
          check.add(`${kind}-amount`, 'Enter a whole number from 1 to 1,000');
        const unit = check.oneOf(form[`${kind}-unit`], `${kind}-unit`, UNITS, {
          label: 'Unit',
          required: true,
        });
        if (unit) rules.push({ kind, amount, unit });
      }
      check.throwIfAny();
      await db.for(actor).tx(async (c) => {
        for (const rule of rules) await repo.saveRule(c, actor.partnershipId, rule);
        rulesInTransaction.delete(c);
        await audit(c, actor, { action: 'clock.rules_updated', details: { rules } });
      });
    },
  };
}

export type ClockService = ReturnType<typeof createClockService>;
