import type { PiiSpan } from './types';

/**
 * Names in Hindi/Urdu typed in Latin letters (`hi-Latn`, language/romanized.ts), on top of the
 * English rules, which read capitalised names ("mera naam Rahul Sharma hai"). Chat in Hinglish is
 * mostly lower case, so the cues of its own that introduce a name take the words after them
 * whatever their case:
 * - "mera/meri/hamara naam X hai", "mera naam hai X", "bhai ka naam X hai";
 * - "main X bol raha/rahi hoon" (this is X speaking);
 * - a capitalised word before the honorific "ji" ("Priya ji, aapka refund…"), unless it is a title
 *   or a word "ji" also follows ("Sir ji", "Haan ji").
 * A name is one to three words of letters; the words that end it are the ones that follow a name
 * in these sentences ("hai", "aur", "se", "bol"…).
 */
const NAME_WORDS = '([A-Za-z]+(?: [A-Za-z]+){0,2})';
const CUES: readonly RegExp[] = [
  new RegExp(`\\b(?:mera|meri|mere|hamara|humara|apna|uska|uski|ka|ki|ke) (?:naam|name)(?: hai| h| he)? ${NAME_WORDS}`, 'gi'),
  new RegExp(`\\b(?:main|mai|mein) ${NAME_WORDS} (?:bol|baat kar) (?:raha|rahi|rahe) (?:hoon|hun|hu|hain)\\b`, 'gi'),
];
const BEFORE_JI = /\b([A-Z][a-z]+(?: [A-Z][a-z]+)?) ji\b/g;

/** Words that end a name after a cue (and never are one). */
const ENDS_NAME = new Set(
  (
    'hai h he hain hoon hun hu tha thi aur or se ka ki ke ko bol baat raha rahi rahe ji hi toh to sir madam mam ' +
    'is and my the please plz kya nahi mera meri aapka aapki order account number email phone galat sahi change update badalna ' +
    'badal spelling'
  ).split(' '),
);
/** Words before "ji" that are titles, relations or answers, not names. */
const NOT_BEFORE_JI = new Set(
  (
    'sir madam mam maam haan han ha nahi nahin theek thik accha acha achha bilkul ok okay bhai bhaiya didi behen aunty uncle ' +
    'guru baba babu pita mata dada dadi nana nani chacha chachi mama mami bhabhi jija shri shriman shrimati sahab saheb ' +
    'doctor dr hello hi namaste namaskar thanks thank shukriya dhanyavaad dhanyawad sorry'
  ).split(' '),
);

export function detectRomanizedHindiNames(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  const push = (start: number, value: string) =>
    spans.push({ type: 'PERSON', start, end: start + value.length, value, source: 'local-ner' });
  for (const cue of CUES) {
    for (const m of text.matchAll(cue)) {
      const words = m[1].split(' ');
      const kept: string[] = [];
      for (const word of words) {
        if (ENDS_NAME.has(word.toLowerCase())) break;
        kept.push(word);
      }
      if (!kept.length) continue;
      const start = m.index + m[0].lastIndexOf(m[1]);
      push(start, kept.join(' '));
    }
  }
  for (const m of text.matchAll(BEFORE_JI)) {
    const words = m[1].split(' ');
    if (words.some((w) => NOT_BEFORE_JI.has(w.toLowerCase()))) continue;
    push(m.index, m[1]);
  }
  return spans;
}
