/**
 * A cheap "clearly English" check that spares the language detector (tinyld costs about 1 µs a
 * character, several times the redaction itself) on the usual input. It answers true only for
 * plain-ASCII text where at least 3 different English function words make up 15 % of the words;
 * anything else ("Bonjour", "Danke", accented letters, other scripts) goes to the detector.
 * The marker words are ones that are not also common words of de/fr/es/it/pt/nl ("of" is Dutch,
 * "he" and "has" Spanish, "was" and "will" German), checked by the tests against every line of
 * the hand-labelled texts of those languages.
 */
const ENGLISH_MARKERS = (
  'the you your my to for it that this have can with not be are please thanks thank what how would just ' +
  'get if there they she when where which been from could should about would any because'
).split(' ');

/** Letters a–z as 1–26, a word as a number in base 27: words are told apart without slicing them out. */
const MAX_MARKER_LETTERS = 7;
const MARKER_INDEX = new Map<number, number>();
for (const w of ENGLISH_MARKERS) {
  if (w.length > MAX_MARKER_LETTERS) throw new Error(`English marker "${w}" is longer than ${MAX_MARKER_LETTERS} letters`);
  let key = 0;
  for (let i = 0; i < w.length; i++) key = key * 27 + (w.charCodeAt(i) - 96);
  if (!MARKER_INDEX.has(key)) MARKER_INDEX.set(key, MARKER_INDEX.size);
}

const isLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);

/**
 * One pass over the characters, without lower-casing the text or collecting its words (this runs
 * on every conversation's customer text). Words are what `/[a-z]+(?:'[a-z]+)?/g` finds in the
 * lower-cased text; a word with an apostrophe is never a marker.
 */
export function isClearlyEnglish(sample: string): boolean {
  const n = sample.length;
  let words = 0;
  let hits = 0;
  // Markers seen, as bits of two numbers (there are fewer than 64).
  let seenLow = 0;
  let seenHigh = 0;
  let seen = 0;
  let i = 0;
  while (i < n) {
    let c = sample.charCodeAt(i);
    // "plain ASCII" is the point: every character outside \x00-\x7f, control characters included.
    if (c > 0x7f) return false;
    if (!isLetter(c)) {
      i++;
      continue;
    }
    let key = 0;
    let letters = 0;
    while (i < n && isLetter((c = sample.charCodeAt(i)))) {
      if (letters < MAX_MARKER_LETTERS) key = key * 27 + ((c | 0x20) - 96);
      letters++;
      i++;
    }
    words++;
    if (c === 39 && i + 1 < n && isLetter(sample.charCodeAt(i + 1))) {
      i++;
      while (i < n && isLetter(sample.charCodeAt(i))) i++;
      continue;
    }
    if (letters > MAX_MARKER_LETTERS) continue;
    const marker = MARKER_INDEX.get(key);
    if (marker === undefined) continue;
    hits++;
    const bit = 1 << (marker % 32);
    if (marker < 32 ? !(seenLow & bit) : !(seenHigh & bit)) {
      if (marker < 32) seenLow |= bit;
      else seenHigh |= bit;
      seen++;
    }
  }
  if (words < 4) return false;
  return seen >= 3 && hits / words >= 0.15;
}
