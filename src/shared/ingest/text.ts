import { decode as decodeHtml } from 'he';
import { KEPT_COMPATIBILITY_COARSE, NFKC_STABLE_CJK, hasKeptCompatibility, keptCompatibilityAt } from '../language/fullWidth';

/**
 * Text clean-up shared by every format: HTML stripped and entities decoded (chat exports from
 * help-desk tools carry markup), Unicode NFKC (full-width letters, ligatures and non-breaking
 * spaces become their plain forms, so duplicates and tokens are counted on one spelling; what a
 * language is written with, Thai SARA AM and the full-width punctuation of Chinese and Japanese,
 * stays as written, and so do the compatibility characters a writer chooses: m², ①, ½, ℃, ™, ㎡,
 * "……"; see `KEPT_COMPATIBILITY_RANGES` in language/fullWidth.ts), whitespace trimmed and
 * collapsed while single line breaks survive (agents use them for lists).
 */

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  ensp: '\u2002',
  emsp: '\u2003',
  thinsp: '\u2009',
  ndash: '\u2013',
  mdash: '\u2014',
  lsquo: '\u2018',
  rsquo: '\u2019',
  sbquo: '\u201a',
  ldquo: '\u201c',
  rdquo: '\u201d',
  bdquo: '\u201e',
  hellip: '\u2026',
  bull: '\u2022',
  middot: '\u00b7',
  copy: '\u00a9',
  reg: '\u00ae',
  trade: '\u2122',
  euro: '\u20ac',
  pound: '\u00a3',
  yen: '\u00a5',
  cent: '\u00a2',
  sect: '\u00a7',
  deg: '\u00b0',
  plusmn: '\u00b1',
  times: '\u00d7',
  divide: '\u00f7',
  laquo: '\u00ab',
  raquo: '\u00bb',
  iexcl: '\u00a1',
  iquest: '\u00bf',
  shy: '\u00ad',
  para: '\u00b6',
  auml: '\u00e4',
  ouml: '\u00f6',
  uuml: '\u00fc',
  Auml: '\u00c4',
  Ouml: '\u00d6',
  Uuml: '\u00dc',
  szlig: '\u00df',
  eacute: '\u00e9',
  egrave: '\u00e8',
  ecirc: '\u00ea',
  aacute: '\u00e1',
  agrave: '\u00e0',
  acirc: '\u00e2',
  iacute: '\u00ed',
  oacute: '\u00f3',
  uacute: '\u00fa',
  ntilde: '\u00f1',
  ccedil: '\u00e7',
  Eacute: '\u00c9',
  rarr: '\u2192',
  larr: '\u2190',
  zwj: '\u200d',
  zwnj: '\u200c',
};

const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z][a-zA-Z0-9]{1,31}));/g;

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    // The common names from the table (fast); every other HTML5 name (&hearts;, &eacute;...) via he.
    if (name !== undefined) return NAMED_ENTITIES[name] ?? decodeHtml(whole);
    const code = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? '', 16);
    // Surrogates and out-of-range code points are not characters; keep the text as written.
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) || code === 0) return whole;
    return String.fromCodePoint(code);
  });
}

// A tag starts with a letter (or `/letter`, `!`), so "a < b" and "<3" are left alone.
const HTML_HINT = /<\/?[a-zA-Z!]/;
const SCRIPT_OR_STYLE = /<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const COMMENT = /<!--[\s\S]*?-->/g;
const BLOCK_BREAK = /<(?:br|\/p|p|\/div|div|\/li|li|\/tr|tr|\/h[1-6]|hr)\b[^>]*>/gi;
const TAG = /<\/?[a-zA-Z][a-zA-Z0-9:-]*(?:\s[^<>]*)?\/?>|<![a-zA-Z][^<>]*>/g;

export function stripHtml(text: string): string {
  if (!HTML_HINT.test(text)) return text;
  return text.replace(SCRIPT_OR_STYLE, '').replace(COMMENT, '').replace(BLOCK_BREAK, '\n').replace(TAG, '');
}

