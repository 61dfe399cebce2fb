import { detectLanguage } from '../language/detect';

/**
 * sacreBLEU's `zh` tokenizer (sacrebleu/tokenizers/tokenizer_zh.py, Apache-2.0), re-implemented
 * from its definition: every "Chinese character" gets a space on either side, then the
 * language-dependent part of mteval-v13a (the same rules as `13a`, without 13a's padding and
 * escapes) runs over the line. No dictionary is involved.
 *
 * "Chinese character" follows sacreBLEU exactly, quirks included: its ranges are Python strings
 * compared with `<=`, and three of them were written as `u'\u20000'`-style literals that Python
 * reads as two characters ('\u2000' + '0'), so what they actually cover is U+2001–U+2A6D (general
 * punctuation such as ’ “ ” – …, currency and arrows included) and U+2F81–U+2FA1, while the
 * supplementary ideographs they meant (U+20000…) are not covered. Ranges are kept as code point
 * sequences and compared the way Python compares strings.
 */
const ZH_RANGES: [number[], number[]][] = [
  [[0x3400], [0x4db5]],
  [[0x4e00], [0x9fa5]],
  [[0x9fa6], [0x9fbb]],
  [[0xf900], [0xfa2d]],
  [[0xfa30], [0xfa6a]],
  [[0xfa70], [0xfad9]],
  [
    [0x2000, 0x30],
    [0x2a6d, 0x36],
  ],
  [
    [0x2f80, 0x30],
    [0x2fa1, 0x64],
  ],
  [[0xff00], [0xffef]],
  [[0x2e80], [0x2eff]],
  [[0x3000], [0x303f]],
  [[0x31c0], [0x31ef]],
  [[0x2f00], [0x2fdf]],
  [[0x2ff0], [0x2fff]],
  [[0x3100], [0x312f]],
  [[0x31a0], [0x31bf]],
  [[0xfe10], [0xfe1f]],
  [[0xfe30], [0xfe4f]],
  [[0x2600], [0x26ff]],
  [[0x2700], [0x27bf]],
  [[0x3200], [0x32ff]],
  [[0x3300], [0x33ff]],
];

/** Python's ordering of strings: code point by code point, a prefix before the longer string. */
function compareCodePoints(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

export function isSacrebleuChineseChar(codePoint: number): boolean {
  const c = [codePoint];
  return ZH_RANGES.some(([start, end]) => compareCodePoints(start, c) <= 0 && compareCodePoints(c, end) <= 0);
}

// mteval-v13a's language-dependent part (sacreBLEU's TokenizerRegexp), as in `tokenize13a`.
const RE_MTEVAL: [RegExp, string][] = [
  [/([{-~[-` -&(-+:-@/])/g, ' $1 '],
  [/([^0-9])([.,])/g, '$1 $2 '],
  [/([.,])([^0-9])/g, ' $1 $2'],
  [/([0-9])(-)/g, '$1 $2 '],
];

/** Python's `str.strip()` / `str.split()` whitespace. */
const PY_WHITESPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_STRIP = new RegExp(`^[${PY_WHITESPACE}]+|[${PY_WHITESPACE}]+$`, 'g');
const PY_SPLIT = new RegExp(`[${PY_WHITESPACE}]+`);

export function tokenizeZh(line: string): string {
  let spaced = '';
  for (const char of line.replace(PY_STRIP, '')) {
    spaced += isSacrebleuChineseChar(char.codePointAt(0) ?? 0) ? ` ${char} ` : char;
  }
  for (const [re, replacement] of RE_MTEVAL) spaced = spaced.replace(re, replacement);
  return spaced.split(PY_SPLIT).filter(Boolean).join(' ');
}

export type LanguageBleuTokenizer = '13a' | 'intl' | 'char' | 'zh';

// Scripts written without spaces: sacreBLEU suggests `ja-mecab` for Japanese and `spm`/`flores`
// models otherwise; those need MeCab's dictionary or a SentencePiece model, which tuneloop does not
// ship, so characters are the unit (`char`), which needs nothing.
const CHAR_LANGUAGES = new Set(['ja', 'th', 'lo', 'km', 'my', 'bo']);
// Scripts whose punctuation and symbols 13a does not know (Arabic comma and question mark,
// the Devanagari danda, Armenian and Greek marks…): `intl` splits any Unicode punctuation.
const INTL_LANGUAGES = new Set([
  'ar',
  'fa',
  'ur',
  'ps',
  'hi',
  'mr',
  'ne',
  'bn',
  'pa',
  'gu',
  'ta',
  'te',
  'kn',
  'ml',
  'si',
  'he',
  'yi',
  'el',
  'hy',
  'ka',
  'am',
]);

/**
 * The BLEU tokenizer for replies in a language (ISO 639-1): `zh` for Chinese (as sacreBLEU picks
 * for a Chinese target), `char` for languages written without spaces, `intl` for scripts with
 * their own punctuation, `13a` (sacreBLEU's default) for everything else, `und` included.
 */
export function bleuTokenizerForLanguage(code: string | undefined): LanguageBleuTokenizer {
  const language = (code ?? 'und').toLowerCase().split(/[-_]/)[0];
  if (language === 'zh') return 'zh';
  if (CHAR_LANGUAGES.has(language)) return 'char';
  if (INTL_LANGUAGES.has(language)) return 'intl';
  return '13a';
}

/**
 * The tokenizer for a set of reference replies: the language of (up to) the first 200 references
 * decides, so Japanese or Chinese replies are not scored as whole-sentence "words".
 */
export function chooseBleuTokenizer(references: readonly string[]): { tokenize: LanguageBleuTokenizer; language: string } {
  const sample = references.slice(0, 200).join('\n');
  const detected = detectLanguage(sample);
  return { tokenize: bleuTokenizerForLanguage(detected.code), language: detected.code };
}
