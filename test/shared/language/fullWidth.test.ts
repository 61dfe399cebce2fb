import { foldFullWidth, foldFullWidthChar, isFullWidthFoldable, NFKC_STABLE_CJK } from '../../../src/shared/language/fullWidth';

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
