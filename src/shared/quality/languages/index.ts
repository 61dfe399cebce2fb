import { required } from '../../lookup';
import { de } from './de';
import { en } from './en';
import { es } from './es';
import { fr } from './fr';
import { it } from './it';
import { nl } from './nl';
import { pl } from './pl';
import { pt } from './pt';
import { ru } from './ru';
import { ar } from './ar';
import { hi } from './hi';
import { hiLatn } from './hiLatn';
import { arLatn } from './arLatn';
import { fa } from './fa';
import { ur } from './ur';
import { vi } from './vi';
import { he } from './he';
import { id } from './id';
import { tr } from './tr';
import { ja } from './ja';
import { ko } from './ko';
import { th } from './th';
import { zh } from './zh';
import type { LanguagePhrases } from './types';

export type { LanguagePhrases } from './types';

/** Languages with phrase lists; any other language is "not screened" by the phrase rules. */
export const PHRASE_LANGUAGES: readonly LanguagePhrases[] = [
  en,
  de,
  fr,
  es,
  it,
  pt,
  nl,
  ru,
  pl,
  tr,
  ar,
  arLatn,
  fa,
  he,
  hi,
  hiLatn,
  ur,
  id,
  vi,
  zh,
  ja,
  ko,
  th,
];

/** The phrase lists of one language, compiled. */
export interface LanguageRules {
  code: string;
  questionStart: RegExp;
  request: RegExp;
  /** Global: every greeting or thanks, for removal. */
  phatic: RegExp;
  handoff: RegExp;
  apology: RegExp;
  /** A whole clause that only apologises, thanks or fills time. */
  filler: RegExp;
  outOfScope: RegExp;
  hedge: RegExp;
  /**
   * The hedge entries anywhere in a text (no anchors): a text without a match has no clause that
   * is a hedge, so the reply rules need not split it into clauses to look.
   */
  hedgeAnywhere: RegExp;
  refusal: RegExp;
  unsafeRequest: RegExp;
  abusive: RegExp;
  /**
   * The text as this language's patterns read it (lower-cased the language's way, letters folded;
   * see `LanguagePhrases.fold`), for a language that folds; undefined: the rule text as it is.
   */
  fold?: (text: string) => string;
  /** See `LanguagePhrases.minAnswerWords`. */
  minAnswerWords: number;
  /** See `LanguagePhrases.minStatementWords`. */
  minStatementWords: number;
  /** A whole reply that is one word said politely (see `LanguagePhrases.shortReply`); absent for most languages. */
  shortReply?: RegExp;
}

// JavaScript's \b only knows ASCII letters ("désolée\b" never matches before a space); entries
// use \b only after a word, which is this. A combining mark belongs to the word: a Devanagari
// vowel sign is one ("मना", refuse, is not a word inside "सामना").
const WORD_END = '(?![\\p{L}\\p{M}\\p{N}])';
const WORD_START = '(?<![\\p{L}\\p{M}\\p{N}])';

// "…\\b.*" in a whole-sentence entry ends the sentence with at most this many more words: an
// apology that runs on for longer carries an answer (text without punctuation is one "sentence").
const TAIL_WORDS = 10;
const ANY_WORD = '\\S+';

/**
 * One word of an apology's or a thanks' tail: a listed word (with a French or Italian elision before it,
 * "l'attente", "dell'attesa") and the punctuation around it.
 */
function tailWord(list: string): string {
  const words = list.trim().split(/\s+/);
  return `[^\\s\\p{L}\\p{N}]*(?:\\p{L}{1,5}')?(?:${words.join('|')})${WORD_END}[^\\s\\p{L}\\p{N}]*`;
}

const TAIL = '\u0000';

function source(parts: readonly string[], tail = ANY_WORD): string {
  return parts
    .map((p) =>
      p
        .replaceAll('\\b.*', TAIL)
        .replaceAll('\\b', WORD_END)
        .replaceAll(' ?', '\\s*')
        .replaceAll(' ', '\\s+')
        .replaceAll(TAIL, `${WORD_END}(?:\\s+${tail}){0,${TAIL_WORDS}}`),
    )
    .join('|');
}

/** Anywhere in the text, as whole words. */
export function wordsPattern(parts: readonly string[], flags = 'iu'): RegExp {
  if (parts.length === 0) return /(?!)/u;
  return new RegExp(`${WORD_START}(?:${source(parts)})${WORD_END}`, flags);
}

function sentenceStart(parts: readonly string[]): RegExp {
  return new RegExp(`^(?:${source(parts)})${WORD_END}`, 'iu');
}

function wholeSentence(parts: readonly string[]): RegExp {
  return new RegExp(`^(?:${source(parts)})$`, 'iu');
}

// Apologies, thanks and other filler in one pattern: a clause is filler when any kind matches it whole.
function fillerSentence(phrases: LanguagePhrases): RegExp {
  const apologies = source(phrases.apologySentence, tailWord(phrases.apologyTail));
  const acknowledgements = source(phrases.acknowledgementSentence, tailWord(phrases.acknowledgementTail));
  return new RegExp(`^(?:${apologies}|${acknowledgements}|${source(phrases.filler)})$`, 'iu');
}

