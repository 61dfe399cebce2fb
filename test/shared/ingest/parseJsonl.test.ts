import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { IngestError } from '../../../src/shared/ingest/errors';
import { parseInput } from '../../../src/shared/ingest/parse';
import type { IngestItem } from '../../../src/shared/ingest/types';
import { chat, chunked, conversations, feedbacks, gzip, jsonl, parseAll, rejections } from './helpers';

describe('conversation JSONL', () => {
  test('normalises roles, text and metadata', async () => {
    const items = await parseAll(
      jsonl({
        conversation_id: 'c-1',
        issue_type: ' billing ',
        channel: 'chat',
        csat: 4,
        messages: [
          { role: 'customer', text: '<p>Hi,&nbsp;I was charged <b>twice</b></p>', timestamp: '2026-01-01T10:00:00Z' },
          { role: 'client', content: 'for order ＃123' },
          { role: 'system', text: '' },
          { role: 'Agent', text: '  Sorry about that.\n\n\nI will refund it.  ', timestamp: '2026-01-01T10:01:00Z' },
          { role: 'bot', text: 'Anything else?' },
          { role: 'user', text: 'no' },
        ],
      }),
    );
    expect(items).toEqual([
      {
        type: 'conversation',
        conversation: {
          kind: 'conversation',
          conversationId: 'c-1',
          issueType: 'billing',
          channel: 'chat',
          csat: 4,
          turns: [
            { role: 'user', content: 'Hi, I was charged twice\nfor order #123', timestamp: '2026-01-01T10:00:00.000Z' },
            { role: 'assistant', content: 'Sorry about that.\nI will refund it.\nAnything else?', timestamp: '2026-01-01T10:01:00.000Z' },
            { role: 'user', content: 'no' },
          ],
          source: { file: 'input.file', line: 1, record: expect.stringContaining('"conversation_id":"c-1"') },
        },
      },
    ]);
  });

  test('ignores a csat outside 1–5 and keeps the conversation', async () => {
    const [c9, cText, cOk] = conversations(
      await parseAll(jsonl(chat('a', { csat: 9 }), chat('b', { csat: 'good' }), chat('c', { csat: '5' }))),
    );
    expect(c9.csat).toBeUndefined();
    expect(cText.csat).toBeUndefined();
    expect(cOk.csat).toBe(5);
  });

  test('derives a stable id from the content when conversation_id is missing', async () => {
    const line = {
      messages: [
        { role: 'customer', text: 'hi' },
        { role: 'agent', text: 'hello' },
      ],
      issue_type: 'x',
    };
    const [a] = conversations(await parseAll(jsonl(line)));
    const [b] = conversations(await parseAll(jsonl({ ...line, issue_type: 'y' })));
    expect(a.kind).toBe('conversation');
    expect(a.conversationId).toMatch(/^conv-[0-9a-f]{16}$/);
    expect(b.conversationId).toBe(a.conversationId);
  });

  test('a derived id is the one the NFKC copy gets, as when cleaning spelt out m², ……, ①, ℃', async () => {
    const kept = ['The room is 25 m² at 4 ℃…… step ① please', 'Add ½ cup ™ ㎡ ㅋㅋ don´t 🅰'];
    const nfkc = kept.map((t) => t.normalize('NFKC'));
    const items = await parseAll(
      jsonl(
        {
          messages: [
            { role: 'customer', text: kept[0] },
            { role: 'agent', text: kept[1] },
          ],
        },
        {
          messages: [
            { role: 'customer', text: nfkc[0] },
            { role: 'agent', text: nfkc[1] },
          ],
        },
        { question: kept[0], answer: kept[1] },
        { question: nfkc[0], answer: nfkc[1] },
      ),
    );
    const [conv, convNfkc, faq, faqNfkc] = conversations(items);
    expect(conv.turns[0].content).toBe(kept[0]);
    expect(conv.conversationId).toBe(convNfkc.conversationId);
    expect(faq.conversationId).toBe(faqNfkc.conversationId);
  });

  test('a derived id is the one the ASCII-punctuated copy gets, as when cleaning made full-width punctuation ASCII', async () => {
    // Cleaning keeps "，？（）：" as written now; earlier runs hashed the text with them made ASCII,
    // and a conversation without an id must keep its id (its split) from run to run.
    const fullWidth = ['您好，请问订单（编号：A1）什么时候到？', '您好！预计明天送达。　谢谢'];
    const ascii = fullWidth.map((t) => t.normalize('NFKC'));
    const messages = (texts: string[]) => [
      { role: 'customer', text: texts[0] },
      { role: 'agent', text: texts[1] },
    ];
    const sharegpt = (texts: string[]) => ({
      conversations: [
        { from: 'human', value: texts[0] },
        { from: 'gpt', value: texts[1] },
      ],
    });
    const items = await parseAll(
      jsonl(
        { messages: messages(fullWidth) },
        { messages: messages(ascii) },
        { question: fullWidth[0], answer: fullWidth[1] },
        { question: ascii[0], answer: ascii[1] },
      ),
    );
    const [conv, convAscii, faq, faqAscii] = conversations(items);
    expect(conv.turns[0].content).toBe(fullWidth[0]);
    expect(faq.turns[1].content).toBe(fullWidth[1]);
    expect(conv.conversationId).toMatch(/^conv-/);
    expect(conv.conversationId).toBe(convAscii.conversationId);
    expect(faq.conversationId).toMatch(/^faq-/);
    expect(faq.conversationId).toBe(faqAscii.conversationId);
    const [share, shareAscii] = conversations(await parseAll(jsonl(sharegpt(fullWidth), sharegpt(ascii))));
    expect(share.conversationId).toMatch(/^sharegpt-/);
    expect(share.conversationId).toBe(shareAscii.conversationId);
  });

  test('infers a named speaker as the other party, and speakerRoles maps names', async () => {
    const line = {
      conversation_id: 'n',
      messages: [
        { role: 'Jane Doe', text: 'hi' },
        { role: 'Agent Smith', text: 'hello' },
      ],
    };
    expect(conversations(await parseAll(jsonl(line)))[0].turns.map((t) => t.role)).toEqual(['user', 'assistant']);
    const both = {
      conversation_id: 'm',
      messages: [
        { role: 'Jane', text: 'hi' },
        { role: 'Max', text: 'hello' },
      ],
    };
    const [rejected] = rejections(await parseAll(jsonl(both)));
    expect(rejected).toMatchObject({ file: 'input.file', line: 1, reason: 'unknown-speaker' });
    expect(rejected.detail).toMatch(/"Jane" \(message 1\).*speakerRoles/);
    const mapped = conversations(await parseAll(jsonl(both), { speakerRoles: { jane: 'user', MAX: 'assistant' } }));
    expect(mapped[0].turns.map((t) => t.role)).toEqual(['user', 'assistant']);
  });

  test('rejects bad lines with file, line, reason and the original text, and goes on', async () => {
    const lines = [
      chat('ok-1'),
      '{"conversation_id": "broken", "messages": [',
      chat('no-text', { messages: [{ role: 'customer' }, { role: 'agent', text: 'hi' }] }),
      chat('no-role', { messages: [{ text: 'hi' }] }),
      chat('bad-messages', { messages: 'hello' }),
      chat('bad-text', { messages: [{ role: 'user', text: { a: 1 } }] }),
      chat('empty', { messages: [{ role: 'user', text: ' <br> ' }] }),
      chat('bad-id', { conversation_id: { x: 1 } }),
      '[1, 2]',
      '',
      '   ',
      JSON.stringify({ conversation_id: 'no-messages', csat: 3 }),
      chat('ok-2'),
    ];
    const items = await parseAll(jsonl(...lines));
    expect(items.map((i) => (i.type === 'rejected' ? `${i.rejection.line}:${i.rejection.reason}` : i.type))).toEqual([
      'conversation',
      '2:invalid-json',
      '3:missing-field:text',
      '4:missing-field:role',
      '5:invalid-field:messages',
      '6:invalid-field:text',
      '7:empty-conversation',
      '8:invalid-field:conversation_id',
      '9:invalid-record',
      '12:missing-field:messages',
      'conversation',
    ]);
    const [json, noText] = rejections(items);
    expect(json.record).toBe('{"conversation_id": "broken", "messages": [');
    expect(json.detail).toMatch(/not valid JSON/);
    expect(noText.detail).toBe('message 1 has no "text" (or "content")');
    expect(noText.record).toBe(JSON.stringify(lines[2]));
  });

  test('a reply marked weight 0 keeps it; same-role messages merge only when their weights agree', async () => {
    const line = {
      conversation_id: 'w',
      messages: [
        { role: 'customer', text: 'Where is my parcel?' },
        { role: 'agent', text: 'One moment,', weight: 0 },
        { role: 'agent', text: 'checking.', weight: 0 },
        { role: 'agent', text: 'It ships tomorrow.' },
        { role: 'customer', text: 'Thanks.' },
        { role: 'agent', text: 'Bye!', weight: 1 },
        { role: 'agent', text: 'Have a nice day.' },
      ],
    };
    const [c] = conversations(await parseAll(jsonl(line)));
    expect(c.turns).toEqual([
      { role: 'user', content: 'Where is my parcel?' },
      { role: 'assistant', content: 'One moment,\nchecking.', weight: 0 },
      { role: 'assistant', content: 'It ships tomorrow.' },
      { role: 'user', content: 'Thanks.' },
      { role: 'assistant', content: 'Bye!\nHave a nice day.', weight: 1 },
    ]);
  });

  test('a weight on a customer message, or one that is not 0 or 1, is quarantined like in a ready-made line', async () => {
    const items = await parseAll(
      jsonl(
        {
          conversation_id: 'u',
          messages: [
            { role: 'customer', text: 'Hi', weight: 0 },
            { role: 'agent', text: 'Hello!' },
          ],
        },
        {
          conversation_id: 's',
          messages: [
            { role: 'customer', text: 'Hi' },
            { role: 'agent', text: 'Hello!', weight: '0' },
          ],
        },
      ),
    );
    expect(rejections(items).map((r) => `${r.reason}: ${r.detail ?? ''}`)).toEqual([
      'invalid-field:weight: message 1 has a "weight", which is only allowed on assistant turns (it says whether a reply is trained on)',
      'invalid-field:weight: message 2 has a "weight" of "0": it must be 0 (context only, not trained on) or 1',
    ]);
  });

  test('a line of another format inside a conversation file is parsed as what it is', async () => {
    const items = await parseAll(jsonl(chat('c'), { conversation_id: 'c', rating: 2 }, { question: 'Q?', answer: 'A.' }));
    expect(items.map((i) => i.type)).toEqual(['conversation', 'feedback', 'conversation']);
  });

  test('a file may start with broken lines before the first recognisable one', async () => {
    const items = await parseAll(jsonl('{oops', '{"unrelated": 1}', chat('c')));
    expect(items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type))).toEqual([
      'invalid-json',
      'missing-field:messages',
      'conversation',
    ]);
  });
});

