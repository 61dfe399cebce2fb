import { isRegexSpace } from '../../language/whitespace';

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
  /** Where those digits are (at most `MAX_NUMBER_STARTS`; more are not recorded and `numberStartsComplete` is false). */
  numberStarts: number[];
  numberStartsComplete: boolean;
  /** A digit, or a digit and one ASCII letter, directly followed by white space (a house number before the street, "12b Main St"). */
  houseSpace: boolean;
  /** Two ASCII letters and two digits in a row (how an IBAN starts). */
  ibanStart: boolean;
}

const NO_DIGITS: TextProfile = {
  digits: 0,
  spaceDigit: false,
  numberStarts: [],
  numberStartsComplete: true,
  houseSpace: false,
  ibanStart: false,
};

const MAX_NUMBER_STARTS = 32;

const isDigit = (code: number) => code >= 48 && code <= 57;
const isAsciiLetter = (code: number) => (code >= 65 && code <= 90) || (code >= 97 && code <= 122);

export function textProfile(text: string): TextProfile {
  // (A regex scan for a digit is cheaper than the loop below, and most texts stop here.)
  if (!ANY_DIGIT.test(text)) return NO_DIGITS;
  let digits = 0;
  let spaceDigit = false;
  let houseSpace = false;
  let ibanStart = false;
  const numberStarts: number[] = [];
  let numberStartsComplete = true;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) continue;
    digits++;
    if (i > 0) {
      const before = text.charCodeAt(i - 1);
      if (isRegexSpace(before)) {
        spaceDigit = true;
        if (numberStarts.length < MAX_NUMBER_STARTS) numberStarts.push(i);
        else numberStartsComplete = false;
      }
      if (!ibanStart && i >= 3 && isDigit(before) && isAsciiLetter(text.charCodeAt(i - 2)) && isAsciiLetter(text.charCodeAt(i - 3)))
        ibanStart = true;
    }
    if (!houseSpace && i + 1 < n) {
      const after = text.charCodeAt(i + 1);
      if (isRegexSpace(after) || (isAsciiLetter(after) && i + 2 < n && isRegexSpace(text.charCodeAt(i + 2)))) houseSpace = true;
    }
  }
  return { digits, spaceDigit, numberStarts, numberStartsComplete, houseSpace, ibanStart };
}

const ANY_DIGIT = /\d/;

/**
 * Whether a word (the white-space-delimited chunk) that directly precedes one of the numbers
 * after white space passes `test`: "Koskikatu" in "Koskikatu 25". Unknown (too many numbers to
 * have recorded): true.
 */
export function someWordBeforeNumber(text: string, profile: TextProfile, test: (word: string) => boolean): boolean {
  if (!profile.numberStartsComplete) return true;
  for (const at of profile.numberStarts) {
    let end = at - 1;
    while (end >= 0 && isRegexSpace(text.charCodeAt(end))) end--;
    let start = end;
    while (start >= 0 && !isRegexSpace(text.charCodeAt(start))) start--;
    if (end > start && test(text.slice(start + 1, end + 1))) return true;
  }
  return false;
}
