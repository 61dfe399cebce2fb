import {
  charsetOfContentType,
  declaredEncodingOfBlob,
  decodeDeclaredFileText,
  resolveEncodingLabel,
  type EncodingUsed,
} from '../../../src/shared/ingest/encoding';
import { conversations, parseAll, rejections } from './helpers';
import { encodeLegacy } from './legacyBytes';

const cli = (label: string) => resolveEncodingLabel(label, '--encoding');
const messageCsv = (rows: string[][]) =>
  [
    'conversation_id,timestamp,speaker,text',
    ...rows.map((r) => r.map((f) => (/[,"]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(',')),
  ].join('\r\n') + '\r\n';
const chatLine = (id: string, question: string, reply: string) =>
  JSON.stringify({
    conversation_id: id,
    messages: [
      { role: 'customer', text: question },
      { role: 'agent', text: reply },
    ],
  });

describe('declared legacy encodings', () => {
  it('builds test bytes that are what the encodings write (checked against bytes written by hand)', () => {
    expect(encodeLegacy('こんにちは', 'shift_jis')).toEqual(Buffer.from([0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd]));
    expect(encodeLegacy('Привет', 'windows-1251')).toEqual(Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]));
    expect(encodeLegacy('你好', 'gbk')).toEqual(Buffer.from([0xc4, 0xe3, 0xba, 0xc3]));
  });

  it('resolves labels the WHATWG way and refuses unknown ones saying where the list is', () => {
    expect(cli('Shift_JIS').name).toBe('shift_jis');
    expect(cli('sjis').name).toBe('shift_jis');
    expect(cli('GB2312').name).toBe('gbk');
    expect(cli('cp1251').name).toBe('windows-1251');
    expect(cli('us-ascii').name).toBe('utf-8');
    expect(() => cli('klingon')).toThrow(/unknown encoding "klingon".*encoding\.spec\.whatwg\.org.*shift_jis/);
    expect(() => cli('utf-32')).toThrow(/UTF-32 is not supported/);
    expect(() => cli('iso-2022-jp')).toThrow(/not supported/);
  });

  it('reads the charset of a Content-Type, and the blob metadata `encoding` before it', () => {
    expect(charsetOfContentType('text/csv; charset="Shift_JIS"')).toBe('Shift_JIS');
    expect(charsetOfContentType('text/csv;Charset=gbk;header=present')).toBe('gbk');
    expect(charsetOfContentType('text/csv')).toBeUndefined();
    expect(declaredEncodingOfBlob({ contentType: 'text/csv; charset=windows-1251' })).toEqual({
      name: 'windows-1251',
      by: "the blob's Content-Type charset",
    });
    expect(declaredEncodingOfBlob({ contentType: 'text/csv; charset=utf-8', metadata: { Encoding: 'gbk' } })?.name).toBe('gbk');
    expect(declaredEncodingOfBlob({ contentType: 'text/csv' })).toBeUndefined();
  });

  it('a Shift_JIS message CSV declared so is read as Japanese; undeclared, its rows are quarantined saying how to declare it', async () => {
    const text = messageCsv([
      ['j1', '2026-01-01T10:00:00Z', 'Customer', '荷物はどこですか？表示されません'],
      ['j1', '2026-01-01T10:01:00Z', 'Agent', '申し訳ございません。明日届きます。'],
      ['j2', '2026-01-01T11:00:00Z', 'Customer', 'パスワードを忘れました'],
      ['j2', '2026-01-01T11:01:00Z', 'Agent', 'リセットのリンクを送りました。'],
    ]);
    // 表 is 0x95 0x5C in Shift_JIS: a backslash byte inside a character, read right only by decoding first.
    const bytes = encodeLegacy(text, 'shift_jis');
    const used: EncodingUsed[] = [];
    for (const chunkSize of [1, 7, 64 * 1024]) {
      const items = await parseAll(bytes, { encoding: cli('shift_jis'), onEncoding: (u) => used.push(u) }, chunkSize);
      expect(rejections(items)).toEqual([]);
      const read = conversations(items).map((c) => [c.conversationId, c.turns.map((t) => t.content)]);
      expect(read.sort()).toEqual([
        ['j1', ['荷物はどこですか？表示されません', '申し訳ございません。明日届きます。']],
        ['j2', ['パスワードを忘れました', 'リセットのリンクを送りました。']],
      ]);
    }
    expect(used[0]).toEqual({ name: 'shift_jis', how: 'declared', ignored: { name: 'shift_jis', by: '--encoding' } });

    const undeclared = rejections(await parseAll(bytes));
    expect(undeclared.length).toBeGreaterThan(0);
    expect(undeclared.every((r) => r.reason === 'invalid-encoding')).toBe(true);
    expect(undeclared[0].detail).toContain('--encoding shift_jis');
    expect(undeclared[0].detail).toContain('charset=shift_jis');
  });

  it('a GBK JSON lines file: every valid line read, an invalid one quarantined naming the encoding, file and line', async () => {
    const good = encodeLegacy(chatLine('g1', '我的包裹在哪里？', '明天送到。') + '\n', 'gbk');
    // 0x80 0xFF is no GBK character.
    const bad = Buffer.concat([
      encodeLegacy('{"conversation_id":"g2","messages":[{"role":"customer","text":"坏', 'gbk'),
      Buffer.from([0xff, 0x80]),
    ]);
    const badLine = Buffer.concat([bad, encodeLegacy('"},{"role":"agent","text":"好"}]}\n', 'gbk')]);
    const last = encodeLegacy(chatLine('g3', '退款', '已退款。') + '\n', 'gbk');
    const items = await parseAll(Buffer.concat([good, badLine, last]), { fileName: 'export.jsonl', encoding: cli('gbk') });
    expect(conversations(items).map((c) => [c.conversationId, c.source.line, c.turns[0].content])).toEqual([
      ['g1', 1, '我的包裹在哪里？'],
      ['g3', 3, '退款'],
    ]);
    const [rejected] = rejections(items);
    expect([rejected.line, rejected.reason]).toEqual([2, 'invalid-encoding']);
    expect(rejected.detail).toBe(
      "line 2 of export.jsonl is not valid gbk text (the encoding declared by --encoding); correct the line, or declare the file's real encoding",
    );
    expect(rejected.record).toContain('坏\ufffd');
  });

  it('a Windows-1251 pretty-printed JSON document and a CSV with a byte the code page leaves undefined', async () => {
    const doc = encodeLegacy(
      JSON.stringify(
        [
          {
            conversation_id: 'r1',
            messages: [
              { role: 'customer', text: 'Где мой заказ?' },
              { role: 'agent', text: 'Завтра.' },
            ],
          },
        ],
        null,
        2,
      ),
      'windows-1251',
    );
    const items = await parseAll(doc, { encoding: cli('windows-1251') });
    expect(rejections(items)).toEqual([]);
    expect(conversations(items)[0].turns.map((t) => t.content)).toEqual(['Где мой заказ?', 'Завтра.']);

    // 0x98 is undefined in Windows-1251 (ICU decodes it as the C1 control U+0098 instead of failing).
    const csv = Buffer.concat([
      encodeLegacy(
        messageCsv([
          ['r2', '', 'Customer', 'Привет'],
          ['r2', '', 'Agent', 'Здравствуйте'],
        ]),
        'windows-1251',
      ),
      encodeLegacy('r3,,Customer,Плохо', 'windows-1251'),
      Buffer.from([0x98]),
      encodeLegacy('\r\nr3,,Agent,Хорошо\r\n', 'windows-1251'),
    ]);
    const rows = await parseAll(csv, { fileName: 'ru.csv', encoding: cli('cp1251') });
    expect(conversations(rows).map((c) => c.turns.map((t) => t.content))).toEqual([['Привет', 'Здравствуйте']]);
    expect(rejections(rows).map((r) => [r.line, r.reason])).toEqual([[4, 'invalid-encoding']]);
    expect(rejections(rows)[0].detail).toContain('line 4 of ru.csv is not valid windows-1251 text');
  });

  it('a line longer than what is held (1 MiB) is decoded as it streams', async () => {
    const long = 'Очень длинное сообщение. '.repeat(60_000);
    const doc = encodeLegacy(`${chatLine('l1', long, 'Ок.')}\n${chatLine('l2', 'Короткое', 'Да.')}\n`, 'windows-1251');
    expect(doc.length).toBeGreaterThan(1024 * 1024);
    const items = await parseAll(doc, { encoding: cli('windows-1251') }, 64 * 1024);
    expect(rejections(items)).toEqual([]);
    expect(conversations(items).map((c) => c.turns[0].content)).toEqual([long.trim(), 'Короткое']);
  });

  it('a byte-order mark decides over a declaration, and UTF-16 declared without one is refused', async () => {
    const used: EncodingUsed[] = [];
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(chatLine('b1', 'Où est-il ?', 'Demain.') + '\n')]);
    const items = await parseAll(utf8, { encoding: cli('shift_jis'), onEncoding: (u) => used.push(u) });
    expect(conversations(items)[0].turns[0].content).toBe('Où est-il ?');
    expect(used).toEqual([{ name: 'utf-8', how: 'byte-order mark', ignored: { name: 'shift_jis', by: '--encoding' } }]);

    const refused = rejections(await parseAll(Buffer.from(chatLine('b2', 'a', 'b'), 'utf16le'), { encoding: cli('utf-16le') }));
    expect(refused.map((r) => r.reason)).toEqual(['unknown-format']);
    expect(refused[0].detail).toContain('--encoding says utf-16le, but the file has no byte-order mark');
  });

  it('forget reads a declared file line by line and writes kept lines back as their own bytes', () => {
    const lines = ['{"id":"a","text":"Привет"}', '{"id":"b","text":"Пока"}', ''];
    const bytes = encodeLegacy(lines.join('\n'), 'windows-1251');
    const file = decodeDeclaredFileText(bytes, 'windows-1251');
    expect(file.text).toBe(lines.join('\n'));
    expect(file.encode([lines[0], 'changed: Новый', ''].join('\n'))).toEqual(
      encodeLegacy([lines[0], 'changed: Новый', ''].join('\n'), 'windows-1251'),
    );
    const sjis = decodeDeclaredFileText(encodeLegacy('{"t":"荷物"},\n{"t":"明日"}\n', 'shift_jis'), 'shift_jis');
    expect(sjis.encode('{"t":"荷物"},\n')).toEqual(encodeLegacy('{"t":"荷物"},\n', 'shift_jis'));
    // A changed non-ASCII line of a multi-byte encoding cannot be written without an encoder.
    expect(sjis.encode('{"t":"荷物"}\n')).toBeUndefined();
  });
});
