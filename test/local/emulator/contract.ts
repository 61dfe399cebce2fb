import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';

/**
 * Validates bodies against the Azure OpenAI authoring OpenAPI files in shared/contracts
 * (Swagger 2.0). Conversion for ajv: definitions become `$defs` of one schema, `x-*` keywords,
 * `discriminator`, `example` and `readOnly` are dropped, Swagger formats (int32, int64, double,
 * unixtime, url) are checked as what they mean. Enums stay strict, except `ErrorCode`: the
 * contract (CONTRACT.md §2) records real codes outside it, such as "429" and "DeploymentNotFound".
 */
const CONTRACTS = path.resolve(__dirname, '../../../../shared/contracts/azure-openai');

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
    throw new Error(`body does not match ${spec} ${definition}:\n${JSON.stringify(validate.errors, null, 2)}\nbody: ${JSON.stringify(body).slice(0, 2000)}`);
  }
}
