/**
 * The full-width forms as matching reads them. Cleaning keeps the full-width punctuation and
 * symbols Chinese and Japanese are written with (！，．：；？（）＠…, ￥, the ideographic space U+3000;
 * see `ingest/text.ts`), where NFKC used to make them ASCII. Everything that matches text against
 * ASCII patterns or word lists (PII detection, the safety screen, language detection, content ids)
 * reads them folded back to what NFKC made of them, so it finds what it found before.
 *
 * The fold is character for character, every folded character one UTF-16 unit that becomes one, so
 * a span found in the folded copy holds the same place in the text itself. It covers the whole
 * block (U+FF01–FF60, U+FFE0–FFE6) and U+3000: the letters and digits too, which cleaning has
 * already folded but ready-made examples (not cleaned) may hold.
 */
const FOLDABLE = /[\u3000\uff01-\uff60\uffe0-\uffe6]/;

/**
 * Characters NFKC leaves as they are wherever they stand (no compatibility forms such as 〶 or ゟ,
 * no combining marks, nothing that composes with a neighbour): line breaks, printable ASCII, Han,
 * kana and CJK punctuation. Most Chinese and Japanese text is made of these and full-width forms.
 */
export const NFKC_STABLE_CJK = String.raw`\n\x20-\x7e\u3001-\u3029\u3030-\u3035\u3037\u303b-\u303f\u3041-\u3096\u309d\u309e\u30a0-\u30fe\u3400-\u4dbf\u4e00-\u9fff`;
// A text of those and foldable characters that NFKC makes one unit (all but ￣, see below) is
// folded by NFKC itself, which returns a flat string sooner than the loop below builds one.
const NOT_FOLDED_BY_NFKC = new RegExp(String.raw`[^${NFKC_STABLE_CJK}\u3000\uff01-\uff60\uffe0-\uffe2\uffe4-\uffe6]`);

/** What each foldable character becomes, by its code − U+FF00 (U+3000 apart). */
const FOLDED = new Uint16Array(0xe7);
for (let code = 0xff01; code <= 0xffe6; code++) {
  if (code > 0xff60 && code < 0xffe0) continue;
  const nfkc = String.fromCharCode(code).normalize('NFKC');
  // ￣ (U+FFE3, of kaomoji like "（￣▽￣）") is the one NFKC makes two units, a space and a combining
  // macron; the spacing macron U+00AF stands in for it.
  FOLDED[code - 0xff00] = nfkc.length === 1 ? nfkc.charCodeAt(0) : 0xaf;
}

/** True for a character `foldFullWidth` changes (one UTF-16 unit). */
export function isFullWidthFoldable(code: number): boolean {
  return code === 0x3000 || (code >= 0xff01 && code <= 0xff60) || (code >= 0xffe0 && code <= 0xffe6);
}

/** What `foldFullWidth` makes of one foldable character code (see `isFullWidthFoldable`); 0 for any other. */
export function foldedFullWidthCode(code: number): number {
  if (code === 0x3000) return 0x20;
  return code > 0xff00 && code <= 0xffe6 ? FOLDED[code - 0xff00] : 0;
}

/** What `foldFullWidth` makes of one foldable character (see `isFullWidthFoldable`). */
export function foldFullWidthChar(char: string): string {
  const folded = foldedFullWidthCode(char.charCodeAt(0));
  return char.length === 1 && folded ? String.fromCharCode(folded) : char;
}

/** The text with its full-width forms and ideographic spaces folded, one unit for one: "您好，请问？" → "您好,请问?". */
export function foldFullWidth(text: string): string {
  if (!FOLDABLE.test(text)) return text;
  if (!NOT_FOLDED_BY_NFKC.test(text)) return text.normalize('NFKC');
  return foldUnits(text, 0x3000, foldedFullWidthCode);
}

/**
 * The text with each unit from `lowest` on that `folded` maps replaced, one unit for one. A loop,
 * not a replace with a function: that costs a call per character (this runs on whole turns).
 */
