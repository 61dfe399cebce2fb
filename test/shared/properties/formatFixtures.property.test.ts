import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { IngestError } from '../../../src/shared/ingest/errors';
import { parseInput } from '../../../src/shared/ingest/parse';

fc.configureGlobal({ seed: Number(process.env.FAST_CHECK_SEED ?? 20261206) });

/**
 * Every export format's fixture, damaged as real exports are (a field of another type, a key
 * missing, a value null, text cut or spliced): each reader must still give items, a conversation
 * or a rejection naming file and line, and never throw. Found by review once (a page link whose
 * escape was broken threw URIError out of the Zendesk messaging reader); this checks every reader,
 * each fixture in its own layout, rather than generic records.
 */
const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'formats');
const READABLE = /\.(?:json|jsonl|html|txt|csv|mbox)$/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : READABLE.test(name) ? [path] : [];
  });
}

const files = filesUnder(FIXTURES).sort();
const jsonFiles = files.filter((f) => f.endsWith('.json'));
const textFiles = files.filter((f) => !f.endsWith('.json'));

/** Every place a value sits in a JSON tree (an object's key or an array's index), in document order. */
function slots(value: unknown, out: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = []) {
  if (Array.isArray(value))
    value.forEach((v, i) => {
      out.push({ parent: value, key: i });
      slots(v, out);
    });
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) {
      out.push({ parent: value as Record<string, unknown>, key: k });
      slots(v, out);
    }
  return out;
}

/** A replacement value: another type, null, or gone (undefined deletes the key). */
const replacement = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.constant(''),
  fc.constant([]),
  fc.constant({}),
  fc.integer({ min: -3, max: 2_000_000_000_000 }),
  fc.boolean(),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('%zz', 'https://x/conversations/%E0%A4%A/messages', '<@1>', '\u0000', '2026-13-45T99:99:99Z', 'NaN', '0Mw'),
  fc.jsonValue({ maxDepth: 2 }),
);

const jsonDamage = fc.array(fc.tuple(fc.nat(), replacement), { minLength: 1, maxLength: 4 });
const textDamage = fc.array(fc.tuple(fc.nat(), fc.nat({ max: 200 }), fc.string({ maxLength: 20 })), { minLength: 1, maxLength: 4 });

async function expectItems(text: string, fileName: string): Promise<void> {
  try {
    for await (const item of parseInput(chunks(Buffer.from(text, 'utf8')), { fileName })) {
      expect(['conversation', 'feedback', 'rejected']).toContain(item.type);
      if (item.type === 'rejected') {
        expect(item.rejection.file.startsWith(fileName)).toBe(true);
        expect(item.rejection.line).toBeGreaterThanOrEqual(1);
        expect(item.rejection.reason.length).toBeGreaterThan(0);
      }
    }
  } catch (err) {
    if (!(err instanceof IngestError && err.code === 'gzip-corrupt')) throw err;
  }
}

async function* chunks(bytes: Buffer): AsyncIterable<Buffer> {
  for (let at = 0; at < bytes.length; at += 4096) yield bytes.subarray(at, at + 4096);
}

describe('every export format, damaged (fast-check over the format fixtures)', () => {
  it('finds the fixtures', () => {
    expect(jsonFiles.length).toBeGreaterThan(20);
    expect(textFiles.length).toBeGreaterThan(10);
  });

  it.each(jsonFiles.map((f) => [relative(FIXTURES, f)]))(
    '%s with fields of the wrong type, null or missing: items, never a throw',
    async (name) => {
      const original = readFileSync(join(FIXTURES, name), 'utf8');
      await fc.assert(
        fc.asyncProperty(jsonDamage, async (edits) => {
          const value: unknown = JSON.parse(original);
          for (const [at, next] of edits) {
            const places = slots(value);
            if (!places.length) break;
            const { parent, key } = places[at % places.length];
            if (Array.isArray(parent)) parent[key as number] = next ?? null;
            else if (next === undefined) Reflect.deleteProperty(parent, key);
            else parent[key as string] = next;
          }
          await expectItems(JSON.stringify(value, null, 2), name);
        }),
        { numRuns: 80 },
      );
    },
  );

  it.each(textFiles.map((f) => [relative(FIXTURES, f)]))('%s cut or spliced anywhere: items, never a throw', async (name) => {
    const original = readFileSync(join(FIXTURES, name), 'utf8');
    await fc.assert(
      fc.asyncProperty(textDamage, async (edits) => {
        let text = original;
        for (const [at, cut, insert] of edits) {
          const start = at % (text.length + 1);
          text = text.slice(0, start) + insert + text.slice(start + cut);
        }
        await expectItems(text, name);
      }),
      { numRuns: 60 },
    );
  });
});
