import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasPermission } from '../../platform/access.ts';
import type { FieldError } from '../../platform/errors.ts';
import { renderPdf } from '../../platform/pdf/index.ts';
import { FormBody, PageId, Type, typed } from '../../platform/schemas.ts';
import { londonDate } from '../../platform/validation.ts';
import { actorOf, renderPage, saveForm } from '../../platform/web.ts';
import { grabPackPdf, grabPackRows } from './grab-pack.ts';
import { PHOTO_LIMIT, type PhilomenaService } from './philomena.ts';
import { PARTIES, PARTY_NAMES } from './reference.ts';

/** The photo form: its fields, and the file as { data, truncated } (see onFile below). */
const UploadBody = Type.Object({
  _csrf: Type.Optional(Type.String()),
  personId: Type.Optional(Type.String()),
  photo: Type.Optional(Type.Unknown()),
});

/** The file part as the multipart reader leaves it (a text field of that name is not a file). */
const isUpload = (value: unknown): value is { data: Buffer; truncated: boolean } =>
  !!value && typeof value === 'object' && Buffer.isBuffer((value as { data?: unknown }).data);

export function philomenaRoutes(philomena: PhilomenaService) {
  return async function plugin(fastify: FastifyInstance) {
    const app = typed(fastify);
    // Multipart only for the one route that takes a photograph: no other route accepts a file, so
    // no other route's form is read after the CSRF check. The file is held in memory up to the limit.
    await fastify.register(async (uploads) => {
      await uploads.register(multipart, {
        attachFieldsToBody: 'keyValues',
        throwFileSizeLimit: false,
        limits: { fileSize: PHOTO_LIMIT, files: 1, fields: 10, parts: 11 },
        async onFile(part) {
          const data = await part.toBuffer();
          (part as unknown as { value: unknown }).value = { data, truncated: part.file.truncated };
        },
      });
      // The upload's CSRF token is in its form fields, read by the multipart hook above: check it now.
      uploads.addHook('preHandler', (request, reply, done) => {
        if (!String(request.headers['content-type'] ?? '').startsWith('multipart/form-data')) return done();
        uploads.csrfProtection(request, reply, done);
      });
      typed(uploads).post(
        '/philomena-plans/:id/photo',
        { config: { access: 'missing:view_photo' }, schema: { params: PageId, body: UploadBody } },
        async (request, reply) => {
          const personId = request.body.personId ?? '';
          const file = isUpload(request.body.photo) ? request.body.photo : undefined;
          return saveForm(
            reply,
            async () => {
              const child = await philomena.uploadPhoto(actorOf(request), request.params.id, file);
              return `/people/${child}/philomena`;
            },
            (errors, refused) => planPage(request, refused, personId, { errors, form: 'photo' }),
          );
        },
      );
    });

    async function planPage(
      request: FastifyRequest,
      reply: FastifyReply,
      personId: string,
      extra: { errors?: FieldError[]; values?: Record<string, unknown>; form?: string } = {},
    ) {
      const actor = actorOf(request);
      const state = await philomena.forPerson(actor, personId);
      const [y, m, d] = londonDate(new Date()).split('-').map(Number);
      const inThreeMonths = new Date(Date.UTC(y, m + 2, d)).toISOString().slice(0, 10);
      const values =
        extra.form === 'plan' && extra.values
          ? extra.values
          : { ...(state.plan ?? {}), reviewDue: state.plan?.reviewDue ?? inThreeMonths };
      const chosen = new Set([values.associates ?? []].flat().map(String));
      return renderPage(request, reply, 'missing/views/philomena.njk', {
        title: 'Philomena Protocol plan',
        personId,
        ...state,
        values,
        agreeValues: extra.form === 'agree' ? (extra.values ?? {}) : {},
        errors: extra.errors,
        form: extra.form,
        associateItems: state.seenWith.map((p) => ({
          value: p.id,
          text: `${p.name} (${p.part.replace(/_/g, ' ')})`,
          checked: chosen.has(p.id),
        })),
        partyItems: PARTIES.map((p) => ({ value: p, text: PARTY_NAMES[p] })),
        can: {
          record: hasPermission(actor, 'missing:record_plan'),
          photo: hasPermission(actor, 'missing:view_photo'),
        },
      });
    }

    app.get(
      '/people/:id/philomena',
      { config: { access: 'missing:view_plan' }, schema: { params: PageId } },
      async (request, reply) => planPage(request, reply, request.params.id),
    );
    app.post(
      '/people/:id/philomena',
      { config: { access: 'missing:record_plan' }, schema: { params: PageId, body: FormBody } },
      async (request, reply) => {
        const { id } = request.params;
        return saveForm(
          reply,
          async () => {
            await philomena.save(actorOf(request), id, request.body);
            return `/people/${id}/philomena`;
          },
          (errors, refused) => planPage(request, refused, id, { errors, values: request.body, form: 'plan' }),
        );
      },
    );
    app.post(
      '/philomena-plans/:id/agreements',
      { config: { access: 'missing:record_plan' }, schema: { params: PageId, body: FormBody } },
      async (request, reply) => {
        const personId = String(request.body.personId ?? '');
        return saveForm(
          reply,
          async () => {
            const agreed = await philomena.agree(actorOf(request), request.params.id, request.body);
            return `/people/${agreed.personId}/philomena`;
          },
          (errors, refused) =>
            planPage(request, refused, personId, { errors, values: request.body, form: 'agree' }),
        );
      },
    );
    app.get(
      '/philomena-plans/:id/photo',
      { config: { access: 'missing:view_photo' }, schema: { params: PageId } },
      async (request, reply) => {
        const photo = await philomena.photo(actorOf(request), request.params.id);
        return reply.type(photo.mediaType).header('content-disposition', 'inline').send(photo.content);
      },
    );
    app.get(
      '/people/:id/philomena/grab-pack',
      { config: { access: 'missing:view_plan' }, schema: { params: PageId } },
      async (request, reply) => {
        const pack = await philomena.grabPack(actorOf(request), request.params.id);
        return renderPage(request, reply, 'missing/views/grab-pack.njk', {
          title: 'Grab pack',
          personId: request.params.id,
          pack,
          rows: grabPackRows(pack),
          hideAttention: true,
        });
      },
    );
    app.get(
      '/people/:id/philomena/grab-pack.pdf',
      { config: { access: 'missing:view_plan' }, schema: { params: PageId } },
      async (request, reply) => {
        const pack = await philomena.grabPack(actorOf(request), request.params.id);
        return reply
          .type('application/pdf')
          .header('content-disposition', 'inline; filename="grab-pack.pdf"')
          .send(await renderPdf(grabPackPdf(pack)));
      },
    );
  };
}