describe('ready-made fine-tuning JSONL', () => {
  test('passes messages through untouched and fills turns as written', async () => {
    const line = {
      messages: [
        { role: 'system', content: 'You are Shoply support.' },
        { role: 'user', content: '  Hi &amp; hello  ' },
        { role: 'assistant', content: 'Hello!', weight: 0 },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'part one' },
            { type: 'text', text: 'part two' },
          ],
        },
        { role: 'assistant', content: 'Done.', weight: 1 },
      ],
    };
    const [c] = conversations(await parseAll(jsonl(line)));
    expect(c.kind).toBe('ready');
    expect(c.ready).toEqual({ messages: line.messages });
    expect(c.ready!.messages).toEqual(line.messages);
    expect(c.turns).toEqual([
      { role: 'system', content: 'You are Shoply support.' },
      { role: 'user', content: '  Hi &amp; hello  ' },
      { role: 'assistant', content: 'Hello!', weight: 0 },
      { role: 'user', content: 'part one\npart two' },
      { role: 'assistant', content: 'Done.', weight: 1 },
    ]);
    expect(c.conversationId).toMatch(/^ready-[0-9a-f]{16}$/);
  });

  test('tools travel with the line; a line with conversation_id or speaker names is a conversation', async () => {
    const tools = [{ type: 'function', function: { name: 'track', parameters: {} } }];
    const items = conversations(
      await parseAll(
        jsonl(
          {
            messages: [
              { role: 'user', content: 'hi' },
              { role: 'assistant', content: 'yo' },
            ],
            tools,
          },
          {
            conversation_id: 'x',
            messages: [
              { role: 'user', content: 'hi' },
              { role: 'assistant', content: 'yo' },
            ],
          },
          {
            messages: [
              { role: 'customer', content: 'hi' },
              { role: 'agent', content: 'yo' },
            ],
          },
        ),
      ),
    );
    expect(items.map((c) => c.kind)).toEqual(['ready', 'conversation', 'conversation']);
    expect(items[0].ready?.tools).toEqual(tools);
  });

  test('a log line (conversation_id) with a tool-call turn is a conversation whose agent turn carries the call', async () => {
    const call = {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'c', type: 'function', function: { name: 't', arguments: '{}' } }],
    };
    const items = await parseAll(jsonl({ conversation_id: 'x', messages: [{ role: 'user', content: 'Where is order 77?' }, call] }));
    expect(rejections(items)).toEqual([]);
    expect(items[0]).toMatchObject({
      type: 'conversation',
      conversation: { kind: 'conversation', turns: [{ role: 'user' }, { role: 'assistant', content: '', toolCalls: call.tool_calls }] },
    });
  });
});

