import { bleuTokenizer, corpusBleu } from '../../../src/shared/evaluation/bleu';
import { bleuTokenizerForLanguage, chooseBleuTokenizer, isSacrebleuChineseChar } from '../../../src/shared/evaluation/bleuTokenizers';

/**
 * [line, intl, char, zh]: the output of sacreBLEU's own tokenizers (sacrebleu/tokenizers/
 * tokenizer_intl.py, tokenizer_char.py, tokenizer_zh.py at commit f615c72 of
 * https://github.com/mjpost/sacrebleu, Apache-2.0), run with python3 and the `regex` package on
 * these lines, which were written for this test (Latin, CJK, Arabic and Devanagari punctuation,
 * full-width forms, astral characters, numbers with separators, leading/trailing whitespace).
 */
const SACREBLEU_VECTORS: [string, string, string, string][] = [
  [
    'Hello, world! It costs $3.50 (or 3,50 €).',
    'Hello , world ! It costs $ 3.50 ( or 3,50 € ) .',
    'H e l l o ,   w o r l d !   I t   c o s t s   $ 3 . 5 0   ( o r   3 , 5 0   € ) .',
    'Hello , world ! It costs $ 3.50 ( or 3,50 € ) .',
  ],
  [
    '我的包裹还没有到，请帮我查一下。',
    '我的包裹还没有到 ， 请帮我查一下 。',
    '我 的 包 裹 还 没 有 到 ， 请 帮 我 查 一 下 。',
    '我 的 包 裹 还 没 有 到 ， 请 帮 我 查 一 下 。',
  ],
  [
    'ご注文の返金を行いました。3日以内に反映されます！',
    'ご注文の返金を行いました 。 3日以内に反映されます ！',
    'ご 注 文 の 返 金 を 行 い ま し た 。 3 日 以 内 に 反 映 さ れ ま す ！',
    'ご 注 文 の 返 金 を 行 いました 。 3 日 以 内 に 反 映 されます ！',
  ],
  [
    '「退款」已处理——请查收…',
    '「 退款 」 已处理 — — 请查收 …',
    '「 退 款 」 已 处 理 — — 请 查 收 …',
    '「 退 款 」 已 处 理 — — 请 查 收 …',
  ],
  [
    "Il a dit : « d'accord » — c'est 2019.",
    "Il a dit : « d ' accord » — c ' est 2019.",
    "I l   a   d i t   :   «   d ' a c c o r d   »   —   c ' e s t   2 0 1 9 .",
    "Il a dit : « d'accord » — c'est 2019.",
  ],
  [
    'مرحبا، كيف حالك؟ الطلب رقم ١٢٣.',
    'مرحبا ، كيف حالك ؟ الطلب رقم ١٢٣.',
    'م ر ح ب ا ،   ك ي ف   ح ا ل ك ؟   ا ل ط ل ب   ر ق م   ١ ٢ ٣ .',
    'مرحبا، كيف حالك؟ الطلب رقم ١٢٣ .',
  ],
  [
    'नमस्ते। आपका ऑर्डर भेज दिया गया है।',
    'नमस्ते । आपका ऑर्डर भेज दिया गया है ।',
    'न म स ् त े ।   आ प क ा   ऑ र ् ड र   भ े ज   द ि य ा   ग य ा   ह ै ।',
    'नमस्ते। आपका ऑर्डर भेज दिया गया है।',
  ],
  [
    '  leading and trailing spaces \t',
    'leading and trailing spaces',
    '    l e a d i n g   a n d   t r a i l i n g   s p a c e s   \t',
    'leading and trailing spaces',
  ],
  [
    'e-mail: a.b@c.de, 1-2 items; x/y & z',
    'e - mail : a . b @ c . de , 1-2 items ; x / y & z',
    'e - m a i l :   a . b @ c . d e ,   1 - 2   i t e m s ;   x / y   &   z',
    'e-mail : a . b @ c . de , 1 - 2 items ; x / y & z',
  ],
  [
    'iPhone用のケースを注文した',
    'iPhone用のケースを注文した',
    'i P h o n e 用 の ケ ー ス を 注 文 し た',
    'iPhone 用 のケースを 注 文 した',
  ],
  [
    'Emoji 😀 and 𠀀 (U+20000) and ’quotes’ “here” … ok',
    'Emoji 😀 and 𠀀 ( U + 20000 ) and ’ quotes ’ “ here ” … ok',
    'E m o j i   😀   a n d   𠀀   ( U + 2 0 0 0 0 )   a n d   ’ q u o t e s ’   “ h e r e ”   …   o k',
    'Emoji 😀 and 𠀀 ( U + 20000 ) and ’ quotes ’ “ here ” … ok',
  ],
  [
    'ＦＵＬＬＷＩＤＴＨ　ｔｅｘｔ１２３',
    'ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ１２３',
    'Ｆ Ｕ Ｌ Ｌ Ｗ Ｉ Ｄ Ｔ Ｈ 　 ｔ ｅ ｘ ｔ １ ２ ３',
    'Ｆ Ｕ Ｌ Ｌ Ｗ Ｉ Ｄ Ｔ Ｈ ｔ ｅ ｘ ｔ １ ２ ３',
  ],
  [
    '价格是100元，折扣10.5%。',
    '价格是100元 ， 折扣10.5 % 。',
    '价 格 是 1 0 0 元 ， 折 扣 1 0 . 5 % 。',
    '价 格 是 100 元 ， 折 扣 10.5 % 。',
  ],
];

