import {
  foldForMatching,
  foldFullWidth,
  foldFullWidthChar,
  hasKeptCompatibility,
  isFullWidthFoldable,
  KEPT_COMPATIBILITY,
  NFKC_STABLE_CJK,
} from '../../../src/shared/language/fullWidth';

describe('foldFullWidth', () => {
  it('folds the Halfwidth and Fullwidth Forms and the ideographic space as NFKC does, one unit for one', () => {
    const codes = [0x3000, ...Array.from({ length: 0x60 }, (_, i) => 0xff01 + i), ...Array.from({ length: 7 }, (_, i) => 0xffe0 + i)];
    for (const code of codes) {
      const char = String.fromCharCode(code);
      expect(isFullWidthFoldable(code)).toBe(true);
      const folded = foldFullWidthChar(char);
      expect(folded).toHaveLength(1);
      // ￣ is the one NFKC makes a space and a combining macron; the spacing macron stands in.
      expect({ code: code.toString(16), folded }).toEqual({
        code: code.toString(16),
        folded: code === 0xffe3 ? '\u00af' : char.normalize('NFKC'),
      });
    }
    expect(foldFullWidth('您好，请问？　ＡＢＣ＠ｅｘａｍｐｌｅ．ｃｏｍ（￥１，０００）')).toBe('您好,请问? ABC@example.com(¥1,000)');
  });

  it('leaves everything else alone, half-width katakana and CJK punctuation too', () => {
    for (const text of ['plain ASCII, untouched!', '。、「」・ー〜', 'ｶﾀｶﾅ｡', 'ทำ']) expect(foldFullWidth(text)).toBe(text);
    expect(isFullWidthFoldable(0xff61)).toBe(false);
    expect(isFullWidthFoldable(0x3001)).toBe(false);
  });

  it('folds character for character, by NFKC or by its own loop alike', () => {
    let seed = 5;
    const alphabet = [
      'a',
      ' ',
      '\n',
      '好',
      'カ',
      '。',
      '，',
      '？',
      '＠',
      '（',
      '\u3000',
      '￥',
      '￣',
      'Ａ',
      '１',
      '\t',
      'ﬁ',
      'é',
      'ﾃﾞ',
      '＜\u0338',
    ];
    for (let i = 0; i < 2000; i++) {
      let text = '';
      const length = (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 16;
      for (let j = 0; j < length; j++) text += alphabet[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % alphabet.length];
      const expected = text.replace(/[\s\S]/g, (c) => (isFullWidthFoldable(c.charCodeAt(0)) ? foldFullWidthChar(c) : c));
      expect({ text, folded: foldFullWidth(text) }).toEqual({ text, folded: expected });
    }
  });

  it('takes for NFKC-stable only characters NFKC leaves alone, alone and beside each other', () => {
    const stable = new RegExp(`^[${NFKC_STABLE_CJK}]$`);
    const chars: string[] = [];
    for (let code = 0; code < 0xa000; code++) if (stable.test(String.fromCharCode(code))) chars.push(String.fromCharCode(code));
    expect(chars.length).toBeGreaterThan(27000);
    for (const c of chars)
      if (c.normalize('NFKC') !== c || /\p{M}/u.test(c)) throw new Error(`U+${c.charCodeAt(0).toString(16)} is not NFKC-stable`);
    // Han never composes; every other pair of them, and each beside a full-width form, is left alone.
    const others = chars.filter((c) => c.charCodeAt(0) < 0x3400);
    const fullWidth = ['\u3000', '，', '？', '＜', '＝', '＞', '￣', '￥', '｟'];
    for (const a of others) {
      for (const b of [...others, ...fullWidth]) {
        if ((a + b).normalize('NFKC') !== a + b.normalize('NFKC')) throw new Error(`${a}${b} changes`);
        if ((b + a).normalize('NFKC') !== b.normalize('NFKC') + a) throw new Error(`${b}${a} changes`);
      }
    }
  });
});

describe('foldForMatching', () => {
  it('folds full-width forms and the kept compatibility characters NFKC makes one unit, one unit for one', () => {
    expect(foldForMatching('① ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ，x⁵ H₂O Ⓐ ㅋ')).toBe('1 taro@example.com,x5 H2O A ᄏ');
    // Latin-1's are read as written (a scan for them would cost every Latin text).
    expect(foldForMatching('m² 2ª 5µg')).toBe('m² 2ª 5µg');
    // Several units under NFKC: read as written (a symbol, no letter or digit).
    expect(foldForMatching('wait… ½ ℃ ™ ㎡ ⑩ don´t')).toBe('wait… ½ ℃ ™ ㎡ ⑩ don´t');
    for (const text of ['plain ASCII', '您好，请问？', 'ทำ']) expect(foldForMatching(text)).toBe(foldFullWidth(text));
  });

  it('covers every kept BMP character NFKC changes, each to its NFKC form when that is one unit, else to itself', () => {
    const kept = new RegExp(`^[${KEPT_COMPATIBILITY}]$`);
    let folded = 0;
    for (let code = 0xa0; code < 0x10000; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const char = String.fromCharCode(code);
      if (!kept.test(char)) continue;
      expect(hasKeptCompatibility(char)).toBe(true);
      const nfkc = char.normalize('NFKC');
      const expected = nfkc.length === 1 && code >= 0x100 ? nfkc : char;
      if (foldForMatching(char) !== expected) throw new Error(`U+${code.toString(16)} folds to ${foldForMatching(char)}, not ${expected}`);
      if (expected !== char) folded++;
    }
    expect(folded).toBeGreaterThan(400);
    expect(hasKeptCompatibility('🅰')).toBe(true);
    expect(hasKeptCompatibility('ﬁ Ａ 𝐁')).toBe(false);
  });
});
