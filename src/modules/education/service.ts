import type { Database } from '../../db/database.ts';
import { type Actor, definePolicy } from '../../platform/access.ts';
import { audit } from '../../platform/audit/index.ts';
import { ConflictError, NotFoundError } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/events/index.ts';
import { Checker, londonDate } from '../../platform/validation.ts';
import { assertCanSeePerson, defineRecordKind } from '../../platform/visibility/index.ts';
import {
  CHANGES_RISK,
  EDUCATION_KIND_NAMES,
  EDUCATION_KINDS,
  type EducationKind,
  WHEREABOUTS,
  WHEREABOUTS_NAMES,
  type Whereabouts,
} from './reference.ts';
import * as repo from './repository.ts';

export const educationPolicy = definePolicy('education', {
  view: ['front_door', 'meeting_chair', 'police_intelligence', 'analyst', 'service_worker', 'manager'],
  // Schools' and the education service's records, entered by the Front Door, chairs and managers,
  // and by service workers for the children their agency knows.
  record: ['front_door', 'meeting_chair', 'manager', 'service_worker'],
});
defineRecordKind('education', 'education:view', 'Education record (details restricted)');

/** An education event as typed or sent, checked; what each kind needs is required for it. */
export function readEducationInput(raw: Record<string, unknown>, today = londonDate(new Date())) {
  const check = new Checker();
  const kind = check.oneOf(raw.kind, 'kind', EDUCATION_KINDS, { label: 'What happened', required: true });
  const startedOn = check.date(raw.startedOn, 'startedOn', {
    label: kind === 'home_education' ? 'Date registered' : 'Date',
    required: true,
    notFuture: true,
    today,
  });
  const endedOn = check.date(raw.endedOn, 'endedOn', { label: 'End date' }) ?? null;
  if (startedOn && endedOn && endedOn < startedOn)
    check.add('endedOn', 'End date must be on or after the start date');
  const needsSchool = kind === 'school_place' || kind === 'suspension' || kind === 'permanent_exclusion';
  const school =
    check.text(raw.school, 'school', {
      label: 'School or provider',
      required: needsSchool || kind === 'alternative_provision',
      max: 200,
      requiredMessage: 'Enter the school or provider',
    }) ?? null;
  const yearRaw = typeof raw.yearGroup === 'number' ? String(raw.yearGroup) : raw.yearGroup;
  const yearText = check.text(yearRaw, 'yearGroup', { label: 'Year group', max: 3 });
  let yearGroup: number | null = null;
  if (yearText) {
    if (
      !/^(R|-?\d{1,2})$/i.test(yearText) ||
      (yearText.toUpperCase() !== 'R' && (Number(yearText) < 1 || Number(yearText) > 14))
    )
      check.add('yearGroup', 'Year group must be R or a number from 1 to 14');
    else yearGroup = yearText.toUpperCase() === 'R' ? 0 : Number(yearText);
  } else if (kind === 'school_place') check.add('yearGroup', 'Enter the year group, like 9');
  const daysRaw = typeof raw.days === 'number' ? String(raw.days) : raw.days;
  const daysText = check.text(daysRaw, 'days', { label: 'Days', max: 3 });
  let days: number | null = null;
  if (daysText) {
    if (!/^\d{1,3}$/.test(daysText) || Number(daysText) < 1 || Number(daysText) > 200)
      check.add('days', 'Days must be a whole number from 1 to 200');
    else days = Number(daysText);
  } else if (kind === 'suspension') check.add('days', 'Enter how many school days the suspension is for');
  const reason =
    check.text(raw.reason, 'reason', {
      label: kind === 'home_education' ? 'Reason given' : 'Reason',
      required: kind === 'suspension' || kind === 'permanent_exclusion' || kind === 'home_education',
      max: 2000,
      requiredMessage: kind === 'home_education' ? 'Enter the reason the parents gave' : 'Enter the reason',
    }) ?? null;
  check.throwIfAny();
  return {
    kind: kind as EducationKind,
    startedOn: startedOn as string,
    endedOn,
    school,
    yearGroup,
    days,
    reason,
    whereabouts: null,
    whereaboutsOn: null,
  };
}

/** What a child's education looks like today, in words (the person page, the assessment's theme). */
export function educationStatus(events: repo.EducationEvent[], today = londonDate(new Date())) {
  const open = (kind: EducationKind) =>
    events.filter(
      (e) => e.kind === kind && (e.endedOn === null || e.endedOn >= today) && e.startedOn <= today,
    );
  const [y, m, d] = today.split('-').map(Number);
  const yearAgo = new Date(Date.UTC(y - 1, m - 1, d)).toISOString().slice(0, 10);
  const school = open('school_place')[0] ?? null;
  const suspensions = events.filter((e) => e.kind === 'suspension' && e.startedOn > yearAgo);
  const exclusion = events.find((e) => e.kind === 'permanent_exclusion' && e.startedOn > yearAgo);
  const missing = events.filter((e) => e.kind === 'missing_education' && e.whereabouts === null);
  const home = open('home_education')[0];
  const facts: string[] = [];
  if (home)
    facts.push(`Electively home educated since ${home.startedOn} (reason given: ${home.reason ?? 'none'})`);
  else if (school)
    facts.push(`${school.school}, ${school.yearGroup === 0 ? 'Reception' : `Year ${school.yearGroup}`}`);
  else facts.push('No current school place recorded');
  for (const e of missing)
    facts.push(`Missing education since ${e.startedOn}: whereabouts not yet established`);
  if (exclusion)
    facts.push(
      `Permanently excluded on ${exclusion.startedOn}${exclusion.school ? ` from ${exclusion.school}` : ''}`,
    );
  if (suspensions.length)
    facts.push(
      `${suspensions.length} ${suspensions.length === 1 ? 'suspension' : 'suspensions'} in the last 12 months (${suspensions.reduce((n, e) => n + (e.days ?? 0), 0)} days)`,
    );
  for (const e of open('part_time_timetable')) facts.push(`On a part-time timetable since ${e.startedOn}`);
  for (const e of open('alternative_provision'))
    facts.push(`In alternative provision (${e.school}) since ${e.startedOn}`);
  for (const e of open('attendance_concern')) facts.push(`Attendance concern raised ${e.startedOn}`);
  return {
    facts,
    missingEducation: missing.length > 0,
    homeEducated: !!home,
    concern:
      missing.length > 0 || !!exclusion || suspensions.length > 0 || open('part_time_timetable').length > 0,
  };
}

