import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasPermission } from '../../platform/access.ts';
import { ConflictError, type FieldError, ValidationError } from '../../platform/errors.ts';
import type { RouteContext } from '../../platform/module.ts';
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

const contactSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['sourceKind', 'categories', 'narrative', 'people'],
  properties: {
    sourceKind: { type: 'string', enum: SOURCE_KINDS },
    sourceAgencyId: { type: ['string', 'null'], format: 'uuid' },
    sourceName: { type: ['string', 'null'], maxLength: 200 },
    sourceContactDetails: { type: ['string', 'null'], maxLength: 300 },
    anonymous: { type: 'boolean' },
    occurredOn: { type: ['string', 'null'], maxLength: 10, description: 'YYYY-MM-DD' },
    occurredTime: { type: ['string', 'null'], maxLength: 40 },
    location: { type: ['string', 'null'], maxLength: 500 },
    categories: { type: 'array', items: { type: 'string', enum: CATEGORIES }, maxItems: 10 },
    narrative: { type: 'string', maxLength: 50000 },
    places: {
      type: 'array',
      maxItems: 20,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['description'],
        properties: {
          description: { type: 'string' },
          kind: { type: 'string' },
          postcode: { type: ['string', 'null'] },
        },
      },
    },
    people: {
      type: 'array',
      minItems: 1,
      maxItems: 30,
      description: 'People already in Lantern (create new ones with POST /api/v1/people first)',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['personId', 'part'],
        properties: { personId: { type: 'string', format: 'uuid' }, part: { type: 'string', enum: PARTS } },
      },
    },
  },
} as const;

const decisionSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['outcome', 'urgency', 'rationale'],
  properties: {
    outcome: { type: 'string', enum: OUTCOMES },
    urgency: { type: 'string', enum: URGENCIES },
    rationale: { type: 'string', maxLength: 20000 },
  },
} as const;

