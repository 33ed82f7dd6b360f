import { type Database, type Queryable, sideBySide } from '../../db/database.ts';
import { type Actor, definePolicy, hasPermission } from '../../platform/access.ts';
import { audit } from '../../platform/audit/index.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/events/index.ts';
import {
  type Month,
  monthsBetween,
  proportion,
  type Shown,
  suppressCells,
  suppressTotal,
} from '../../platform/figures/index.ts';
import { bodyHash } from '../../platform/idempotency.ts';
import { asList, Checker, fromLondon, londonDate } from '../../platform/validation.ts';
import { assertCanSeePerson, defineRecordKind, visiblePeople } from '../../platform/visibility/index.ts';
import { completeWork, peopleWithOpenWork, schedule } from '../clock/index.ts';
import { educationEventsInPeriod } from '../education/index.ts';
import { currentFlagsOf } from '../flags/index.ts';
import { normalisePostcode } from '../people/index.ts';
import { currentPlacementOf, placementById } from '../placements/index.ts';
import { listWards, wardReportPeriod } from '../reports/index.ts';
import {
  FOUND_BY,
  FOUND_BY_NAMES,
  type FoundBy,
  GRADING_NAMES,
  GRADINGS,
  type Grading,
  INDICATOR_NAMES,
  INDICATORS,
  INTERVIEW_OUTCOME_NAMES,
  INTERVIEW_OUTCOMES,
  type Indicator,
  type InterviewOutcome,
  MISSING_FROM,
  MISSING_FROM_NAMES,
  type MissingFrom,
  REPEAT_DAYS,
  REPEAT_EPISODES,
  REPORTER_NAMES,
  REPORTERS,
  type Reporter,
} from './reference.ts';
import * as repo from './repository.ts';

export const missingPolicy = definePolicy('missing', {
  view: ['front_door', 'meeting_chair', 'police_intelligence', 'analyst', 'service_worker', 'manager'],
  // Police, the Front Door, chairs and managers record episodes; service workers (carers' agencies,
  // residential providers) for the children their agency knows.
  record: ['front_door', 'meeting_chair', 'police_intelligence', 'service_worker', 'manager'],
  // Return home interviews are held by someone independent of the carer: commissioned services,
  // the Front Door and managers record them.
  record_interview: ['front_door', 'service_worker', 'manager'],
  // Counts, never names: elected members see them with small numbers suppressed.
  view_figures: ['elected_member', 'analyst', 'manager', 'meeting_chair'],
  // The Philomena Protocol: read by those who work with the child; made and agreed by the social
  // worker, the provider (service workers) and the police; the photograph only for those who act on it.
  view_plan: ['front_door', 'meeting_chair', 'police_intelligence', 'service_worker', 'manager'],
  record_plan: ['front_door', 'meeting_chair', 'police_intelligence', 'service_worker', 'manager'],
  view_photo: ['front_door', 'meeting_chair', 'police_intelligence', 'manager'],
});
defineRecordKind('missing', 'missing:view', 'Missing episode (details restricted)');

const HOUR = 3_600_000;
/** The interview's clock: offered within 72 hours of the return. */
export const INTERVIEW_HOURS = 72;

/** How long an episode lasted (or has lasted so far), in words. */
export function durationText(from: Date, to: Date): string {
  const hours = Math.max(0, Math.floor((to.getTime() - from.getTime()) / HOUR));
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  if (!days) return hours < 1 ? 'less than an hour' : `${hours} ${hours === 1 ? 'hour' : 'hours'}`;
  return `${days} ${days === 1 ? 'day' : 'days'}${rest ? ` ${rest} ${rest === 1 ? 'hour' : 'hours'}` : ''}`;
}

const when = (at: Date) => at.toISOString().slice(0, 16).replace('T', ' ');

/** The name of a moment's field as the sender knows it: a form's date box, or the API's one field. */
const fieldOf = (raw: Record<string, unknown>, name: string) =>
  raw[`${name}-date`] !== undefined || raw[`${name}-time`] !== undefined ? `${name}-date` : name;

/** The moment a field gives: from a form a London date and time typed apart, from the API ISO text. */
function readInstant(
  check: Checker,
  raw: Record<string, unknown>,
  field: string,
  opts: { label: string; required?: boolean },
): Date | undefined {
  const fromForm = raw[`${field}-date`] !== undefined || raw[`${field}-time`] !== undefined;
  return fromForm
    ? check.instant(raw[`${field}-date`], field, {
        ...opts,
        notFuture: true,
        time: raw[`${field}-time`] ?? '',
      })
    : check.instant(raw[field], field, { ...opts, notFuture: true });
}