export function createEducationService(db: Database, events: EventBus) {
  return {
    async forPerson(actor: Actor, personId: string) {
      educationPolicy.assert(actor, 'view');
      // A read needs no transaction: the view is recorded before anything is returned.
      const c = db.for(actor);
      await assertCanSeePerson(c, actor, personId);
      const list = await repo.eventsOf(c, actor.partnershipId, personId);
      await audit(c, actor, { action: 'education.viewed', subjectPersonId: personId });
      return {
        status: educationStatus(list),
        events: list.map((e) => ({
          ...e,
          kindName: EDUCATION_KIND_NAMES[e.kind],
          whereaboutsName: e.whereabouts ? WHEREABOUTS_NAMES[e.whereabouts] : null,
        })),
      };
    },

    /** Something in a child's education; disruption for a flagged or assessed child asks for a risk review. */
    async record(actor: Actor, personId: string, raw: Record<string, unknown>) {
      educationPolicy.assert(actor, 'record');
      const input = readEducationInput(raw);
      return db.for(actor).tx(async (c) => {
        await assertCanSeePerson(c, actor, personId);
        const id = await repo.insertEvent(c, actor.partnershipId, {
          personId,
          ...input,
          recordedBy: actor.userId,
        });
        const name = EDUCATION_KIND_NAMES[input.kind];
        await audit(c, actor, {
          action: 'education.recorded',
          subjectPersonId: personId,
          details: { educationEventId: id, kind: input.kind },
        });
        await events.publish(c, {
          name: 'education.recorded',
          actor,
          about: [personId],
          payload: { educationEventId: id, personId, kind: input.kind },
          chronology: [
            {
              personId,
              kind: 'education',
              title: `${name}${input.school ? `: ${input.school}` : ''}${input.days ? ` (${input.days} days)` : ''}`,
              detail: input.reason,
              occurredAt: new Date(`${input.startedOn}T12:00:00Z`),
            },
          ],
          text: { recordKind: 'education_event', recordId: id, fields: { reason: input.reason } },
          changesRisk: CHANGES_RISK.includes(input.kind)
            ? { reason: name, title: `Risk review needed: ${name.toLowerCase()}` }
            : undefined,
        });
        return { id };
      });
    },

    /** Where a child referred as missing education was found to be. */
    async establishWhereabouts(
      actor: Actor,
      personId: string,
      eventId: string,
      raw: Record<string, unknown>,
    ) {
      educationPolicy.assert(actor, 'record');
      const check = new Checker();
      const whereabouts = check.oneOf(raw.whereabouts, 'whereabouts', WHEREABOUTS, {
        label: 'Whereabouts',
        required: true,
      });
      const on = check.date(raw.whereaboutsOn, 'whereaboutsOn', {
        label: 'Date established',
        required: true,
        notFuture: true,
      });
      check.throwIfAny();
      return db.for(actor).tx(async (c) => {
        await assertCanSeePerson(c, actor, personId);
        // One of this child's (or their merged group's) referrals, or nothing to say about it.
        const event = (await repo.eventsOf(c, actor.partnershipId, personId)).find(
          (e) => e.id === eventId && e.kind === 'missing_education',
        );
        if (!event) throw new NotFoundError('No such referral');
        if (on && on < event.startedOn)
          check.add(
            'whereaboutsOn',
            `Date established must be on or after the referral (${event.startedOn})`,
          );
        check.throwIfAny();
        if (
          !(await repo.establishWhereabouts(
            c,
            actor.partnershipId,
            eventId,
            whereabouts as Whereabouts,
            on as string,
          ))
        )
          throw new ConflictError('Where this child is was already established.');
        await audit(c, actor, {
          action: 'education.whereabouts_established',
          subjectPersonId: personId,
          details: { educationEventId: eventId, whereabouts },
        });
        await events.publish(c, {
          name: 'education.recorded',
          actor,
          about: [personId],
          payload: { educationEventId: eventId, personId, kind: 'missing_education' },
          chronology: [
            {
              personId,
              kind: 'education',
              title: `Missing education: ${WHEREABOUTS_NAMES[whereabouts as Whereabouts].toLowerCase()}`,
              occurredAt: new Date(`${on}T12:00:00Z`),
            },
          ],
        });
      });
    },

    /** The facts the exploitation assessment's education theme shows beside its questions. */
    async facts(actor: Actor, personId: string): Promise<string[]> {
      if (!educationPolicy.can(actor, 'view')) return [];
      return (await this.forPerson(actor, personId)).status.facts;
    },
  };
}

export type EducationService = ReturnType<typeof createEducationService>;
