import type { FastifyInstance, FastifyReply } from 'fastify';
import { hasPermission } from '../../platform/access.ts';
import { ConflictError, type FieldError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import type { RouteContext } from '../../platform/module.ts';
import { FormBody, one, PageId, PageQuery, type PageRequest, Type, typed } from '../../platform/schemas.ts';
import { asList, ID_PARAMS } from '../../platform/validation.ts';
import { actorOf, renderPage } from '../../platform/web.ts';
import type { PeopleService } from './service.ts';

export type PeopleRouteContext = RouteContext<PeopleService, Record<string, unknown>>;

import { applyResolutions, type Conflict, type FieldGroup, threeWayMerge } from './edit-merge.ts';
import { DISABILITY_NAMES, ETHNICITY_GROUPS, ETHNICITY_NAMES, GENDER_NAMES } from './reference.ts';
import type { PersonRecord } from './repository.ts';
import { personBodySchema, personResponseSchema, personSearchQuerySchema } from './schema.ts';
import { DuplicateIdentifierError } from './service.ts';

type Form = Record<string, string | string[] | undefined>;

/** Whole years between a date of birth and today (undefined when unknown). */
export function ageInYears(dob: string | null, today = new Date()): number | null {
  if (!dob) return null;
  const [y, m, d] = dob.split('-').map(Number);
  let age = today.getUTCFullYear() - y;
  if (today.getUTCMonth() + 1 < m || (today.getUTCMonth() + 1 === m && today.getUTCDate() < d)) age -= 1;
  return age;
}

const pad = (value: string | undefined, size: number) => (value ?? '').trim().padStart(size, '0');

/** The person form's fields as the domain reads them (a date from its parts, names from lines). */
export function formToPersonInput(body: Form): Record<string, unknown> {
  const text = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
  const [day, month, year] = [
    text('dateOfBirth-day'),
    text('dateOfBirth-month'),
    text('dateOfBirth-year'),
  ].map((v) => v?.trim() ?? '');
  let dateOfBirth = '';
  if (body.dobPrecision === 'approximate' && year && !month && !day) dateOfBirth = `${pad(year, 4)}-07-01`;
  else if (body.dobPrecision === 'approximate' && year && month && !day)
    dateOfBirth = `${pad(year, 4)}-${pad(month, 2)}-15`;
  else if (day || month || year) dateOfBirth = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
  const aliases = (text('aliasesText') ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim().split(/\s+/).filter(Boolean))
    .filter((words) => words.length)
    .map((words) => ({
      givenName: words.length > 1 ? words.slice(0, -1).join(' ') : null,
      familyName: words[words.length - 1],
      kind: 'alias',
    }));
  return {
    ...Object.fromEntries(
      [
        'givenName',
        'middleNames',
        'familyName',
        'dobPrecision',
        'gender',
        'ethnicity',
        'disability',
        'addressLine',
        'town',
        'postcode',
        'nhsNumber',
        'upn',
        'policeRef',
        'duplicateReason',
      ].map((k) => [k, text(k)]),
    ),
    dateOfBirth,
    aliases,
    agencyIds: asList(body.agencyIds),
  };
}

/** A stored person as the form's values. */
function personToForm(p: PersonRecord): Form {
  const [year, month, day] = (p.dateOfBirth ?? '').split('-');
  return {
    givenName: p.givenName,
    middleNames: p.middleNames ?? '',
    familyName: p.familyName,
    'dateOfBirth-day': p.dobPrecision === 'exact' ? day : '',
    'dateOfBirth-month': p.dobPrecision === 'exact' ? month : '',
    'dateOfBirth-year': year ?? '',
    dobPrecision: p.dobPrecision,
    gender: p.gender,
    ethnicity: p.ethnicity ?? '',
    disability: p.disability ?? '',
    addressLine: p.addressLine ?? '',
    town: p.town ?? '',
    postcode: p.postcode ?? '',
    nhsNumber: p.nhsNumber ?? '',
    upn: p.upn ?? '',
    policeRef: p.policeRef ?? '',
    aliasesText: p.aliases.map((a) => [a.givenName, a.familyName].filter(Boolean).join(' ')).join('\n'),
    agencyIds: p.agencies.map((a) => a.id),
  };
}

/** How a part of the form reads back to a person, for choosing between two versions. */
function shown(values: Form, group: FieldGroup): string {
  if (group.id === 'dateOfBirth') {
    const precision = { exact: 'exact', approximate: 'approximate', unknown: 'not known' }[
      String(values.dobPrecision ?? '')
    ];
    const date = ['dateOfBirth-day', 'dateOfBirth-month', 'dateOfBirth-year']
      .map((k) => values[k])
      .filter(Boolean)
      .join('/');
    return [date, precision && `(${precision})`].filter(Boolean).join(' ') || '(blank)';
  }
  if (group.id === 'gender')
    return GENDER_NAMES[String(values.gender) as keyof typeof GENDER_NAMES] ?? '(blank)';
  if (group.id === 'disability')
    return DISABILITY_NAMES[String(values.disability) as keyof typeof DISABILITY_NAMES] ?? '(blank)';
  if (group.id === 'ethnicity')
    return ETHNICITY_NAMES[String(values.ethnicity) as keyof typeof ETHNICITY_NAMES] ?? '(blank)';
  return (
    group.keys
      .map((k) => values[k])
      .filter(Boolean)
      .join(' ') || '(blank)'
  );
}

const conflictView = (conflicts: Conflict[]) =>
  conflicts.map((c) => ({
    id: c.group.id,
    label: c.group.label,
    mine: shown(c.mine, c.group),
    theirs: shown(c.theirs, c.group),
    theirsValues: Object.entries(c.theirs).map(([key, value]) => ({ key, value: value ?? '' })),
  }));

const ethnicityItems = (selected: unknown) => [
  { value: '', text: 'Select ethnicity' },
  ...ETHNICITY_GROUPS.flatMap((g) =>
    g.items.map((i) => ({ value: i.code, text: ETHNICITY_NAMES[i.code], selected: i.code === selected })),
  ),
];

/** The kinds of chronology entry, as modules record them. */
export const CHRONOLOGY_KINDS = [
  { value: 'contact', text: 'Contacts' },
  { value: 'decision', text: 'Front Door decisions' },
  { value: 'assessment', text: 'Assessments' },
  { value: 'flag', text: 'Flags' },
  { value: 'review', text: 'Reviews' },
  { value: 'missing', text: 'Missing episodes' },
  { value: 'placement', text: 'Placements' },
  { value: 'education', text: 'Education' },
  { value: 'record', text: 'Record changes' },
];

/** A person as the API answers: times as ISO 8601 text, and the age worked out. */
export function toApi(p: PersonRecord) {
  return {
    ...p,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
    ageYears: ageInYears(p.dateOfBirth),
  };
}

export function peopleRoutes(ctx: PeopleRouteContext) {
  const people = ctx.service;

  async function formPage(
    request: PageRequest,
    reply: FastifyReply,
    ctx: {
      title: string;
      action: string;
      values: Form;
      errors?: FieldError[];
      person?: PersonRecord;
      /** A stale edit: the parts taken from the other change, and those to choose between. */
      stale?: { takenFromTheirs: string[]; conflicts: ReturnType<typeof conflictView> };
      /** Records that already hold the NHS number or UPN typed. */
      duplicates?: { id: string; field: string }[];
    },
  ) {
    const agencies = await people.agencies(actorOf(request));
    const selected = asList(ctx.values.agencyIds);
    return renderPage(request, reply, 'people/views/form.njk', {
      ...ctx,
      ethnicityItems: ethnicityItems(ctx.values.ethnicity),
      agencyItems: agencies.map((a) => ({ value: a.id, text: a.name, checked: selected.includes(a.id) })),
      genderNames: GENDER_NAMES,
      ethnicityNames: ETHNICITY_NAMES,
      disabilityNames: DISABILITY_NAMES,
    });
  }

  return async function plugin(fastify: FastifyInstance) {
    const app = typed(fastify);
    app.get(
      '/people',
      { config: { access: 'people:search' }, schema: { querystring: PageQuery } },
      async (request, reply) => {
        const query = request.query;
        const searched = ['name', 'dob', 'postcode'].some(
          (k) => typeof query[k] === 'string' && (query[k] as string).trim(),
        );
        const canCreate = hasPermission(request.actor, 'people:create');
        if (!searched)
          return renderPage(request, reply, 'people/views/search.njk', {
            title: 'People',
            values: {},
            canCreate,
          });
        try {
          const actor = actorOf(request);
          const { results } = await people.search(actor, query);
          // A child missing now says so wherever they appear.
          const missing =
            (await ctx.capabilities.missingNow?.(
              actor,
              results.map((r) => r.id),
            )) ?? new Map();
          return renderPage(request, reply, 'people/views/search.njk', {
            title: 'People',
            values: query,
            results: results.map((r) => ({ ...r, missingSince: missing.get(r.id) ?? null })),
            searched: true,
            canCreate,
          });
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          return renderPage(request, reply.code(422), 'people/views/search.njk', {
            title: 'People',
            values: query,
            errors: error.errors,
            canCreate,
          });
        }
      },
    );

    app.get(
      '/people/new',
      { config: { access: 'people:create' }, schema: { querystring: PageQuery } },
      async (request, reply) =>
        formPage(request, reply, {
          title: 'Add a person',
          action: '/people',
          values: { dobPrecision: 'exact' },
        }),
    );

    /**
     * Adding a person first asks "already known?": if the matching engine finds people who may be
     * this one, they are shown, and the person is only added when the practitioner says none of
     * them is. A second record with the same NHS number or UPN needs a reason.
     */
    app.post(
      '/people',
      { config: { access: 'people:create' }, schema: { body: FormBody, querystring: PageQuery } },
      async (request, reply) => {
        const body = request.body;
        const actor = actorOf(request);
        const input = formToPersonInput(body);
        const againForm = (errors?: FieldError[], duplicates?: { id: string; field: string }[]) =>
          formPage(request, reply.code(errors ? 422 : 200), {
            title: 'Add a person',
            action: '/people',
            values: { ...body, confirmedNew: duplicates ? '1' : body.confirmedNew },
            errors,
            duplicates,
          });
        if (body.edit === '1') return againForm();
        if (body.confirmedNew !== '1' && hasPermission(actor, 'matching:search')) {
          const candidates = await possibleMatches(actor, input);
          if (candidates.length) {
            return renderPage(request, reply, 'people/views/possible-matches.njk', {
              title: 'This person may already be known',
              candidates,
              hidden: Object.entries(body)
                .filter(([k]) => k !== '_csrf' && k !== 'confirmedNew' && k !== 'edit')
                .flatMap(([name, v]) => [v ?? ''].flat().map((value) => ({ name, value }))),
            });
          }
        }
        try {
          const id = await people.create(actor, input);
          return reply.redirect(`/people/${id}?created=1`);
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          return againForm(
            error.errors,
            error instanceof DuplicateIdentifierError ? error.existing : undefined,
          );
        }
      },
    );

    /** People who may be the one being added (probability 0.5 or more), most likely first. */
    async function possibleMatches(actor: ReturnType<typeof actorOf>, input: Record<string, unknown>) {
      const query = {
        given_name: input.givenName,
        family_name: input.familyName,
        dob: input.dateOfBirth || undefined,
        postcode: input.postcode,
        nhs_number: input.nhsNumber,
        upn: input.upn,
      };
      const alreadyKnown = ctx.capabilities.alreadyKnown;
      if (!alreadyKnown) return [];
      try {
        const candidates = await alreadyKnown(actor, query, 5);
        return candidates.filter((c) => c.probability >= 0.5);
      } catch (error) {
        // Too little typed to search on: the form's own checks say what is missing.
        if (error instanceof ValidationError) return [];
        throw error;
      }
    }

    /** Everything on a person's page; each part only for roles that may see it. */
    async function personPage(request: PageRequest, id: string, kind: string | undefined) {
      const actor = actorOf(request);
      const person = await people.view(actor, id);
      if (person.mergedInto) return { person } as Awaited<ReturnType<typeof loadPage>>;
      return loadPage(actor, person, id, kind);
    }

    async function loadPage(
      actor: ReturnType<typeof actorOf>,
      person: PersonRecord,
      id: string,
      kind: string | undefined,
    ) {
      // Other modules' parts of the page (flags, open work, assessments, contacts…), each only for
      // those who may see it; the people module does not know what they are.
      const panels = ctx.personPanels.filter((p) => hasPermission(actor, p.permission));
      const [chronology, records, ...loaded] = await Promise.all([
        people.chronology(actor, id, kind),
        people.records(actor, id),
        ...panels.map((p) => p.load(actor, person)),
      ]);
      return {
        person,
        entries: chronology.entries,
        agencyRecords: records.agencyRecords,
        merges: records.merges,
        ...Object.fromEntries(panels.map((p, i) => [p.key, loaded[i]])),
        sections: {
          top: panels.flatMap((p) => (p.templates?.top ? [p.templates.top] : [])),
          main: panels.flatMap((p) => (p.templates?.main ? [p.templates.main] : [])),
        },
      };
    }

    app.get(
      '/people/:id',
      { config: { access: 'people:view' }, schema: { params: PageId, querystring: PageQuery } },
      async (request, reply) => {
        const { id } = request.params;
        const query = request.query;
        const kind =
          typeof query.kind === 'string' && CHRONOLOGY_KINDS.some((k) => k.value === query.kind)
            ? query.kind
            : undefined;
        const data = await personPage(request, id, kind);
        // A record merged into someone is read as part of them: go to the person it belongs to.
        if (data.person.mergedInto) return reply.redirect(`/people/${data.person.mergedInto}?merged=1`, 303);
        return renderPage(request, reply, 'people/views/show.njk', {
          title: `${data.person.givenName} ${data.person.familyName}`,
          ...data,
          age: ageInYears(data.person.dateOfBirth),
          kind,
          kindItems: [{ value: '', text: 'Everything' }, ...CHRONOLOGY_KINDS].map((k) => ({
            ...k,
            selected: k.value === (kind ?? ''),
          })),
          created: query.created === '1',
          saved: query.saved === '1',
          flagged: query.flagged === '1',
          mergedNotice: query.merged === '1',
          unmerged: query.unmerged === '1',
          genderNames: GENDER_NAMES,
          ethnicityNames: ETHNICITY_NAMES,
          disabilityNames: DISABILITY_NAMES,
          can: {
            edit: hasPermission(request.actor, 'people:edit'),
            accessLog: hasPermission(request.actor, 'people:view_access_log'),
            assess: hasPermission(request.actor, 'assessments:record'),
            setFlags: hasPermission(request.actor, 'flags:set'),
            merge: hasPermission(request.actor, 'people:merge'),
          },
        });
      },
    );

    app.get(
      '/people/:id/chronology/print',
      { config: { access: 'people:view' }, schema: { params: PageId, querystring: PageQuery } },
      async (request, reply) => {
        const { id } = request.params;
        const query = request.query;
        const kind =
          typeof query.kind === 'string' && CHRONOLOGY_KINDS.some((k) => k.value === query.kind)
            ? query.kind
            : undefined;
        const actor = actorOf(request);
        const person = await people.view(actor, id, 'printed the chronology');
        const { entries } = await people.chronology(actor, id, kind);
        return renderPage(request, reply, 'people/views/chronology-print.njk', {
          title: `Chronology: ${person.givenName} ${person.familyName}`,
          person,
          entries,
          kind: CHRONOLOGY_KINDS.find((k) => k.value === kind)?.text,
          printedAt: new Date(),
        });
      },
    );

    app.get(
      '/people/:id/edit',
      { config: { access: 'people:edit' }, schema: { params: PageId, querystring: PageQuery } },
      async (request, reply) => {
        const { id } = request.params;
        const person = await people.view(actorOf(request), id, 'edit');
        const values = personToForm(person);
        return formPage(request, reply, {
          title: `Change details of ${person.givenName} ${person.familyName}`,
          action: `/people/${id}`,
          // What the form starts from, so a stale save can tell whose change is whose.
          values: { ...values, version: String(person.version), original: JSON.stringify(values) },
          person,
        });
      },
    );

    app.post(
      '/people/:id',
      {
        config: { access: 'people:edit' },
        schema: { params: PageId, body: FormBody, querystring: PageQuery },
      },
      async (request, reply) => {
        const { id } = request.params;
        const body = request.body;
        const actor = actorOf(request);
        const title = (p: PersonRecord) => `Change details of ${p.givenName} ${p.familyName}`;
        // Sent back from a stale-edit page: each conflicting part must have been chosen.
        const { values, unresolved } = applyResolutions(body);
        if (unresolved.length) {
          const current = await people.view(actor, id, 'edit');
          const theirs = personToForm(current);
          const conflicts = unresolved.map((group) => ({
            group,
            mine: Object.fromEntries(group.keys.map((k) => [k, body[k]])),
            theirs: Object.fromEntries(group.keys.map((k) => [k, body[`theirs-${k}`] ?? theirs[k]])),
          }));
          return formPage(request, reply.code(422), {
            title: title(current),
            action: `/people/${id}`,
            values: body,
            errors: unresolved.map((g) => ({
              field: `resolve-${g.id}`,
              message: `Choose which ${g.label} to keep`,
            })),
            person: current,
            stale: { takenFromTheirs: [], conflicts: conflictView(conflicts) },
          });
        }
        try {
          await people.update(actor, id, Number(values.version), formToPersonInput(values));
          return reply.redirect(`/people/${id}?saved=1`);
        } catch (error) {
          if (!(error instanceof ValidationError) && !(error instanceof ConflictError)) throw error;
          const current = await people.view(actor, id, 'edit');
          if (error instanceof ValidationError) {
            return formPage(request, reply.code(422), {
              title: title(current),
              action: `/people/${id}`,
              values,
              errors: error.errors,
              person: current,
            });
          }
          // Someone saved meanwhile: keep what was typed, take their changes to the parts not typed
          // over, and ask about the parts both changed. Nothing is saved until the person says.
          const theirs = personToForm(current);
          let base: Form = {};
          try {
            base = JSON.parse(String(body.original ?? '{}')) as Form;
          } catch {
            base = {};
          }
          const { merged, conflicts, takenFromTheirs } = threeWayMerge(base, values, theirs);
          return formPage(request, reply.code(409), {
            title: title(current),
            action: `/people/${id}`,
            values: { ...merged, version: String(current.version), original: JSON.stringify(theirs) },
            errors: [
              {
                field: conflicts.length ? `resolve-${conflicts[0].group.id}` : 'givenName',
                message: error.message,
              },
            ],
            person: current,
            stale: {
              takenFromTheirs: takenFromTheirs.map((g) => g.label),
              conflicts: conflictView(conflicts),
            },
          });
        }
      },
    );

    app.get(
      '/people/:id/access-log',
      { config: { access: 'people:view_access_log' }, schema: { params: PageId, querystring: PageQuery } },
      async (request, reply) => {
        const { id } = request.params;
        const { person, events } = await people.accessLog(actorOf(request), id);
        return renderPage(request, reply, 'people/views/access-log.njk', {
          title: `Access log: ${person.givenName} ${person.familyName}`,
          person,
          events,
        });
      },
    );

    async function unmergePage(
      request: PageRequest,
      reply: FastifyReply,
      { id, mergeId }: { id: string; mergeId: string },
      failed?: { errors: FieldError[]; values: FormBody },
    ) {
      const errors = failed?.errors;
      const actor = actorOf(request);
      const person = await people.view(actor, id);
      const { merges } = await people.records(actor, id);
      const merge = merges.find((m) => m.id === mergeId);
      if (!merge) throw new NotFoundError('No such merge');
      return renderPage(request, reply.code(errors ? 422 : 200), 'people/views/unmerge.njk', {
        title: `Undo a merge: ${person.givenName} ${person.familyName}`,
        person,
        merge,
        values: failed?.values ?? {},
        errors,
      });
    }

    const MERGE_PARAMS = Type.Object({
      id: Type.String({ format: 'uuid' }),
      mergeId: Type.String({ format: 'uuid' }),
    });

    app.get(
      '/people/:id/merges/:mergeId/unmerge',
      { config: { access: 'people:merge' }, schema: { params: MERGE_PARAMS, querystring: PageQuery } },
      (request, reply) => unmergePage(request, reply, request.params),
    );

    app.post(
      '/people/:id/merges/:mergeId/unmerge',
      {
        config: { access: 'people:merge' },
        schema: { params: MERGE_PARAMS, body: FormBody, querystring: PageQuery },
      },
      async (request, reply) => {
        const { id, mergeId } = request.params;
        try {
          await people.unmerge(actorOf(request), mergeId, one(request.body.reason), id);
        } catch (error) {
          if (error instanceof ValidationError)
            return unmergePage(request, reply, request.params, {
              errors: error.errors,
              values: request.body,
            });
          throw error;
        }
        return reply.redirect(`/people/${id}?unmerged=1`, 303);
      },
    );

    // API: the same service, the same rules.
    const tags = ['People'];

    app.post(
      '/api/v1/people',
      {
        config: { access: 'people:create' },
        schema: {
          tags,
          summary: 'Record a person',
          body: personBodySchema,
          response: { 201: personResponseSchema },
        },
      },
      async (request, reply) => {
        const id = await people.create(actorOf(request), request.body);
        const person = await people.view(actorOf(request), id, 'created through the API');
        return reply.code(201).header('location', `/api/v1/people/${id}`).send(toApi(person));
      },
    );

    app.get(
      '/api/v1/people/:id/records',
      {
        config: { access: 'people:view' },
        schema: {
          tags,
          summary: "Each agency's own records of the person, and the records merged into them",
          params: ID_PARAMS,
        },
      },
      async (request) => {
        const { id } = request.params;
        return people.records(actorOf(request), id);
      },
    );

    app.post(
      '/api/v1/people/:id/merges',
      {
        config: { access: 'people:merge' },
        schema: {
          tags,
          summary: 'Merge another person into this one (nothing is lost; undo with unmerge)',
          params: ID_PARAMS,
          body: Type.Object(
            { absorbedId: Type.String({ format: 'uuid' }), reason: Type.String({ maxLength: 2000 }) },
            { additionalProperties: false },
          ),
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const body = request.body;
        const mergeId = await people.merge(actorOf(request), {
          survivorId: id,
          absorbedId: body.absorbedId,
          reason: body.reason,
        });
        return reply.code(201).send({ mergeId });
      },
    );

    app.post(
      '/api/v1/people/:id/merges/:mergeId/unmerge',
      {
        config: { access: 'people:merge' },
        schema: {
          tags,
          summary: 'Undo a merge: the records are separate again, exactly as before',
          params: MERGE_PARAMS,
          body: Type.Object({ reason: Type.String({ maxLength: 2000 }) }, { additionalProperties: false }),
        },
      },
      async (request) => {
        const { id, mergeId } = request.params;
        return people.unmerge(actorOf(request), mergeId, request.body.reason, id);
      },
    );

    app.get(
      '/api/v1/people/:id',
      {
        config: { access: 'people:view' },
        schema: {
          tags,
          summary: 'Read a person (audited)',
          params: ID_PARAMS,
          response: { 200: personResponseSchema },
        },
      },
      async (request) => {
        const { id } = request.params;
        return toApi(await people.view(actorOf(request), id));
      },
    );

    app.get(
      '/api/v1/people',
      {
        config: { access: 'people:search' },
        schema: {
          tags,
          summary: 'Search people by name, date of birth and postcode',
          querystring: personSearchQuerySchema,
          response: {
            200: {
              type: 'object',
              properties: {
                results: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      id: { type: 'string' },
                      givenName: { type: 'string' },
                      familyName: { type: 'string' },
                      dateOfBirth: { type: ['string', 'null'] },
                      dobPrecision: { type: 'string' },
                      postcode: { type: ['string', 'null'] },
                      wardName: { type: ['string', 'null'] },
                      gender: { type: 'string' },
                    },
                  },
                },
              },
            },
          },
        },
      },
      async (request) => {
        const { results } = await people.search(actorOf(request), request.query);
        return { results };
      },
    );
  };
}
