import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  mayHoldFeedback,
  mayHoldFeedbackRecords,
  mayHoldFeedbackRecordsInFile,
  parseInput,
  parseInputDeferring,
  parseJsonLine,
  type DeferredLine,
} from '../../../src/shared/ingest/parse';
import { createRoleMapper } from '../../../src/shared/ingest/roles';
import type { IngestItem } from '../../../src/shared/ingest/types';
import type { Mapping } from '../../../src/shared/ingest/mapping';
import { chat, chunked, jsonl } from './helpers';

/**
 * Parsing JSON lines on the preprocessing workers (issue #10): the lines `parseInputDeferring`
 * hands on unparsed, parsed with `parseJsonLine` elsewhere, must give exactly the items
 * `parseInput` gives on one thread (same line numbers, reasons, details and record texts).
 */
async function both(
  data: string | Buffer,
  options: { speakerRoles?: Record<string, 'user' | 'assistant' | 'system'>; mappings?: Mapping[] } = {},
) {
  const direct: IngestItem[] = [];
  for await (const item of parseInput(chunked(data, 13), { fileName: 'chats.jsonl', ...options })) direct.push(item);
  const deferred: (IngestItem | DeferredLine)[] = [];
  for await (const item of parseInputDeferring(chunked(data, 13), { fileName: 'chats.jsonl', ...options })) deferred.push(item);
  // A copy of the context, as a worker thread receives it (structured clone).
  const viaWorkers = deferred.flatMap((item) => {
    if (item.type !== 'line') return [item];
    const context = structuredClone(item.context);
    const parsed = parseJsonLine(item.line, item.text, context, createRoleMapper(context.speakerRoles));
    return parsed ? [parsed] : [];
  });
  return { direct, deferred, viaWorkers };
}

describe('parseInputDeferring + parseJsonLine', () => {
  test('give the items parseInput gives, for every kind of line', async () => {
    const deep = '['.repeat(200) + ']'.repeat(200);
    const data = Buffer.concat([
      Buffer.from(
        jsonl(
          chat('c-1', { csat: 2, issue_type: 'billing', model: 'gpt-4o-mini' }),
          'not json',
          '',
          '   ',
          chat('c-2'),
          { conversation_id: 'c-1', rating: 5, comment: 'fine' },
          { question: 'Do you ship?', answer: 'Yes.' },
          '{"conversation_id": "broken", "messages": [',
          '"just a string"',
          `{"messages": ${deep}}`,
          {
            messages: [
              { role: 'user', content: 'Hi' },
              { role: 'assistant', content: 'Hello' },
            ],
          },
          {
            messages: [
              { role: 'Alice', text: 'Hi' },
              { role: 'customer', text: 'Hello' },
            ],
            conversation_id: 'c-3',
          },
          { nothing: 'known' },
          { conversation_id: 'c-4', messages: [{ role: 'robot', text: 'beep' }] },
        ),
      ),
      // Not UTF-8: rejected by the reading thread, never deferred.
      Buffer.from([0x7b, 0x81, 0xfe, 0x7d, 0x0a]),
      Buffer.from(jsonl(chat('c-5'))),
    ]);
    const { direct, deferred, viaWorkers } = await both(data, { speakerRoles: { alice: 'assistant' } });
    expect(viaWorkers).toEqual(direct);
    // Line 1 told the format; what follows is deferred except the blank lines (never records) and the bad encoding.
    const lines = deferred.filter((i): i is DeferredLine => i.type === 'line').map((l) => l.line);
    expect(lines).toEqual([2, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16]);
    expect(deferred.filter((i) => i.type !== 'line').map((i) => (i.type === 'rejected' ? i.rejection.line : i.type))).toEqual([
      'conversation',
      15,
    ]);
    expect(direct.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type))).toEqual([
      'conversation',
      'invalid-json',
      'conversation',
      'feedback',
      'conversation',
      'invalid-json',
      'invalid-record',
      'record-too-deep',
      'conversation',
      'conversation',
      'missing-field:messages',
      'unknown-speaker',
      'invalid-encoding',
      'conversation',
    ]);
    expect(direct.length).toBe(14);
  });

  test('carry the file mapping to the lines they hand on', async () => {
    const mapping: Mapping = { turns: '/thread', id: '/ticket', role: '/who', text: '/said', roles: { clerk: 'assistant' } };
    const record = (id: string) => ({
      ticket: id,
      thread: [
        { who: 'customer', said: 'Hi' },
        { who: 'clerk', said: 'Hello' },
      ],
    });
    const { direct, viaWorkers } = await both(jsonl(record('t-1'), record('t-2'), { ticket: 't-3' }), { mappings: [mapping] });
    expect(viaWorkers).toEqual(direct);
    expect(direct.map((i) => i.type)).toEqual(['conversation', 'conversation', 'rejected']);
  });
});