describe('FAQ and feedback JSONL', () => {
  test('FAQ lines become single-turn faq conversations with a content-derived id', async () => {
    const items = await parseAll(
      jsonl(
        { question: 'How long does delivery take?', answer: '2–4 <i>working</i> days.', category: 'shipping' },
        { question: ' ', answer: 'x' },
        { id: 7, question: 'Q', answer: 'A' },
      ),
    );
    const [faq, withId] = conversations(items);
    expect(faq).toMatchObject({
      kind: 'faq',
      issueType: 'shipping',
      turns: [
        { role: 'user', content: 'How long does delivery take?' },
        { role: 'assistant', content: '2–4 working days.' },
      ],
    });
    expect(faq.conversationId).toMatch(/^faq-[0-9a-f]{16}$/);
    expect(withId.conversationId).toBe('7');
    expect(rejections(items)).toMatchObject([{ line: 2, reason: 'missing-field:question' }]);
  });

  test('feedback lines become feedback items; a bad rating is rejected', async () => {
    const items = await parseAll(
      jsonl(
        { conversation_id: 'c-1', rating: 2, comment: 'slow &amp; rude' },
        { conversation_id: 'c-2', rating: '5' },
        { conversation_id: 'c-3', rating: 7 },
        { conversation_id: '', rating: 3 },
        { conversation_id: 'c-4', rating: null },
      ),
    );
    expect(feedbacks(items)).toEqual([
      {
        conversationId: 'c-1',
        rating: 2,
        comment: 'slow & rude',
        source: { file: 'input.file', line: 1, record: '{"conversation_id":"c-1","rating":2,"comment":"slow &amp; rude"}' },
      },
      { conversationId: 'c-2', rating: 5, source: expect.objectContaining({ line: 2 }) },
    ]);
    expect(rejections(items).map((r) => `${r.line}:${r.reason}`)).toEqual([
      '3:invalid-field:rating',
      '4:missing-field:conversation_id',
      '5:missing-field:rating',
    ]);
    expect(rejections(items)[0].detail).toBe('"rating" must be a number from 1 to 5 or good/bad, got 7');
  });

  test('feedback in survey words: good/satisfied count 5, bad/unsatisfied/dissatisfied 1, in any case', async () => {
    const words = ['good', 'Satisfied', 'bad', 'UNSATISFIED', 'dissatisfied', 'bad_with_comment'];
    const items = await parseAll(jsonl(...words.map((rating, i) => ({ conversation_id: `s-${i}`, rating }))));
    expect(feedbacks(items).map((f) => f.rating)).toEqual([5, 5, 1, 1, 1, 1]);
  });
});