/** The rule text the patterns of `rules` read: folded for a language that folds (see `LanguagePhrases.fold`). */
export function ownText(rules: LanguageRules, text: string): string {
  return rules.fold ? rules.fold(text) : text;
}

/** The letter folding of a language, for its texts and (without the lower-casing) for its entries. */
function folding(phrases: LanguagePhrases): { text: (t: string) => string; entry: (e: string) => string } | undefined {
  const map = phrases.fold;
  if (!map) return undefined;
  const letters = new RegExp(`[${Object.keys(map).join('')}]`, 'gu');
  const entry = (e: string) => e.replace(letters, (c) => map[c]);
  // Lower-cased first, the language's way: Turkish "İPTAL" → "iptal", "KAPALI" → "kapalı".
  return { text: (t) => entry(t.toLocaleLowerCase(phrases.code)), entry };
}

export function compileLanguage(original: LanguagePhrases): LanguageRules {
  if (original.unspaced) return compileUnspaced(original);
  const fold = folding(original);
  const phrases = fold ? foldEntries(original, fold.entry) : original;
  return {
    ...(fold ? { fold: fold.text } : {}),
    code: phrases.code,
    questionStart: sentenceStart(phrases.questionStart),
    request: wordsPattern(phrases.request),
    phatic: wordsPattern(phrases.phatic, 'giu'),
    handoff: wordsPattern(phrases.handoff),
    apology: wordsPattern(phrases.apology),
    filler: fillerSentence(phrases),
    outOfScope: wordsPattern(phrases.outOfScope),
    hedge: wholeSentence(phrases.hedge),
    hedgeAnywhere: phrases.hedge.length ? new RegExp(source(phrases.hedge), 'iu') : /(?!)/u,
    refusal: wordsPattern(phrases.refusal),
    unsafeRequest: wordsPattern(phrases.unsafeRequest),
    abusive: wordsPattern(phrases.abusive),
    minAnswerWords: phrases.minAnswerWords ?? MIN_ANSWER_WORDS,
    minStatementWords: phrases.minStatementWords ?? MIN_STATEMENT_WORDS,
    ...(phrases.shortReply?.length ? { shortReply: wholeSentence(phrases.shortReply) } : {}),
  };
}

/** A language written without spaces: entries anywhere, sentence starts and whole clauses, no word boundaries. */
function compileUnspaced(original: LanguagePhrases): LanguageRules {
  // The rule text is NFKC, and NFKC rewrites letters of some scripts (Thai ำ becomes ํา): the
  // entries are read the same way, or an entry holding such a letter would never match.
  const phrases = foldEntries(original, (e) => e.normalize('NFKC'));
  const never = /(?!)/u;
  const anywhere = (parts: readonly string[], flags = 'iu') => (parts.length ? new RegExp(`(?:${parts.join('|')})`, flags) : never);
  const whole = (parts: readonly string[]) => (parts.length ? new RegExp(`^(?:${parts.join('|')})$`, 'iu') : never);
  return {
    code: phrases.code,
    questionStart: phrases.questionStart.length ? new RegExp(`^(?:${phrases.questionStart.join('|')})`, 'iu') : never,
    request: anywhere(phrases.request),
    phatic: anywhere(phrases.phatic, 'giu'),
    handoff: anywhere(phrases.handoff),
    apology: anywhere(phrases.apology),
    filler: whole([...phrases.apologySentence, ...phrases.acknowledgementSentence, ...phrases.filler]),
    outOfScope: anywhere(phrases.outOfScope),
    hedge: whole(phrases.hedge),
    hedgeAnywhere: anywhere(phrases.hedge),
    refusal: anywhere(phrases.refusal),
    unsafeRequest: anywhere(phrases.unsafeRequest),
    abusive: anywhere(phrases.abusive),
    minAnswerWords: phrases.minAnswerWords ?? MIN_ANSWER_WORDS,
    minStatementWords: phrases.minStatementWords ?? MIN_STATEMENT_WORDS,
    ...(phrases.shortReply?.length ? { shortReply: whole(phrases.shortReply) } : {}),
  };
}

/** A reply must keep at least this many words once apologies, thanks and hedges are removed (see `LanguagePhrases.minAnswerWords`). */
const MIN_ANSWER_WORDS = 4;
/** A customer turn with this many words left once greetings and thanks are removed states a problem (see `LanguagePhrases.minStatementWords`). */
const MIN_STATEMENT_WORDS = 4;

function foldEntries(phrases: LanguagePhrases, entry: (e: string) => string): LanguagePhrases {
  const out = { ...phrases };
  for (const [key, value] of Object.entries(phrases) as [keyof LanguagePhrases, unknown][]) {
    if (key === 'code' || key === 'fold' || key === 'minAnswerWords' || key === 'minStatementWords' || key === 'unspaced') continue;
    if (value === undefined) continue;
    (out as Record<string, unknown>)[key] = Array.isArray(value) ? value.map((v: string) => entry(v)) : entry(value as string);
  }
  return out;
}

