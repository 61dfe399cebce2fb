import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import * as cl100k from 'gpt-tokenizer/cjs/encoding/cl100k_base';
import * as o200k from 'gpt-tokenizer/cjs/encoding/o200k_base';
import { BpeCounter, bpeCounter, mergeWithHeap } from '../../../src/shared/tokenizer/counter';
import { buildRankTable, lookupRank, rankTable, type BpeEncoding } from '../../../src/shared/tokenizer/rankTable';

// A fixed seed keeps CI repeatable; FAST_CHECK_SEED=<n> (or a random one) explores further.
fc.configureGlobal({ seed: Number(process.env.FAST_CHECK_SEED ?? 20261201) });

/** gpt-tokenizer is the reference (itself checked against js-tiktoken in tokens.test.ts); special-token text counts as text. */
const plain = { disallowedSpecial: new Set<string>() };
const reference: Record<BpeEncoding, (text: string) => number> = {
  o200k_base: (text) => o200k.countTokens(text, plain),
  cl100k_base: (text) => cl100k.countTokens(text, plain),
};
const ENCODINGS: BpeEncoding[] = ['o200k_base', 'cl100k_base'];

const corpora = join(__dirname, '..', '..', 'fixtures', 'corpora');

/** Real text in many languages and shapes: labelled chat turns (10 languages), PII text (6), presidio sentences. */
function realTexts(): string[] {
  const texts: string[] = [];
  for (const line of readFileSync(join(corpora, 'rule_labels', 'turns.jsonl'), 'utf8').split('\n')) {
    if (line.trim()) texts.push((JSON.parse(line) as { text: string }).text);
  }
  const pii = join(corpora, 'pii_multilingual');
  for (const file of readdirSync(pii).filter((f) => f.endsWith('.txt'))) texts.push(...readFileSync(join(pii, file), 'utf8').split('\n'));
  const presidio = JSON.parse(readFileSync(join(corpora, 'presidio_synth_pii', 'synth_dataset_v2.json'), 'utf8')) as {
    full_text: string;
  }[];
  texts.push(...presidio.slice(0, 400).map((r) => r.full_text));
  return texts.filter((t) => t.length > 0);
}

describe('BpeCounter', () => {
  const texts = realTexts();

  it.each(ENCODINGS)('counts real chat text in many languages exactly as gpt-tokenizer does (%s)', (encoding) => {
    const counter = bpeCounter(encoding);
    expect(texts.length).toBeGreaterThan(500);
    const wrong = texts.filter((t) => counter.count(t) !== reference[encoding](t));
    expect(wrong).toEqual([]);
    // The whole corpus as one text too: pieces across line ends, long runs.
    const joined = texts.join('\n');
    expect(counter.count(joined)).toBe(reference[encoding](joined));
  });

  it.each(ENCODINGS)('counts random Unicode text, lone surrogates included, exactly as gpt-tokenizer does (%s)', (encoding) => {
    const counter = bpeCounter(encoding);
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 60 }),
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.string({
        unit: fc.constantFrom('a', 'Z', ' ', '\n', '\r', "'s", '!', '1', '€', 'é', '日', '😀', '\ud800', '<|endoftext|>', '\t'),
        maxLength: 80,
      }),
    );
    fc.assert(
      fc.property(text, (t) => counter.count(t) === reference[encoding](t)),
      { numRuns: 3000 },
    );
  });

  it('merges long pieces (the heap path) to the same count as the linear merge and gpt-tokenizer', () => {
    const counter = bpeCounter('o200k_base');
    const long = [
      '!'.repeat(3001),
      '=-'.repeat(900),
      ' '.repeat(5000) + 'x',
      '\u00e9\u00e8'.repeat(400),
      '😀'.repeat(300),
      '\n'.repeat(700),
      'abcdefghij'.repeat(80),
    ];
    for (const text of long) expect([text.slice(0, 8), counter.count(text)]).toEqual([text.slice(0, 8), reference.o200k_base(text)]);
    // The heap merge against the linear one on random byte strings longer than the linear limit's pieces.
    const table = rankTable('o200k_base');
    const small = new BpeCounter(table);
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('!', '?', '-', '=', '.', '#', '*'), minLength: 2, maxLength: 250 }), (piece) => {
        const bytes = new TextEncoder().encode(piece);
        return mergeWithHeap(table, bytes) === small.count(piece);
      }),
      { numRuns: 500 },
    );
  });

  it('builds the table in shared memory for worker threads, which count with it in place', async () => {
    const table = rankTable('o200k_base', { shared: true });
    expect(table.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(table.slots.buffer).toBeInstanceOf(SharedArrayBuffer);
    // A real worker thread receives the table (shared, not copied) and looks a token up in it; the
    // lookup needs only the arrays, so the worker runs plain JavaScript (no TypeScript loader).
    const hello = new TextEncoder().encode('hello');
    const rank = lookupRank(table, hello, 0, hello.length);
    expect(rank).toBeGreaterThanOrEqual(0);
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const { table, word } = workerData;
       const { offsets, bytes } = table;
       let found = -1;
       for (let r = 0; r + 1 < offsets.length && found < 0; r++) {
         const len = offsets[r + 1] - offsets[r];
         if (len !== word.length) continue;
         let i = 0; while (i < len && bytes[offsets[r] + i] === word[i]) i++;
         if (i === len) found = r;
       }
       parentPort.postMessage({ found, shared: bytes.buffer instanceof SharedArrayBuffer });`,
      { eval: true, workerData: { table, word: hello } },
    );
    const reply = await new Promise<{ found: number; shared: boolean }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(reply).toEqual({ found: rank, shared: true });
  });

  it('refuses a damaged rank file with the line and the reason', () => {
    const encode = (text: string) => new TextEncoder().encode(text);
    expect(() => buildRankTable('o200k_base', encode('IQ== 0\nIg==\n'), false)).toThrow('o200k_base.tiktoken: line 2 has no rank');
    expect(() => buildRankTable('o200k_base', encode('IQ== 0\nIg== x1\n'), false)).toThrow('line 2 has an invalid rank');
    expect(() => buildRankTable('o200k_base', encode('IQ== 0\nI*== 1\n'), false)).toThrow('the token of rank 1 is not base64');
    expect(() => buildRankTable('o200k_base', encode('IQ== 0\nIg== 0\n'), false)).toThrow('rank 0 appears twice');
    const table = buildRankTable('o200k_base', encode('IQ== 0\nIg== 1\nISI= 2\n'), false);
    const bytes = encode('!"');
    expect([lookupRank(table, bytes, 0, 1), lookupRank(table, bytes, 1, 2), lookupRank(table, bytes, 0, 2)]).toEqual([0, 1, 2]);
  });
});
