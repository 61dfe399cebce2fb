import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { detectAll } from '../../../src/shared/language/detector';
import { buildLanguageModel, languageModel, LanguageModelSourceError, tinyldModuleFile } from '../../../src/shared/language/model';

/**
 * The detector must answer exactly as tinyld does (same languages, order and accuracy numbers,
 * float sums included): tinyld itself is the reference here, on every text of the fixture corpora
 * and on generated ones.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the reference implementation, loaded only by this test
const tinyld = require('tinyld') as { detectAll(text: string): { lang: string; accuracy: number }[] };

const CORPORA = join(__dirname, '..', '..', 'fixtures', 'corpora');

/** Every string value of a parsed JSON document. */
function stringsOf(value: unknown, out: Set<string>): void {
  if (typeof value === 'string') out.add(value);
  else if (Array.isArray(value)) for (const v of value) stringsOf(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) stringsOf(v, out);
}

/** The texts of the fixture corpora: JSON string values, JSONL records' values, CSV and text lines. */
function corpusTexts(): string[] {
  const out = new Set<string>();
  const visit = (path: string) => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path)) visit(join(path, name));
      return;
    }
    const text = readFileSync(path, 'utf8');
    if (path.endsWith('.json')) stringsOf(JSON.parse(text), out);
    else if (path.endsWith('.jsonl')) {
      for (const line of text.split('\n')) if (line.trim()) stringsOf(JSON.parse(line), out);
    } else if (path.endsWith('.csv') || path.endsWith('.txt')) for (const line of text.split('\n')) out.add(line);
  };
  visit(CORPORA);
  return [...out];
}

/** The language tests' texts, and more scripts and edge cases the corpora lack. */
const HANDWRITTEN = [
  'Ich werde Ihnen bei der Lösung des Problems helfen',
  'Je suis désolée pour ce retard, votre colis arrive demain',
  '返金をお願いしたいです。注文番号は12345です。',
  'أريد استرداد أموالي من فضلك',
  'Hi somebody transferred $500 from my account!',
  'Hola, necesito ayuda con mi pedido, no ha llegado',
  'Olá, preciso de ajuda com o meu pedido que não chegou',
  'Hallo, ik heb hulp nodig met mijn bestelling',
  'Ciao, ho bisogno di aiuto con il mio ordine',
  'Mein Paket ist nicht angekommen, bitte helfen Sie mir',
  'Votre commande a été expédiée hier et arrivera demain',
  '12345 !!! 😀',
  'ok',
  '',
  '   ',
  '안녕하세요, 주문한 상품이 아직 도착하지 않았습니다.',
  'Здравствуйте, мой заказ ещё не пришёл.',
  'Γεια σας, η παραγγελία μου δεν έχει φτάσει.',
  'שלום, ההזמנה שלי עדיין לא הגיעה',
  'नमस्ते, मेरा ऑर्डर अभी तक नहीं आया है',
  'สวัสดีครับ คำสั่งซื้อของฉันยังไม่มาถึง',
  '你好，我的订单还没有到。',
  'Merhaba, siparişim henüz gelmedi.',
  'Dzień dobry, moje zamówienie jeszcze nie dotarło.',
  'Xin chào, đơn hàng của tôi vẫn chưa đến.',
  '（ｔｅｓｔ）１２３ 「引用」 《书名》 ⋯ „Zitat“ «citation» ‘quote’ don’t',
  'tab\there\nnew line\u00a0nbsp\u2028ls  double  spaces',
  'e\u0301te\u0301 cafe\u0301 ﬁ ǅ Å',
  '\ud83d lone \udc00 surrogates 𝑥 𝕏',
  '((((((((',
  '.,;:!?',
];