/** The return, as typed or sent: when, where (a place and postcode), by whom and who with. */
function readReturn(check: Checker, raw: Record<string, unknown>, required: boolean) {
  const returnedAt = readInstant(check, raw, 'returnedAt', { label: 'Returned', required });
  const foundBy = check.oneOf(raw.foundBy, 'foundBy', FOUND_BY, {
    label: 'Found by',
    required: required || !!returnedAt,
    requiredMessage: 'Select who found the child or whether they came back themselves',
  });
  const foundPlace =
    check.text(raw.foundPlace, 'foundPlace', { label: 'Where they were found', max: 200 }) ?? null;
  const postcodeText = check.text(raw.foundPostcode, 'foundPostcode', { label: 'Postcode', max: 10 });
  const foundPostcode = postcodeText ? (normalisePostcode(postcodeText) ?? null) : null;
  if (postcodeText && !foundPostcode) check.add('foundPostcode', 'Enter a real postcode, like BD7 1AB');
  const foundWith = check.text(raw.foundWith, 'foundWith', { label: 'Who they were with', max: 500 }) ?? null;
  return returnedAt
    ? { returnedAt, foundBy: foundBy as FoundBy, foundPlace, foundPostcode, foundWith }
    : undefined;
}

/** A new episode as typed or sent, checked. */
export function readEpisodeInput(raw: Record<string, unknown>) {
  const check = new Checker();
  const personId =
    typeof raw.personId === 'string' && /^[0-9a-f-]{36}$/i.test(raw.personId) ? raw.personId : undefined;
  if (!personId) check.add('personId', 'Give the id of the child in Lantern');
  const reportedBy = check.oneOf(raw.reportedBy, 'reportedBy', REPORTERS, {
    label: 'Reported by',
    required: true,
  });
  const lastSeenAt = readInstant(check, raw, 'lastSeenAt', { label: 'Last seen', required: true });
  const reportedAt = readInstant(check, raw, 'reportedAt', { label: 'Reported' }) ?? new Date();
  if (lastSeenAt && reportedAt.getTime() + HOUR < lastSeenAt.getTime())
    check.add('reportedAt', 'Reported must be after the child was last seen');
  const missingFrom = check.oneOf(raw.missingFrom, 'missingFrom', MISSING_FROM, {
    label: 'Missing from',
    required: true,
  });
  const placementId =
    typeof raw.placementId === 'string' && raw.placementId.trim() ? raw.placementId.trim() : null;
  const lastSeenPlace =
    check.text(raw.lastSeenPlace, 'lastSeenPlace', { label: 'Where last seen', max: 200 }) ?? null;
  const circumstances =
    check.text(raw.circumstances, 'circumstances', { label: 'Circumstances', max: 5000 }) ?? null;
  const clothing = check.text(raw.clothing, 'clothing', { label: 'Clothing', max: 1000 }) ?? null;
  const riskGrading = check.oneOf(raw.riskGrading, 'riskGrading', GRADINGS, {
    label: 'Police risk grading',
    required: true,
  });
  const policeReference =
    check.text(raw.policeReference, 'policeReference', { label: 'Police reference', max: 50 }) ?? null;
  const returned = readReturn(check, raw, false);
  if (returned && lastSeenAt && returned.returnedAt < lastSeenAt)
    check.add(fieldOf(raw, 'returnedAt'), 'Returned must be after the child was last seen');
  check.throwIfAny();
  return {
    personId: personId as string,
    reportedBy: reportedBy as Reporter,
    reportedAt,
    lastSeenAt: lastSeenAt as Date,
    lastSeenPlace,
    missingFrom: missingFrom as MissingFrom,
    placementId,
    circumstances,
    clothing,
    riskGrading: riskGrading as Grading,
    policeReference,
    returned,
    lastSeenField: fieldOf(raw, 'lastSeenAt'),
  };
}

