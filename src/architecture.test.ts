import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

/**
 * The rules of the code's shape, checked rather than hoped for: no import cycles (type-only imports
 * included); modules reach each other only through index.ts and never import the app or the
 * wiring; core modules never import workflow modules; PostgreSQL (the driver or SQL text) only in
 * repositories and src/db; request input typed by its schema, never cast.
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const SRC = path.join(ROOT, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return files(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
  });
}

const rel = (f: string) => path.relative(ROOT, f);
const SOURCES = files(SRC);

/** Static imports and re-exports of a file, type-only ones included, resolved to files. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^'";]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'/gm)) {
    const spec = m[1] ?? m[2];
    if (!spec.startsWith('.')) continue;
    out.push(path.resolve(path.dirname(file), spec));
  }
  return out;
}

const GRAPH = new Map(SOURCES.map((f) => [f, importsOf(f).filter((i) => SOURCES.includes(i))]));

/** Strongly connected components with more than one file (or a file importing itself). */
function cycles(): string[][] {
  let index = 0;
  const stack: string[] = [];
  const on = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    on.add(v);
    for (const w of GRAPH.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v) as number, idx.get(w) as number));
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        on.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (GRAPH.get(v) ?? []).includes(v)) found.push(component.map(rel).sort());
    }
  };
  for (const v of GRAPH.keys()) if (!idx.has(v)) visit(v);
  return found;
}

const moduleOf = (f: string) => /src\/modules\/([^/]+)\//.exec(f)?.[1];

/** Core modules: what workflow modules build on. Nothing in them may import a workflow module. */
const CORE = [
  'site',
  'district',
  'accounts',
  'operations',
  'people',
  'language',
  'clock',
  'flags',
  'matching',
];

describe('architecture', () => {
  it('has no import cycles, type-only imports included', () => {
    assert.ok(GRAPH.size > 50, `read ${GRAPH.size} files`);
    assert.deepEqual(cycles(), []);
  });

  it('keeps modules apart: only through index.ts, never the app or the wiring, never up a layer', () => {
    const problems: string[] = [];
    for (const [file, imports] of GRAPH) {
      const from = moduleOf(file);
      for (const target of imports) {
        const to = moduleOf(target);
        if (from && (target === path.join(SRC, 'app.ts') || target === path.join(SRC, 'services.ts')))
          problems.push(`${rel(file)} imports ${rel(target)}`);
        if (from && to && from !== to && !target.endsWith(`/modules/${to}/index.ts`))
          problems.push(`${rel(file)} reaches into ${rel(target)}`);
        if (from && to && from !== to && CORE.includes(from) && !CORE.includes(to))
          problems.push(`core module ${from} imports workflow module ${to} (${rel(file)})`);
        if (!from && /src\/(platform|db)\//.test(file) && to)
          problems.push(`${rel(file)} (platform) imports ${rel(target)}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('keeps the server from the command line: the server never imports src/cli', () => {
    const reached = new Set<string>();
    const walk = (f: string) => {
      if (reached.has(f)) return;
      reached.add(f);
      for (const i of GRAPH.get(f) ?? []) walk(i);
    };
    walk(path.join(SRC, 'server.ts'));
    assert.deepEqual([...reached].filter((f) => f.includes('/src/cli/')).map(rel), []);
  });

  it('has PostgreSQL — the driver or SQL text — only in repositories and src/db', () => {
    const allowed = (f: string) => f.startsWith(path.join(SRC, 'db')) || path.basename(f) === 'repository.ts';
    const SQL =
      /\b(SELECT\s+[\w*"(]|INSERT\s+INTO|UPDATE\s+[a-z_]+\s+SET|DELETE\s+FROM|(CREATE|ALTER|DROP)\s+(TABLE|INDEX|ROLE|FUNCTION|DATABASE|SCHEMA)|COPY\s+[a-z_]+\s*\()/;
    const problems: string[] = [];
    for (const file of SOURCES.filter((f) => !allowed(f))) {
      const text = readFileSync(file, 'utf8');
      if (/from\s+'pg(-copy-streams)?'/.test(text))
        problems.push(`${rel(file)} imports the PostgreSQL driver`);
      for (const literal of text.match(/`[^`]*`|'(?:[^'\\\n]|\\.)*'/g) ?? [])
        if (SQL.test(literal)) problems.push(`${rel(file)} has SQL: ${literal.slice(0, 60)}`);
    }
    assert.deepEqual(problems, []);
  });

  it('has no casts of request input: routes take their types from their schemas', () => {
    const problems: string[] = [];
    for (const file of SOURCES) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/request\.(body|query|params|headers)\b[^;\n]*?\)?\s+as\s+[A-Z{(]/g))
        problems.push(`${rel(file)}: ${m[0]}`);
    }
    assert.deepEqual(problems, []);
  });
});
