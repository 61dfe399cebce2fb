import { ipVersion, isCardNumber, isIban, isSsn } from './validators';
import { execAll } from './regex';
import { textProfile, type TextProfile } from './profile';
import type { PiiSpan } from './types';
import { foldForMatching } from '../../language/fullWidth';

/**
 * Pattern + validation detectors for the structured types. Patterns find candidates generously;
 * validators (Luhn, mod-97, SSN rules, node's IP parser, libphonenumber) decide.
 */

/**
 * Scripts written without spaces between words (Han, Hiragana, Katakana, Thai, Lao, Khmer,
 * Myanmar, Tibetan; the set of `language/tokens.ts`) and Hangul, whose particles attach to the word
 * before them: a number or an address written into such text ("電話は090-1234-5678です",
 * "메일은taro@example.kr입니다") touches letters that are no part of it. For the structured types
 * these letters are boundaries, like spaces; only letters of the other scripts (and digits) make
 * one word with a value and keep it from matching ("ABC0901234567", "taro@example.jp2").
 * Scripts that never share a word with Latin letters and ASCII digits are boundaries too: Arabic,
 * Hebrew (and their neighbours Syriac, Thaana) and the Indic scripts, where a number typed right
 * after a word ("هاتفي +966501234567شكرا", "המיילdana@example.co.ilתודה") is common (QA, 4 December).
 */