// Zero-width spaces, word joiners, BOMs, bidi controls and soft hyphens, and C0/C1 controls other
// than tab and newline. The zero-width joiner and non-joiner are judged apart (keepJoiners).
const INVISIBLE = /[\u200b\u2060\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069\u00ad]|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/**
 * The zero-width non-joiner (U+200C) and joiner (U+200D) are part of the spelling in many scripts
 * and of emoji: Persian "می‌خواهم" needs its ZWNJ, Devanagari "क्‍ष" its ZWJ for the half form, and
 * "👨‍👩‍👧" and "🏳️‍🌈" are one emoji each only with their ZWJs. They are kept where both neighbours
 * are such characters: a letter or mark of a script other than Latin (a combining mark counts as the
 * letter it sits on), or an emoji part (Extended_Pictographic, a variation selector, a skin-tone
 * modifier). Elsewhere (between Latin letters, where they only hide a word from filters, next to
 * digits, spaces or punctuation) they are removed, as before. A run of joiners keeps its first.
 */
const JOINERS = /[\u200c\u200d]+/g;
const INHERITED_MARK = /^(?=\p{M})\p{Script=Inherited}$/u;
const SCRIPT_LETTER = /^(?![\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}])[\p{L}\p{M}]$/u;
const EMOJI_PART = /^[\p{Extended_Pictographic}\p{Emoji_Modifier}\ufe00-\ufe0f]$/u;

function joinsHere(char: string | undefined): boolean {
  return char !== undefined && (SCRIPT_LETTER.test(char) || EMOJI_PART.test(char));
}

function keepJoiners(text: string): string {
  if (!text.includes('\u200c') && !text.includes('\u200d')) return text;
  return text.replace(JOINERS, (run: string, offset: number) => {
    const after = String.fromCodePoint(text.codePointAt(offset + run.length) ?? 0x20);
    // The character before: the base of any combining marks of no script of their own.
    let i = offset;
    let before: string | undefined;
    while (i > 0) {
      const low = text.charCodeAt(i - 1);
      const width = low >= 0xdc00 && low <= 0xdfff && i > 1 ? 2 : 1;
      before = text.slice(i - width, i);
      i -= width;
      if (!INHERITED_MARK.test(before) || EMOJI_PART.test(before)) break;
    }
    return joinsHere(before) && joinsHere(after) ? run[0] : '';
  });
}

const LINE_BREAKS = /\r\n?|[\u2028\u2029\u0085]/g;

// Printable ASCII with single inner spaces and single line breaks is already in normal form
// (ASCII is NFKC-stable); most chat text is, and skipping the work keeps ingest fast.
const NEEDS_WORK = /[^\x20-\x7e\n]|[<&]|  | \n|\n | ?\n\n|^[ \n]|[ \n]$/;

