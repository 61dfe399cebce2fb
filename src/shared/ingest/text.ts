import { decode as decodeHtml } from 'he';

/**
 * Text clean-up shared by every format: HTML stripped and entities decoded (chat exports from
 * help-desk tools carry markup), Unicode NFKC (full-width letters, ligatures and non-breaking
 * spaces become their plain forms, so duplicates and tokens are counted on one spelling),
 * whitespace trimmed and collapsed while single line breaks survive (agents use them for lists).
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

// Characters NFKC takes apart although they are how the language is written: Thai SARA AM (ำ, in
// ทำ, น้ำ, จำ) and Lao AM become NIKHAHIT + SARA AA, a spelling no Thai text uses (and other
// tokens). Each is a starter that composes with nothing before it, so normalising the text between
// them part by part gives what NFKC gives, with them kept.
const NFKC_KEEP = /([\u0e33\u0eb3])/;
function nfkcKeepingOrthography(text: string): string {
  if (!NFKC_KEEP.test(text)) return text.normalize('NFKC');
  return text
    .split(NFKC_KEEP)
    .map((part, i) => (i % 2 ? part : part.normalize('NFKC')))
    .join('');
}

// Only the runs of horizontal white space that change: two or more characters, or one that is not a
// plain space. (Replacing every run, single spaces too, cost several times more on text with spaces.)
const SPACE_RUN_TO_COLLAPSE = /[^\S\n](?:[^\S\n]+|(?<=[^\S\n ]))/g;

/** The full clean-up of one message text; returns '' for a text that is empty after it. */
export function normalizeText(raw: string): string {
  if (!NEEDS_WORK.test(raw)) return raw;
  let text = raw.replace(LINE_BREAKS, '\n');
  text = stripHtml(text);
  text = decodeEntities(text);
  text = keepJoiners(nfkcKeepingOrthography(text).replace(INVISIBLE, ''));
  return text
    .split('\n')
    .map((line) => line.replace(SPACE_RUN_TO_COLLAPSE, ' ').trim())
    .filter((line) => line.length > 0)
    .join('\n');
}
