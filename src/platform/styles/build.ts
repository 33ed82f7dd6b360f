import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sass from 'sass';

const here = path.dirname(fileURLToPath(import.meta.url));
export const CSS_OUTPUT = path.resolve(here, '../assets/lantern.css');

/** Compiles GOV.UK Frontend, MOJ Frontend and Lantern's own styles into one stylesheet. */
export function compileStyles(): string {
  const result = sass.compile(path.join(here, 'lantern.scss'), {
    style: 'compressed',
    importers: [new sass.NodePackageImporter(path.resolve(here, '../../..'))],
    loadPaths: [path.resolve(here, '../../..')],
    quietDeps: true,
    silenceDeprecations: ['import', 'global-builtin', 'color-functions'],
  });
  return `${result.css}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(CSS_OUTPUT, compileStyles());
  console.log(`Wrote ${path.relative(process.cwd(), CSS_OUTPUT)}`);
}