// Characters NFKC rewrites although they are how the language is written, kept as written:
// - Thai SARA AM (ำ, in ทำ, น้ำ, จำ) and Lao AM, which NFKC takes apart into NIKHAHIT + SARA AA, a
//   spelling no Thai text uses (and other tokens);
// - in text with Chinese or Japanese in it (Han, Hiragana, Katakana, Bopomofo), the full-width
//   punctuation and symbols of the Halfwidth and Fullwidth Forms block (U+FF01–FF0F, FF1A–FF20,
//   FF3B–FF40, FF5B–FF60: ！＂＃＄％＆＇（）＊＋，－．／：；＜＝＞？＠［＼］＾＿｀｛｜｝～｟｠; U+FFE0–FFE6:
//   ￠￡￢￣￤￥￦) and the ideographic space U+3000. These languages are written with them; NFKC
//   makes them ASCII ("您好，请问？" → "您好,请问?"), and a model trained on that text answers with
//   ASCII commas and question marks. In a text without those scripts ("order ＃123") they are an
//   input method left in full-width mode, and NFKC folds them as before.
// - anywhere, the compatibility characters a writer chooses (language/fullWidth.ts,
//   `KEPT_COMPATIBILITY_RANGES`: superscripts, ellipsis, ℃, ™, ½, ①, ㎡, Hangul compatibility
//   jamo…), which NFKC spelt out ("m²" → "m2", "……" → "......", "℃" → "°C", "①" → "1"). Matching reads them
//   folded (`foldForMatching`, one unit for one where NFKC makes one unit), content ids and language
//   detection read them as NFKC made them (`asNfkcMadeIt`), so ids and detection are unchanged.
// Full-width letters and digits are still folded (ＡＢＣ１２３ → ABC123: mostly that input-method
// accident, and one spelling keeps tokens and duplicates together), and with them the punctuation
// between two of them: typed in the same full-width run ("０９０－１２３４－５６７８",
// "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ", "１，０００", "１０：３０") it belongs to the number or address, not
// to the sentence. Brackets, which pair with one outside the run, and the wave dash of ranges
// ("１０：００～１８：００") stay as written. Matching reads the kept characters folded (see
// language/fullWidth.ts).
// Each kept character is a starter that composes with nothing before it, so normalising the text
// between them part by part gives what NFKC gives, with them kept. (＜＝＞ compose with a combining
// long solidus after them, "＜\u0338" is ≮: there they are left to NFKC.)
//
// Thai AM and the full-width forms. The kept compatibility characters are not looked for here: every
// one of them is one NFKC changes, so only a text NFKC changes is searched for them (a class of their
// ranges costs a Latin or Cyrillic text twice the scan of this one).
const NFKC_KEEP_CANDIDATE = /[\u0e33\u0eb3\u3000\uff01-\uff60\uffe0-\uffe6]/;
/** The length of the character cleaning may keep at `index` (Thai AM, full-width, kept compatibility), 0 for none. */
function keepCandidateAt(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code === 0x0e33 || code === 0x0eb3 || code === 0x3000 || code >= 0xff01 ? 1 : keptCompatibilityAt(text, index);
}
const FULL_WIDTH_CANDIDATE = /[\u3000\uff01-\uff60\uffe0-\uffe6]/;
// Han (with the astral extensions, by their high surrogates), kana and Bopomofo, by block: a class
// of Unicode script properties costs several times more to scan for, and this runs on every text
// with a full-width character.
const WRITTEN_WITH_FULL_WIDTH_PUNCTUATION =
  /[\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3040-\u30ff\u3100-\u312f\u31a0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9d\ud840-\ud88f]/;
const THAI_AM = String.raw`\u0e33\u0eb3`;
const FULL_WIDTH_KEPT = String.raw`\u3000\uff01-\uff0f\uff1a\uff1b\uff1f\uff20\uff3b-\uff40\uff5b-\uff60\uffe0-\uffe6`;
const KEEP_FULL_WIDTH = new RegExp(String.raw`[${THAI_AM}${FULL_WIDTH_KEPT}]|[\uff1c-\uff1e](?!\u0338)`, 'g');
const KEEP_THAI_AM = new RegExp(`[${THAI_AM}]`, 'g');
// What cleaning keeps (the coarse class's finds checked by `keepCandidateAt`); the two above are what
// it kept before the compatibility characters (`asNfkcMadeIt`).
const KEEP_FULL_WIDTH_AND_COMPATIBILITY = new RegExp(
  String.raw`[${THAI_AM}${FULL_WIDTH_KEPT}${KEPT_COMPATIBILITY_COARSE}]|[\uff1c-\uff1e](?!\u0338)`,
  'g',
);
const KEEP_THAI_AM_AND_COMPATIBILITY = new RegExp(`[${THAI_AM}${KEPT_COMPATIBILITY_COARSE}]`, 'g');
// Most Chinese and Japanese text is NFKC already but for its full-width punctuation: such a text is
// its own result, without a normalisation.
const NOT_NFKC_STABLE_CJK = new RegExp(String.raw`[^${NFKC_STABLE_CJK}${FULL_WIDTH_KEPT}\uff1c-\uff1e]`);

