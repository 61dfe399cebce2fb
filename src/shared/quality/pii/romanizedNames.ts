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
  return namesAfterCues(text, { cues: CUES, endsName: ENDS_NAME, addressed: BEFORE_JI, notAddressed: NOT_BEFORE_JI });
}

/**
 * Names in Arabic typed in Latin letters (`ar-Latn`), on top of the English rules, after its own
 * cues whatever their case: "esmi/ismi X" (my name is X), "ma3ak X" (X speaking, as an agent
 * opens: "ma3ak ahmed men khedmet el 3omala2"), and a capitalised word after the vocative "ya"
 * ("ya Mona") that is no title or word of address ("ya Fandem", "ya Basha").
 */
// Arabizi names hold digit letters too: "mo7amed", "3ali".
const ARABIZI_WORD = '(?:[A-Za-z]|[235789](?=[A-Za-z]))[A-Za-z0-9]*';
const ARABIZI_NAME_WORDS = `(${ARABIZI_WORD}(?: ${ARABIZI_WORD}){0,2})`;
const ARABIZI_CUES: readonly RegExp[] = [
  new RegExp(`\\b(?:ana )?(?:esmi|esmy|ismi|ismy|esmee|esm[iy] howa) ${ARABIZI_NAME_WORDS}`, 'gi'),
  new RegExp(`\\b(?:ma3ak|m3ak|ma3aki|m3aki|ma3ako|ma3akom) ${ARABIZI_NAME_WORDS}`, 'gi'),
];
const AFTER_YA = /\bya ([A-Z][a-z]+)\b/g;
const ENDS_ARABIZI_NAME = new Set(
  (
    'men mn min from w wa we ana enta enti el al fi f 3ala 3an ya w7ayatak law ma3ak m3ak howa heya ' +
    'mesh msh 3ayez 3ayza 3awez and is the my order talab account email rakam number' +
    ' khedmet el3omala2 support team'
  ).split(' '),
);
const NOT_AFTER_YA = new Set(
  'fandem afandem basha bey habibi habibti rab rabb allah sidi sety sitti gama3a shabab ostaz ostaza madam sir doctor hanem'.split(' '),
);

export function detectArabiziNames(text: string): PiiSpan[] {
  return namesAfterCues(text, { cues: ARABIZI_CUES, endsName: ENDS_ARABIZI_NAME, addressed: AFTER_YA, notAddressed: NOT_AFTER_YA });
}

interface CueRules {
  /** Patterns whose group 1 is one to three words after a cue, the name up to the first word of `endsName`. */
  cues: readonly RegExp[];
  endsName: ReadonlySet<string>;
  /** A pattern whose group 1 is a capitalised name beside a form of address ("Priya ji", "ya Mona"). */
  addressed: RegExp;
  /** Words that group is not, as a name (titles, relations, answers). */
  notAddressed: ReadonlySet<string>;
}

function namesAfterCues(text: string, rules: CueRules): PiiSpan[] {
  const spans: PiiSpan[] = [];
  const push = (start: number, value: string) =>
    spans.push({ type: 'PERSON', start, end: start + value.length, value, source: 'local-ner' });
  for (const cue of rules.cues) {
    for (const m of text.matchAll(cue)) {
      const kept: string[] = [];
      for (const word of m[1].split(' ')) {
        if (rules.endsName.has(word.toLowerCase())) break;
        kept.push(word);
      }
      if (kept.length) push(m.index + m[0].lastIndexOf(m[1]), kept.join(' '));
    }
  }
  for (const m of text.matchAll(rules.addressed)) {
    if (m[1].split(' ').some((w) => rules.notAddressed.has(w.toLowerCase()))) continue;
    push(m.index + m[0].indexOf(m[1]), m[1]);
  }
  return spans;
}