export function contactsRoutes(ctx: ContactsRouteContext) {
  const contacts = ctx.service;

  async function formPage(
    request: FastifyRequest,
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

  async function contactPage(request: FastifyRequest, reply: FastifyReply, id: string, extra: Form = {}) {
    const actor = actorOf(request);
    const contact = await contacts.get(actor, id);
    const query = request.query as Record<string, string>;
    let candidates: unknown[] | undefined;
    let modelVersion: number | undefined;
    let searchErrors: FieldError[] | undefined;
    if (contact.status === 'draft' && (query.name || query.dob || query.postcode)) {
      try {
        // The "already known?" matcher: ranked, with the evidence for each candidate.
        const result = await ctx.deps.matching.match(actor, {
          full_name: query.name,
          dob: query.dob,
          postcode: query.postcode,
        });
        candidates = result.candidates;
        modelVersion = result.modelVersion;
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        searchErrors = error.errors.map((e) => ({
          ...e,
          field: e.field === 'dob' ? 'dob' : e.field === 'postcode' ? 'postcode' : 'name',
        }));
      }
    }
    return renderPage(request, reply, 'contacts/views/show.njk', {
      title: `Contact ${contact.reference}`,
      contact,
      names,
      candidates,
      modelVersion,
      search: { name: query.name ?? '', dob: query.dob ?? '', postcode: query.postcode ?? '' },
      searchUrl: `/contacts/${contact.id}?${new URLSearchParams({ name: query.name ?? '', dob: query.dob ?? '', postcode: query.postcode ?? '' })}`,
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
      flash: query.saved ?? query.submitted ?? query.decided,
      ...extra,
    });
  }

  return async function plugin(app: FastifyInstance) {
    app.get('/contacts', { config: { access: 'contacts:view' } }, async (request, reply) => {
      const lists = await contacts.list(actorOf(request));
      return renderPage(request, reply, 'contacts/views/list.njk', {
        title: 'Contacts',
        ...lists,
        names,
        canRecord: hasPermission(request.actor, 'contacts:record'),
      });
    });

    app.get('/contacts/new', { config: { access: 'contacts:record' } }, async (request, reply) =>
      formPage(request, reply, {
        title: 'Record a contact',
        action: '/contacts',
        values: { sourceKind: 'agency' },
      }),
    );

    app.post('/contacts', { config: { access: 'contacts:record' } }, async (request, reply) => {
      const body = (request.body ?? {}) as Form;
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
    });

    app.get('/contacts/:id', { config: { access: 'contacts:view' } }, async (request, reply) =>
      contactPage(request, reply, (request.params as { id: string }).id),
    );

    app.get('/contacts/:id/edit', { config: { access: 'contacts:record' } }, async (request, reply) => {
      const { id } = request.params as { id: string };
      const contact = await contacts.get(actorOf(request), id);
      return formPage(request, reply, {
        title: `Change contact ${contact.reference}`,
        action: `/contacts/${id}/edit`,
        values: contactToForm(contact),
      });
    });

    app.post('/contacts/:id/edit', { config: { access: 'contacts:record' } }, async (request, reply) => {
      const { id } = request.params as { id: string };
      const body = (request.body ?? {}) as Form;
      try {
        await contacts.updateDraft(actorOf(request), id, Number(body.version), formToContact(body));
        return reply.redirect(`/contacts/${id}?saved=draft`);
      } catch (error) {
        if (!(error instanceof ValidationError) && !(error instanceof ConflictError)) throw error;
        const errors =
          error instanceof ValidationError ? error.errors : [{ field: 'narrative', message: error.message }];
        return formPage(request, reply.code(error instanceof ConflictError ? 409 : 422), {
          title: 'Change contact',
          action: `/contacts/${id}/edit`,
          values: body,
          errors,
        });
      }
    });

    app.post('/contacts/:id/people', { config: { access: 'contacts:record' } }, async (request, reply) => {
      const { id } = request.params as { id: string };
      const body = (request.body ?? {}) as Record<string, string>;
      try {
        if (body.remove) await contacts.removePerson(actorOf(request), id, body.remove);
        else {
          await contacts.addPerson(actorOf(request), id, body.personId, body.part);
          // Added from the matcher's suggestions: the practitioner confirmed the match.
          if (body.modelVersion) {
            await ctx.deps.matching.recordDecision(actorOf(request), {
              personId: body.personId,
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
    });

    app.get('/contacts/:id/people/new', { config: { access: 'contacts:record' } }, async (request, reply) => {
      const { id } = request.params as { id: string };
      const contact = await contacts.get(actorOf(request), id);
      return renderPage(request, reply, 'contacts/views/new-person.njk', {
        title: 'Add someone new',
        contact,
        values: { dobPrecision: 'exact', part: 'subject' },
        partItems: PARTS.map((p) => ({ value: p, text: PART_NAMES[p] })),
      });
    });

    app.post(
      '/contacts/:id/people/new',
      { config: { access: 'contacts:record' } },
      async (request, reply) => {
        const { id } = request.params as { id: string };
        const body = (request.body ?? {}) as Record<string, string>;
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

    app.post('/contacts/:id/submit', { config: { access: 'contacts:record' } }, async (request, reply) => {
      const { id } = request.params as { id: string };
      try {
        await contacts.submit(actorOf(request), id, Number((request.body as Form).version));
        return reply.redirect(`/contacts/${id}?submitted=1`);
      } catch (error) {
        if (!(error instanceof ValidationError) && !(error instanceof ConflictError)) throw error;
        const errors =
          error instanceof ValidationError ? error.errors : [{ field: 'submit', message: error.message }];
        return contactPage(request, reply.code(422), id, { errors });
      }
    });

    app.post('/contacts/:id/decision', { config: { access: 'contacts:decide' } }, async (request, reply) => {
      const { id } = request.params as { id: string };
      const body = (request.body ?? {}) as Form;
      try {
        await contacts.decide(actorOf(request), id, body);
        return reply.redirect(`/contacts/${id}?decided=1`);
      } catch (error) {
        if (!(error instanceof ValidationError) && !(error instanceof ConflictError)) throw error;
        const errors =
          error instanceof ValidationError ? error.errors : [{ field: 'outcome', message: error.message }];
        return contactPage(request, reply.code(422), id, { errors, decisionValues: body });
      }
    });

    app.post('/contacts/:id/signoff', { config: { access: 'contacts:sign_off' } }, async (request, reply) => {
      const { id } = request.params as { id: string };
      const body = (request.body ?? {}) as Form;
      try {
        await contacts.signOff(actorOf(request), id, body);
        return reply.redirect(`/contacts/${id}?decided=1`);
      } catch (error) {
        if (!(error instanceof ValidationError) && !(error instanceof ConflictError)) throw error;
        const errors =
          error instanceof ValidationError ? error.errors : [{ field: 'decision', message: error.message }];
        return contactPage(request, reply.code(422), id, { errors, signoffValues: body });
      }
    });

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
          headers: {
            type: 'object',
            properties: {
              'idempotency-key': {
                type: 'string',
                minLength: 1,
                maxLength: 200,
                pattern: '^[\\x21-\\x7e]+$',
                description:
                  'Visible ASCII, unique per contact; a retry with the same key and body returns the first',
              },
            },
          },
          body: contactSchema,
        },
      },
      async (request, reply) => {
        const key = (request.headers['idempotency-key'] as string | undefined) ?? null;
        const actor = actorOf(request);
        const received = await contacts.receive(actor, request.body as Form, key);
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
      async (request) => contacts.get(actorOf(request), (request.params as { id: string }).id),
    );
    app.post(
      '/api/v1/contacts/:id/decision',
      {
        config: { access: 'contacts:decide' },
        schema: { tags, summary: 'Record the Front Door decision', params: ID_PARAMS, body: decisionSchema },
      },
      async (request, reply) => {
        const result = await contacts.decide(
          actorOf(request),
          (request.params as { id: string }).id,
          request.body as Form,
        );
        return reply.code(201).send(result);
      },
    );
  };
}