/** Whether a text with a kept character keeps its full-width punctuation: it has some, and Chinese or Japanese. */
function keepsFullWidth(text: string): boolean {
  // The script first: in such text it is found at once, while a Thai text is scanned only once.
  return WRITTEN_WITH_FULL_WIDTH_PUNCTUATION.test(text) && FULL_WIDTH_CANDIDATE.test(text);
}

/** NFKC of a Chinese or Japanese text, its full-width punctuation kept (and Thai AM, should it hold any, and `keep`'s others). */
function nfkcKeepingFullWidth(text: string, keep = KEEP_FULL_WIDTH_AND_COMPATIBILITY): string {
  if (!NOT_NFKC_STABLE_CJK.test(text)) return text;
  const runsFolded = foldFullWidthRuns(text);
  return runsFolded !== text && !NOT_NFKC_STABLE_CJK.test(runsFolded) ? runsFolded : nfkcKeeping(runsFolded, keep, keepCandidateAt);
}

const isFullWidthAlnum = (code: number) =>
  (code >= 0xff10 && code <= 0xff19) || (code >= 0xff21 && code <= 0xff3a) || (code >= 0xff41 && code <= 0xff5a);
/** What a full-width run holds between its letters and digits: the block but its brackets and ～, and U+3000. */
const isRunInner = (code: number) =>
  code === 0x3000 ||
  (code >= 0xff01 && code <= 0xff5c && code !== 0xff08 && code !== 0xff09 && code !== 0xff3b && code !== 0xff3d && code !== 0xff5b);

const FULL_WIDTH_ALNUM = /[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/;

/** The text with its full-width runs (from a full-width letter or digit to the last of the run) folded as NFKC folds them. */
function foldFullWidthRuns(text: string): string {
  if (!FULL_WIDTH_ALNUM.test(text)) return text;
  let out = '';
  let from = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    if (!isFullWidthAlnum(text.charCodeAt(i))) continue;
    let last = i;
    for (let k = i + 1; k < n; k++) {
      const code = text.charCodeAt(k);
      if (isFullWidthAlnum(code)) last = k;
      else if (!isRunInner(code)) break;
    }
    out += text.slice(from, i);
    // A run holds U+FF01–FF5E and U+3000 only: NFKC makes them U+0021–007E and a space.
    for (let k = i; k <= last; k++) {
      const code = text.charCodeAt(k);
      out += String.fromCharCode(code === 0x3000 ? 0x20 : code - 0xfee0);
    }
    from = last + 1;
    i = last;
  }
  return out + text.slice(from);
}

/**
 * NFKC of the text but for the characters `keep` matches that `kept` confirms (its length: 1, 2
 * for a surrogate pair, 0 for not kept), which stay as they are.
 */
function nfkcKeeping(text: string, keep: RegExp, kept: (text: string, index: number) => number = () => 1): string {
  let out = '';
  let at = 0;
  keep.lastIndex = 0;
  for (let m = keep.exec(text); m; m = keep.exec(text)) {
    const length = kept(text, m.index);
    if (!length) continue;
    out += text.slice(at, m.index).normalize('NFKC') + text.slice(m.index, m.index + length);
    at = m.index + length;
    keep.lastIndex = at;
  }
  return out + text.slice(at).normalize('NFKC');
}