/** A return home interview as typed or sent, checked. */
export function readInterviewInput(raw: Record<string, unknown>) {
  const check = new Checker();
  const outcome = check.oneOf(raw.outcome, 'outcome', INTERVIEW_OUTCOMES, {
    label: 'What happened',
    required: true,
    requiredMessage:
      'Select whether the interview was accepted, declined or the child could not be contacted',
  });
  const offeredAt = readInstant(check, raw, 'offeredAt', { label: 'Offered', required: true });
  const heldAt = readInstant(check, raw, 'heldAt', { label: 'Held', required: outcome === 'accepted' });
  if (offeredAt && heldAt && heldAt < offeredAt)
    check.add(fieldOf(raw, 'heldAt'), 'Held must be on or after it was offered');
  const interviewerName = check.text(raw.interviewerName, 'interviewerName', {
    label: 'Interviewer',
    required: true,
    max: 200,
    requiredMessage: 'Enter the name of the person who offered the interview',
  });
  const interviewerRole = check.text(raw.interviewerRole, 'interviewerRole', {
    label: 'Their role and organisation',
    required: true,
    max: 200,
  });
  const independent = raw.independentOfCarer === true || raw.independentOfCarer === 'yes';
  if (!independent)
    check.add(
      'independentOfCarer',
      'A return home interview must be offered by someone independent of the child’s carer: confirm they are',
    );
  const text = (field: string, label: string, max = 5000) =>
    check.text(raw[field], field, { label, max }) ?? null;
  const whereTheyWere = text('whereTheyWere', 'Where they were');
  const whoWith = text('whoWith', 'Who they were with');
  const pushFactors = text('pushFactors', 'What pushed them to go');
  const pullFactors = text('pullFactors', 'What pulled them away');
  const notes = text('notes', 'Other notes');
  const indicators = asList(raw.indicators);
  const unknown = indicators.filter((i) => !INDICATORS.includes(i as Indicator));
  if (unknown.length) check.add('indicators', `Indicators must be from the list: ${INDICATORS.join(', ')}`);
  if (
    outcome &&
    outcome !== 'accepted' &&
    (whereTheyWere || whoWith || pushFactors || pullFactors || indicators.length)
  )
    check.add(
      'outcome',
      'Only a held interview records what was learned: choose “Accepted and held”, or clear what was learned',
    );
  check.throwIfAny();
  return {
    outcome: outcome as InterviewOutcome,
    offeredAt: offeredAt as Date,
    heldAt: heldAt ?? null,
    interviewerName: interviewerName as string,
    interviewerRole: interviewerRole as string,
    whereTheyWere,
    whoWith,
    pushFactors,
    pullFactors,
    indicators: indicators as Indicator[],
    notes,
  };
}

const named = (e: repo.Episode, now = new Date()) => ({
  ...e,
  open: e.returnedAt === null,
  duration: durationText(e.lastSeenAt, e.returnedAt ?? now),
  reportedByName: REPORTER_NAMES[e.reportedBy],
  missingFromName:
    e.missingFrom === 'placement' && e.placementName
      ? `Placement: ${e.placementName}`
      : MISSING_FROM_NAMES[e.missingFrom],
  gradingName: GRADING_NAMES[e.riskGrading],
  foundByName: e.foundBy ? FOUND_BY_NAMES[e.foundBy] : null,
});

/** An academic year (September to August) named "2019/20", for a date. */
export function academicYearOf(day: string): string {
  const [y, m] = day.split('-').map(Number);
  const start = m >= 9 ? y : y - 1;
  return `${start}/${String((start + 1) % 100).padStart(2, '0')}`;
}

export interface MissingFigures {
  from: Month;
  to: Month;
  exact: boolean;
  months: {
    month: Month;
    children: Shown;
    episodes: Shown;
    lookedAfter: Shown;
    notLookedAfter: Shown;
    knownToCsc: Shown;
    notKnownToCsc: Shown;
  }[];
  wards: { code: string; name: string; children: Shown; episodes: Shown }[];
  totals: { children: Shown; episodes: Shown };
  interviews: { returns: Shown; offeredInTime: Shown; percent: number | null };
  /** Children missing education: referrals per academic year and how many were found. */
  missingEducation: { academicYear: string; referrals: Shown; established: Shown; percent: number | null }[];
  /** Children electively home educated on the period's last day (or today). */
  homeEducation: { on: string; registered: Shown };
}