function foldUnits(text: string, lowest: number, folded: (code: number) => number): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < lowest) continue;
    const to = folded(code);
    if (!to) continue;
    out += text.slice(from, i) + String.fromCharCode(to);
    from = i + 1;
  }
  return out + text.slice(from);
}

/**
 * Compatibility characters cleaning keeps as written (`ingest/text.ts`), where NFKC rewrote what the
 * writer chose: superscripts, subscripts and the ordinal indicators ("m²", "H₂O", "1º", "2ª", "xⁿ"),
 * spacing accents typed for an apostrophe ("don´t", which NFKC made a space and a combining mark),
 * the ellipsis and two-dot leader ("……", a Chinese and Japanese ellipsis), letter-like units and
 * signs (℃ ℉ ℓ № ™ ℠ ℡ ℅), vulgar fractions and Roman numerals (½ ⅓ Ⅻ), circled and parenthesised
 * numbers and letters (① ⑴ ⒈ Ⓐ), Hangul compatibility jamo (ㅋㅋ, ㅠㅠ, which NFKC turns into
 * conjoining jamo that join the next vowel), the enclosed CJK characters and squared units (㈱ ㊤
 * ㎡ ㎏ ㍻), and (outside the BMP) the enclosed alphanumerics and ideographs of the emoji set
 * (🅰 🅿 🈚 🉐). What NFKC still unifies: full-width Latin letters and digits, ligatures (ﬁ ĳ), the
 * spaces of other widths, half-width katakana, mathematical and other styled letters (𝐀 ℍ),
 * presentation forms (Arabic, vertical, small), Kangxi radicals.
 */
const KEPT_COMPATIBILITY_RANGES: readonly (readonly [number, number])[] = [
  [0xa8, 0xa8],
  [0xaa, 0xaa],
  [0xaf, 0xaf],
  [0xb2, 0xb5],
  [0xb8, 0xba],
  [0xbc, 0xbe],
  [0x2b0, 0x2b8],
  [0x2d8, 0x2dd],
  [0x2e0, 0x2e4],
  [0x1d2c, 0x1d6a],
  [0x1d78, 0x1d78],
  [0x1d9b, 0x1dbf],
  [0x2024, 0x2026],
  [0x2070, 0x209f],
  [0x2100, 0x2101],
  [0x2103, 0x2103],
  [0x2105, 0x2106],
  [0x2109, 0x2109],
  [0x2113, 0x2113],
  [0x2116, 0x2116],
  [0x2120, 0x2122],
  [0x213b, 0x213b],
  [0x2150, 0x2189],
  [0x2460, 0x24ff],
  [0x2c7c, 0x2c7d],
  [0x3131, 0x318e],
  [0x3200, 0x33ff],
];
const hex = (code: number) => `\\u${code.toString(16).padStart(4, '0')}`;
/** The kept compatibility characters of the BMP, as the inside of a character class (tests). */
export const KEPT_COMPATIBILITY = KEPT_COMPATIBILITY_RANGES.map(([from, to]) => (from === to ? hex(from) : `${hex(from)}-${hex(to)}`)).join(
  '',
);
/**
 * A superset of the kept characters' code units in a few ranges, the high surrogate of the kept
 * ones outside the BMP (U+1F100–1F2FF) among them: a class of all twenty-seven ranges scans three to
 * four times slower. Each unit it finds is then checked with `keptCompatibilityAt`.
 */
export const KEPT_COMPATIBILITY_COARSE = String.raw`\u00a8-\u00be\u02b0-\u02e4\u1d2c-\u1dbf\u2024-\u2026\u2070-\u24ff\u2c7c\u2c7d\u3131-\u33ff\ud83c`;
const KEPT_UNIT = new Uint8Array(0x10000);
for (const [from, to] of KEPT_COMPATIBILITY_RANGES) KEPT_UNIT.fill(1, from, to + 1);

