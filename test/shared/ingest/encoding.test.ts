import { decodeFileText, windows1252Line } from '../../../src/shared/ingest/encoding';
import { conversations, parseAll, rejections } from './helpers';

/** "arrivée, vérifier, sûr" as Excel's CSV writes them on Western-European Windows: one byte per accent. */
const cp1252 = (text: string) => Buffer.from(text.replaceAll('’', '\x92').replaceAll('€', '\x80'), 'latin1');
/** "こんにちは" in Shift_JIS: pairs of bytes above 0x7F, never valid UTF-8, never Windows-1252 text. */
const SHIFT_JIS_HELLO = Buffer.from([0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd]);
/** "Привет" in Windows-1251. */
const CP1251_HELLO = Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]);

const utf16 = (text: string, order: 'le' | 'be') => {
  const le = Buffer.from(`\ufeff${text}`, 'utf16le');
  return order === 'le' ? le : Buffer.from(le).swap16();
};

describe('input encodings other than UTF-8', () => {
  it('reads a line as Windows-1252 only when it plausibly is', () => {
    expect(windows1252Line(cp1252('Ma commande n’est pas arrivée, Grüße, 12 €'))).toBe('Ma commande n’est pas arrivée, Grüße, 12 €');
    // UTF-8 with one damaged byte: the good accents would turn into mojibake.
    expect(windows1252Line(Buffer.concat([Buffer.from('déjà vu ', 'utf8'), Buffer.from([0xe9])]))).toBeUndefined();
    expect(windows1252Line(Buffer.concat([Buffer.from('hello '), SHIFT_JIS_HELLO]))).toBeUndefined();
    expect(windows1252Line(Buffer.concat([Buffer.from('hello '), CP1251_HELLO]))).toBeUndefined();
    // 0x81 is not a Windows-1252 character.
    expect(windows1252Line(Buffer.from([0x61, 0x81, 0x62]))).toBeUndefined();
  });

  it.each(['le', 'be'] as const)('UTF-16%s JSON lines with a byte-order mark are read, line numbers kept', async (order) => {
    const text =
      '{"conversation_id":"u1","messages":[{"role":"user","content":"Où est ma commande ? 🙂"},{"role":"assistant","content":"Elle arrive demain."}]}\r\n' +
      '{"conversation_id":"u2","messages":[{"role":"user","content":"荷物はどこですか"},{"role":"assistant","content":"明日届きます。"}]}\r\n';
    const items = await parseAll(utf16(text, order), {}, 5);
    const found = conversations(items);
    expect(rejections(items)).toEqual([]);
    expect(found.map((c) => [c.conversationId, c.source.line, c.turns[0].content])).toEqual([
      ['u1', 1, 'Où est ma commande ? 🙂'],
      ['u2', 2, '荷物はどこですか'],
    ]);
  });

  it('UTF-16 without a byte-order mark is refused with what to do', async () => {
    const bytes = Buffer.from('conversation_id,speaker,text\nc1,customer,Where is my order?\n', 'utf16le');
    const [rejected] = rejections(await parseAll(bytes));
    expect(rejected.reason).toBe('unknown-format');
    expect(rejected.detail).toContain('UTF-16 text without a byte-order mark; save the file as UTF-8');
  });

  it('a Windows-1252 CSV is read as such, each decoded line counted; a row in another encoding is quarantined by its line', async () => {
    const csv = Buffer.concat([
      cp1252('conversation_id,speaker,text\r\n'),
      cp1252('c1,customer,"Ma commande n’est pas arrivée, pouvez-vous vérifier ?"\r\n'),
      cp1252('c1,agent,"Bien sûr, je vérifie votre commande."\r\n'),
      Buffer.from('c2,customer,"'),
      SHIFT_JIS_HELLO,
      Buffer.from('"\r\nc2,agent,Hello\r\n'),
      Buffer.from('c3,customer,"Déjà payé, merci"\nc3,agent,"Très bien, c’est noté."\n', 'utf8'),
    ]);
    const decoded: number[] = [];
    const items = await parseAll(csv, { onWindows1252: (line) => decoded.push(line) }, 6);
    expect(decoded).toEqual([2, 3]);
    expect(conversations(items).map((c) => [c.conversationId, c.turns.map((t) => t.content)])).toEqual([
      ['c1', ['Ma commande n’est pas arrivée, pouvez-vous vérifier ?', 'Bien sûr, je vérifie votre commande.']],
      ['c3', ['Déjà payé, merci', 'Très bien, c’est noté.']],
    ]);
    expect(rejections(items).map((r) => [r.line, r.reason, r.detail])).toEqual([
      [
        4,
        'invalid-encoding',
        'line 4 is neither UTF-8 nor Windows-1252 text; save the file as UTF-8, or declare its encoding (`tuneloop prepare --encoding shift_jis`, or a blob uploaded with Content-Type `text/csv; charset=shift_jis`)',
      ],
    ]);
  });

  it('a CSV line over 1 MiB is passed on unchecked (memory stays bounded); the lines after it are still read and counted', async () => {
    const long = 'x'.repeat(1536 * 1024);
    const csv = Buffer.concat([
      Buffer.from(`question,answer\r\n"What is in the long answer?","${long}"\r\n`),
      cp1252('"Où est ma commande ?","Elle arrive demain."\r\n'),
    ]);
    const decoded: number[] = [];
    const items = await parseAll(csv, { onWindows1252: (line) => decoded.push(line), maxRecordBytes: 4 * 1024 * 1024 }, 65536);
    expect(decoded).toEqual([3]);
    expect(conversations(items).map((c) => [c.source.line, c.turns[0].content])).toEqual([
      [2, 'What is in the long answer?'],
      [3, 'Où est ma commande ?'],
    ]);
  });

  it('a Windows-1252 JSON line is read; a Shift_JIS one is still quarantined', async () => {
    const jsonl = Buffer.concat([
      cp1252(
        '{"conversation_id":"w1","messages":[{"role":"user","content":"Où est ma commande ?"},{"role":"assistant","content":"Elle arrive."}]}\n',
      ),
      Buffer.from('{"conversation_id":"w2","messages":[{"role":"user","content":"'),
      SHIFT_JIS_HELLO,
      Buffer.from('"},{"role":"assistant","content":"Hi"}]}\n'),
    ]);
    const decoded: number[] = [];
    const items = await parseAll(jsonl, { onWindows1252: (line) => decoded.push(line) });
    expect(decoded).toEqual([1]);
    expect(conversations(items).map((c) => c.turns[0].content)).toEqual(['Où est ma commande ?']);
    expect(rejections(items).map((r) => [r.line, r.reason])).toEqual([[2, 'invalid-encoding']]);
  });

  it('decodeFileText reads a whole file as the parsers do and writes it back in its encoding', () => {
    const le = decodeFileText(utf16('a\nb\n', 'le'));
    expect(le.text).toBe('a\nb\n');
    expect(le.encode('b\n')).toEqual(utf16('b\n', 'le'));
    const be = decodeFileText(utf16('é\n', 'be'));
    expect(be.text).toBe('é\n');
    expect(be.encode('é\n')).toEqual(utf16('é\n', 'be'));
    const mixed = decodeFileText(Buffer.concat([cp1252('café\r\n'), Buffer.from('thé\n', 'utf8')]));
    expect(mixed.text).toBe('café\r\nthé\n');
    expect(mixed.encode(mixed.text).toString('utf8')).toBe('café\r\nthé\n');
  });
});