// Only the runs of horizontal white space that change: two or more characters, or one that is not a
// plain space. (Replacing every run, single spaces too, cost several times more on text with spaces.)
const SPACE_RUN_TO_COLLAPSE = /[^\S\n](?:[^\S\n]+|(?<=[^\S\n ]))/g;
const collapseSpaces = (line: string) => line.replace(SPACE_RUN_TO_COLLAPSE, ' ').trim();
// Where ideographic spaces are kept, a run of them alone is one ideographic space, and any other run one space.
const SPACE_RUN_TO_COLLAPSE_KEEPING_IDEOGRAPHIC = /[^\S\n](?:[^\S\n]+|(?<=[^\S\n \u3000]))/g;
const collapsedRun = (run: string) => {
  for (let i = 0; i < run.length; i++) if (run.charCodeAt(i) !== 0x3000) return ' ';
  return '\u3000';
};
const collapseSpacesKeepingIdeographic = (line: string) => line.replace(SPACE_RUN_TO_COLLAPSE_KEEPING_IDEOGRAPHIC, collapsedRun).trim();

/** The full clean-up of one message text; returns '' for a text that is empty after it. */
export function normalizeText(raw: string): string {
  if (!NEEDS_WORK.test(raw)) return raw;
  let text = raw.replace(LINE_BREAKS, '\n');
  text = stripHtml(text);
  text = decodeEntities(text);
  const { nfkc, fullWidth: firstFullWidth } = cleaningNfkc(text);
  let fullWidth = firstFullWidth;
  text = keepJoiners(nfkc.replace(INVISIBLE, ''));
  if (text !== nfkc) {
    // A zero-width character removed from between a letter and a combining mark ("e", ZWSP, U+0301)
    // or two conjoining jamo left them side by side, which NFKC composes ("é"): normalized again
    // here, or the next cleaning of this output would compose them and give another text (and
    // content id). Text without such a sequence comes out of it unchanged.
    const again = cleaningNfkc(text);
    if (again.nfkc !== text) {
      text = keepJoiners(again.nfkc);
      fullWidth = again.fullWidth;
    }
  }
  return collapseLines(text, fullWidth);
}

/** NFKC as cleaning applies it: the compatibility characters, Thai AM and full-width forms it keeps stay. */
function cleaningNfkc(text: string): { nfkc: string; fullWidth: boolean } {
  const candidate = NFKC_KEEP_CANDIDATE.test(text);
  const fullWidth = candidate && keepsFullWidth(text);
  let nfkc: string;
  if (!candidate) {
    nfkc = text.normalize('NFKC');
    if (nfkc !== text && hasKeptCompatibility(text)) nfkc = nfkcKeeping(text, KEEP_THAI_AM_AND_COMPATIBILITY, keepCandidateAt);
  } else nfkc = fullWidth ? nfkcKeepingFullWidth(text) : nfkcKeeping(text, KEEP_THAI_AM_AND_COMPATIBILITY, keepCandidateAt);
  return { nfkc, fullWidth };
}

function collapseLines(text: string, keepingIdeographicSpace: boolean): string {
  return text
    .split('\n')
    .map(keepingIdeographicSpace ? collapseSpacesKeepingIdeographic : collapseSpaces)
    .filter((line) => line.length > 0)
    .join('\n');
}

/**
 * A cleaned text with the compatibility characters cleaning keeps (² … ½ ℃ ™ ① ㎡…) as NFKC made
 * them, i.e. the text cleaning gave before it kept them: content ids are taken of it (a record
 * without an id keeps the id, and so the split, earlier runs gave it) and language detection reads
 * it. Full-width punctuation stays (fold it with `foldFullWidth`). The text itself when it holds
 * none of them (one scan).
 */
export function asNfkcMadeIt(cleaned: string): string {
  if (!hasKeptCompatibility(cleaned)) return cleaned;
  const fullWidth = keepsFullWidth(cleaned);
  const nfkc = fullWidth ? nfkcKeepingFullWidth(cleaned, KEEP_FULL_WIDTH) : nfkcKeeping(cleaned, KEEP_THAI_AM);
  // NFKC makes a space of a spacing accent (´ → space + combining acute): collapsed as cleaning collapses.
  return collapseLines(nfkc, fullWidth);
}
