import { asNfkcMadeIt, decodeEntities, normalizeText, stripHtml } from '../../../src/shared/ingest/text';
import { createRoleMapper, inferMissingRoles } from '../../../src/shared/ingest/roles';
import { buildTurns, parseRating, parseTimestamp } from '../../../src/shared/ingest/turns';
import { applyFeedback } from '../../../src/shared/ingest/feedback';
import type { Conversation } from '../../../src/shared/ingest/types';
import { wordTokens } from '../../../src/shared/language/tokens';
import { normaliseText } from '../../../src/shared/quality/minhash';
import { foldForMatching, foldFullWidth } from '../../../src/shared/language/fullWidth';
import { detectLocal } from '../../../src/shared/quality/pii/redact';
import { seededRandom } from '../../../src/shared/random/seeded';

describe('normalizeText', () => {
  test('keeps Thai SARA AM and Lao AM, which NFKC would take apart (QA, multilingual pass)', () => {
    // "We have refunded the duplicate amount within three working days": ซ้ำ, ทำการ.
    const thai = 'เราได้คืนเงินส่วนที่ถูกตัดซ้ำให้แล้วค่ะภายในสามวันทำการ';
    expect(normalizeText(thai)).toBe(thai);
    expect(normalizeText('น้ำ ๆ  ทำ')).toBe('น้ำ ๆ ทำ');
    expect(normalizeText('ຂອບໃຈຫຼາຍໆ ທຳ')).toBe('ຂອບໃຈຫຼາຍໆ ທຳ');
    // The rest of the text is still NFKC: full-width letters and digits beside it become plain.
    expect(normalizeText('ทำ ＡＢＣ１２３ ทำ')).toBe('ทำ ABC123 ทำ');
  });

  describe('full-width punctuation (Chinese and Japanese are written with it; NFKC made it ASCII)', () => {
    test('keeps ，？！：；（） and the other full-width punctuation and symbols as written', () => {
      const chinese = '您好，请问有什么可以帮您？我的订单（编号：A12345）还没有到！';
      expect(normalizeText(chinese)).toBe(chinese);
      const japanese = 'お問い合わせありがとうございます！ご注文（番号：A-1）について；確認いたします？';
      expect(normalizeText(japanese)).toBe(japanese);
      // Every punctuation mark and symbol of the block, and the full-width signs (kaomoji, prices).
      const block = '！＂＃＄％＆＇（）＊＋，－．／：；＜＝＞？＠［＼］＾＿｀｛｜｝～｟｠￠￡￢￣￤￥￦';
      expect(normalizeText(`記号${block}です`)).toBe(`記号${block}です`);
      expect(normalizeText('（￣▽￣）ありがとう！')).toBe('（￣▽￣）ありがとう！');
      // The rest of the text is still NFKC: half-width katakana and their punctuation become full-width.
      expect(normalizeText('ﾃｽﾄ｡ｶﾞﾝﾊﾞﾙ､ﾖﾛｼｸ')).toBe('テスト。ガンバル、ヨロシク');
    });

    test('folds full-width letters and digits, and the punctuation between two of them, to ASCII', () => {
      expect(normalizeText('ＡＢＣ１２３')).toBe('ABC123');
      expect(normalizeText('電話は０９０－１２３４－５６７８です。')).toBe('電話は090-1234-5678です。');
      expect(normalizeText('メールはｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍです')).toBe('メールはtaro@example.comです');
      expect(normalizeText('料金は￥１，０００、受付は１０：００～１８：００です。')).toBe('料金は￥1,000、受付は10:00～18:00です。');
      // Brackets pair with one outside the run; punctuation at a run's ends belongs to the sentence.
      expect(normalizeText('（０３）１２３４－５６７８まで！')).toBe('（03）1234-5678まで！');
      expect(normalizeText('番号：１２３？')).toBe('番号：123？');
      // Written beside ASCII letters and digits, punctuation is kept as written.
      const contact = 'メールはtaro＠example．com，電話は090－1234－5678';
      expect(normalizeText(contact)).toBe(contact);
    });

    test('folds them as before in text without Chinese or Japanese, where they are an input-method accident', () => {
      expect(normalizeText('Hello，I need help with order ＃123！')).toBe('Hello,I need help with order #123!');
      expect(normalizeText('한국어　텍스트（테스트）')).toBe('한국어 텍스트(테스트)');
    });

    test('keeps an ideographic space; a run of them is one, a run with other spaces is one plain space', () => {
      expect(normalizeText('山田　太郎　　様')).toBe('山田　太郎　様');
      expect(normalizeText('　ご確認ください。　 よろしく\u3000\u00a0お願いします　')).toBe('ご確認ください。 よろしく お願いします');
      expect(normalizeText('ＡＢＣ　ＤＥＦ')).toBe('ABC DEF'); // inside a full-width run
    });

    test('counts the same words and duplicate text as the ASCII-punctuated copy', () => {
      const kept = normalizeText('您好，请问有什么可以帮您？　谢谢！');
      const ascii = '您好,请问有什么可以帮您? 谢谢!';
      expect(wordTokens(kept)).toEqual(wordTokens(ascii));
      expect(normaliseText(kept)).toBe(normaliseText(ascii));
    });
  });

  test('strips HTML tags, turns block tags into line breaks and drops scripts and comments', () => {
    expect(normalizeText('<p>Hello <b>Anna</b>,</p><p>your order<br/>has shipped.</p>')).toBe('Hello Anna,\nyour order\nhas shipped.');
    expect(normalizeText('Hi<script>alert("x")</script> there<!-- tracking -->')).toBe('Hi there');
    expect(normalizeText('<div class="msg" data-x=\'1\'>Thanks</div>')).toBe('Thanks');
  });

  test('leaves text that only looks a little like markup alone', () => {
    expect(normalizeText('is 3 < 5 and 7 > 2? <3')).toBe('is 3 < 5 and 7 > 2? <3');
    expect(stripHtml('a <= b')).toBe('a <= b');
  });

  test('decodes named and numeric entities after stripping, so escaped markup stays as text', () => {
    expect(normalizeText('Tom &amp; Jerry &lt;b&gt; &#8364;5 &#x1F600; &eacute;t&eacute; &bogus;')).toBe(
      'Tom & Jerry <b> €5 😀 été &bogus;',
    );
    expect(decodeEntities('&#0; &#xD800; &#99999999;')).toBe('&#0; &#xD800; &#99999999;');
  });

  test('applies NFKC: full-width letters, ligatures and non-breaking spaces become plain', () => {
    expect(normalizeText('Ｈｅｌｌｏ\u00a0ﬁne ①')).toBe('Hello fine ①');
    // composed and decomposed é are the same text afterwards
    expect(normalizeText('cafe\u0301')).toBe(normalizeText('caf\u00e9'));
  });

  // NFKC spelt these out ("m²" → "m2", "……" → "......", "℃" → "°C"), and a model trained on the text
  // wrote them so; an agent's reply reaches training as written but for what must be one spelling.
  test.each([
    ['Please wait a moment……', 'Please wait a moment……'],
    ['The room is 25 m² and holds H₂O at 4 ℃; 2ª planta, 1º piso.', 'The room is 25 m² and holds H₂O at 4 ℃; 2ª planta, 1º piso.'],
    ['Steps: ① log in ② open ⑴ Settings ⒈ Billing', 'Steps: ① log in ② open ⑴ Settings ⒈ Billing'],
    ['Add ½ cup, ⅓ of it; chapter Ⅻ', 'Add ½ cup, ⅓ of it; chapter Ⅻ'],
    ['Acme™ Pro℠ © 2024, № 5, c℅ Smith, 1.5 ℓ', 'Acme™ Pro℠ © 2024, № 5, c℅ Smith, 1.5 ℓ'],
    ['面积１０㎡，重量５㎏，㈱ニコ（㍻３年）', '面积10㎡，重量5㎏，㈱ニコ（㍻3年）'],
    ['ㅋㅋㅋ 감사합니다 ㅠㅠ', 'ㅋㅋㅋ 감사합니다 ㅠㅠ'],
    ['I don´t know', 'I don´t know'],
    ['Parking 🅿️ at gate 🅰', 'Parking 🅿️ at gate 🅰'],
    // What must be one spelling still is: full-width Latin, ligatures, odd spaces, half-width kana, styled letters.
    ['ＯＲＤＥＲ １２３ ﬁnal\u00a0oﬀer 𝐁𝐨𝐥𝐝 ｶﾀｶﾅ', 'ORDER 123 final offer Bold カタカナ'],
  ])('keeps the compatibility characters a writer chooses: %s', (raw, cleaned) => {
    expect(normalizeText(raw)).toBe(cleaned);
    // Content ids and language detection read them as NFKC made them, matching one unit for one.
    expect(foldFullWidth(asNfkcMadeIt(normalizeText(raw)))).toBe(foldFullWidth(normalizeText(raw.normalize('NFKC'))));
    expect(foldForMatching(normalizeText(raw))).toHaveLength(normalizeText(raw).length);
  });

  test('PII detection finds in text with kept characters what it found in the NFKC text', () => {
    const raw = 'Reach me at taro@example.com… or ① 555-867-5309 (Mr. John Smith™), ２０㎡ flat';
    const spans = (text: string) => detectLocal(text).map((s) => [s.type, s.value]);
    expect(spans(normalizeText(raw))).toEqual([
      ['EMAIL', 'taro@example.com'],
      // ① is read as the 1 NFKC made of it: a country code, as before.
      ['PHONE', '① 555-867-5309'],
      // NFKC made the name "John SmithTM".
      ['PERSON', 'John Smith'],
    ]);
    expect(spans(normalizeText(raw.normalize('NFKC')))).toEqual([
      ['EMAIL', 'taro@example.com'],
      ['PHONE', '1 555-867-5309'],
      ['PERSON', 'John SmithTM'],
    ]);
  });

  test('trims and collapses whitespace but keeps single line breaks', () => {
    expect(normalizeText('  one \t two  \r\n\r\n\n  three\u2028four  ')).toBe('one two\nthree\nfour');
    // A lone tab or other space becomes a plain one; a plain space between words stays as it is.
    expect(normalizeText('a\tb\u2003c \u00a0d  e f\u3000g')).toBe('a b c d e f g');
  });

  test('removes zero-width and control characters', () => {
    expect(normalizeText('pass\u200bword\u0007 ok\ufeff')).toBe('password ok');
  });

  describe('zero-width joiners and non-joiners (QA, languages pass)', () => {
    const ZWNJ = '\u200c';
    const ZWJ = '\u200d';

    test.each([
      ['Persian ZWNJ inside a word', `من ${'می' + ZWNJ + 'خواهم'} سفارشم را لغو کنم`],
      ['Persian ZWNJ before a suffix', `کتاب${ZWNJ}ها`],
      ['Devanagari ZWJ half form', `क्${ZWJ}ष`],
      ['Malayalam ZWJ after a virama', `ന്${ZWJ}റ`],
      ['family emoji', `👨${ZWJ}👩${ZWJ}👧`],
      ['rainbow flag (variation selector before the ZWJ)', `🏳️${ZWJ}🌈`],
      ['skin-tone modifier before the ZWJ', `👩🏽${ZWJ}💻`],
      ['Arabic letter with a harakah before the ZWNJ', `بِ${ZWNJ}خ`],
    ])('keeps them inside %s', (_label, text) => {
      expect(normalizeText(text)).toBe(text);
      expect(normalizeText(`  ${text}\u200b `)).toBe(text);
    });

    test('removes them where they only hide a word or join nothing', () => {
      // Between Latin letters they are a way to get a word past a filter.
      expect(normalizeText(`pass${ZWNJ}wo${ZWJ}rd`)).toBe('password');
      expect(normalizeText(`cafe\u0301${ZWJ}s`)).toBe('caf\u00e9s'); // a mark counts as its Latin letter
      // Next to digits, spaces, punctuation, Latin letters, or at either end of the text.
      expect(normalizeText(`${ZWNJ}سلام${ZWNJ} ${ZWJ}ok${ZWNJ}`)).toBe('سلام ok');
      expect(normalizeText(`کد${ZWNJ}123`)).toBe('کد123');
      expect(normalizeText(`a${ZWJ}👍 ش${ZWNJ}b`)).toBe('a👍 شb');
      // A run keeps only its first joiner; zero-width spaces, BOMs and bidi controls still go.
      expect(normalizeText(`می${ZWNJ}${ZWNJ}\u200bخواهم\ufeff\u202e`)).toBe(`می${ZWNJ}خواهم`);
      expect(normalizeText(`می\u200bخواهم`)).toBe('میخواهم');
    });

    test('counts the same words and dedup text as before, and leaves PII detection working', () => {
      const persian = `${'می' + ZWNJ + 'خواهم'} سفارشم را لغو کنم`;
      const kept = normalizeText(persian);
      expect(kept).toContain(ZWNJ);
      expect(wordTokens(kept)).toEqual(wordTokens(kept.replace(ZWNJ, '')));
      expect(wordTokens(kept)[0]).toBe('میخواهم');
      expect(normaliseText(kept)).toBe(normaliseText(kept.replace(ZWNJ, '')));

      const text = normalizeText(`ایمیل${ZWNJ}ام reza.ahmadi@example.com است و شماره${ZWNJ}ام 09123456789 را ${'می' + ZWNJ + 'خواهم'}`);
      expect(text.split(ZWNJ)).toHaveLength(4);
      const spans = detectLocal(text).map((s) => [s.type, s.value]);
      expect(spans).toEqual(
        expect.arrayContaining([
          ['EMAIL', 'reza.ahmadi@example.com'],
          ['PHONE', '09123456789'],
        ]),
      );
      // A joiner right against the value is removed (its neighbour is not a letter of a joining script).
      expect(normalizeText(`ایمیل${ZWNJ}reza@example.com`)).toBe('ایمیلreza@example.com');
    });
  });

  test('is idempotent and its output is always in normal form (the fast path for clean text agrees with the full one)', () => {
    let seed = 11;
    const alphabet = [
      'a',
      'B',
      ' ',
      ' ',
      '\n',
      '\n',
      '\r',
      '\t',
      '.',
      '<b>',
      '&amp;',
      'é',
      'ﬁ',
      '\u00a0',
      '\u200b',
      'x',
      '，',
      '\u3000',
      'Ａ',
      '１',
      '（',
      '＜\u0338',
      'ﾃﾞ',
      'ทำ',
      '…',
      '²',
      '①',
      '⑩',
      '℃',
      '½',
      '™',
      '㎡',
      'ㄱ',
      'ㅏ',
      '´',
      '🅰',
    ];
    for (let i = 0; i < 2000; i++) {
      let text = '';
      const length = (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 24;
      for (let j = 0; j < length; j++) text += alphabet[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % alphabet.length];
      const once = normalizeText(text);
      expect(normalizeText(once)).toBe(once);
      expect(once).not.toMatch(/^\s|\s$|[^\S\n]{2}|\n\n| \n|\n |[\r\t\u00a0\u200b]/);
    }
  });

  test('a zero-width character between a letter and its combining mark: cleaned once, the text is final', () => {
    // Removing the ZWSP left "e" + U+0301, which the next cleaning composed to "é" (another content id).
    for (const text of [
      'e\u200b\u0301',
      'cafe\ufeff\u0301 au lait',
      'n\u2060\u0303',
      'a\u200c\u0308',
      '=\u200b\u0338',
      '\u1100\u200b\u1161',
    ]) {
      const once = normalizeText(text);
      expect(normalizeText(once)).toBe(once);
      expect(once).toBe(once.normalize('NFC'));
    }
    expect(normalizeText('cafe\u200b\u0301')).toBe('café');
    expect(normalizeText('\u1100\u200b\u1161')).toBe('가');
  });

  test('is idempotent over generated text of zero-width characters, combining marks and compatibility characters (property, seeded)', () => {
    const random = seededRandom(20261204);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const invisible = ['\u200b', '\u200c', '\u200d', '\ufeff', '\u2060', '\u00ad'];
    const marks = [
      '\u0301',
      '\u0308',
      '\u0303',
      '\u0327',
      '\u0338',
      '\u0331',
      '\u093c',
      '\u094d',
      '\u05b4',
      '\u064e',
      '\u3099',
      '\u309a',
      '\u0e48',
      '\u20e3',
    ];
    // Letters of several scripts, Hangul conjoining jamo, emoji parts, digits and punctuation.
    const bases = [
      'a',
      'e',
      'n',
      'o',
      'A',
      'C',
      '=',
      '1',
      '.',
      'क',
      'ष',
      'ب',
      'م',
      'א',
      'か',
      'は',
      'カ',
      '中',
      'ก',
      'Ω',
      'д',
      '\u1100',
      '\u1161',
      '\u11a8',
      '👨',
      '🏳',
      '\ufe0f',
      '\u{1f3fd}',
    ];
    // NFKC compatibility characters (some cleaning keeps, some it folds). Full-width or small
    // forms of < > & are left out: NFKC makes markup of them, which a second cleaning strips or
    // decodes (a separate, known limit of stripping HTML before NFKC).
    const compatibility = [
      'ﬁ',
      '²',
      '½',
      '①',
      '™',
      '℃',
      '㎡',
      'Ａ',
      '１',
      '，',
      '？',
      'ﾃ',
      'ﾞ',
      'ﾟ',
      'ㄱ',
      'ㅏ',
      '´',
      '\u212b',
      '\u2126',
      'ǅ',
      '\u00a0',
      '\u3000',
      'ｶ',
      '…',
      'ำ',
      'ໍາ',
      'ℌ',
      '㍿',
      '\u0f77',
    ];
    const spacing = [' ', ' ', '\n', '\t'];
    const pools = [invisible, marks, bases, bases, compatibility, spacing];
    let invisibleBeforeMark = 0;
    for (let i = 0; i < 6000; i++) {
      let text = '';
      const length = 1 + Math.floor(random() * 14);
      for (let j = 0; j < length; j++) text += pick(pick(pools));
      if (/[\u200b-\u200d\ufeff\u2060\u00ad]\p{M}/u.test(text)) invisibleBeforeMark++;
      const once = normalizeText(text);
      const twice = normalizeText(once);
      if (twice !== once)
        throw new Error(`not idempotent for ${JSON.stringify(text)}: ${JSON.stringify(once)} then ${JSON.stringify(twice)}`);
      expect(once).not.toMatch(/[\u200b\ufeff\u2060\u00ad]/);
    }
    // The generator does produce the sequences this is about.
    expect(invisibleBeforeMark).toBeGreaterThan(500);
  });

  test('folded back, its output is what NFKC cleaning gave (content ids and language detection rely on it)', () => {
    let seed = 7;
    const alphabet = [
      'a',
      ' ',
      ' ',
      '\n',
      '.',
      ',',
      'é',
      '\u00a0',
      '，',
      '？',
      '：',
      '（',
      '）',
      '～',
      '￥',
      '\u3000',
      'Ａ',
      '１',
      '－',
      '＠',
      'ﾃﾞ',
      '、',
      '好',
      '…',
      '²',
      'ª',
      '①',
      '⑩',
      '℃',
      '½',
      '™',
      '㎡',
      '㍻',
      'ㄱ',
      'ㅏ',
      '가',
      '´',
      '¨',
      '\u0301',
      '🅰',
      'Ⅷ',
    ];
    for (let i = 0; i < 2000; i++) {
      let text = '';
      const length = (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 24;
      for (let j = 0; j < length; j++) text += alphabet[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % alphabet.length];
      const cleaned = normalizeText(text);
      expect({ text, cleaned: foldFullWidth(asNfkcMadeIt(cleaned)) }).toEqual({ text, cleaned: normalizeText(text.normalize('NFKC')) });
      // Matching reads a copy of the same length (spans found in it apply to the text).
      expect(foldForMatching(cleaned)).toHaveLength(cleaned.length);
    }
  });

  test('returns an empty string for text that is only markup or whitespace', () => {
    expect(normalizeText(' <br/> &nbsp; \n ')).toBe('');
  });
});

describe('roles', () => {
  const mapper = createRoleMapper({ Alice: 'assistant' });

  test.each([
    ['customer', 'user'],
    ['User', 'user'],
    ['client', 'user'],
    ['Caller', 'user'],
    ['agent', 'assistant'],
    ['Assistant', 'assistant'],
    ['bot', 'assistant'],
    ['Support', 'assistant'],
    ['representative', 'assistant'],
    ['Agent Smith', 'assistant'],
    ['support-team_Jane', 'assistant'],
    ['Wizard', 'assistant'],
    ['system', 'system'],
    ['ALICE', 'assistant'],
  ])('%s → %s', (speaker, role) => {
    expect(mapper.roleOf(speaker)).toBe(role);
  });

  test('"developer" as the whole role is the chat API\'s system message; inside a name it is a person', () => {
    expect(mapper.roleOf('developer')).toBe('system');
    expect(mapper.roleOf('Developer')).toBe('system');
    expect(mapper.roleOf('App developer Jane')).toBeUndefined();
  });
  test('names the words cannot decide stay unmapped', () => {
    expect(mapper.roleOf('John')).toBeUndefined();
    expect(mapper.roleOf('customer support bot')).toBeUndefined(); // names both sides
    expect(mapper.roleOf('')).toBeUndefined();
  });

  test('infers the other party in a two-party chat, only when unambiguous', () => {
    expect(inferMissingRoles(['Agent Smith', 'John'], mapper)).toEqual(
      new Map([
        ['Agent Smith', 'assistant'],
        ['John', 'user'],
      ]),
    );
    expect(inferMissingRoles(['Mary', 'customer', 'system'], mapper)).toEqual(
      new Map([
        ['customer', 'user'],
        ['system', 'system'],
        ['Mary', 'assistant'],
      ]),
    );
    expect(inferMissingRoles(['John', 'Mary', 'agent'], mapper)).toEqual({ unknown: ['John', 'Mary'] });
    expect(inferMissingRoles(['John', 'customer', 'agent'], mapper)).toEqual({ unknown: ['John'] });
    expect(inferMissingRoles(['John'], mapper)).toEqual({ unknown: ['John'] });
  });
});

describe('turns', () => {
  test('merges consecutive turns of one role, drops empty turns, keeps the first timestamp', () => {
    const turns = buildTurns([
      { role: 'user', text: 'Hi', timestamp: '2026-01-01T10:00:00.000Z' },
      { role: 'user', text: ' <br> ' },
      { role: 'user', text: 'my parcel is late', timestamp: '2026-01-01T10:00:05.000Z' },
      { role: 'assistant', text: '' },
      { role: 'assistant', text: 'Sorry to hear that.' },
      { role: 'assistant', text: 'Let me check.' },
      { role: 'user', text: 'thanks' },
    ]);
    expect(turns).toEqual([
      { role: 'user', content: 'Hi\nmy parcel is late', timestamp: '2026-01-01T10:00:00.000Z' },
      { role: 'assistant', content: 'Sorry to hear that.\nLet me check.' },
      { role: 'user', content: 'thanks' },
    ]);
  });

  test('parses timestamps: ISO with and without zone (as UTC), epoch seconds and milliseconds', () => {
    expect(parseTimestamp('2026-01-01T10:00:00+02:00')).toBe('2026-01-01T08:00:00.000Z');
    expect(parseTimestamp('2026-01-01 10:00:00')).toBe('2026-01-01T10:00:00.000Z');
    expect(parseTimestamp('2026-01-01')).toBe('2026-01-01T00:00:00.000Z');
    expect(parseTimestamp(1589372301)).toBe('2020-05-13T12:18:21.000Z');
    expect(parseTimestamp('1589372301123')).toBe('2020-05-13T12:18:21.123Z');
    expect(parseTimestamp('yesterday')).toBeUndefined();
    expect(parseTimestamp('')).toBeUndefined();
  });

  test('ISO 8601 UTC as most exports write it is read directly, and anything it does not read back as is takes the long way', () => {
    expect(parseTimestamp('2026-01-01T09:15:07.123Z')).toBe('2026-01-01T09:15:07.123Z');
    expect(parseTimestamp(' 2026-01-01T09:15:07Z ')).toBe('2026-01-01T09:15:07.000Z');
    expect(parseTimestamp('2024-02-29T23:59:59Z')).toBe('2024-02-29T23:59:59.000Z');
    // Dates and times that do not exist are not rolled over into the next day or month.
    for (const bad of [
      '2026-02-29T00:00:00Z',
      '2026-02-30T00:00:00.000Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T23:60:00Z',
      '2026-13-01T00:00:00Z',
    ])
      expect([bad, parseTimestamp(bad)]).toEqual([bad, undefined]);
    // Two-digit years keep their reading (1900s), as a numeric date.
    expect(parseTimestamp('0072-02-17T06:52:28Z')).toBe('1972-02-17T06:52:28.000Z');
  });

  test.each([
    // A number over 12 decides the order itself; the machine's time zone never matters (UTC unless the value says).
    ['13/12/2026 09:15', undefined, '2026-12-13T09:15:00.000Z'],
    ['12/13/2026 9:15 PM', undefined, '2026-12-13T21:15:00.000Z'],
    ['12/4/2026 12:05 AM', undefined, '2026-12-04T00:05:00.000Z'],
    // Both readings possible: the file's order when known, else month first (as JavaScript and US exports).
    ['04/12/2026 23:59', 'dmy', '2026-12-04T23:59:00.000Z'],
    ['04/12/2026 23:59', 'mdy', '2026-04-12T23:59:00.000Z'],
    ['04/12/2026 23:59', undefined, '2026-04-12T23:59:00.000Z'],
    // Dots are day-first; year-first is year, month, day; two-digit years are 20xx; seconds, fractions, zones.
    ['04.12.2026 09:15', 'mdy', '2026-12-04T09:15:00.000Z'],
    ['2026/12/04 09:15', undefined, '2026-12-04T09:15:00.000Z'],
    ['13-12-26 09:15:07.5', undefined, '2026-12-13T09:15:07.500Z'],
    // Three two-digit numbers, 2002 read the usual way and 2026 year first: year first (26-03-02 is 2 March 2026),
    // whatever the file's order; plausible both ways (24-03-25) or dotted: the usual reading.
    ['26-03-02 10:15', 'dmy', '2026-03-02T10:15:00.000Z'],
    ['26/03/02 10:15', undefined, '2026-03-02T10:15:00.000Z'],
    ['24-03-25 10:15', undefined, '2025-03-24T10:15:00.000Z'],
    ['26.03.02 10:15', undefined, '2002-03-26T10:15:00.000Z'],
    ['13/12/2026 09:15 +01:00', undefined, '2026-12-13T08:15:00.000Z'],
    ['13/12/2026', undefined, '2026-12-13T00:00:00.000Z'],
    // Not dates.
    ['31/02/2026', undefined, undefined],
    ['13/13/2026', undefined, undefined],
    ['12/4/2026 13:05 PM', undefined, undefined],
  ] as const)('parses the spreadsheet date %s (order %s) as %s', (value, order, iso) => {
    expect(parseTimestamp(value, { order })).toBe(iso);
  });

  test('ratings are 1–5, from numbers or numeric strings', () => {
    expect(parseRating(4)).toBe(4);
    expect(parseRating(' 5 ')).toBe(5);
    expect(parseRating(0)).toBeUndefined();
    expect(parseRating(6)).toBeUndefined();
    expect(parseRating('great')).toBeUndefined();
    expect(parseRating(null)).toBeUndefined();
  });
});

describe('applyFeedback', () => {
  const conversation: Conversation = {
    kind: 'conversation',
    conversationId: 'c-1',
    csat: 5,
    turns: [{ role: 'user', content: 'hi' }],
    source: { file: 'f', line: 1, record: '{}' },
  };

  test('sets csat from the rating without changing the input', () => {
    expect(applyFeedback(conversation, 2).csat).toBe(2);
    expect(conversation.csat).toBe(5);
  });

  test('refuses a rating outside 1–5', () => {
    expect(() => applyFeedback(conversation, 9)).toThrow(/c-1 must be 1–5, got 9/);
  });
});
