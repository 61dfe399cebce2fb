/**
 * What a text holds that the structured and address patterns need before they can match, found
 * in one pass over its characters. Each pattern runs only where its precondition holds: most chat
 * turns have no digit at all, and of those that do, few have the 7 digits of a phone number or a
 * number after a word (a house number). A pattern that cannot match still costs a scan of the
 * text, and the lookbehinds of these patterns make such scans several times dearer than this pass.
 *
 * Every flag is a necessary condition of the patterns it gates (a superset is safe, a subset is
 * not): white space is `\s` of JavaScript regular expressions, digits are ASCII (`\d`, also with
 * the `u` flag).
 */
export interface TextProfile {
  /** ASCII digits in the text. */
  digits: number;
  /** White space directly followed by a digit (a house number after a street name, "Koskikatu 25"). */
  spaceDigit: boolean;
  /** A digit, or a digit and one ASCII letter, directly followed by white space (a house number before the street, "12b Main St"). */
  houseSpace: boolean;
  /** Two ASCII letters and two digits in a row (how an IBAN starts). */
  ibanStart: boolean;
}

const NO_DIGITS: TextProfile = { digits: 0, spaceDigit: false, houseSpace: false, ibanStart: false };

/** `\s` of JavaScript regular expressions. */
export function isRegexSpace(code: number): boolean {
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

const isDigit = (code: number) => code >= 48 && code <= 57;
const isAsciiLetter = (code: number) => (code >= 65 && code <= 90) || (code >= 97 && code <= 122);

export function textProfile(text: string): TextProfile {
  // (A regex scan for a digit is cheaper than the loop below, and most texts stop here.)
  if (!ANY_DIGIT.test(text)) return NO_DIGITS;
  let digits = 0;
  let spaceDigit = false;
  let houseSpace = false;
  let ibanStart = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) continue;
    digits++;
    if (i > 0) {
      const before = text.charCodeAt(i - 1);
      if (!spaceDigit && isRegexSpace(before)) spaceDigit = true;
      if (!ibanStart && i >= 3 && isDigit(before) && isAsciiLetter(text.charCodeAt(i - 2)) && isAsciiLetter(text.charCodeAt(i - 3))) ibanStart = true;
    }
    if (!houseSpace && i + 1 < n) {
      const after = text.charCodeAt(i + 1);
      if (isRegexSpace(after) || (isAsciiLetter(after) && i + 2 < n && isRegexSpace(text.charCodeAt(i + 2)))) houseSpace = true;
    }
  }
  return { digits, spaceDigit, houseSpace, ibanStart };
}

const ANY_DIGIT = /\d/;