describe('detectAll over the shared model', () => {
  const model = languageModel();

  it('answers as tinyld on every text of the fixture corpora and of the language tests', () => {
    const texts = [...corpusTexts(), ...HANDWRITTEN];
    expect(texts.length).toBeGreaterThan(10_000);
    const differing: { text: string; ours: unknown; tinyld: unknown }[] = [];
    const languages = new Set<string>();
    for (const text of texts) {
      const ours = detectAll(model, text);
      const reference = tinyld.detectAll(text);
      if (JSON.stringify(ours) !== JSON.stringify(reference)) differing.push({ text, ours, tinyld: reference });
      for (const { lang } of reference) languages.add(lang);
    }
    expect(differing.slice(0, 5)).toEqual([]);
    // Not a comparison of empty answers: the texts reach most of tinyld's languages.
    expect(languages.size).toBeGreaterThan(40);
  });

  it('answers as tinyld on generated texts: slices and mixes of corpus texts, punctuation, digits, other scripts', () => {
    const texts = [...corpusTexts(), ...HANDWRITTEN].filter((t) => t.length > 0);
    const corpusText = fc.constantFrom(...texts);
    const slice = fc
      .tuple(corpusText, fc.nat(), fc.nat())
      .map(([t, a, b]) => t.slice(Math.min(a, b) % (t.length + 1), Math.max(a, b) % (t.length + 1)));
    const units = (from: number, to: number) => fc.integer({ min: from, max: to }).map((c) => String.fromCharCode(c));
    const noise = fc.oneof(
      fc.constantFrom(
        ...', . 。 ， 、 ! ¿ ? ！ ？ " : ; ( ) 「 」 { } „ “ « » ” < > ⋯ 《 》 * [ ] \\ # % & / + ¡ … _ – — ~ ’ \' - @ $'.split(' '),
      ),
      fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u3000', '\u2028', '\ufeff'),
      fc.string({ unit: units(0x30, 0x39) }),
      fc.string({ unit: units(0xff10, 0xff19) }),
      fc.string({ unit: units(0x4e00, 0x4f00) }),
      fc.string({ unit: units(0x3040, 0x30ff) }),
      fc.string({ unit: units(0xac00, 0xac80) }),
      fc.string({ unit: units(0x0300, 0x036f) }),
      fc.string({ unit: units(0xd800, 0xdfff) }),
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: 'binary' }),
      fc.constant(''),
    );
    const mixed = fc.array(fc.oneof(slice, noise, corpusText), { maxLength: 8 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(mixed, slice, noise), (text) => {
        expect(detectAll(model, text)).toEqual(tinyld.detectAll(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('builds the same model in shared memory, for worker threads', () => {
    const shared = buildLanguageModel(readFileSync(tinyldModuleFile(), 'utf8'), { file: tinyldModuleFile(), shared: true });
    expect(shared.keyUnits.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.slots.buffer).toBeInstanceOf(SharedArrayBuffer);
    const { languages, ...arrays } = shared;
    expect(languages).toEqual(model.languages);
    for (const [name, array] of Object.entries(arrays)) {
      const built = model[name as keyof typeof arrays];
      expect(Buffer.from(array.buffer).equals(Buffer.from(built.buffer, built.byteOffset, built.byteLength))).toBe(true);
    }
    for (const text of HANDWRITTEN) expect(detectAll(shared, text)).toEqual(tinyld.detectAll(text));
  });

  it('says which file and where when tinyld is not laid out as expected, instead of detecting wrongly', () => {
    const file = tinyldModuleFile();
    const source = readFileSync(file, 'utf8');
    const build = (text: string) => () => buildLanguageModel(text, { file, shared: false });
    expect(build(source.replace('TINYLD_CONFIG:"normal"', 'TINYLD_CONFIG:"heavy"'))).toThrow(LanguageModelSourceError);
    expect(build(source.replace('X={id:"tinyld-dict"', 'X={id:"other"'))).toThrow(/tinyld-dict/);
    // A scores value that is not pairs of base-36 digits.
    const corrupt = source.replace(/(multiples:\{" 'a":")1F041Q7Q"/, '$11F041Q7"');
    expect(corrupt).not.toBe(source);
    expect(build(corrupt)).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*base-36.*at character \\d+`));
  });
});
