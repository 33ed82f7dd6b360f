export { checkLanguage, type LanguageFinding, PHRASES, SOURCES } from './check.ts';
export { languageRoutes } from './routes.ts';
export { checkAndRecord, createLanguageService, type LanguageService, languagePolicy } from './service.ts';

import { defineModule } from '../../platform/module.ts';
import { languageRoutes } from './routes.ts';
import { checkAndRecord, createLanguageService, languagePolicy } from './service.ts';

export const languageModule = defineModule({
  name: 'language',
  policy: languagePolicy,
  service: (ctx) => createLanguageService(ctx.db),
  routes: (app, ctx) => languageRoutes(ctx)(app),
  navigation: [
    {
      href: '/reports/language',
      text: 'Language in records',
      permission: 'language:view_practice',
      order: 55,
    },
  ],
  // Free text that any module writes with an event is checked, and what is found counted.
  subscribe: (_language, events) => {
    events.on('*', async (c, event) => {
      if (event.text)
        await checkAndRecord(
          c,
          event.actor,
          { kind: event.text.recordKind, id: event.text.recordId },
          event.text.fields,
        );
    });
  },
});
