import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { balanceCounters, balanceQuarantine, balanceTrainingSplit } from '../../../src/shared/quality/balance';
import { exampleLine, type CuratedRecord, type QuarantineRecord } from '../../../src/shared/dataset/records';
import { openScratchDatabase, WriteBatcher } from '../../../src/shared/dataset/scratchStore';
import { SpilledTrainingSplit } from '../../../src/shared/dataset/spilledBalance';

/** The on-disk balance of `tuneloop prepare` against the in-memory `balanceTrainingSplit` it replaces there. */
describe('SpilledTrainingSplit', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-spill-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const record = (conversation: number, type: string | undefined, kind: 'conversation' | 'intent', n: number): CuratedRecord => ({
    conversation_id: `c-${conversation}`,
    kind,
    ...(type ? { issue_type: type } : {}),
    split: 'train',
    tokens: 10 + n,
    source: { file: 'in.jsonl', line: conversation + 1 },
    example: {
      messages: [
        { role: 'user', content: `question ${n} «${String(type)}» ü` },
        { role: 'assistant', content: `answer ${n}` },
      ],
    },
  });

  async function spilled(records: CuratedRecord[], maxShare: number, minShare: number, name: string) {
    const db = openScratchDatabase(join(dir, `${name}.db`));
    const split = new SpilledTrainingSplit(db, new WriteBatcher(db, 7), join(dir, `${name}.spill`), 'tuneloop');
    for (const r of records) split.add(r);
    const train: string[] = [];
    const quarantine: QuarantineRecord[] = [];
    const outcome = await split.finish(
      { maxShare, minShare, seed: 'tuneloop' },
      // The lines arrive as views of the spill's read buffer: decoded as they come, as a writer copies them.
      { train: async (line) => void train.push(Buffer.from(line).toString('utf8')), quarantine: async (q) => void quarantine.push(q) },
    );
    split.close();
    db.close();
    return { train, quarantine, outcome };
  }

  it('keeps, drops, up-samples and orders exactly as balanceTrainingSplit does', async () => {
    const types = fc.constantFrom('billing', 'shipping', 'returns', 'login', undefined);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(types, fc.boolean()), { minLength: 1, maxLength: 60 }),
        fc.constantFrom(0.25, 0.4, 0.6, 1),
        fc.constantFrom(0, 0.1, 0.2),
        async (conversations, maxShare, minShare) => {
          const records: CuratedRecord[] = [];
          conversations.forEach(([type, intent], i) => {
            records.push(record(i, type, 'conversation', records.length));
            if (intent && type) records.push(record(i, type, 'intent', records.length));
          });
          const expected = balanceTrainingSplit(records, { maxShare, minShare, seed: 'tuneloop' });
          const counters = balanceCounters(expected);
          const { train, quarantine, outcome } = await spilled(records, maxShare, minShare, `run-${run++}`);
          expect(train).toEqual(expected.kept.map((r) => exampleLine(r.example)));
          expect(quarantine).toEqual(balanceQuarantine(expected, maxShare));
          expect(outcome.before).toEqual(expected.before);
          expect(JSON.stringify(outcome.after)).toBe(JSON.stringify(expected.after));
          expect(outcome.effectiveMaxShare).toBe(expected.effectiveMaxShare);
          expect(outcome.conversationsDropped).toBe(counters.conversationsDropped);
          expect(outcome.examplesDropped).toBe(counters.examplesDropped);
          expect(outcome.examplesAdded).toBe(counters.examplesAdded);
          expect(outcome.tokensDelta).toBe(counters.tokensDelta);
          expect(Object.entries(outcome.byKind).filter(([, n]) => n)).toEqual(Object.entries(counters.byKind).filter(([, n]) => n));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reads back every line, whatever its length or encoding, across chunk and insert boundaries', async () => {
    // Lines from a few bytes to more than the 1 MiB spill chunk, with 2-, 3- and 4-byte characters,
    // and more rows than one multi-row INSERT takes.
    const sizes = [1, 5, 350_000, 20, 400_000, 1_200_000, 3, ...Array.from({ length: 150 }, (_, i) => 1000 + i * 37)];
    const records = sizes.map((n, i) => {
      const r = record(i, i % 2 ? 'billing' : 'shipping', 'conversation', i);
      return { ...r, example: { messages: [{ role: 'user' as const, content: 'é€😀x'.repeat(Math.ceil(n / 4)).slice(0, n) }] } };
    });
    const expected = balanceTrainingSplit(records, { maxShare: 1, seed: 'tuneloop' });
    const { train } = await spilled(records, 1, 0, 'long-lines');
    expect(train).toEqual(expected.kept.map((r) => exampleLine(r.example)));
    expect(train).toHaveLength(records.length);
  });
});