const PHRASES_BY_CODE = new Map<string, LanguagePhrases>(PHRASE_LANGUAGES.map((p) => [p.code, p]));
// Compiled on first use: constructing every language's patterns costs about 190 ms per thread
// (the unicode, case-insensitive filler patterns most), and a file in one language needs one or two.
const compiled = new Map<string, LanguageRules>();

function compiledRules(code: string): LanguageRules | undefined {
  const found = compiled.get(code);
  if (found) return found;
  const phrases = PHRASES_BY_CODE.get(code);
  if (!phrases) return undefined;
  const rules = compileLanguage(phrases);
  compiled.set(code, rules);
  return rules;
}

/** The rules of a language (ISO 639-1 code), or undefined when tuneloop has no phrase lists for it. */
export function languageRules(code: string | undefined): LanguageRules | undefined {
  if (!code) return undefined;
  // Called for every turn with the stored code ("en"): found as it is, without rewriting it.
  const found = compiledRules(code);
  if (found) return found;
  const base = code.toLowerCase().split(/[-_]/)[0];
  return compiledRules(SHARED_RULES[base] ?? base);
}

/**
 * Languages read with another's lists. Malay and Indonesian are two standards of one language: the
 * detector answers `id` for Malay chat text, and the Indonesian lists hold Malay's own words too
 * (languages/id.ts), so a conversation marked `ms` (or `zsm`, standard Malay) is screened the same way.
 */
const SHARED_RULES: Readonly<Record<string, string>> = { ms: 'id', zsm: 'id' };

/** The English rules: always compiled (the fallback every screen applies besides the conversation's language). */
export function englishRules(): LanguageRules {
  return required(languageRules('en'), 'the English phrase rules');
}

export const SCREENED_LANGUAGES: readonly string[] = PHRASE_LANGUAGES.map((p) => p.code);

/** Text as the phrase rules see it: NFKC, one kind of apostrophe, single spaces. */
export function ruleText(text: string): string {
  // Each turn is read by the reply rules and then by the safety screen: the second call finds it
  // here (a string's hash is computed once and kept with it).
  const cached = recentRuleTexts.get(text);
  if (cached !== undefined) return cached;
  // Plain ASCII without a backtick, double space or outer space is its own rule text (NFKC
  // leaves ASCII alone): one regex pass instead of a normalisation and three rewrites.
  const out = NEEDS_RULE_TEXT.test(text)
    ? text
        .normalize('NFKC')
        .replace(/[’‘ʼ`´]/g, "'")
        .replace(/\s+/g, ' ')
        .trim()
    : text;
  if (recentRuleTexts.size >= RECENT_RULE_TEXTS) recentRuleTexts.clear();
  recentRuleTexts.set(text, out);
  return out;
}

const NEEDS_RULE_TEXT = /[^\x20-\x5f\x61-\x7e]| {2}|^ | $/;
// A worker's batch (64 conversations, a few hundred turns) passes the reply rules and then the
// safety screen: the memo holds a whole batch's turns, so the screen finds every one.
const RECENT_RULE_TEXTS = 2048;
const recentRuleTexts = new Map<string, string>();

/**
 * `pattern.test(text)` for rule text, the same answer found about twice as fast on plain-ASCII
 * text (the usual input): a case-insensitive pattern whose source has no upper-case letter of its
 * own is run without the `i` flag on the lower-cased text. For ASCII text the two agree: every
 * letter is lower case on both sides, and \s, \S, \w, \p{L}, \p{N} and the like do not depend on case.
 */
export function testRule(pattern: RegExp, text: string): boolean {
  const variant = lowerCaseVariant(pattern);
  if (!variant) return pattern.test(text);
  if (text !== lastRuleText) {
    lastRuleText = text;
    lastLowered = NON_ASCII.test(text) ? undefined : text.toLowerCase();
  }
  return lastLowered === undefined ? pattern.test(text) : variant.test(lastLowered);
}

let lastRuleText: string | undefined;
let lastLowered: string | undefined;
const NON_ASCII = /[^\x00-\x7f]/;
const variants = new WeakMap<RegExp, RegExp | null>();

function lowerCaseVariant(pattern: RegExp): RegExp | undefined {
  let variant = variants.get(pattern);
  if (variant === undefined) {
    variant = null;
    if (pattern.flags.includes('i') && !pattern.global && !pattern.sticky) {
      // Escapes that do not depend on case are dropped; any other escape (\x41, \u…, \k<…>,
      // back-references, \p{Lu}) or an upper-case letter left in the source keeps the pattern as it is.
      const rest = pattern.source.replace(/\\(?:[pP]\{[LNMPSZ]\}|[sSwWbBdDntrf]|[^A-Za-z0-9])/g, '');
      if (!/[A-Z]|\\/.test(rest)) variant = new RegExp(pattern.source, pattern.flags.replace('i', ''));
    }
    variants.set(pattern, variant);
  }
  return variant ?? undefined;
}