export function createMissingService(db: Database, events: EventBus) {
  /** After the return: the interview on the clock, the chronology, the audit and the event. */
  async function returned(
    c: Queryable,
    actor: Actor,
    episode: { id: string; personId: string; lastSeenAt: Date },
    r: NonNullable<ReturnType<typeof readReturn>>,
  ) {
    await sideBySide(
      schedule(c, actor.partnershipId, {
        kind: 'return_interview',
        title: 'Offer a return home interview',
        reason: `Returned ${when(r.returnedAt)} UTC after ${durationText(episode.lastSeenAt, r.returnedAt)} missing`,
        personId: episode.personId,
        missingEpisodeId: episode.id,
        from: r.returnedAt,
      }),
      audit(c, actor, {
        action: 'missing.returned',
        subjectPersonId: episode.personId,
        details: { episodeId: episode.id, foundBy: r.foundBy },
      }),
      events.publish(c, {
        name: 'missing.returned',
        actor,
        about: [episode.personId],
        payload: { episodeId: episode.id, personId: episode.personId, returnedAt: r.returnedAt },
        chronology: [
          {
            personId: episode.personId,
            kind: 'missing',
            title: `Returned after ${durationText(episode.lastSeenAt, r.returnedAt)} missing (${FOUND_BY_NAMES[r.foundBy].toLowerCase()})`,
            detail:
              [
                r.foundPlace && `Found at ${r.foundPlace}${r.foundPostcode ? `, ${r.foundPostcode}` : ''}`,
                r.foundWith && `With ${r.foundWith}`,
              ]
                .filter(Boolean)
                .join('. ') || null,
            occurredAt: r.returnedAt,
          },
        ],
      }),
    );
  }

  /** Front Door to consider an assessment, unless already asked (one open item per child). */
  async function considerAssessment(
    c: Queryable,
    actor: Actor,
    personId: string,
    reason: string,
    episodeId: string,
  ) {
    if ((await peopleWithOpenWork(c, actor.partnershipId, [personId], 'consider_assessment')).length) return;
    await schedule(c, actor.partnershipId, {
      kind: 'consider_assessment',
      title: 'Consider an exploitation assessment',
      reason,
      personId,
      missingEpisodeId: episodeId,
    });
  }

  async function recordEpisode(
    c: Queryable,
    actor: Actor,
    input: ReturnType<typeof readEpisodeInput>,
    idempotency: { key: string; bodyHash: string } | null,
  ): Promise<repo.Episode | undefined> {
    const { personId } = input;
    // The reads that decide whether the episode may be recorded go out together; the person's
    // visibility is judged first, so nothing else read is used for someone the user may not see.
    const placementId = input.missingFrom === 'placement' ? input.placementId : null;
    const [visible, placement, clash] = await sideBySide(
      visiblePeople(c, actor, [personId]),
      input.missingFrom !== 'placement'
        ? Promise.resolve(undefined)
        : placementId
          ? placementById(c, actor.partnershipId, placementId)
          : currentPlacementOf(c, actor.partnershipId, personId),
      // Nothing inconsistent: one open episode per child, and no two episodes at the same time.
      repo.overlapping(
        c,
        actor.partnershipId,
        personId,
        input.lastSeenAt,
        input.returned?.returnedAt ?? null,
      ),
    );
    if (!visible.has(personId)) throw new ValidationError([{ field: 'personId', message: 'No such person' }]);
    if (input.missingFrom === 'placement') {
      if (placementId && (!placement || placement.personId !== personId))
        throw new ValidationError([
          { field: 'placementId', message: 'That placement is not one of this child’s' },
        ]);
      if (!placement)
        throw new ValidationError([
          {
            field: 'missingFrom',
            message:
              'This child has no current placement: record the placement first, or choose where they went missing from',
          },
        ]);
    }
    if (clash.length) {
      const other = clash[0];
      throw new ValidationError([
        {
          field: input.lastSeenField,
          message: other.returnedAt
            ? `This child was already missing from ${when(other.lastSeenAt)} to ${when(other.returnedAt)} UTC: the episodes would overlap`
            : `This child is already recorded as missing since ${when(other.lastSeenAt)} UTC: record their return first`,
        },
      ]);
    }
    let id: string | undefined;
    try {
      id = await repo.insertEpisode(
        c,
        actor.partnershipId,
        actor.userId,
        {
          ...input,
          placementId: placement?.id ?? null,
          gradingReason: 'Graded when reported',
          returned: input.returned ?? null,
        },
        idempotency,
      );
    } catch (error) {
      // Two reports racing for one child: the unique index on open episodes lets one in.
      if ((error as { constraint?: string }).constraint === 'missing_episode_open')
        throw new ValidationError([
          {
            field: input.lastSeenField,
            message: 'This child is already recorded as missing: record their return first',
          },
        ]);
      throw error;
    }
    if (!id) return undefined;
    // What follows the insert is independent of itself: written side by side, and the episode
    // read back as stored in the same round trip.
    const since = new Date(input.lastSeenAt.getTime() - REPEAT_DAYS * 24 * HOUR);
    const [, , recent, , episode] = await sideBySide(
      audit(c, actor, {
        action: 'missing.reported',
        subjectPersonId: personId,
        details: { episodeId: id, reportedBy: input.reportedBy, riskGrading: input.riskGrading },
      }),
      events.publish(c, {
        name: 'missing.reported',
        actor,
        about: [personId],
        payload: { episodeId: id, personId, riskGrading: input.riskGrading, reportedBy: input.reportedBy },
        chronology: [
          {
            personId,
            kind: 'missing',
            title: `Reported missing from ${MISSING_FROM_NAMES[input.missingFrom].toLowerCase()} by ${REPORTER_NAMES[input.reportedBy].toLowerCase()}: ${GRADING_NAMES[input.riskGrading].toLowerCase()}`,
            detail:
              [input.lastSeenPlace && `Last seen at ${input.lastSeenPlace}`, input.circumstances]
                .filter(Boolean)
                .join('. ') || null,
            occurredAt: input.lastSeenAt,
          },
        ],
        text: { recordKind: 'missing_episode', recordId: id, fields: { circumstances: input.circumstances } },
        changesRisk: { reason: 'Reported missing', title: 'Risk review needed: reported missing' },
      }),
      repo.countSince(c, actor.partnershipId, personId, since),
      input.returned
        ? returned(c, actor, { id, personId, lastSeenAt: input.lastSeenAt }, input.returned)
        : Promise.resolve(),
      repo.findEpisode(c, actor.partnershipId, id),
    );
    // Repeat episodes for a child nobody has flagged: the Front Door considers an assessment.
    if (recent >= REPEAT_EPISODES && !(await currentFlagsOf(c, actor.partnershipId, personId)).length)
      await considerAssessment(
        c,
        actor,
        personId,
        `${recent} missing episodes in ${REPEAT_DAYS} days and no exploitation flag`,
        id,
      );
    return episode;
  }

  async function visibleEpisode(c: Queryable, actor: Actor, id: string) {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError('No such missing episode');
    const episode = await repo.findEpisode(c, actor.partnershipId, id);
    if (!episode) throw new NotFoundError('No such missing episode');
    await assertCanSeePerson(c, actor, episode.personId);
    return episode;
  }

  const service = {
    /**
     * A child reported missing (a page, or a police system by API). A retry with the same
     * Idempotency-Key returns the first episode; the same key with a different body is refused.
     */
    async report(actor: Actor, raw: Record<string, unknown>, idempotencyKey: string | null = null) {
      missingPolicy.assert(actor, 'record');
      const input = readEpisodeInput(raw);
      const idempotency = idempotencyKey ? { key: idempotencyKey, bodyHash: bodyHash(raw) } : null;
      const earlier = async () => {
        if (!idempotency) return undefined;
        const found = await repo.findByIdempotencyKey(
          db.for(actor),
          actor.partnershipId,
          actor.userId,
          idempotency.key,
        );
        if (found?.bodyHash && found.bodyHash !== idempotency.bodyHash)
          throw new ValidationError([
            {
              field: 'Idempotency-Key',
              message: 'This key was already used for a different episode: send a new key for a new episode',
            },
          ]);
        return found?.id;
      };
      const first = await earlier();
      if (first) return { id: first, created: false };
      try {
        // The new episode comes back as stored, read in the transaction that wrote it.
        const made = await db.for(actor).tx(async (c) => {
          const episode = await recordEpisode(c, actor, input, idempotency);
          return episode ? named(episode) : undefined;
        });
        if (made) return { id: made.id, created: true, episode: made };
      } catch (error) {
        // Retries racing: the first to commit wins, and the others (refused by the unique key, or
        // by the episode it opened) answer with it. Anything else stands.
        const raced = (error as { code?: string }).code === '23505' || error instanceof ValidationError;
        if (!(idempotency && raced)) throw error;
        const winner = await earlier();
        if (winner) return { id: winner, created: false };
        throw error;
      }
      // The key was taken by a retry that committed first: answer with its episode.
      const winner = await earlier();
      if (!winner) throw new ConflictError('The episode with this Idempotency-Key could not be found');
      return { id: winner, created: false };
    },

    /** The return, or a change of the police risk grading (with its reason), on an episode. */
    async update(actor: Actor, id: string, raw: Record<string, unknown>) {
      missingPolicy.assert(actor, 'record');
      const check = new Checker();
      const grading = check.oneOf(raw.riskGrading, 'riskGrading', GRADINGS, { label: 'Police risk grading' });
      const gradingReason = check.text(raw.gradingReason, 'gradingReason', {
        label: 'Reason for the new grading',
        required: !!grading,
        max: 2000,
      });
      const wantsReturn = ['returnedAt', 'returnedAt-date', 'returnedAt-time', 'foundBy'].some(
        (f) => raw[f] !== undefined && raw[f] !== '',
      );
      const r = wantsReturn ? readReturn(check, raw, true) : undefined;
      if (!grading && !wantsReturn)
        check.add(fieldOf(raw, 'returnedAt'), 'Record the return or a new risk grading');
      check.throwIfAny();
      return db.for(actor).tx(async (c) => {
        const episode = await visibleEpisode(c, actor, id);
        if (r) {
          if (episode.returnedAt)
            throw new ConflictError(`The return was already recorded (${when(episode.returnedAt)} UTC).`);
          if (r.returnedAt < episode.lastSeenAt)
            throw new ValidationError([
              {
                field: fieldOf(raw, 'returnedAt'),
                message: `Returned must be after the child was last seen (${when(episode.lastSeenAt)} UTC)`,
              },
            ]);
          const later = (
            await repo.overlapping(
              c,
              actor.partnershipId,
              episode.personId,
              episode.lastSeenAt,
              r.returnedAt,
              id,
            )
          )[0];
          if (later)
            throw new ValidationError([
              {
                field: fieldOf(raw, 'returnedAt'),
                message: `Another episode began at ${when(later.lastSeenAt)} UTC: the return must be before it`,
              },
            ]);
        }
        if (grading && grading !== episode.riskGrading) {
          // The new grading, its history row, the audit and the event: side by side.
          await sideBySide(
            repo.setGrading(c, actor.partnershipId, id, grading),
            repo.insertGrading(c, actor.partnershipId, {
              episodeId: id,
              riskGrading: grading,
              gradedAt: new Date(),
              gradedBy: actor.userId,
              reason: gradingReason ?? null,
            }),
            audit(c, actor, {
              action: 'missing.regraded',
              subjectPersonId: episode.personId,
              reason: gradingReason,
              details: { episodeId: id, from: episode.riskGrading, to: grading },
            }),
            events.publish(c, {
              name: 'missing.regraded',
              actor,
              about: [episode.personId],
              payload: { episodeId: id, personId: episode.personId, from: episode.riskGrading, to: grading },
              chronology: [
                {
                  personId: episode.personId,
                  kind: 'missing',
                  title: `Missing: police risk grading ${GRADING_NAMES[episode.riskGrading].toLowerCase()} → ${GRADING_NAMES[grading].toLowerCase()}`,
                  detail: gradingReason,
                },
              ],
            }),
          );
        }
        if (r) {
          if (!(await repo.recordReturn(c, actor.partnershipId, id, r)))
            throw new ConflictError('The return was already recorded.');
          // What follows the return, and the episode read back as stored: side by side.
          const [, stored] = await sideBySide(
            returned(c, actor, episode, r),
            repo.findEpisode(c, actor.partnershipId, id),
          );
          return named(stored as repo.Episode);
        }
        return named((await repo.findEpisode(c, actor.partnershipId, id)) as repo.Episode);
      });
    },

    /** The return home interview: offered, and if held, what was learned. An indicator seen asks for an assessment. */
    async recordInterview(actor: Actor, episodeId: string, raw: Record<string, unknown>) {
      missingPolicy.assert(actor, 'record_interview');
      const input = readInterviewInput(raw);
      return db.for(actor).tx(async (c) => {
        const episode = await visibleEpisode(c, actor, episodeId);
        if (!episode.returnedAt)
          throw new ConflictError('The child has not returned yet: record the return before the interview.');
        if (input.offeredAt < episode.returnedAt)
          throw new ValidationError([
            {
              field: fieldOf(raw, 'offeredAt'),
              message: `Offered must be after the return (${when(episode.returnedAt)} UTC)`,
            },
          ]);
        const id = await repo.insertInterview(c, actor.partnershipId, actor.userId, {
          ...input,
          episodeId,
          personId: episode.personId,
        });
        if (!id) throw new ConflictError('The return home interview for this episode was already recorded.');
        const inTime = input.offeredAt.getTime() - episode.returnedAt.getTime() <= INTERVIEW_HOURS * HOUR;
        await completeWork(
          c,
          actor,
          { kind: 'return_interview', missingEpisodeId: episodeId },
          `${INTERVIEW_OUTCOME_NAMES[input.outcome]}${inTime ? '' : ' (offered after 72 hours)'}`,
        );
        await audit(c, actor, {
          action: 'return_interview.recorded',
          subjectPersonId: episode.personId,
          details: {
            episodeId,
            interviewId: id,
            outcome: input.outcome,
            inTime,
            indicators: input.indicators,
          },
        });
        const learned = [
          input.whereTheyWere && `Where: ${input.whereTheyWere}`,
          input.whoWith && `With: ${input.whoWith}`,
          input.pushFactors && `Push: ${input.pushFactors}`,
          input.pullFactors && `Pull: ${input.pullFactors}`,
          input.indicators.length &&
            `Indicators seen: ${input.indicators.map((i) => INDICATOR_NAMES[i].toLowerCase()).join('; ')}`,
        ].filter(Boolean);
        await events.publish(c, {
          name: 'return_interview.recorded',
          actor,
          about: [episode.personId],
          payload: {
            interviewId: id,
            episodeId,
            personId: episode.personId,
            outcome: input.outcome,
            indicators: input.indicators,
          },
          chronology: [
            {
              personId: episode.personId,
              kind: 'missing',
              title: `Return home interview: ${INTERVIEW_OUTCOME_NAMES[input.outcome].toLowerCase()}${inTime ? '' : ' (offered after 72 hours)'}`,
              detail: learned.join('. ') || null,
              occurredAt: input.heldAt ?? input.offeredAt,
            },
          ],
          text: {
            recordKind: 'return_interview',
            recordId: id,
            fields: {
              whereTheyWere: input.whereTheyWere,
              whoWith: input.whoWith,
              pushFactors: input.pushFactors,
              pullFactors: input.pullFactors,
              notes: input.notes,
            },
          },
          changesRisk: input.indicators.length
            ? {
                reason: 'Exploitation indicators seen at a return home interview',
                title: 'Risk review needed: return home interview',
              }
            : undefined,
        });
        if (input.indicators.length)
          await considerAssessment(
            c,
            actor,
            episode.personId,
            `Return home interview saw: ${input.indicators.map((i) => INDICATOR_NAMES[i].toLowerCase()).join('; ')}`,
            episodeId,
          );
        return { id, inTime };
      });
    },

    /** One episode with its gradings and interview (audited as a view of the child). */
    async episode(actor: Actor, id: string) {
      missingPolicy.assert(actor, 'view');
      return db.for(actor).tx(async (c) => {
        const episode = await visibleEpisode(c, actor, id);
        const gradings = await repo.gradingsOf(c, actor.partnershipId, [id]);
        const interviews = await repo.interviewsOf(c, actor.partnershipId, [id]);
        await audit(c, actor, {
          action: 'missing.viewed',
          subjectPersonId: episode.personId,
          details: { episodeId: id },
        });
        return {
          episode: named(episode),
          gradings,
          interview: interviews[0] ? namedInterview(interviews[0], episode) : null,
        };
      });
    },

    /** A child's episodes, newest first, with the open one (if any) and counts. */
    async forPerson(actor: Actor, personId: string) {
      missingPolicy.assert(actor, 'view');
      // A read needs no transaction: the view is recorded before anything is returned.
      const c = db.for(actor);
      await assertCanSeePerson(c, actor, personId);
      const list = await repo.episodesOf(c, actor.partnershipId, personId);
      const interviews = await repo.interviewsOf(
        c,
        actor.partnershipId,
        list.map((e) => e.id),
      );
      await audit(c, actor, { action: 'missing.viewed', subjectPersonId: personId });
      const now = new Date();
      const yearAgo = new Date(now.getTime() - 365 * 24 * HOUR);
      const episodes = list.map((e) => {
        const interview = interviews.find((i) => i.episodeId === e.id);
        return { ...named(e, now), interview: interview ? namedInterview(interview, e) : null };
      });
      return {
        episodes,
        open: episodes.find((e) => e.open) ?? null,
        inYear: list.filter((e) => e.lastSeenAt >= yearAgo).length,
      };
    },

    /** Of these people, those missing now (search results, work queues: a fact shown beside a name already shown). */
    async missingNow(actor: Actor, personIds: string[]): Promise<Map<string, Date>> {
      if (!missingPolicy.can(actor, 'view')) return new Map();
      return repo.missingNow(db.for(actor), actor.partnershipId, personIds);
    },

    /** The facts the exploitation assessment's missing theme shows beside its questions. */
    async facts(actor: Actor, personId: string): Promise<string[]> {
      if (!missingPolicy.can(actor, 'view')) return [];
      const { episodes, open, inYear } = await service.forPerson(actor, personId);
      if (!episodes.length) return ['No missing episodes recorded'];
      const facts = [
        `${episodes.length} missing ${episodes.length === 1 ? 'episode' : 'episodes'} recorded, ${inYear} in the last 12 months`,
      ];
      if (open)
        facts.push(`Missing now: last seen ${when(open.lastSeenAt)} UTC (${open.gradingName.toLowerCase()})`);
      const seen = [...new Set(episodes.flatMap((e) => e.interview?.indicators ?? []))];
      if (seen.length)
        facts.push(
          `Seen at return home interviews: ${seen.map((i) => INDICATOR_NAMES[i].toLowerCase()).join('; ')}`,
        );
      return facts;
    },

    /**
     * Per month and ward: children missing and episodes (both: B&NES could give only one), by care
     * status and by whether children's social care knows the child; interviews offered in time.
     * Counts only; small numbers suppressed for those who may not see exact figures.
     */
    async figures(actor: Actor, query: { from?: string; to?: string }): Promise<MissingFigures> {
      missingPolicy.assert(actor, 'view_figures');
      const { from, to } = wardReportPeriod({ from: query.from, to: query.to });
      const exact = hasPermission(actor, 'reports:view_exact');
      const scope = db.for(actor);
      const start = fromLondon(`${from}-01`, 0, 0);
      const [ty, tm] = to.split('-').map(Number);
      const endMonth = `${tm === 12 ? ty + 1 : ty}-${String(tm === 12 ? 1 : tm + 1).padStart(2, '0')}`;
      const end = fromLondon(`${endMonth}-01`, 0, 0);
      const today = londonDate(new Date());
      const lastDay = [londonDate(new Date(end.getTime() - 12 * HOUR)), today].sort()[0];
      // Recorded while the figures are worked out (on its own connection); awaited before they go.
      const audited = audit(scope, actor, { action: 'report.missing_viewed', details: { from, to, exact } });
      // Its failure is raised where it is awaited, not as an unhandled rejection meanwhile.
      audited.catch(() => undefined);
      const months = monthsBetween(from, to);
      const bounds = months.map((m) => fromLondon(`${m}-01`, 0, 0));
      // The two counts over episodes each take a connection of their own, so that PostgreSQL
      // works them out side by side (statements on the shared connection run one after another).
      const [counted, returns, wards, schooling] = await Promise.all([
        scope.tx((c) => repo.episodeCounts(c, actor.partnershipId, start, end, bounds)),
        scope.tx((c) => repo.returnCounts(c, actor.partnershipId, start, end, INTERVIEW_HOURS)),
        listWards(scope, actor.partnershipId),
        educationEventsInPeriod(
          scope,
          actor.partnershipId,
          ['missing_education', 'home_education'],
          `${from}-01`,
          lastDay,
        ),
      ]);
      const cmeYears = new Map<string, typeof schooling>();
      for (const e of schooling.filter(
        (x) => x.kind === 'missing_education' && x.startedOn >= `${from}-01`,
      )) {
        const year = academicYearOf(e.startedOn);
        cmeYears.set(year, [...(cmeYears.get(year) ?? []), e]);
      }
      const homeEducated = new Set(
        schooling
          .filter(
            (x) =>
              x.kind === 'home_education' &&
              x.startedOn <= lastDay &&
              (x.endedOn === null || x.endedOn > lastDay),
          )
          .map((x) => x.personId),
      ).size;
      const rows = months.map((month, i) => {
        const {
          children,
          lookedAfter,
          episodes: count,
          knownToCsc,
        } = counted.byMonth.get(i) ?? repo.NO_EPISODES;
        return {
          month,
          children,
          episodes: count,
          lookedAfter,
          notLookedAfter: children - lookedAfter,
          knownToCsc,
          notKnownToCsc: children - knownToCsc,
        };
      });
      const byWard = wards.map((w) => {
        const ward = counted.byWard.get(w.code) ?? repo.NO_EPISODES;
        return { code: w.code, name: w.name, children: ward.children, episodes: ward.episodes };
      });
      await audited;
      const shown = (n: number): Shown => (exact ? n : suppressTotal(n));
      // A share of a small count could give the count away: for elected members, only from 6.
      const share = (k: number, n: number) => (n && (exact || n > 5) ? proportion(k, n).percent : null);
      // Each breakdown is suppressed as a row of cells beside its total, so none can be worked out.
      const pair = (a: number, b: number): [Shown, Shown] =>
        exact ? [a, b] : (suppressCells([a, b]) as [Shown, Shown]);
      // The months' episodes add up to the period's total, so they are suppressed as one row too.
      const column = (values: number[]) => (exact ? values : suppressCells(values));
      const monthChildren = column(rows.map((r) => r.children));
      const monthEpisodes = column(rows.map((r) => r.episodes));
      const wardChildren = exact
        ? byWard.map((w) => w.children)
        : suppressCells(byWard.map((w) => w.children));
      const wardEpisodes = exact
        ? byWard.map((w) => w.episodes)
        : suppressCells(byWard.map((w) => w.episodes));
      return {
        from,
        to,
        exact,
        months: rows.map((r, i) => {
          const [lookedAfter, notLookedAfter] = pair(r.lookedAfter, r.notLookedAfter);
          const [knownToCsc, notKnownToCsc] = pair(r.knownToCsc, r.notKnownToCsc);
          return {
            month: r.month,
            children: monthChildren[i],
            episodes: monthEpisodes[i],
            lookedAfter,
            notLookedAfter,
            knownToCsc,
            notKnownToCsc,
          };
        }),
        wards: byWard.map((w, i) => ({
          code: w.code,
          name: w.name,
          children: wardChildren[i],
          episodes: wardEpisodes[i],
        })),
        totals: { children: shown(counted.total.children), episodes: shown(counted.total.episodes) },
        interviews: {
          returns: shown(returns.returns),
          offeredInTime: shown(returns.offeredInTime),
          percent: share(returns.offeredInTime, returns.returns),
        },
        missingEducation: [...cmeYears]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([academicYear, list]) => {
            const established = list.filter((e) => e.whereabouts !== null).length;
            return {
              academicYear,
              referrals: shown(list.length),
              established: shown(established),
              percent: share(established, list.length),
            };
          }),
        homeEducation: { on: lastDay, registered: shown(homeEducated) },
      };
    },
  };
  return service;
}

function namedInterview(i: repo.Interview, e: repo.Episode) {
  return {
    ...i,
    outcomeName: INTERVIEW_OUTCOME_NAMES[i.outcome],
    indicatorNames: i.indicators.map((x) => INDICATOR_NAMES[x]),
    inTime: !!e.returnedAt && i.offeredAt.getTime() - e.returnedAt.getTime() <= INTERVIEW_HOURS * HOUR,
  };
}

export type MissingService = ReturnType<typeof createMissingService>;