describe('detection, encodings and compression', () => {
  test('detects by content, whatever the file is called', async () => {
    const items = await parseAll(jsonl(chat('c')), { fileName: 'export.csv' });
    expect(items[0].type).toBe('conversation');
  });

  test('a first line that is not JSON (a cut-off fragment, a comment) is one invalid-json record, not a CSV header', async () => {
    const good = [chat('f-1'), chat('f-2')];
    for (const firstLine of ['e":"agent","text":"It ships today."}]}', '# exported 2026-11-30']) {
      for (const text of [jsonl(firstLine, ...good), '\ufeff' + jsonl(firstLine, ...good).replace(/\n/g, '\r\n')]) {
        const items = await parseAll(text, { fileName: 'export.jsonl' });
        expect(items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type))).toEqual([
          'invalid-json',
          'conversation',
          'conversation',
        ]);
        expect(rejections(items)[0]).toMatchObject({ file: 'export.jsonl', line: 1, record: firstLine });
        expect(conversations(items).map((c) => c.conversationId)).toEqual(['f-1', 'f-2']);
      }
    }
    // Lines too long for the 64 KiB looked at first are still seen to start like JSON objects.
    const long = chat('long', { note: 'x'.repeat(100_000) });
    expect(conversations(await parseAll(jsonl('# exported 2026-11-30', long), {}, 4096)).map((c) => c.conversationId)).toEqual(['long']);
  });

  test('CSV and TSV stay CSV, also when a multi-line field holds a line that is a JSON object', async () => {
    const faq = 'question,answer\nWhat body do I send?,"Send an empty object:\n{}\nand nothing else."\nDo you ship to Ireland?,Yes.\n';
    expect(conversations(await parseAll(faq)).map((c) => c.turns.map((t) => t.content))).toEqual([
      ['What body do I send?', 'Send an empty object:\n{}\nand nothing else.'],
      ['Do you ship to Ireland?', 'Yes.'],
    ]);
    const tsv = 'conversation_id\tspeaker\ttext\nc-1\tcustomer\tWhere is my parcel?\nc-1\tagent\tIt arrives tomorrow.\n';
    expect(conversations(await parseAll(tsv)).map((c) => c.conversationId)).toEqual(['c-1']);
  });

  test('tolerates a UTF-8 BOM and CRLF line ends', async () => {
    const text = '\ufeff' + jsonl(chat('a'), chat('b')).replace(/\n/g, '\r\n');
    const items = await parseAll(text);
    expect(conversations(items).map((c) => c.conversationId)).toEqual(['a', 'b']);
  });

  test('multi-byte characters split across chunks survive', async () => {
    const line = chat('ü', {
      messages: [
        { role: 'user', text: 'Größe 😀 ändern' },
        { role: 'agent', text: 'ok' },
      ],
    });
    for (const size of [1, 2, 3, 5]) {
      const [c] = conversations(await parseAll(jsonl(line), {}, size));
      expect(c.turns[0].content).toBe('Größe 😀 ändern');
    }
  });

  test('a line that is neither UTF-8 nor Windows-1252 (0x81 is no character there) is rejected as such', async () => {
    const data = Buffer.concat([Buffer.from(jsonl(chat('a'))), Buffer.from([0x7b, 0x81, 0xfe, 0x7d, 0x0a]), Buffer.from(jsonl(chat('b')))]);
    const items = await parseAll(data);
    expect(items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type))).toEqual([
      'conversation',
      'invalid-encoding',
      'conversation',
    ]);
  });

  test('gzip is detected by magic bytes, for JSONL and CSV alike, also gzip inside gzip', async () => {
    const j = await parseAll(gzip(jsonl(chat('g'))), { fileName: 'data.txt' });
    expect(conversations(j)[0].conversationId).toBe('g');
    const c = await parseAll(gzip('question,answer\nQ1,A1\nQ2,A2\n'));
    expect(conversations(c).map((x) => x.kind)).toEqual(['faq', 'faq']);
    const twice = await parseAll(gzipSync(gzip(jsonl(chat('gg')))));
    expect(conversations(twice)[0].conversationId).toBe('gg');
  });

  test('a truncated or corrupt gzip stream throws IngestError naming the file', async () => {
    const full = gzip(jsonl(...Array.from({ length: 200 }, (_, i) => chat(`c${i}`))));
    const truncated = full.subarray(0, Math.floor(full.length / 2));
    await expect(parseAll(truncated, { fileName: 'logs/day1.jsonl.gz' })).rejects.toThrow(IngestError);
    await expect(parseAll(truncated, { fileName: 'logs/day1.jsonl.gz' })).rejects.toMatchObject({
      code: 'gzip-corrupt',
      file: 'logs/day1.jsonl.gz',
      retryable: false,
    });
    const corrupt = Buffer.from(full);
    corrupt.fill(0x55, 20, 60);
    await expect(parseAll(corrupt, { fileName: 'x.gz' })).rejects.toMatchObject({
      code: 'gzip-corrupt',
      message: expect.stringContaining('x.gz'),
    });
  });

  test('an I/O error mid-file throws IngestError(read-failed) naming the file', async () => {
    async function* failing(): AsyncIterable<Buffer> {
      // More than the 64 KiB looked at for detection, so the failure comes mid-parse.
      for (let i = 0; i < 1000; i++) yield Buffer.from(jsonl(chat(`c${i}`)));
      throw new Error('socket hang up');
    }
    const seen: IngestItem[] = [];
    const run = async () => {
      for await (const item of parseInput(failing(), { fileName: 'raw-logs/a.jsonl' })) seen.push(item);
    };
    await expect(run()).rejects.toMatchObject({
      name: 'IngestError',
      code: 'read-failed',
      file: 'raw-logs/a.jsonl',
      retryable: true,
      message: expect.stringContaining('socket hang up'),
    });
    expect(seen).toHaveLength(1000);
  });

  test('reads Node readable streams', async () => {
    const items: IngestItem[] = [];
    for await (const item of parseInput(Readable.from([Buffer.from(jsonl(chat('s')))]), { fileName: 's.jsonl' })) items.push(item);
    expect(conversations(items)[0].conversationId).toBe('s');
  });

  test.each([
    ['binary', Buffer.from([0x01, 0x00, 0x02, 0x03]), /binary/],
    ['zip', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00]), /ZIP archive/],
    ['UTF-16 without a byte-order mark', Buffer.from('question,answer,notes\n', 'utf16le'), /UTF-16 text without a byte-order mark/],
    [
      'JSON array of unknown records',
      Buffer.from('[{"foo": 1}, {"bar": 2}]'),
      /no record among the first 2 of the JSON document is a known format \(their keys: foo, bar\)/,
    ],
    ['HTML', Buffer.from('<html><body>hi</body></html>'), /HTML/],
    ['unknown JSON keys', Buffer.from(jsonl({ foo: 1 }, { bar: 2 })), /no line among the first 2/],
    ['no valid JSON', Buffer.from('{nope\n{nope\n'), /none of the first 2 lines is valid JSON/],
    [
      'pretty-printed JSON of unknown keys',
      Buffer.from(JSON.stringify({ ticket: 'c', lines: [1, 2] }, null, 2)),
      /no record among the first 1 of the JSON document/,
    ],
    ['unknown CSV header', Buffer.from('name,email\nA,a@x\n'), /CSV header \(name, email\)/],
    ['plain text', Buffer.from('Hello, this is just text.\nMore text\n'), /CSV header/],
  ])('an undetectable file (%s) gives exactly one rejection naming the file and why', async (_name, data, why) => {
    const items = await parseAll(data, { fileName: 'raw-logs/mystery' });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ type: 'rejected', rejection: { file: 'raw-logs/mystery', reason: 'unknown-format', line: 1 } });
    const { detail } = (items[0] as Extract<IngestItem, { type: 'rejected' }>).rejection;
    expect(detail).toContain('raw-logs/mystery');
    expect(detail).toMatch(why);
  });

  test('an empty file has no records and gives no items', async () => {
    expect(await parseAll('')).toEqual([]);
    expect(await parseAll('\ufeff\n\n  \n')).toEqual([]);
    expect(await parseAll(gzip(''))).toEqual([]);
  });

  test('a line over the size limit is rejected without being held in memory', async () => {
    const big = chat('big', { messages: [{ role: 'user', text: 'x'.repeat(5000) }] });
    const items = await parseAll(jsonl(chat('a'), big, chat('b')), { maxRecordBytes: 1000 }, 256);
    expect(items.map((i) => (i.type === 'rejected' ? `${i.rejection.line}:${i.rejection.reason}` : i.type))).toEqual([
      'conversation',
      '2:record-too-long',
      'conversation',
    ]);
    expect(rejections(items)[0].record.length).toBeLessThanOrEqual(2048);
  });

  test('abort stops parsing with the signal reason', async () => {
    const controller = new AbortController();
    const items: IngestItem[] = [];
    const run = async () => {
      for await (const item of parseInput(chunked(jsonl(chat('a'), chat('b'), chat('c'))), { fileName: 'f', signal: controller.signal })) {
        items.push(item);
        controller.abort();
      }
    };
    await expect(run()).rejects.toMatchObject({ name: 'AbortError' });
    expect(items).toHaveLength(1);
  });
});

