import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../../platform/module.ts';
import { PageQuery, Type, typed } from '../../platform/schemas.ts';
import { actorOf, renderPage } from '../../platform/web.ts';
import type { LanguageService } from './service.ts';

export type LanguageRouteContext = RouteContext<LanguageService, Record<string, unknown>>;

import { PHRASES, SOURCES } from './check.ts';

const checkSchema = {
  body: Type.Object(
    { text: Type.String({ maxLength: 20000 }) },
    { additionalProperties: false, examples: [{ text: 'She is putting herself at risk by going missing.' }] },
  ),
};

export function languageRoutes(ctx: LanguageRouteContext) {
  return async function plugin(fastify: FastifyInstance) {
    const app = typed(fastify);
    // The inline check behind free-text fields (same-site JSON, CSRF header).
    app.post(
      '/language-check',
      { config: { access: 'language:check' }, schema: checkSchema },
      async (request) => ({
        findings: ctx.service.check(actorOf(request), request.body.text),
      }),
    );

    app.post(
      '/api/v1/language-check',
      {
        config: { access: 'language:check' },
        schema: {
          ...checkSchema,
          tags: ['Language'],
          summary: 'Find victim-blaming phrases and suggest child-centred wording',
        },
      },
      async (request) => ({
        findings: ctx.service.check(actorOf(request), request.body.text),
      }),
    );

    app.get(
      '/reports/language',
      { config: { access: 'language:view_practice' }, schema: { querystring: PageQuery } },
      async (request, reply) => {
        const since = new Date(Date.now() - 90 * 86_400_000);
        const counts = await ctx.service.practice(actorOf(request), since);
        const byId = new Map(PHRASES.map((p) => [p.id, p]));
        return renderPage(request, reply, 'language/views/practice.njk', {
          title: 'Language in records',
          since,
          rows: counts.map((c) => ({ ...c, phrase: byId.get(c.phraseId) })),
          phrases: PHRASES,
          sources: SOURCES,
        });
      },
    );
  };
}