const UNSPACED = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}ー々〆\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Gurmukhi}\p{Script=Gujarati}\p{Script=Oriya}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Malayalam}\p{Script=Sinhala}`;
/** A letter of a script written with spaces. (Not for patterns with the `i` flag: case folding changes what a negated class holds.) */
const SPACED_LETTER = String.raw`[^\P{L}${UNSPACED}]`;
/** A letter or digit that makes one word with a value it touches. */
const GLUED = String.raw`(?:${SPACED_LETTER}|[^\P{N}${UNSPACED}])`;

// Local part and top-level domain of letters of spaced scripts and digits: "メールはtaro@example.jpです"
// is taro@example.jp, not the Japanese words around it. A domain label wholly in an unspaced script
// ("taro@例え.jp") is kept: it lies between the @ and a dot. (An address whose local part or
// top-level domain is in such a script cannot be told from the text around it and is not found.)
const EMAIL_LOCAL = String.raw`(?:[._%+-]|${GLUED})`;
const EMAIL = new RegExp(
  String.raw`(?=${EMAIL_LOCAL})(?<!${EMAIL_LOCAL})${EMAIL_LOCAL}+@(?:(?:(?:-|${GLUED})+|[${UNSPACED}]+)\.)+${SPACED_LETTER}{2,}(?!${GLUED})`,
  'gu',
);

// http(s)/ftp URLs; only those carrying credentials (user:pass@) or token-like query parameters
// are personal/secret data. Plain links stay (they are often the answer).
const URL_CANDIDATE = /\b(?:https?|ftp):\/\/[^\s<>"')\]]+/gi;
const URL_SECRET_PARAM =
  /[?&#](?:token|access_token|refresh_token|id_token|auth|authorization|key|api_?key|apikey|sig|signature|secret|password|pass|pwd|code|session|sessionid|sid|otp|reset|ticket|jwt)=[^&#\s]{4,}/i;
const URL_CREDENTIALS = /^[a-z]+:\/\/[^/\s@]+:[^/\s@]+@/i;
// Where a URL written into Japanese, Chinese, Thai… text ends: the first character of such a script
// (or CJK / full-width punctuation) right after a letter or digit ("…?token=a1b2c3です。"). One after
// a slash, = or & is part of the path or query ("/wiki/東京").
const URL_END_IN_UNSPACED = new RegExp(String.raw`(?<=[A-Za-z0-9])[${UNSPACED}\u3000-\u303f\uff01-\uff60]`, 'u');

const IBAN_CANDIDATE = new RegExp(String.raw`(?=[A-Za-z]{2}\d)(?<!${GLUED})[A-Za-z]{2}\d{2}(?:[ -]?[A-Za-z0-9]){11,30}(?!${GLUED})`, 'gu');
const CARD_CANDIDATE = new RegExp(String.raw`(?=\d)(?<!\+|${GLUED})\d(?:[ -]?\d){11,18}(?!${GLUED})`, 'gu');
const SSN_CANDIDATE = new RegExp(String.raw`(?=\d)(?<!-|${GLUED})\d{3}([- ])\d{2}\1\d{4}(?!${GLUED}|-\d)`, 'gu');
const SSN_BARE = new RegExp(String.raw`(?=\d)(?<!${GLUED})\d{9}(?!${GLUED})`, 'gu');
const SSN_CONTEXT = /\b(?:ssn|social security|social-security|soc\.? sec\.?)\b/i;
const IPV4_CANDIDATE = /(?=\d)(?<![\p{N}.])(?:\d{1,3}\.){3}\d{1,3}(?![\p{N}]|\.\d)/gu;
const IPV6_CANDIDATE = new RegExp(
  String.raw`(?=[0-9A-Fa-f]{0,4}:)(?<!:|${GLUED})(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{0,4}|(?:\d{1,3}\.){3}\d{1,3})(?!:|${GLUED})`,
  'gu',
);
// Each candidate pattern opens with a lookahead for its first character, so the lookbehind after it
// runs only where a match can start (a lookbehind first is tried at every position).

// Phone-shaped: optional + or 00, digit groups separated by one space, dash, dot or a
// parenthesised area code / (0) trunk prefix, optional extension. Every digit group is maximal
// (the next character must be a separator), so the pattern cannot backtrack over how to split a
// long digit run; group sizes are judged in isPhoneNumber.
const PHONE_SEPARATOR = String.raw`(?:[ .-]|\s?\(0\)\s?|\s?\(\d{1,5}\)\s?)`;
// x, ext, ext., extension in any case (spelt out: the pattern has no `i` flag, see SPACED_LETTER).
const PHONE_EXTENSION = String.raw`(?:[xX]|[eE][xX][tT]\.?|[eE][xX][tT][eE][nN][sS][iI][oO][nN])`;
const PHONE_CANDIDATE = new RegExp(
  String.raw`(?=[+(\d])(?<![+/.-]|${GLUED})(?:\+\s?|00)?(?:\(\s?\d{1,5}\s?\)\s?)?\d+(?:${PHONE_SEPARATOR}\d+){0,6}(?:\s?${PHONE_EXTENSION}\s?\d{1,6})?(?!${GLUED}|[.,-]\d)`,
  'gu',
);
const DATE_LIKE = /^(?:\d{4}[-.]\d{1,2}[-.]\d{1,2}|\d{1,2}[-.]\d{1,2}[-.]\d{4}|\d{1,2}[-.]\d{1,2}[-.]\d{2})$/;

export interface StructuredOptions {
  /** Patterns for account/order numbers, redacted as [ID] (TUNELOOP_PII_ID_PATTERNS). */
  idPatterns?: RegExp[];
}

/**
 * Digits of other scripts (Arabic-Indic ٠١٢, Persian ۰۱۲, Devanagari ०१२, Thai ๐๑๒, …; NFKC leaves
 * them as they are), the dashes written between digit groups ("03‐1234‐5678", Japanese
 * "090ー1234ー5678", "–", "−"), and the full-width forms and compatibility characters cleaning
 * keeps as written ("taro＠example．com", "（03）1234-5678", "090－1234－5678", "²", "①";
 * language/fullWidth.ts, `foldForMatching`): a phone
 * number, card number or e-mail address written with them is as personal as one in ASCII. The
 * patterns and validators read ASCII digits and separators, so they run over a copy of the text
 * with these folded, character for character (every folded character is one UTF-16 unit and becomes
 * one), and the spans found there hold the same positions in the text itself.
 */
const NON_ASCII = /[^\u0000-\u007f]/;
const FOLD_CANDIDATE = /[^\P{Nd}0-9]|(?<=\p{Nd})[\u2010-\u2013\u2212\u30fc](?=\p{Nd})/u;
const FOLD = /[^\P{Nd}0-9]|(?<=\p{Nd})[\u2010-\u2013\u2212\u30fc](?=\p{Nd})/gu;
let bmpDigitValues: Uint8Array | undefined;
/** The value (0–9) of each decimal digit of the Basic Multilingual Plane, 255 for any other unit. */
function digitValues(): Uint8Array {
  if (bmpDigitValues) return bmpDigitValues;
  const table = new Uint8Array(0x10000).fill(255);
  // Unicode encodes every script's decimal digits as contiguous runs of ten, zero first.
  const nd = /^\p{Nd}$/u;
  let run = 0;
  for (let code = 0; code < 0x10000; code++) {
    if (code < 0xd800 || code > 0xdfff ? nd.test(String.fromCharCode(code)) : false) table[code] = run++ % 10;
    else run = 0;
  }
  return (bmpDigitValues = table);
}

/** The copy of a text the patterns read (see above); the text itself when there is nothing to fold. */
export function foldDigits(text: string): string {
  // Everything folded is outside ASCII: most chat text is ASCII, and this test is far cheaper than FOLD_CANDIDATE's.
  if (!NON_ASCII.test(text)) return text;
  const folded = foldForMatching(text);
  if (!FOLD_CANDIDATE.test(folded)) return folded;
  return folded.replace(FOLD, (c) => {
    if (c.length !== 1) return c; // a digit outside the BMP: two units, left as written
    const value = digitValues()[c.charCodeAt(0)];
    return value === 255 ? '-' : String.fromCharCode(48 + value);
  });
}

export function detectStructured(text: string, options: StructuredOptions = {}, profile?: TextProfile): PiiSpan[] {
  const folded = foldDigits(text);
  if (folded === text) return detectStructuredIn(text, options, profile ?? textProfile(text));
  return detectStructuredIn(folded, options, textProfile(folded)).map((span) => ({ ...span, value: text.slice(span.start, span.end) }));
}

/** `detectStructured` over a text `foldDigits` already folded (the values are the folded text's). */
export function detectStructuredIn(text: string, options: StructuredOptions, profile: TextProfile): PiiSpan[] {
  const spans: PiiSpan[] = [];
  const push = (type: PiiSpan['type'], start: number, end: number) =>
    spans.push({ type, start, end, value: text.slice(start, end), source: 'pattern' });

  // Cheap checks first: most chat turns have no '@', no '://' and often no digit at all, and a
  // pattern that cannot match still costs a scan of the text (see profile.ts). The digit counts are
  // the fewest each type can have: a card 12, an SSN 9, an IPv4 address 4, a phone number 7.
  const digits = profile.digits;
  if (text.includes('://'))
    for (const m of execAll(URL_CANDIDATE, text)) {
      const cut = m[0].search(URL_END_IN_UNSPACED);
      const url = (cut < 0 ? m[0] : m[0].slice(0, cut)).replace(/[.,;:!?]+$/, '');
      if (URL_CREDENTIALS.test(url) || URL_SECRET_PARAM.test(url)) push('URL', m.index, m.index + url.length);
    }
  if (text.includes('@'))
    for (const m of execAll(EMAIL, text)) {
      const value = m[0].replace(/\.+$/, '');
      push('EMAIL', m.index, m.index + value.length);
    }
  if (profile.ibanStart)
    for (const m of execAll(IBAN_CANDIDATE, text)) {
      // The candidate can run into the next word; try the longest valid prefix that ends on a group.
      const raw = m[0];
      for (let end = raw.length; end >= 15; end--) {
        if (/[ -]$/.test(raw.slice(0, end))) continue;
        if (isIban(raw.slice(0, end))) {
          push('IBAN', m.index, m.index + end);
          break;
        }
      }
    }
  if (digits >= 12)
    for (const m of execAll(CARD_CANDIDATE, text)) {
      if (isCardNumber(m[0]) && cardGrouping(m[0])) push('CARD', m.index, m.index + m[0].length);
    }
  if (digits >= 9)
    for (const m of execAll(SSN_CANDIDATE, text)) {
      if (isSsn(m[0])) push('SSN', m.index, m.index + m[0].length);
    }
  if (digits >= 9 && SSN_CONTEXT.test(text)) {
    for (const m of execAll(SSN_BARE, text)) if (isSsn(m[0])) push('SSN', m.index, m.index + m[0].length);
  }
  if (digits >= 4)
    for (const m of execAll(IPV4_CANDIDATE, text)) {
      if (ipVersion(m[0]) === 4) push('IP', m.index, m.index + m[0].length);
    }
  if (text.includes(':'))
    for (const m of execAll(IPV6_CANDIDATE, text)) {
      if (m[0].length >= 6 && ipVersion(m[0]) === 6) push('IP', m.index, m.index + m[0].length);
    }
  if (digits >= 7)
    for (const m of execAll(PHONE_CANDIDATE, text)) {
      const value = m[0].trim();
      if (isPhoneNumber(value)) push('PHONE', m.index, m.index + value.length);
    }
  for (const pattern of options.idPatterns ?? []) {
    const global = pattern.global ? pattern : new RegExp(pattern.source, pattern.flags + 'g');
    for (const m of execAll(global, text)) if (m[0]) push('ID', m.index, m.index + m[0].length);
  }
  return spans;
}

/**
 * Card numbers are written in one run or in the issuers' groupings (4-4-4-4…, Amex 4-6-5, Diners
 * 4-6-4); "44 7700 900031" is a phone number whose digits happen to pass Luhn.
 */
function cardGrouping(value: string): boolean {
  const groups = value.split(/[ -]/);
  if (groups.length === 1) return true;
  const sizes = groups.map((g) => g.length).join('-');
  if (sizes === '4-6-5' || sizes === '4-6-4') return true;
  return groups.slice(0, -1).every((g) => g.length === 4) && groups[groups.length - 1].length <= 4;
}

/**
 * International numbers (+ or 00) must be possible numbers for their country according to
 * libphonenumber. National numbers carry no country, so they are judged by shape: 7–15 digits in
 * separated groups (or 10–11 digits in one run), not a date, not a plain thousands-grouped amount.
 */
type PhoneLibrary = typeof import('libphonenumber-js/max');
let phoneLibrary: PhoneLibrary | undefined;
/** libphonenumber with its full metadata costs 80 ms to load; only international candidates need it. */
function phoneNumbers(): PhoneLibrary {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (cold start)
  phoneLibrary ??= require('libphonenumber-js/max') as PhoneLibrary;
  return phoneLibrary;
}

const INDIAN_MOBILE = /^0?[6-9]\d{4}[ -]\d{5}$/;

export function isPhoneNumber(value: string): boolean {
  const main = value.replace(/\s?(?:x|ext\.?|extension)\s?\d{1,6}$/i, '');
  const digits = main.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return false;
  if (DATE_LIKE.test(main) || /^\d{4}-\d{2}-\d{2}\b/.test(main)) return false;
  if (/^\+|^00/.test(main)) {
    const international = '+' + main.replace(/^\+|^00/, '').replace(/\(0\)/, '');
    const parsed = phoneNumbers().parsePhoneNumberFromString(international);
    return Boolean(parsed?.isPossible());
  }
  const groups = main.split(/[\s.()-]+/).filter(Boolean);
  if (groups.length === 1) return digits.length >= 10 && digits.length <= 11 && !/^(\d)\1+$/.test(digits);
  // "1 000 000" and "12.500.000" are amounts, not numbers to call.
  if (/^\d{1,3}(?:([ .])\d{3})+$/.test(main) && /[ .]000\b/.test(main)) return false;
  // A decimal amount like 12.50 never has 7 digits in two groups with a 2-digit tail only.
  if (groups.length === 2 && /^\d+\.\d{1,2}$/.test(main)) return false;
  // Two groups ("467 3395", "0961-7596216"): a short prefix and a long subscriber part. Building
  // and house numbers ("9816 214") and postal codes ("75534-030") have it the other way round.
  // A trunk-prefixed area code of five digits ("07911 123456", "01632 960001") is how UK numbers are written.
  const trunkPrefixed = groups.length === 2 && /^0\d{4}$/.test(groups[0]) && groups[1].length >= 5 && digits.length <= 11;
  // Indian mobile numbers: ten digits starting 6–9, written 5 + 5 ("98765 43210"), also after the
  // 0 trunk prefix ("098765 43210"); with +91 they are international and judged above. Other
  // 5 + 5 shapes ("10115 12345": a postcode and a number) stay rejected.
  const indianMobile = INDIAN_MOBILE.test(main);
  if (groups.length === 2 && !trunkPrefixed && !indianMobile && (groups[0].length > 4 || groups[1].length < 4)) return false;
  return groups.every((g) => g.length <= 8) && groups.filter((g) => g.length > 5).length <= 1;
}
