import { detectAll } from './detector';
import { languageModel } from './model';
import { asNfkcMadeIt } from '../ingest/text';
import { foldFullWidth } from './fullWidth';

/**
 * Language of a text, with tinyld's algorithm and model (~60 languages) and its answers, run over
 * a typed-array copy of the model (`model.ts`, `detector.ts`): built on first use, so a function
 * that never looks at language does not pay for it at cold start, or shared by the coordinating
 * thread with its worker threads (`useLanguageModel`), so a pool holds one copy.
 *
 * Short texts ("ok thanks") are often unreliable: callers get the confidence and decide, and
 * `und` (undetermined, BCP 47) when the text has no letters or the detector has no answer.
 */
export interface DetectedLanguage {
  /** ISO 639-1 code (`en`, `de`, `ja`, …) or `und`. */
  code: string;
  /** The detector's score for `code`, 0–1. */
  confidence: number;
  /** Confidence at or above the threshold and enough letters to judge. */
  reliable: boolean;
}

export interface DetectLanguageOptions {
  /** Below this confidence the answer is kept but marked unreliable (default 0.5). */
  minConfidence?: number;
  /** Fewer letters than this is never reliable (default 12). */
  minLetters?: number;
}

const LETTER = /\p{L}/gu;

/** Letters of `text`, counted up to `enough` (the decision only asks "none?" and "at least n?"). */
function lettersUpTo(text: string, enough: number): number {
  LETTER.lastIndex = 0;
  let n = 0;
  while (n < enough && LETTER.test(text)) n++;
  return n;
}

export function detectLanguage(text: string, options: DetectLanguageOptions = {}): DetectedLanguage {
  const minLetters = options.minLetters ?? 12;
  const letters = lettersUpTo(text, Math.max(minLetters, 1));
  if (letters === 0) return { code: 'und', confidence: 0, reliable: false };
  // tinyld's chunking and cleaning know ASCII punctuation and spaces (and only some full-width
  // marks): full-width punctuation and the compatibility characters (……, ①, ㎡) cleaning keeps are
  // read as NFKC made them before.
  const best = detectAll(languageModel(), foldFullWidth(asNfkcMadeIt(text))).at(0);
  if (!best) return { code: 'und', confidence: 0, reliable: false };
  const reliable = best.accuracy >= (options.minConfidence ?? 0.5) && letters >= minLetters;
  return { code: best.lang, confidence: best.accuracy, reliable };
}

/**
 * One language for a conversation: the customer's turns decide (they are what the model must
 * understand), the whole text where the customer wrote too little to tell.
 */
export function detectConversationLanguage(userTexts: string[], allTexts: string[], options: DetectLanguageOptions = {}): DetectedLanguage {
  const fromUser = detectLanguage(userTexts.join('\n'), options);
  if (fromUser.reliable) return fromUser;
  const fromAll = detectLanguage(allTexts.join('\n'), options);
  return fromAll.reliable || fromAll.confidence > fromUser.confidence ? fromAll : fromUser;
}
