import { findGram, NOT_UNIQUE, type LanguageModel } from './model';
import { isRegexSpace } from './whitespace';

/**
 * tinyld's `detectAll` (1.3, normal model) over the typed-array model of `model.ts`, with the same
 * answers: the same languages, in the same order, with the same accuracy numbers, the floating
 * point sums included (`test/shared/language/detector.test.ts` compares the two on every fixture
 * text and on generated ones). What differs is how grams are looked up: windows of the text are
 * hashed in place instead of being sliced into strings, and only grams with characters from U+00C0
 * up are normalised (NFD never changes the characters below).
 *
 * The steps, as tinyld takes them: split the text into chunks at punctuation and clean each; take
 * the 7 longest; a chunk containing a gram unique to one language counts its length for that
 * language; any other chunk is split into words, and each word's n-grams (1 to 5, padded with
 * spaces) add their per-language scores; a word's 8 best languages add their accuracy (1 − the
 * distance to the word's best score, rounded to 4 places). Sums are divided by the letters
 * counted.
 */
export interface LanguageScore {
  lang: string;
  accuracy: number;
}

// tinyld's own expressions, unchanged: the answers depend on each character they match.
const CHUNK_BREAK = /([,，、。!¿?！？":;()「」{}„“«»”"“<>⋯《》*]|[.[\]\\])+/;
const WORD_BREAK = /[ ]+/;
const PUNCTUATION = /[,.。，、#%&/\\+*¡!¿?[\]！？;:…„“«»”"“_–—~]/gi;
const DIGITS = /[0-9]/g;
const FULLWIDTH_DIGITS = /[\uFF10-\uFF19]/g;
const WHITESPACE_RUN = /\s\s+/g;
const RIGHT_QUOTE = /’/gi;
const COMBINING_MARKS = /[\u0300-\u036f]/g;

const GRAM_SIZES = [1, 2, 3, 4, 5];
const PADDING = ['', ' ', '  ', '   ', '    '];
const MAX_CHUNKS = 7;
const TOP_LANGUAGES = 8;

/** tinyld's `cleanString`: lower case, punctuation to spaces, no digits, single spaces, trimmed. */
export function cleanString(text: string): string {
  return text
    .toLowerCase()
    .replace(RIGHT_QUOTE, "'")
    .replace(PUNCTUATION, ' ')
    .replace(FULLWIDTH_DIGITS, (d) => String.fromCharCode(d.charCodeAt(0) - 65248))
    .replace(DIGITS, '')
    .replace(WHITESPACE_RUN, ' ')
    .trim();
}

/** Languages of `text`, best first (tinyld's `detectAll`). */
export function detectAll(model: LanguageModel, text: string): LanguageScore[] {
  const chunks = text
    .split(CHUNK_BREAK)
    .map(cleanString)
    .filter((chunk) => chunk.length > 0);
  // Stable: chunks of the same length keep their order, which decides the sums' order below.
  chunks.sort((a, b) => b.length - a.length);
  const languageCount = model.languages.length;
  const totals = new Float64Array(languageCount);
  // tinyld sums into an object keyed by language: its answer lists them in first-touched order
  // before sorting, so ties stay in that order.
  const touched: number[] = [];
  const seen = new Uint8Array(languageCount);
  const add = (language: number, amount: number) => {
    if (!seen[language]) {
      seen[language] = 1;
      touched.push(language);
    }
    totals[language] += amount;
  };
  const scores = new Float64Array(languageCount);
  const best = new Int32Array(TOP_LANGUAGES);
  let counted = 0;
  for (const chunk of chunks.slice(0, MAX_CHUNKS)) {
    const unique = uniqueLanguage(model, chunk);
    if (unique >= 0) {
      add(unique, chunk.length);
      counted += chunk.length;
      continue;
    }
    for (const word of chunk.split(WORD_BREAK)) {
      scoreWord(model, word, scores);
      const n = bestLanguages(scores, best);
      const top = scores[best[0]] || 1;
      for (let i = 0; i < n; i++) add(best[i], 1 - round4((top - scores[best[i]]) / top));
      counted += word.length;
    }
  }
  return touched
    .filter((language) => totals[language] > 0)
    .sort((a, b) => totals[b] - totals[a])
    .map((language) => ({ lang: model.languages[language], accuracy: totals[language] / counted }));
}

function round4(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}

/**
 * The language of the first gram of `chunk` that is unique to one (all 1-grams first, then
 * 2-grams, …), or -1. A unique gram naming no known language ends the search with no answer.
 */
function uniqueLanguage(model: LanguageModel, chunk: string): number {
  for (const size of GRAM_SIZES) {
    const padded = PADDING[size - 1] + chunk + PADDING[size - 1];
    const end = padded.length - (size - 1);
    for (let start = 0; start < end; start++) {
      if (gramKind(padded, start, size) === REJECTED) continue;
      const entry = findGram(model, padded, start, size);
      if (entry >= 0 && model.uniqueLanguage[entry] !== NOT_UNIQUE) return model.uniqueLanguage[entry];
    }
  }
  return -1;
}

/** Per-language scores of `word` into `scores`: each gram's score × its length / 4, summed in gram order. */
function scoreWord(model: LanguageModel, word: string, scores: Float64Array): void {
  scores.fill(0);
  const { scoreOffsets, scoreLanguage, scoreValue } = model;
  for (const size of GRAM_SIZES) {
    const padded = PADDING[size - 1] + word + PADDING[size - 1];
    const end = padded.length - (size - 1);
    for (let start = 0; start < end; start++) {
      const kind = gramKind(padded, start, size);
      if (kind === REJECTED) continue;
      let entry: number;
      let length: number;
      if (kind === PLAIN) {
        entry = findGram(model, padded, start, size);
        length = size;
      } else {
        const gram = padded
          .slice(start, start + size)
          .normalize('NFD')
          .replace(COMBINING_MARKS, '');
        entry = findGram(model, gram, 0, gram.length);
        length = gram.length;
      }
      if (entry < 0) continue;
      for (let k = scoreOffsets[entry]; k < scoreOffsets[entry + 1]; k++) scores[scoreLanguage[k]] += (scoreValue[k] * length) / 4;
    }
  }
}

/**
 * The indices of the (up to) 8 highest scores into `best`, highest first, ties in language
 * order (what tinyld's stable sort of all languages gives); returns how many.
 */
function bestLanguages(scores: Float64Array, best: Int32Array): number {
  let count = 0;
  for (let language = 0; language < scores.length; language++) {
    const score = scores[language];
    if (count === best.length && !(score > scores[best[count - 1]])) continue;
    let at = count < best.length ? count++ : count - 1;
    while (at > 0 && score > scores[best[at - 1]]) {
      best[at] = best[at - 1];
      at--;
    }
    best[at] = language;
  }
  return count;
}

const REJECTED = 0;
/** Only characters below U+00C0: NFD leaves the gram as it is. */
const PLAIN = 1;
const NEEDS_NORMALISING = 2;

/**
 * Whether tinyld keeps the window `text[start..start + size)` as a gram (no two spaces in a row,
 * not only whitespace), and whether it needs normalising.
 */
function gramKind(text: string, start: number, size: number): number {
  let spaces = 0;
  let content = false;
  let plain = true;
  for (let i = start; i < start + size; i++) {
    const c = text.charCodeAt(i);
    if (c === 32) {
      if (++spaces > 1) return REJECTED;
      continue;
    }
    spaces = 0;
    if (c >= 0xc0) plain = false;
    if (!content && !isRegexSpace(c)) content = true;
  }
  if (!content) return REJECTED;
  return plain ? PLAIN : NEEDS_NORMALISING;
}
