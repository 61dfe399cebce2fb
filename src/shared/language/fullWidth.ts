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
  // A loop, not a replace with a function: that costs a call per character (this runs on whole turns).
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x3000) continue;
    const folded = foldedFullWidthCode(code);
    if (!folded) continue;
    out += text.slice(from, i) + String.fromCharCode(folded);
    from = i + 1;
  }
  return out + text.slice(from);
}
