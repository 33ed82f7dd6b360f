import type { Database, Queryable } from '../../db/database.ts';
import { type Actor, definePolicy } from '../../platform/access.ts';
import { audit } from '../../platform/audit/index.ts';
import { ValidationError } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/events/index.ts';
import { Checker, londonDate } from '../../platform/validation.ts';
import { assertCanSeePerson, defineRecordKind, onlyVisible } from '../../platform/visibility/index.ts';
import { currentFlagsOfPeople, FLAG_NAMES, LEVEL_NAMES } from '../flags/index.ts';
import {
  MANY_MOVES,
  PLACEMENT_KIND_NAMES,
  PLACEMENT_KINDS,
  type PlacementKind,
  RESIDENTIAL,
} from './reference.ts';
import * as repo from './repository.ts';

export const placementsPolicy = definePolicy('placements', {
  view: ['front_door', 'meeting_chair', 'police_intelligence', 'analyst', 'service_worker', 'manager'],
  // Where a looked-after child lives is recorded by children's social care and its managers.
  record: ['front_door', 'meeting_chair', 'manager'],
  // The list of children placed outside the district (names): for those who plan and review care.
  view_out_of_area: ['front_door', 'meeting_chair', 'police_intelligence', 'analyst', 'manager'],
});
defineRecordKind('placement', 'placements:view', 'Placement changed (details restricted)');

/** Moves in the twelve months to `today`: placements started then that followed another. */
export function movesInYear(placements: repo.Placement[], today: string): number {
  const [y, m, d] = today.split('-').map(Number);
  const yearAgo = new Date(Date.UTC(y - 1, m - 1, d)).toISOString().slice(0, 10);
  const oldestFirst = [...placements].sort((a, b) => (a.startedOn < b.startedOn ? -1 : 1));
  return oldestFirst.filter((p, i) => i > 0 && p.startedOn > yearAgo && p.startedOn <= today).length;
}

const yesNo = (check: Checker, value: unknown, field: string, label: string): boolean | undefined => {
  if (value === true || value === 'yes') return true;
  if (value === false || value === 'no') return false;
  check.add(field, `Select whether ${label}`);
  return undefined;
};

/** A placement as typed on the form or sent to the API, checked. */
export function readPlacementInput(raw: Record<string, unknown>, today = londonDate(new Date())) {
  const check = new Checker();
  const kind = check.oneOf(raw.kind, 'kind', PLACEMENT_KINDS, { label: 'Type of placement', required: true });
  const provider = check.text(raw.provider, 'provider', {
    label: 'Provider',
    required: true,
    max: 200,
    requiredMessage: 'Enter the provider (the carer, home or agency)',
  });
  const localAuthority = check.text(raw.localAuthority, 'localAuthority', {
    label: 'Local authority area',
    required: true,
    max: 100,
    requiredMessage: 'Enter the local authority area the child lives in',
  });
  const outOfArea = yesNo(check, raw.outOfArea, 'outOfArea', 'the placement is outside the district');
  const startedOn = check.date(raw.startedOn, 'startedOn', {
    label: 'Start date',
    required: true,
    notFuture: true,
    today,
  });
  const moveReason =
    check.text(raw.moveReason, 'moveReason', { label: 'Reason for the move', max: 2000 }) ?? null;
  check.throwIfAny();
  return {
    kind: kind as PlacementKind,
    provider: provider as string,
    localAuthority: localAuthority as string,
    outOfArea: outOfArea as boolean,
    startedOn: startedOn as string,
    moveReason,
  };
}

/** The placement a child is in now (for another module's transaction, after its access check). */
export async function currentPlacementOf(c: Queryable, partnershipId: string, personId: string) {
  return (await repo.placementsOf(c, partnershipId, personId)).find((p) => p.endedOn === null);
}

export const placementById = (c: Queryable, partnershipId: string, id: string) =>
  repo.findPlacement(c, partnershipId, id);

