import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';

/**
 * Validates bodies against the Azure OpenAI authoring OpenAPI files in test/fixtures/contracts
 * (Swagger 2.0). Conversion for ajv: definitions become `$defs` of one schema, `x-*` keywords,
 * `discriminator`, `example` and `readOnly` are dropped, Swagger formats (int32, int64, double,
 * unixtime, url) are checked as what they mean. Enums stay strict, except `ErrorCode`: the
 * contract (CONTRACT.md §2) records real codes outside it, such as "429" and "DeploymentNotFound".
 */
const CONTRACTS = path.resolve(__dirname, '../../fixtures/contracts/azure-openai');

export type SpecName = 'stable' | 'preview';
const FILES: Record<SpecName, string> = {
  stable: 'authoring-stable-2024-10-21.azureopenai.json',
  preview: 'authoring-preview-2025-04-01-preview.azureopenai.json',
};

function convert(node: unknown, name?: string): unknown {
  if (Array.isArray(node)) return node.map((n) => convert(n));
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key.startsWith('x-') || key === 'discriminator' || key === 'example' || key === 'readOnly' || key === 'title') continue;
    if (key === '$ref' && typeof value === 'string') out.$ref = value.replace('#/definitions/', '#/$defs/');
    else if (key === 'enum' && name === 'ErrorCode') continue;
    else out[key] = convert(value);
  }
  return out;
}

const cache = new Map<string, ValidateFunction>();

export function validator(spec: SpecName, definition: string): ValidateFunction {
  const key = `${spec}:${definition}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const doc = JSON.parse(fs.readFileSync(path.join(CONTRACTS, FILES[spec]), 'utf8')) as { definitions: Record<string, unknown> };
  if (!doc.definitions[definition]) throw new Error(`${FILES[spec]} has no definition ${definition}`);
  const $defs: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(doc.definitions)) $defs[name] = convert(schema, name);
  const ajv = new Ajv({ strict: false, allErrors: true });
  const isInt = (min: number, max: number) => (n: number) => Number.isInteger(n) && n >= min && n <= max;
  ajv.addFormat('int32', { type: 'number', validate: isInt(-2147483648, 2147483647) });
  ajv.addFormat('int64', { type: 'number', validate: isInt(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) });
  ajv.addFormat('unixtime', { type: 'number', validate: isInt(0, 2 ** 32) });
  ajv.addFormat('double', { type: 'number', validate: (n: number) => Number.isFinite(n) });
  ajv.addFormat('url', { type: 'string', validate: (s: string) => URL.canParse(s) });
  const validate = ajv.compile({ $defs, $ref: `#/$defs/${definition}` });
  cache.set(key, validate);
  return validate;
}

/** Throws with ajv's errors when `body` does not match `definition` of the spec. */
export function assertMatches(spec: SpecName, definition: string, body: unknown): void {
  const validate = validator(spec, definition);
  if (!validate(body)) {
    throw new Error(
      `body does not match ${spec} ${definition}:\n${JSON.stringify(validate.errors, null, 2)}\nbody: ${JSON.stringify(body).slice(0, 2000)}`,
    );
  }
}

/**
 * OpenAI's own OpenAPI (3.1, JSON Schema 2020-12) for what the Azure authoring files do not cover:
 * chat completions (CONTRACT.md §7: Azure's inference spec was not copied; its response is the
 * OpenAI `chat.completion` object plus Azure's filter results, which the schema allows as extra keys).
 * Only the components reachable from the requested one are compiled.
 */
let openaiComponents: Record<string, unknown> | undefined;

export function openAIValidator(component: string): ValidateFunction {
  const key = `openai:${component}`;
  const hit = cache.get(key);
  if (hit) return hit;
  openaiComponents ??= (
    JSON.parse(fs.readFileSync(path.join(CONTRACTS, 'openai-openapi.full.json'), 'utf8')) as {
      components: { schemas: Record<string, unknown> };
    }
  ).components.schemas;
  const all = openaiComponents;
  if (!all[component]) throw new Error(`openai-openapi.full.json has no component ${component}`);
  const $defs: Record<string, unknown> = {};
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (k.startsWith('x-') || k === 'discriminator' || k === 'example' || k === 'examples' || k === 'deprecated') continue;
      if (k === '$ref' && typeof v === 'string') {
        const name = v.replace('#/components/schemas/', '');
        if (!(name in $defs)) {
          $defs[name] = {};
          $defs[name] = rewrite(all[name]);
        }
        out.$ref = `#/$defs/${name}`;
      } else if (k !== 'nullable') out[k] = rewrite(v);
    }
    // A few 3.0-style `nullable: true` remain in the 3.1 document: as JSON Schema, "or null".
    const src = node as Record<string, unknown>;
    if (src.nullable === true && typeof src.type === 'string') out.type = [src.type, 'null'];
    return out;
  };
  $defs[component] = rewrite(all[component]);
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile({ $defs, $ref: `#/$defs/${component}` });
  cache.set(key, validate);
  return validate;
}

export function assertMatchesOpenAI(component: string, body: unknown): void {
  const validate = openAIValidator(component);
  if (!validate(body)) {
    throw new Error(
      `body does not match OpenAI ${component}:\n${JSON.stringify(validate.errors, null, 2)}\nbody: ${JSON.stringify(body).slice(0, 2000)}`,
    );
  }
}