describe('mayHoldFeedback', () => {
  const roles = createRoleMapper();
  const context = { file: 'f.jsonl', family: 'messages' as const };
  const isFeedback = (text: string) => parseJsonLine(1, text, context, roles)?.type === 'feedback';

  test('is true for every way a feedback line can be written', () => {
    for (const text of [
      '{"conversation_id":"c-1","rating":5}',
      '{ "conversation_id" : "c-1" , "rating"\t:\n4 }',
      '{"conversation_id":"c-1","r\\u0061ting":3}',
      '{"rating":"2","conversation_id":7,"comment":"slow"}',
    ]) {
      expect({ text, feedback: isFeedback(text) }).toEqual({ text, feedback: true });
      expect({ text, may: mayHoldFeedback(text) }).toEqual({ text, may: true });
    }
  });

  test('is false for a conversation that only talks about ratings', () => {
    const text = JSON.stringify(chat('c-9', { messages: [{ role: 'customer', text: 'My review said {"rating": 1}, "rating" : 2' }] }));
    expect(isFeedback(text)).toBe(false);
    expect(mayHoldFeedback(text)).toBe(false);
  });

  test('never says false for a line parsed into feedback (random records, any spacing)', () => {
    const key = fc.constantFrom('conversation_id', 'rating', 'comment', 'messages', 'text', 'id');
    const record = fc.dictionary(key, fc.oneof(fc.string(), fc.integer({ min: 0, max: 6 }), fc.jsonValue({ maxDepth: 2 })));
    fc.assert(
      fc.property(record, fc.constantFrom(undefined, 1, '\t', ' \n '), (value, space) => {
        const text = JSON.stringify(value, null, space).replace(/\n/g, ' ');
        if (isFeedback(text)) expect(mayHoldFeedback(text)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('mayHoldFeedbackRecords', () => {
  const scan = async (data: string | Buffer, chunk = 5) => mayHoldFeedbackRecords(chunked(data, chunk), { fileName: 'f' });
  const conversation = JSON.stringify(
    chat('c-1', {
      messages: [
        { role: 'customer', text: 'My review said {"rating": 1}, rating matters' },
        { role: 'agent', text: 'Sorry.' },
      ],
    }),
  );

  test('finds a feedback record however it is written, split over chunks, gzipped, in JSON lines, a document or CSV', async () => {
    for (const rating of [
      '{"conversation_id":"c-1","rating":5}',
      '{"conversation_id":"c-1","r\\u0061ting":3}',
      '{"conversation_id":"c-1","ratin\\u0067":3}',
    ]) {
      expect({ rating, found: await scan(`${conversation}\n${rating}\n`) }).toEqual({ rating, found: true });
      for (const chunk of [1, 3, 7, 64 * 1024]) expect(await scan(gzipSync(`${conversation}\n${rating}\n`), chunk)).toBe(true);
      expect(await scan(`[${conversation},\n${rating}]`)).toBe(true);
    }
    expect(await scan('Conversation_ID,"Rating ",comment\nc-1,4,ok\n')).toBe(true);
  });

  test('rules out files that certainly hold no feedback record', async () => {
    expect(await scan(`${conversation}\n${conversation}\n`)).toBe(false);
    expect(await scan(gzipSync(`${conversation}\n`))).toBe(false);
    expect(await scan('{"conversation_id":"c-1","text":"caf\\u00e9 \\u00fc"}\n')).toBe(false);
    expect(await scan('conversation_id,speaker,text\nc-1,customer,hello\n')).toBe(false);
    expect(await scan('')).toBe(false);
  });

  test('a CSV is feedback only by its header: rated chats and messages that mention a rating are parsed once', async () => {
    // Feedback layouts, also behind Excel's sep= line, with CRLF, a BOM, quotes or Zendesk's names.
    for (const csv of [
      'conversation_id,rating,comment\nc-1,5,ok\n',
      'sep=;\r\nconversation_id;rating\r\nc-1;5\r\n',
      '\ufeff"Ticket ID","Score"\nc-1,good\n',
    ])
      expect([csv, await scan(csv)]).toEqual([csv, true]);
    // Chats with a rating column carry their own rating; a message's words are not a header.
    for (const csv of [
      'conversation_id,speaker,text,rating\nc-1,customer,hello,5\n',
      'conversation_id,transcript,rating\nc-1,"Customer: hi",4\n',
      'conversation_id,speaker,text\nc-1,customer,what is my credit score and rating?\n',
      'question,answer\nHow is the rating computed?,By score\n',
    ])
      expect([csv, await scan(csv)]).toEqual([csv, false]);
    // A header longer than the first 64 KiB is not ruled out.
    expect(await scan(`conversation_id,${'x'.repeat(70 * 1024)}\n`, 4096)).toBe(true);
  });
});

describe('mayHoldFeedbackRecordsInFile (one reused buffer)', () => {
  const conversation = JSON.stringify(
    chat('c-1', {
      messages: [
        { role: 'customer', text: 'hello' },
        { role: 'agent', text: 'hi' },
      ],
    }),
  );
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tuneloop-feedback-scan-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('answers as the stream version, a key split between reads included; a gzip file is left to the stream version', async () => {
    const rating = '{"conversation_id":"c-1","rating":5}';
    const padding = `${conversation}\n`.repeat(Math.ceil((64 * 1024) / (conversation.length + 1)) + 1);
    const cases: [string, string | Buffer][] = [
      ['none', `${conversation}\n${conversation}\n`],
      ['rating', `${conversation}\n${rating}\n`],
      ['escaped', `${conversation}\n{"conversation_id":"c-1","r\\u0061ting":3}\n`],
      ['csv header', 'Conversation_ID,"Rating ",comment\nc-1,4,ok\n'],
      ['csv', 'conversation_id,speaker,text\nc-1,customer,hello\n'],
      ['empty', ''],
    ];
    // The key at every offset around the end of the first and second reads (64 KiB each).
    for (let shift = -8; shift <= 8; shift++) {
      const at = 64 * 1024 + shift;
      cases.push([`split at ${at}`, padding.slice(0, at) + rating + '\n' + conversation + '\n']);
      cases.push([`split at ${at + 64 * 1024}`, padding + padding.slice(0, at) + rating + '\n']);
    }
    for (const [name, data] of cases) {
      const file = join(dir, 'f.jsonl');
      writeFileSync(file, data);
      const expected = await mayHoldFeedbackRecords(chunked(data, 4096), { fileName: 'f' });
      expect({ name, found: mayHoldFeedbackRecordsInFile(file) }).toEqual({ name, found: expected });
    }
    writeFileSync(join(dir, 'g.jsonl.gz'), gzipSync(`${conversation}\n${rating}\n`));
    expect(mayHoldFeedbackRecordsInFile(join(dir, 'g.jsonl.gz'))).toBeUndefined();
  });
});