export function createPlacementsService(db: Database, events: EventBus) {
  return {
    /** A child's placements and moves; reading them is reading about the child (audited). */
    async forPerson(actor: Actor, personId: string, today = londonDate(new Date())) {
      placementsPolicy.assert(actor, 'view');
      // A read needs no transaction: the view is recorded before anything is returned (and once per
      // request: on the person's page, the page's own record covers it).
      const c = db.for(actor);
      await assertCanSeePerson(c, actor, personId);
      const history = await repo.placementsOf(c, actor.partnershipId, personId);
      await audit(c, actor, { action: 'placements.viewed', subjectPersonId: personId });
      const moves = movesInYear(history, today);
      return {
        current: history.find((p) => p.endedOn === null) ?? null,
        history: history.map((p) => ({ ...p, kindName: PLACEMENT_KIND_NAMES[p.kind] })),
        movesInYear: moves,
        manyMoves: moves >= MANY_MOVES,
      };
    },

    /**
     * A new placement. When the child is already placed this is a move: the current placement ends
     * the day the new one starts, the reason is required, and the move may change the risk.
     */
    async record(actor: Actor, personId: string, raw: Record<string, unknown>) {
      placementsPolicy.assert(actor, 'record');
      const input = readPlacementInput(raw);
      return db.for(actor).tx(async (c) => {
        await assertCanSeePerson(c, actor, personId);
        const current = await currentPlacementOf(c, actor.partnershipId, personId);
        if (current && input.startedOn < current.startedOn)
          throw new ValidationError([
            {
              field: 'startedOn',
              message: `Start date must be on or after the current placement's start (${current.startedOn})`,
            },
          ]);
        if (current && !input.moveReason)
          throw new ValidationError([
            { field: 'moveReason', message: 'Enter the reason for the move from the current placement' },
          ]);
        if (current)
          await repo.endCurrent(
            c,
            actor.partnershipId,
            personId,
            input.startedOn,
            input.moveReason as string,
          );
        const id = await repo.insertPlacement(c, actor.partnershipId, {
          personId,
          ...input,
          recordedBy: actor.userId,
        });
        const title = `${current ? 'Moved to' : 'Placed in'} ${PLACEMENT_KIND_NAMES[input.kind].toLowerCase()}: ${input.provider}${input.outOfArea ? ` (out of area, ${input.localAuthority})` : ''}`;
        await audit(c, actor, {
          action: 'placement.recorded',
          subjectPersonId: personId,
          details: { placementId: id, kind: input.kind, outOfArea: input.outOfArea, move: !!current },
        });
        await events.publish(c, {
          name: 'placement.started',
          actor,
          about: [personId],
          payload: {
            placementId: id,
            personId,
            kind: input.kind,
            outOfArea: input.outOfArea,
            move: !!current,
          },
          chronology: [
            {
              personId,
              kind: 'placement',
              title,
              detail: input.moveReason,
              occurredAt: new Date(`${input.startedOn}T12:00:00Z`),
            },
          ],
          changesRisk: current
            ? { reason: 'Placement move', title: 'Risk review needed: placement move' }
            : undefined,
        });
        return { id, move: !!current, residential: RESIDENTIAL.includes(input.kind) };
      });
    },

    /** Children placed outside the district on a day (default today): names, so audited as a list. */
    async outOfArea(actor: Actor, on = londonDate(new Date())) {
      placementsPolicy.assert(actor, 'view_out_of_area');
      return db.for(actor).tx(async (c) => {
        const list = await onlyVisible(
          c,
          actor,
          await repo.placedOutOfArea(c, actor.partnershipId, on),
          (r) => r.personId,
        );
        const flags = await currentFlagsOfPeople(
          c,
          actor.partnershipId,
          list.map((r) => r.personId),
        );
        await audit(c, actor, {
          action: 'placements.out_of_area_viewed',
          listedPersonIds: list.map((r) => r.personId),
          details: { on, children: list.length },
        });
        const children = list.map((r) => ({
          ...r,
          kindName: PLACEMENT_KIND_NAMES[r.kind],
          flags: (flags.get(r.personId) ?? []).map((f) => ({
            flagType: f.flagType,
            text: `${FLAG_NAMES[f.flagType]}: ${LEVEL_NAMES[f.riskLevel]}`,
          })),
        }));
        // The committee's figure (seed 001: "23 children out of area and at risk of CSE").
        const atRiskOfCse = children.filter((r) => r.flags.some((f) => f.flagType === 'cse')).length;
        return { on, children, atRiskOfCse, flagged: children.filter((r) => r.flags.length).length };
      });
    },
  };
}

export type PlacementsService = ReturnType<typeof createPlacementsService>;
