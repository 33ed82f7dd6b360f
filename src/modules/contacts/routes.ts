import type { FastifyInstance, FastifyReply } from 'fastify';
import { hasPermission } from '../../platform/access.ts';
import { ConflictError, type FieldError, ValidationError } from '../../platform/errors.ts';
import { IdempotencyHeaders } from '../../platform/idempotency.ts';
import type { RouteContext } from '../../platform/module.ts';
import {
  code,
  FormBody,
  nullable,
  one,
  PageId,
  PageQuery,
  type PageRequest,
  Type,
  typed,
} from '../../platform/schemas.ts';
import { ID_PARAMS } from '../../platform/validation.ts';
import { actorOf, renderPage } from '../../platform/web.ts';
import type { MatchingService } from '../matching/index.ts';
import type { ContactsService } from './service.ts';

export type ContactsRouteContext = RouteContext<ContactsService, { matching: MatchingService }>;

import { checkLanguage } from '../language/index.ts';
import { formToPersonInput } from '../people/index.ts';
import {
  CATEGORIES,
  CATEGORY_NAMES,
  OUTCOME_NAMES,
  OUTCOMES,
  PART_NAMES,
  PARTS,
  PLACE_NAMES,
  SOURCE_KINDS,
  URGENCIES,
  URGENCY_NAMES,
} from './reference.ts';
import type { ContactRecord } from './repository.ts';

type Form = Record<string, unknown>;

/** The form's agency professional's name and the public reporter's name are one field in the domain. */
function formToContact(body: Form): Form {
  return body.sourceKind === 'agency' ? { ...body, sourceName: body.sourceNameAgency } : body;
}

const names = {
  categories: CATEGORY_NAMES,
  outcomes: OUTCOME_NAMES,
  urgencies: URGENCY_NAMES,
  parts: PART_NAMES,
  places: PLACE_NAMES,
};

function contactToForm(c: ContactRecord): Form {
  return {
    ...c,
    anonymous: c.anonymous ? 'yes' : '',
    placesText: c.places.map((p) => p.description).join('\n'),
    version: String(c.version),
  };
}

const optionalText = (maxLength: number, description?: string) =>
  Type.Optional(nullable(Type.String({ maxLength, ...(description ? { description } : {}) })));

const ContactBody = Type.Object(
  {
    sourceKind: code(SOURCE_KINDS),
    sourceAgencyId: Type.Optional(nullable(Type.String({ format: 'uuid' }))),
    sourceName: optionalText(200),
    sourceContactDetails: optionalText(300),
    anonymous: Type.Optional(Type.Boolean()),
    occurredOn: optionalText(10, 'YYYY-MM-DD'),
    occurredTime: optionalText(40),
    location: optionalText(500),
    categories: Type.Array(code(CATEGORIES), { maxItems: 10 }),
    narrative: Type.String({ maxLength: 50000 }),
    places: Type.Optional(
      Type.Array(
        Type.Object(
          {
            description: Type.String(),
            kind: Type.Optional(
              Type.String({ description: 'home, school, shop_or_takeaway, … (other when not given)' }),
            ),
            postcode: Type.Optional(nullable(Type.String())),
          },
          { additionalProperties: false },
        ),
        { maxItems: 20 },
      ),
    ),
    people: Type.Array(
      Type.Object(
        { personId: Type.String({ format: 'uuid' }), part: code(PARTS) },
        { additionalProperties: false },
      ),
      {
        minItems: 1,
        maxItems: 30,
        description: 'People already in Lantern (create new ones with POST /api/v1/people first)',
      },
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        sourceKind: 'agency',
        sourceAgencyId: '00000000-0000-4000-8000-000000000000',
        categories: ['sexual', 'missing'],
        narrative: 'Seen getting into cars with older males after school; missing twice this month.',
        places: [
          { description: 'Takeaway on the high street', kind: 'shop_or_takeaway', postcode: 'BD7 1AB' },
        ],
        people: [{ personId: '00000000-0000-4000-8000-000000000001', part: 'subject' }],
      },
    ],
  },
);