describe('one item per record', () => {
  test('every non-blank line of a mixed, partly broken file yields exactly one item', async () => {
    // Deterministic pseudo-random mix of good and bad lines.
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const kinds = [
      () => chat(`c${seed}`),
      () => ({
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a' },
        ],
      }),
      () => ({ question: `q${seed}`, answer: 'a' }),
      () => ({ conversation_id: `c${seed}`, rating: 1 + Math.floor(rand() * 7) }),
      () => '{"truncated": ',
      () => chat('x', { messages: [{ role: 'alien', text: 'hi' }] }),
      () => chat('y', { messages: [{ role: 'user' }] }),
      () => '42',
      () => ({ nothing: true }),
    ];
    const lines: unknown[] = [];
    for (let i = 0; i < 500; i++) lines.push(kinds[Math.floor(rand() * kinds.length)]());
    const text = jsonl(chat('first'), ...lines, '', '  ');
    const items = await parseAll(text, {}, 97);
    expect(items).toHaveLength(501);
    const lineNumbers = items.map((i) =>
      i.type === 'conversation' ? i.conversation.source.line : i.type === 'feedback' ? i.feedback.source.line : i.rejection.line,
    );
    expect(lineNumbers).toEqual(Array.from({ length: 501 }, (_, i) => i + 1));
  });
});

describe('releasing the input', () => {
  test('the source is closed when parsing ends early (unknown format, consumer stops, gzip)', async () => {
    for (const [data, stopAfter, zipped] of [
      [Buffer.from('\x00\x01binary'), Infinity, false],
      [Buffer.from(jsonl(chat('a'), chat('b'), chat('c'))), 1, false],
      [gzip(jsonl(chat('a'), chat('b'), chat('c'))), 1, true],
    ] as const) {
      let closed = false;
      async function* source(): AsyncIterable<Buffer> {
        try {
          yield data;
          // A long file: parsing must stop reading rather than drain it (gzip: more gzip members).
          for (let i = 0; i < 1_000_000; i++) yield zipped ? gzip(jsonl(chat(`more${i}`))) : Buffer.from(jsonl(chat(`more${i}`)));
        } finally {
          closed = true;
        }
      }
      let n = 0;
      for await (const _ of parseInput(source(), { fileName: 'f' })) if (++n >= stopAfter) break;
      expect(closed).toBe(true);
    }
  });
});
