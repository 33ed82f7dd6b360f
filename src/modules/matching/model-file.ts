import { readFileSync, writeFileSync } from 'node:fs';
import { ExtractError } from './extract.ts';
import { type ModelParameters, withEveryComparison } from './model.ts';

/** What `lantern link --model-out` writes: the trained parameters and the fields they were trained on. */
interface ModelFile {
  format: 'lantern-link-model';
  version: 1;
  savedAt: string;
  fields: string[];
  params: ModelParameters;
}

export function saveModelFile(file: string, params: ModelParameters, fields: string[]) {
  const body: ModelFile = {
    format: 'lantern-link-model',
    version: 1,
    savedAt: new Date().toISOString(),
    fields,
    params,
  };
  writeFileSync(file, `${JSON.stringify(body)}\n`);
}

/** A saved model, checked: a file that is not one is refused with a message, not a stack trace. */
export function readModelFile(file: string): { params: ModelParameters; fields: string[] } {
  let body: Partial<ModelFile>;
  try {
    body = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ExtractError(`Could not read the model ${file}: ${(error as Error).message}`);
  }
  const p = body?.params;
  const ok =
    body?.format === 'lantern-link-model' &&
    body.version === 1 &&
    Array.isArray(body.fields) &&
    p &&
    typeof p.lambda === 'number' &&
    p.lambda > 0 &&
    p.lambda < 1 &&
    Array.isArray(p.m) &&
    Array.isArray(p.u) &&
    p.m.length === p.u.length &&
    p.m.every((row, c) => Array.isArray(row) && row.length === p.u[c]?.length && row.every((v) => v > 0)) &&
    p.u.every((row) => row.every((v) => v > 0)) &&
    typeof p.tf === 'object' &&
    typeof p.tfMinimum === 'number';
  if (!ok) throw new ExtractError(`${file} is not a model saved by lantern link --model-out`);
  return { params: withEveryComparison(p as ModelParameters), fields: body.fields as string[] };
}
