import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../data/language/phrases.json',
);

export interface PhraseEntry {
  id: string;
  /** The phrase in words, as a practitioner would say it. */
  name: string;
  pattern: string;
  suggestion: string;
  why: string;
  source: string;
}

export interface LanguageFinding {
  phraseId: string;
  found: string;
  index: number;
  suggestion: string;
  why: string;
  source: string;
}

interface PhraseList {
  sources: Record<string, string>;
  phrases: PhraseEntry[];
}

const list = JSON.parse(readFileSync(FILE, 'utf8')) as PhraseList;
const compiled = list.phrases.map((p) => ({ ...p, regex: new RegExp(`\\b(?:${p.pattern})\\b`, 'gi') }));

export const PHRASES: readonly PhraseEntry[] = list.phrases;
export const SOURCES: Readonly<Record<string, string>> = list.sources;

/** Finds victim-blaming phrases in free text, each with child-centred wording and its source. */
export function checkLanguage(text: string): LanguageFinding[] {
  const findings: LanguageFinding[] = [];
  for (const phrase of compiled) {
    for (const match of text.matchAll(phrase.regex)) {
      findings.push({
        phraseId: phrase.id,
        found: match[0],
        index: match.index ?? 0,
        suggestion: phrase.suggestion,
        why: phrase.why,
        source: list.sources[phrase.source] ?? phrase.source,
      });
    }
  }
  return findings.sort((a, b) => a.index - b.index);
}
