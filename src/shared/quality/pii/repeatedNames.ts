import { nameWordLookup } from './names';
import type { PiiSpan } from './types';

/**
 * A person named once where the rules see a name ("my name is Alexis Moreau") is often named again
 * where they do not, and customers type in lower case ("the invoice should say moreau"): every
 * other whole-word occurrence of a detected name's words in the conversation is the same person.
 * In English (whose lists know the ordinary words) in lower case, capitalised or upper case; in
 * the other languages with letter case capitalised only. Only words the detection is surest of are
 * looked for: those of a name of two or more words ("Alexis Moreau") and listed given names
 * ("Alexis"), not a single unknown capitalised word ("Hyatt", "Forbes"), which a rule may have
 * misread, and which would then be misread everywhere. A word that is also an ordinary word, a
 * place or an organisation ("Will", "Paris") is not looked for, nor one of fewer than three
 * letters, nor an occurrence followed by a word that makes it a street or a business ("Moreau
 * Street", "Alexis Hotel"). Chinese, Japanese, Korean and Thai: see `withRepeatedUnspacedNames`;
 * the other languages without letter case are left to their own rules.
 */
export function withRepeatedNames(texts: readonly string[], spans: readonly PiiSpan[][], language: string): PiiSpan[][] {
  const unspaced = UNSPACED_NAMES[language];
  if (unspaced) return withRepeatedUnspacedNames(texts, spans, unspaced);
  const lookup = nameWordLookup(language);
  if (!lookup) return spans.map((list) => [...list]);
  const anyCase = language === 'en';
  // The spellings to look for: "Moreau" always; "moreau" and "MOREAU" in English.
  const forms = new Set<string>();
  for (const list of spans)
    for (const span of list) {
      if (span.type !== 'PERSON') continue;
      const nameWords = span.value.match(NAME_WORD) ?? [];
      for (const word of nameWords) {
        const lower = word.toLowerCase();
        const upper = word.toUpperCase();
        if (word.length < 3 || lower === upper || lower.length !== word.length || upper.length !== word.length) continue;
        const capitalised = upper[0] + lower.slice(1);
        if (forms.has(word)) continue;
        if (nameWords.length < 2 && !lookup.isListedGivenName(word)) continue;
        if (lookup.isAlsoAnotherWord(word)) continue;
        forms.add(word).add(capitalised);
        if (anyCase) forms.add(lower).add(upper);
      }
    }
  return withOccurrences(texts, spans, forms, (text, at, end) => {
    if (isWordChar(text, at - 1) || isWordChar(text, end)) return false;
    const next = NEXT_WORD.exec(text.slice(end, end + 24))?.[1];
    return !(next && lookup.makesPlaceBefore(next));
  });
}

/**
 * How a name found in Chinese, Japanese, Korean or Thai text is found again: these scripts write
 * words without spaces (Korean glues its particles on: "김민수가"), so the whole name is looked for
 * as written, inside any run. Only names long enough to be no ordinary word: two characters in
 * Chinese and Japanese (a family name alone, "王", is every third word's character), three
 * syllables in Korean (a given name alone, "지원", is also "support"), four letters in Thai. A
 * Japanese name before 区/市/町/駅 names a place there ("中村区").
 */
interface UnspacedNames {
  minLength: number;
  /** Characters after which the occurrence is a place, not the person. */
  placeAfter?: RegExp;
}

const UNSPACED_NAMES: Record<string, UnspacedNames | undefined> = {
  zh: { minLength: 2, placeAfter: /^[区市县镇村路街省]/u },
  ja: { minLength: 2, placeAfter: /^[区市町村駅県郡]/u },
  ko: { minLength: 3 },
  th: { minLength: 4 },
};

function withRepeatedUnspacedNames(texts: readonly string[], spans: readonly PiiSpan[][], rules: UnspacedNames): PiiSpan[][] {
  const names = new Set<string>();
  for (const list of spans)
    for (const span of list)
      if (span.type === 'PERSON' && span.value.length >= rules.minLength && !/\s/u.test(span.value)) names.add(span.value);
  return withOccurrences(texts, spans, names, (text, _at, end) => !rules.placeAfter?.test(text.slice(end, end + 1)));
}

/**
 * Each text's spans and a person span for every occurrence of one of `forms` that `accept` takes
 * and no span of the text covers yet.
 */
function withOccurrences(
  texts: readonly string[],
  spans: readonly PiiSpan[][],
  forms: ReadonlySet<string>,
  accept: (text: string, at: number, end: number) => boolean,
): PiiSpan[][] {
  if (!forms.size) return spans.map((list) => [...list]);
  return texts.map((text, i) => {
    const own = spans[i] ?? [];
    let added: PiiSpan[] | undefined;
    const taken = (start: number, end: number) =>
      own.some((s) => s.start < end && start < s.end) || (added?.some((s) => s.start < end && start < s.end) ?? false);
    for (const form of forms) {
      for (let at = text.indexOf(form); at !== -1; at = text.indexOf(form, at + 1)) {
        const end = at + form.length;
        if (taken(at, end) || !accept(text, at, end)) continue;
        (added ??= []).push({ type: 'PERSON', start: at, end, value: form, source: 'local-ner' });
      }
    }
    return added ? [...own, ...added] : [...own];
  });
}

const NAME_WORD = /[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)?/gu;
const NEXT_WORD = /^[ \t]+([\p{L}\p{M}]+)/u;
const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;

function isWordChar(text: string, at: number): boolean {
  return at >= 0 && at < text.length && WORD_CHAR.test(text[at]);
}
