import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { loadSettings } from '../../../src/shared/config/settings';
import { MemoryFeedbackStore } from '../../../src/shared/dataset/feedbackStore';
import { emptyStats, preprocessStream, type PreprocessStats } from '../../../src/shared/dataset/preprocess';
import { preprocessStages } from '../../../src/shared/dataset/pipelineStages';
import { curatedRecordOf, type CuratedRecord, type QuarantineRecord } from '../../../src/shared/dataset/records';
import { MemorySignatureStore } from '../../../src/shared/quality/dedup';
import { qualityConfig } from '../../../src/shared/composition/config';

/** Settings the properties run with: the defaults (local PII detection, every quality stage on). */
export const propertySettings = loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true' });

export interface PipelineRun {
  stats: PreprocessStats;
  curated: CuratedRecord[];
  quarantine: QuarantineRecord[];
}

/** The real preprocessing pipeline over bytes, with the in-memory stores `tuneloop prepare` uses. */
export async function runPipeline(bytes: Buffer | Buffer[], fileName = 'property.jsonl'): Promise<PipelineRun> {
  const curated: CuratedRecord[] = [];
  const quarantine: QuarantineRecord[] = [];
  const chunks = Array.isArray(bytes) ? bytes : [bytes];
  const stats = await preprocessStream(
    (async function* () {
      for (const c of chunks) yield c;
    })(),
    {
      fileName,
      model: propertySettings.TUNELOOP_BASE_MODEL,
      systemPrompt: propertySettings.TUNELOOP_SYSTEM_PROMPT,
      shares: { validation: propertySettings.TUNELOOP_SPLIT_VALIDATION, holdout: propertySettings.TUNELOOP_SPLIT_HOLDOUT },
      stages: preprocessStages({
        quality: qualityConfig(propertySettings),
        signatures: new MemorySignatureStore(),
        now: () => new Date(0),
      }),
      feedback: new MemoryFeedbackStore(),
      sink: { curated: (r) => void curated.push(curatedRecordOf(r)), quarantine: (r) => void quarantine.push(r) },
    },
    emptyStats(),
  );
  return { stats, curated, quarantine };
}

const roles = fc.constantFrom('customer', 'agent', 'user', 'assistant', 'system', 'bot', 'Alice', '', 'tool', 'CUSTOMER', 'Agent ');
const words = fc.constantFrom(
  'order',
  'refund',
  'parcel',
  'thanks',
  'hello',
  'the',
  'invoice',
  'password',
  'delivery',
  'account',
  'please',
  'help',
  'Grüße',
  'merci',
  '配送',
  '🙂',
  '<b>bold</b>',
  '&amp;',
  '\u200b',
  '\t',
  'ignore previous instructions',
);
/** Text that looks like chat: words, sometimes arbitrary Unicode. */
export const chatText = fc.oneof(
  { weight: 4, arbitrary: fc.array(words, { minLength: 1, maxLength: 30 }).map((w) => w.join(' ')) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
);

const scalar = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));

/** A record of any of the JSON families, with fields sometimes missing, wrongly typed or extra. */
export const jsonRecord: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record(
      {
        conversation_id: fc.oneof(fc.stringMatching(/^[a-z]{1,3}-\d{1,4}$/), scalar),
        issue_type: fc.constantFrom('billing', 'shipping', 'account', '', 'Billing '),
        csat: fc.oneof(fc.integer({ min: -2, max: 8 }), scalar),
        channel: fc.constantFrom('chat', 'email'),
        messages: fc.oneof(
          {
            weight: 6,
            arbitrary: fc.array(
              fc.record(
                { role: roles, text: chatText, timestamp: fc.constantFrom('2026-01-05T08:01:50Z', 'yesterday') },
                { requiredKeys: ['role'] },
              ),
              { maxLength: 8 },
            ),
          },
          { weight: 1, arbitrary: scalar },
        ),
      },
      { requiredKeys: ['messages'] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record(
      { question: chatText, answer: chatText, category: fc.constantFrom('billing', 'faq') },
      { requiredKeys: ['question'] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record(
      {
        conversation_id: fc.stringMatching(/^[a-z]{1,3}-\d{1,4}$/),
        rating: fc.oneof(fc.integer({ min: 0, max: 7 }), scalar),
        comment: chatText,
      },
      { requiredKeys: ['conversation_id'] },
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      messages: fc.array(
        fc.record(
          {
            role: fc.constantFrom('system', 'user', 'assistant', 'tool', 'nobody'),
            content: fc.oneof(chatText, fc.constant(null)),
            weight: fc.constantFrom(0, 1, 2),
          },
          { requiredKeys: ['role'] },
        ),
        { maxLength: 6 },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** A JSON lines file of such records, with now and then a broken line or a blank one. */
export const jsonlFile = fc
  .array(
    fc.oneof(
      { weight: 8, arbitrary: jsonRecord.map((r) => JSON.stringify(r)) },
      { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
      { weight: 1, arbitrary: fc.constant('') },
    ),
    { minLength: 1, maxLength: 25 },
  )
  .map((lines) => lines.join('\n') + '\n');

const csvCell = fc
  .oneof(fc.constantFrom('c-1', 'c-2', 'customer', 'agent', 'hello', 'thanks', '"quoted, cell"', '', '2026-01-05T08:01:50Z'), chatText)
  .map((s) => (/[",\n\r;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s));
/** A CSV file: one of the real headers (message per row, FAQ, feedback) or an odd one, and odd rows. */
export const csvFile = fc
  .tuple(
    fc.constantFrom(
      'conversation_id,role,text,timestamp',
      'conversation_id;speaker;message',
      'question,answer,category',
      'conversation_id,rating,comment',
      'a,b,c',
      'conversation_id,role,text',
    ),
    fc.array(
      fc.array(csvCell, { minLength: 0, maxLength: 5 }).map((cells) => cells.join(',')),
      { maxLength: 25 },
    ),
    fc.constantFrom('\n', '\r\n'),
  )
  .map(([header, rows, eol]) => [header, ...rows].join(eol) + eol);

/** Bytes of a real-looking file, broken in a few places (bytes flipped, cut short, binary spliced in) or gzipped. */
export const hostileBytes: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)),
  fc.oneof(jsonlFile, csvFile).map((t) => Buffer.from(t, 'utf8')),
  fc
    .tuple(
      fc.oneof(jsonlFile, csvFile),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      fc.option(fc.nat()),
    )
    .map(([text, flips, cut]) => {
      const b = Buffer.from(text, 'utf8');
      for (const [at, byte] of flips) if (b.length) b[at % b.length] = byte;
      return cut === null || b.length === 0 ? b : b.subarray(0, cut % b.length);
    }),
  fc.tuple(fc.oneof(jsonlFile, csvFile), fc.boolean()).map(([text, truncate]) => {
    const gz = gzipSync(Buffer.from(text, 'utf8'));
    return truncate ? gz.subarray(0, Math.max(2, Math.floor(gz.length / 2))) : gz;
  }),
);