const DecisionBody = Type.Object(
  { outcome: code(OUTCOMES), urgency: code(URGENCIES), rationale: Type.String({ maxLength: 20000 }) },
  {
    additionalProperties: false,
    examples: [
      {
        outcome: 'exploitation_assessment',
        urgency: 'within_24_hours',
        rationale: 'Clear signs of sexual exploitation and repeated missing episodes.',
      },
    ],
  },
);

export function contactsRoutes(ctx: ContactsRouteContext) {
  const contacts = ctx.service;

  async function formPage(
    request: PageRequest,
    reply: FastifyReply,
    ctx: { title: string; action: string; values: Form; errors?: FieldError[] },
  ) {
    const agencies = await contacts.agencies(actorOf(request));
    return renderPage(request, reply, 'contacts/views/form.njk', {
      ...ctx,
      agencyItems: [
        { value: '', text: 'Select an agency' },
        ...agencies.map((a) => ({ value: a.id, text: a.name, selected: a.id === ctx.values.sourceAgencyId })),
      ],
      categoryItems: CATEGORIES.map((k) => ({
        value: k,
        text: CATEGORY_NAMES[k],
        checked: [ctx.values.categories ?? []].flat().includes(k),
      })),
      languageFindings: typeof ctx.values.narrative === 'string' ? checkLanguage(ctx.values.narrative) : [],
    });
  }

  async function contactPage(request: PageRequest, reply: FastifyReply, id: string, extra: Form = {}) {
    const actor = actorOf(request);
    const contact = await contacts.get(actor, id);
    const search = {
      name: one(request.query.name) ?? '',
      dob: one(request.query.dob) ?? '',
      postcode: one(request.query.postcode) ?? '',
      phone: one(request.query.phone) ?? '',
      email: one(request.query.email) ?? '',
    };
    let candidates: unknown[] | undefined;
    let modelVersion: number | undefined;
    let searchErrors: FieldError[] | undefined;
    if (contact.status === 'draft' && Object.values(search).some(Boolean)) {
      try {
        // The "already known?" matcher: ranked, with the evidence for each candidate.
        const result = await ctx.deps.matching.match(actor, {
          full_name: search.name,
          dob: search.dob,
          postcode: search.postcode,
          phone: search.phone,
          email: search.email,
        });
        candidates = result.candidates;
        modelVersion = result.modelVersion;
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        searchErrors = error.errors.map((e) => ({
          ...e,
          field: ['dob', 'postcode', 'phone', 'email'].includes(e.field) ? e.field : 'name',
        }));
      }
    }
    return renderPage(request, reply, 'contacts/views/show.njk', {
      title: `Contact ${contact.reference}`,
      contact,
      names,
      candidates,
      modelVersion,
      search,
      searchUrl: `/contacts/${contact.id}?${new URLSearchParams(search)}`,
      errors: searchErrors,
      partItems: PARTS.map((p) => ({ value: p, text: PART_NAMES[p] })),
      outcomeItems: OUTCOMES.map((o) => ({ value: o, text: OUTCOME_NAMES[o] })),
      urgencyItems: URGENCIES.map((u) => ({ value: u, text: URGENCY_NAMES[u] })),
      languageFindings: checkLanguage(contact.narrative),
      decisionFindings: contact.decision ? checkLanguage(contact.decision.rationale) : [],
      can: {
        record: hasPermission(actor, 'contacts:record'),
        decide: hasPermission(actor, 'contacts:decide'),
        signOff: hasPermission(actor, 'contacts:sign_off'),
      },
      flash: one(request.query.saved) ?? one(request.query.submitted) ?? one(request.query.decided),
      ...extra,
    });
  }

  return async function plugin(fastify: FastifyInstance) {
    const app = typed(fastify);
    app.get(
      '/contacts',
      { config: { access: 'contacts:view' }, schema: { querystring: PageQuery } },
      async (request, reply) => {
        const lists = await contacts.list(actorOf(request));
        return renderPage(request, reply, 'contacts/views/list.njk', {
          title: 'Contacts',
          ...lists,
          names,
          canRecord: hasPermission(request.actor, 'contacts:record'),
        });
      },
    );

    app.get(
      '/contacts/new',
      { config: { access: 'contacts:record' }, schema: { querystring: PageQuery } },
      async (request, reply) =>
        formPage(request, reply, {
          title: 'Record a contact',
          action: '/contacts',
          values: { sourceKind: 'agency' },
        }),
    );

    app.post(
      '/contacts',
      { config: { access: 'contacts:record' }, schema: { body: FormBody, querystring: PageQuery } },
      async (request, reply) => {
        const body = request.body;
        try {
          const id = await contacts.createDraft(actorOf(request), formToContact(body));
          return reply.redirect(`/contacts/${id}?saved=draft`);
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          return formPage(request, reply.code(422), {
            title: 'Record a contact',
            action: '/contacts',
            values: body,
            errors: error.errors,
          });
        }
      },
    );

    app.get(
      '/contacts/:id',
      { config: { access: 'contacts:view' }, schema: { params: PageId, querystring: PageQuery } },
      async (request, reply) => contactPage(request, reply, request.params.id),
    );

    app.get(
      '/contacts/:id/edit',
      { config: { access: 'contacts:record' }, schema: { params: PageId, querystring: PageQuery } },
      async (request, reply) => {
        const { id } = request.params;
        const contact = await contacts.get(actorOf(request), id);
        return formPage(request, reply, {
          title: `Change contact ${contact.reference}`,
          action: `/contacts/${id}/edit`,
          values: contactToForm(contact),
        });
      },
    );

    app.post(
      '/contacts/:id/edit',
      {
        config: { access: 'contacts:record' },
        schema: { params: PageId, body: FormBody, querystring: PageQuery },
      },
      async (request, reply) => {
        const { id } = request.params;
        const body = request.body;
        try {
          await contacts.updateDraft(actorOf(request), id, Number(body.version), formToContact(body));
          return reply.redirect(`/contacts/${id}?saved=draft`);
        } catch (error) {
          if (!(error instanceof ValidationError) && !(error instanceof ConflictError)) throw error;
          const errors =
            error instanceof ValidationError
              ? error.errors
              : [{ field: 'narrative', message: error.message }];
          return formPage(request, reply.code(error instanceof ConflictError ? 409 : 422), {
            title: 'Change contact',
            action: `/contacts/${id}/edit`,
            values: body,
            errors,
          });
        }
      },
    );

    app.post(
      '/contacts/:id/people',
      {
        config: { access: 'contacts:record' },
        schema: { params: PageId, body: FormBody, querystring: PageQuery },
      },
      async (request, reply) => {
        const { id } = request.params;
        const body = request.body;
        const personId = one(body.personId) ?? '';
        try {
          const remove = one(body.remove);
          if (remove) await contacts.removePerson(actorOf(request), id, remove);
          else {
            await contacts.addPerson(actorOf(request), id, personId, one(body.part) ?? '');
            // Added from the matcher's suggestions: the practitioner confirmed the match.
            if (body.modelVersion) {
              await ctx.deps.matching.recordDecision(actorOf(request), {
                personId,
                contactId: id,
                decision: 'confirmed',
                probability: body.probability,
                modelVersion: body.modelVersion,
              });
            }
          }
          return reply.redirect(`/contacts/${id}#people`);
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          return contactPage(request, reply.code(422), id, { errors: error.errors });
        }
      },
    );

    app.get(
      '/contacts/:id/people/new',
      { config: { access: 'contacts:record' }, schema: { params: PageId, querystring: PageQuery } },
      async (request, reply) => {
        const { id } = request.params;
        const contact = await contacts.get(actorOf(request), id);
        return renderPage(request, reply, 'contacts/views/new-person.njk', {
          title: 'Add someone new',
          contact,
          values: { dobPrecision: 'exact', part: 'subject' },
          partItems: PARTS.map((p) => ({ value: p, text: PART_NAMES[p] })),
        });
      },
    );

    app.post(
      '/contacts/:id/people/new',
      {
        config: { access: 'contacts:record' },
        schema: { params: PageId, body: FormBody, querystring: PageQuery },
      },
      async (request, reply) => {
        const { id } = request.params;
        const body = request.body;
        try {
          await contacts.addNewPerson(actorOf(request), id, { ...formToPersonInput(body), part: body.part });
          return reply.redirect(`/contacts/${id}#people`);
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          const contact = await contacts.get(actorOf(request), id);
          return renderPage(request, reply.code(422), 'contacts/views/new-person.njk', {
            title: 'Add someone new',
            contact,
            values: body,
            errors: error.errors,
            partItems: PARTS.map((p) => ({ value: p, text: PART_NAMES[p] })),
          });
        }
      },
    );

    app.post(
      '/contacts/:id/submit',
      {
        config: { access: 'contacts:record' },
        schema: { params: PageId, body: FormBody, querystring: PageQuery },
      },
      async (request, reply) => {
        const { id } = request.params;
        try {
          await contacts.submit(actorOf(request), id, Number(one(request.body.version)));
          return reply.redirect(`/contacts/${id}?submitted=1`);
        } catch (error) {
          if (!(error instanceof ValidationError) && !(error instanceof ConflictError)) throw error;
          const errors =
            error instanceof ValidationError ? error.errors : [{ field: 'submit', message: error.message }];
          return contactPage(request, reply.code(422), id, { errors });
        }
      },
    );

    app.post(
      '/contacts/:id/decision',
      {
        config: { access: 'contacts:decide' },
        schema: { params: PageId, body: FormBody, querystring: PageQuery },
      },
      async (request, reply) => {
        const { id } = request.params;
        const body = request.body;
        try {
          await contacts.decide(actorOf(request), id, body);
          return reply.redirect(`/contacts/${id}?decided=1`);
        } catch (error) {
          if (!(error instanceof ValidationError) && !(error instanceof ConflictError)) throw error;
          const errors =
            error instanceof ValidationError ? error.errors : [{ field: 'outcome', message: error.message }];
          return contactPage(request, reply.code(422), id, { errors, decisionValues: body });
        }
      },
    );

    app.post(
      '/contacts/:id/signoff',
      {
        config: { access: 'contacts:sign_off' },
        schema: { params: PageId, body: FormBody, querystring: PageQuery },
      },
      async (request, reply) => {
        const { id } = request.params;
        const body = request.body;
        try {
          await contacts.signOff(actorOf(request), id, body);
          return reply.redirect(`/contacts/${id}?decided=1`);
        } catch (error) {
          if (!(error instanceof ValidationError) && !(error instanceof ConflictError)) throw error;
          const errors =
            error instanceof ValidationError ? error.errors : [{ field: 'decision', message: error.message }];
          return contactPage(request, reply.code(422), id, { errors, signoffValues: body });
        }
      },
    );

    // API
    const tags = ['Contacts'];
    app.post(
      '/api/v1/contacts',
      {
        config: { access: 'contacts:record' },
        schema: {
          tags,
          summary:
            'Receive a contact (created and submitted at once). Send an Idempotency-Key header: a retry returns the first contact.',
          headers: IdempotencyHeaders,
          body: ContactBody,
        },
      },
      async (request, reply) => {
        const key = request.headers['idempotency-key'] ?? null;
        const actor = actorOf(request);
        const received = await contacts.receive(actor, request.body, key);
        const { id, created } = received;
        // A new contact comes back as stored (its receipt is audited); a retry reads the first one.
        const contact = received.contact ?? (await contacts.get(actor, id));
        return reply
          .code(created ? 201 : 200)
          .header('location', `/api/v1/contacts/${id}`)
          .send(contact);
      },
    );
    app.get(
      '/api/v1/contacts/:id',
      { config: { access: 'contacts:view' }, schema: { tags, summary: 'Read a contact', params: ID_PARAMS } },
      async (request) => contacts.get(actorOf(request), request.params.id),
    );
    app.post(
      '/api/v1/contacts/:id/decision',
      {
        config: { access: 'contacts:decide' },
        schema: { tags, summary: 'Record the Front Door decision', params: ID_PARAMS, body: DecisionBody },
      },
      async (request, reply) => {
        const result = await contacts.decide(actorOf(request), request.params.id, request.body);
        return reply.code(201).send(result);
      },
    );
  };
}