describe('BLEU tokenizers for languages without spaces', () => {
  it.each(SACREBLEU_VECTORS)('tokenizes %j exactly as sacreBLEU intl, char and zh do', (line, intl, char, zh) => {
    expect(bleuTokenizer('intl')(line)).toBe(intl);
    expect(bleuTokenizer('char')(line)).toBe(char);
    expect(bleuTokenizer('zh')(line)).toBe(zh);
  });

  it("keeps sacreBLEU's Chinese-character ranges, quirks included", () => {
    expect(isSacrebleuChineseChar('我'.codePointAt(0)!)).toBe(true);
    expect(isSacrebleuChineseChar('A'.codePointAt(0)!)).toBe(false);
    // u'\u20000' is '\u2000' + '0' in Python: U+2001…U+2A6D count, U+2000 and U+20000 do not.
    expect(isSacrebleuChineseChar(0x2000)).toBe(false);
    expect(isSacrebleuChineseChar(0x2019)).toBe(true);
    expect(isSacrebleuChineseChar(0x2a6d)).toBe(true);
    expect(isSacrebleuChineseChar(0x20000)).toBe(false);
  });

  it('scores a Japanese reply by characters, not as one whole-sentence word', () => {
    const hyp = ['ご注文の返金を行いました。'];
    const ref = [['ご注文の返金を完了しました。']];
    expect(corpusBleu(hyp, ref).score).toBe(0);
    const char = corpusBleu(hyp, ref, { tokenize: 'char' });
    expect(char.score).toBeGreaterThan(40);
    expect(char.signature).toContain('tok:char');
  });

  it('chooses the tokenizer by the language of the references', () => {
    expect(bleuTokenizerForLanguage('zh')).toBe('zh');
    expect(bleuTokenizerForLanguage('ja')).toBe('char');
    expect(bleuTokenizerForLanguage('th')).toBe('char');
    expect(bleuTokenizerForLanguage('ar')).toBe('intl');
    expect(bleuTokenizerForLanguage('hi')).toBe('intl');
    expect(bleuTokenizerForLanguage('de')).toBe('13a');
    expect(bleuTokenizerForLanguage('und')).toBe('13a');
    expect(chooseBleuTokenizer(['ご注文の返金を行いました。三日以内に反映されます。'])).toEqual({ tokenize: 'char', language: 'ja' });
    expect(chooseBleuTokenizer(['我的包裹还没有到，请帮我查一下。'])).toEqual({ tokenize: 'zh', language: 'zh' });
    expect(chooseBleuTokenizer(['Your refund was issued today and arrives within three days.'])).toEqual({
      tokenize: '13a',
      language: 'en',
    });
  });
});
