import { isAlsoAnotherWord, isListedGivenName, makesPlaceBefore } from './names';
import type { PiiSpan } from './types';

/**
 * A person named once where the rules see a name ("my name is Alexis Moreau") is often named again
 * where they do not, and customers type in lower case ("the invoice should say moreau"): every
 * other whole-word occurrence of a detected name's words in the conversation is the same person.
 * In English (whose lists know the ordinary words) in any case; in the other languages with
 * letter case capitalised only. Only words the detection is surest of are looked for: those of a
 * name of two or more words ("Alexis Moreau") and listed given names ("Alexis"), not a single
 * unknown capitalised word ("Hyatt", "Forbes"), which a rule may have misread, and which would
 * then be misread everywhere. A word that is also an ordinary word, a place or an organisation
 * ("Will", "Paris") is not looked for, nor one of fewer than three letters, nor an occurrence
 * followed by a word that makes it a street or a business ("Moreau Street", "Alexis Hotel").
 * Languages without letter case have no word boundaries to look for them by, and are left to
 * their own rules.
 */
export function withRepeatedNames(texts: readonly string[], spans: readonly PiiSpan[][], language: string): PiiSpan[][] {
  const words = new Set<string>();
  for (const list of spans)
    for (const span of list) {
      if (span.type !== 'PERSON') continue;
      const nameWords = [...span.value.matchAll(NAME_WORD)].map((m) => m[0]);
      for (const word of nameWords) {
        const lower = word.toLowerCase();
        if (word.length < 3 || lower === word.toUpperCase() || lower.length !== word.length || words.has(lower)) continue;
        if (nameWords.length < 2 && !isListedGivenName(word, language)) continue;
        if (!isAlsoAnotherWord(word, language)) words.add(lower);
      }
    }
  if (!words.size) return spans.map((list) => [...list]);
  const anyCase = language === 'en';
  return texts.map((text, i) => {
    const own = spans[i] ?? [];
    const lowered = text.toLowerCase();
    // Lower-casing that changes lengths (a dotted İ) would move every place after it.
    if (lowered.length !== text.length) return [...own];
    const added: PiiSpan[] = [];
    const taken = (start: number, end: number) =>
      own.some((s) => s.start < end && start < s.end) || added.some((s) => s.start < end && start < s.end);
    for (const word of words) {
      for (let at = lowered.indexOf(word); at !== -1; at = lowered.indexOf(word, at + 1)) {
        const end = at + word.length;
        if (isWordChar(text, at - 1) || isWordChar(text, end)) continue;
        if (!anyCase && !UPPER.test(text[at])) continue;
        const next = NEXT_WORD.exec(text.slice(end, end + 24))?.[1];
        if (next && makesPlaceBefore(next, language)) continue;
        if (taken(at, end)) continue;
        added.push({ type: 'PERSON', start: at, end, value: text.slice(at, end), source: 'local-ner' });
      }
    }
    return added.length ? [...own, ...added] : [...own];
  });
}

const NAME_WORD = /[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)?/gu;
const UPPER = /\p{Lu}/u;
const NEXT_WORD = /^[ \t]+([\p{L}\p{M}]+)/u;
const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;

function isWordChar(text: string, at: number): boolean {
  return at >= 0 && at < text.length && WORD_CHAR.test(text[at]);
}