/** The length (1, or 2 for a surrogate pair) of the kept compatibility character at `index`, 0 for none. */
export function keptCompatibilityAt(text: string, index: number): number {
  const code = text.charCodeAt(index);
  if (code !== 0xd83c) return KEPT_UNIT[code];
  const low = text.charCodeAt(index + 1);
  return low >= 0xdd00 && low <= 0xdeff ? 2 : 0;
}

const KEPT_COARSE = new RegExp(`[${KEPT_COMPATIBILITY_COARSE}]`, 'g');

/** True when the text holds a compatibility character cleaning keeps (see `KEPT_COMPATIBILITY_RANGES`). */
export function hasKeptCompatibility(text: string): boolean {
  KEPT_COARSE.lastIndex = 0;
  for (let m = KEPT_COARSE.exec(text); m; m = KEPT_COARSE.exec(text)) if (keptCompatibilityAt(text, m.index)) return true;
  return false;
}

/**
 * What matching reads for each kept compatibility character NFKC makes one UTF-16 unit (⁵ → 5,
 * ① → 1, Ⓐ → A, ℓ → l, ㅋ → ᄏ), by code; 0 for the others (… ½ ℃ ™ ㎡ ⑩ and the
 * spacing accents become several units, which no fold one unit for one can give: matching reads
 * them as written, a symbol that is no letter or digit, as it read the dots and letters NFKC made).
 */
const KEPT_FOLD = new Map<number, number>();
for (const [from, to] of KEPT_COMPATIBILITY_RANGES) {
  for (let code = from; code <= to; code++) {
    const char = String.fromCharCode(code);
    const nfkc = char.normalize('NFKC');
    // Latin-1's (ª ² ³ µ ¹ º) are read as written: see FOLDABLE_FOR_MATCHING.
    if (nfkc !== char && nfkc.length === 1 && code >= 0x100) KEPT_FOLD.set(code, nfkc.charCodeAt(0));
  }
}
const FOLD_FOR_MATCHING = new Uint16Array(0x10000);
for (const [code, folded] of KEPT_FOLD) FOLD_FOR_MATCHING[code] = folded;
for (let code = 0x3000; code <= 0xffe6; code++) if (isFullWidthFoldable(code)) FOLD_FOR_MATCHING[code] = foldedFullWidthCode(code);
// The full-width forms and a superset of `KEPT_FOLD`'s characters from U+02B0 on, in one class of
// few ranges (a class of each of them scans several times slower, and this runs on every turn that
// is not ASCII); `foldUnits` then folds exactly them. The six of Latin-1 (ª ² ³ µ ¹ º) are read as
// written: any range below the Latin letters makes every Latin text's scan five times slower, and
// no pattern looks for them.
const FOLDABLE_FOR_MATCHING = /[\u02b0-\u02e4\u1d2c-\u1dbf\u2024\u2070-\u24ff\u2c7c\u2c7d\u3000\u3131-\u33ff\uff01-\uff60\uffe0-\uffe6]/;
const foldedForMatching = (code: number) => FOLD_FOR_MATCHING[code];

/**
 * The text as the matchers that need a span's place (PII detection, the safety screen) read it: its
 * full-width forms folded (`foldFullWidth`) and the kept compatibility characters NFKC makes one
 * unit folded as NFKC folds them, one UTF-16 unit for one, so a span found in the copy holds the
 * same place in the text: "① ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ" → "1 taro@example.com" (Latin-1's ª ² ³ µ ¹ º aside,
 * see below).
 */
export function foldForMatching(text: string): string {
  if (!FOLDABLE_FOR_MATCHING.test(text)) return text;
  // Chinese or Japanese text of NFKC-stable characters and full-width forms only: NFKC folds it at once.
  if (!NOT_FOLDED_BY_NFKC.test(text)) return text.normalize('NFKC');
  return foldUnits(text, 0x2b0, foldedForMatching);
}
