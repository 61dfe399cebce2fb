import type { PiiSpan } from './types';
import { detectNamesFast, isHonorific } from './names';
import { detectUncasedNames } from './uncasedNames';
import { UNCASED_NAME_LANGUAGES } from './gazetteer/uncasedLanguages';
import { execAll } from './regex';
import { someWordBeforeNumber, textProfile, type TextProfile } from './profile';

/**
 * Person names and street addresses, found locally (no service call).
 *
 * Names: the default, `gazetteer`, is the lookup-based detector in `names.ts` (per language). The
 * English taggers stay for comparison in the bench: compromise's `people()` (lexicon of given
 * names + grammar), wink-nlp's English light model (proper-noun runs) and `hybrid` (wink proposes
 * runs, compromise vetoes places, organisations, dates, verbs and adjectives; the default before
 * the gazetteer detector, 25–50× slower and less precise). Context rules (`Mr`/`Dr` + name, "my
 * name is X", "Dear X", sign-offs) apply to the taggers.
 *
 * Addresses: no npm package detects street addresses in free text (parse-address/addressit parse
 * an address you already isolated), so addresses are patterns: house number + street + type word
 * (English and the common European street words), unit designators (Apt, Suite, PSC/Box) and
 * address blocks that continue on the next lines (city, country, postal code).
 */
export type NameRecognizer = 'gazetteer' | 'wink' | 'compromise' | 'hybrid';

type WinkFactory = typeof import('wink-nlp').default;
type WinkNlp = ReturnType<WinkFactory>;
type WinkIts = WinkNlp['its'];

/** wink with the two `its` helpers used here and the size of its built-in lexicon. */
interface Wink {
  nlp: WinkNlp;
  uniqueId: WinkIts['uniqueId'];
  pos: WinkIts['pos'];
  /** The first id wink gives to a word it did not know: ids below it are lexicon words. */
  lexiconSize: number;
}
type Compromise = typeof import('compromise').default;
type WinkModel = import('wink-nlp').Model;

// The taggers are loaded on first use (about 1.5 s and 100 MB together): the default recogniser
// never needs them, and a cold start should not pay for them.
let wink: Wink | undefined;
function winkInstance(): Wink {
  if (!wink) {
    /* eslint-disable @typescript-eslint/no-require-imports -- lazy on purpose (cold start) */
    const factory = require('wink-nlp') as WinkFactory & { default?: WinkFactory };
    const nlp = (factory.default ?? factory)(require('wink-eng-lite-web-model') as WinkModel, ['pos']);
    /* eslint-enable @typescript-eslint/no-require-imports */
    /* eslint-disable @typescript-eslint/unbound-method -- wink's `its` helpers are plain functions that
       never read `this` (wink calls them unbound itself); its typings merely declare them as methods. */
    const { uniqueId, pos } = nlp.its;
    /* eslint-enable @typescript-eslint/unbound-method */
    // Measured before any other text is read: wink gives every new word the next id, so measured
    // later the size would depend on what this thread read before (and on which worker thread).
    const lexiconSize = nlp.readDoc('qqzxvkj').tokens().out(uniqueId)[0] as number;
    wink = { nlp, uniqueId, pos, lexiconSize };
  }
  return wink;
}
let compromise: Compromise | undefined;
function nlp(text: string): ReturnType<Compromise> {
  if (!compromise) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (cold start)
    const loaded = require('compromise') as Compromise & { default?: Compromise };
    compromise = loaded.default ?? loaded;
  }
  return compromise(text);
}

const HONORIFIC = String.raw`(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Madam|Mme|Mlle|Herr|Frau|Sr|Sra|Srta)\.?`;
const NAME_WORD = String.raw`\p{Lu}(?:[\p{L}'’-]+|\.)`;
const NAME_CONTEXT = new RegExp(
  [
    String.raw`\b${HONORIFIC}\s+((?:${NAME_WORD}\s?){1,3})`,
    String.raw`\b(?:[Mm]y name is|[Mm]y name's|[Tt]his is|I am|I'm|[Cc]all me|[Nn]ame:|[Dd]ear|[Hh]i|[Hh]ello|[Tt]hanks,|[Rr]egards,|[Ss]incerely,|[Cc]heers,)\s+((?:${NAME_WORD}\s?){1,3})`,
  ].join('|'),
  'gu',
);
// Capitalised words that wink tags PROPN but that are not people (in customer-service text).
const NOT_NAMES = new Set(
  (
    'i ok okay hi hello hey dear thanks thank please yes no sir madam team support customer service services ' +
    'monday tuesday wednesday thursday friday saturday sunday january february march april may june july ' +
    'august september october november december today tomorrow street st avenue ave road rd lane drive ' +
    'apt suite unit box psc po inc ltd llc gmbh corp co company bank card visa mastercard amex iban ssn ' +
    'id ip url email phone account order refund invoice internet wifi app iphone android windows mac ' +
    'google microsoft apple amazon paypal netflix the a an mr mrs ms dr prof bot user agent billing website ' +
    "i'm i've i'll i'd c'mon"
  ).split(' '),
);

/**
 * Person names. `gazetteer` (default) covers the languages of `NAME_DETECTOR_LANGUAGES` (lists in
 * `gazetteer/`; Hindi and Japanese by cues, `uncasedNames.ts`); the
 * English taggers (`wink`, `compromise`, `hybrid`) are kept for comparison in the bench and ignore
 * `language`.
 */
export function detectNames(original: string, recognizer: NameRecognizer = 'gazetteer', language = 'en'): PiiSpan[] {
  // (The gazetteer scan is linear in the text; only the taggers need long tokens blanked.)
  if (recognizer === 'gazetteer')
    return UNCASED_NAME_LANGUAGES.includes(language) ? detectUncasedNames(original, language) : detectNamesFast(original, language);
  // Both NLP libraries slow down quadratically on very long tokens (a pasted log line, base64);
  // no name is 64 characters without a space, so such tokens are blanked (offsets unchanged).
  const text = original.replace(/\S{64,}/g, (m) => ' '.repeat(m.length));
  const spans: PiiSpan[] = [];
  const push = (start: number, end: number) =>
    spans.push({ type: 'PERSON', start, end, value: text.slice(start, end), source: 'local-ner' });

  for (const m of execAll(NAME_CONTEXT, text)) {
    const name = (m.at(1) ?? m.at(2) ?? '').trim();
    if (!name) continue;
    const words = name.split(/\s+/).filter((w) => !NOT_NAMES.has(w.toLowerCase().replace(/\.$/, '')));
    if (!words.length) continue;
    const start = m.index + m[0].lastIndexOf(name);
    push(start, start + name.length);
  }

  if (recognizer === 'compromise') {
    const doc = nlp(text);
    for (const person of doc.people().json({ offset: true }) as { offset: { start: number; length: number } }[]) {
      push(person.offset.start, person.offset.start + person.offset.length);
    }
    return spans;
  }

  const candidates: { start: number; end: number; words: number }[] = [];
  const w = winkInstance();
  const doc = w.nlp.readDoc(text);
  const tokens = doc.tokens().out();
  const tags = doc.tokens().out<string>(w.pos);
  let offset = 0;
  let run: { start: number; end: number; words: string[] } | undefined;
  const flush = () => {
    if (run && acceptNameRun(run.words)) candidates.push({ start: run.start, end: run.end, words: run.words.length });
    run = undefined;
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const at = text.indexOf(token, offset);
    if (at < 0) continue;
    offset = at + token.length;
    const isName = tags[i] === 'PROPN' && /^\p{Lu}/u.test(token) && !NOT_NAMES.has(token.toLowerCase());
    if (isName && run && /^[ \t]?$/.test(text.slice(run.end, at))) {
      run.end = at + token.length;
      run.words.push(token);
    } else if (isName) {
      flush();
      run = { start: at, end: at + token.length, words: [token] };
    } else if (run && token === '.' && run.end === at && /^\p{Lu}$/u.test(run.words[run.words.length - 1])) {
      run.end = at + 1; // middle initial "J."
    } else {
      flush();
    }
  }
  flush();
  if (recognizer === 'hybrid' && candidates.length) {
    const veto = compromiseVeto(text);
    for (const c of candidates) {
      if (veto.person.overlaps(c)) push(c.start, c.end);
      else if (veto.notPerson.overlaps(c)) continue;
      // A single capitalised ordinary English word is a sentence start or a UI label ("Version 2
      // fixes it", "Go to Profile > Address"); compromise's Person tag above overrides this.
      else if (c.words === 1 && isCommonWord(text.slice(c.start, c.end))) continue;
      else push(c.start, c.end);
    }
  } else for (const c of candidates) push(c.start, c.end);
  return spans;
}

type Range = { start: number; end: number };

/** Character marks over a text: overlap checks cost the length of the range, not the number of marks. */
class RangeMask {
  private readonly marks: Uint8Array;
  constructor(length: number) {
    this.marks = new Uint8Array(length);
  }
  add(r: Range): void {
    this.marks.fill(1, r.start, r.end);
  }
  overlaps(r: Range): boolean {
    for (let i = r.start; i < r.end; i++) if (this.marks[i]) return true;
    return false;
  }
}

/**
 * compromise's lexicon knows places, organisations and ordinary English words; a wink proper-noun
 * run that compromise calls one of those (and not a person) is not a name.
 */
function compromiseVeto(text: string): { person: RangeMask; notPerson: RangeMask } {
  const person = new RangeMask(text.length);
  const notPerson = new RangeMask(text.length);
  // One pass over compromise's tagged terms (matching per tag re-walks the document each time).
  const sentences = nlp(text).json({ offset: true, terms: { offset: true } }) as {
    terms: { tags: string[]; offset: { start: number; length: number } }[];
  }[];
  for (const sentence of sentences) {
    for (const term of sentence.terms) {
      const range = { start: term.offset.start, end: term.offset.start + term.offset.length };
      if (term.tags.includes('Person')) person.add(range);
      else if (term.tags.some((t) => VETO_TAGS.has(t))) notPerson.add(range);
    }
  }
  return { person, notPerson };
}

const VETO_TAGS = new Set([
  'Place',
  'Organization',
  'Country',
  'City',
  'Region',
  'Date',
  'Demonym',
  'Adjective',
  'Verb',
  'Pronoun',
  'Uncountable',
]);

/** True when the lower-cased word is in wink's English lexicon (ordinary words are; most names are not). */
function isCommonWord(word: string): boolean {
  const w = winkInstance();
  // Words read for the first time get ids after the built-in lexicon; the first such id is its size.
  const id = w.nlp.readDoc(word.toLowerCase()).tokens().out(w.uniqueId)[0] as number;
  return id < w.lexiconSize;
}

function acceptNameRun(words: string[]): boolean {
  // Acronyms (USA, ATM) and words with digits are not names.
  if (words.every((w) => /^[\p{Lu}\d]{2,}$/u.test(w))) return false;
  if (words.some((w) => /\d/.test(w))) return false;
  return words.some((w) => w.length > 1);
}

/**
 * The patterns below are case-sensitive on purpose (with the `i` flag \\p{Lu} matches lower-case
 * letters too, and "is 101 Oak Avenue" becomes an address); street words may still start with
 * either case ("rue de la Paix", "Strasse 5"), so their first letter gets both.
 */
function eitherCaseFirst(alternatives: string): string {
  return alternatives
    .split('|')
    .map((a) => {
      const first = a[0];
      const lower = first.toLowerCase();
      const upper = first.toUpperCase();
      return lower === upper ? a : `[${lower}${upper}]${a.slice(1)}`;
    })
    .join('|');
}

const STREET_TYPES =
  'Street|St|Avenue|Ave|Av|Road|Rd|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct|Place|Pl|Square|Sq|Terrace|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Crescent|Cres|Close|Grove|Gardens|Row|Walk|Hill|Park|Trail|Path|Pike|Alley|Plaza|Mews|Wharf|Quay|Cliffs?|Creek|Islands?|Ridge|Heights|Point|Crossing|Loop|Run|Ferry|Harbor|Harbour|View|Vista|Junction|Estates?|Meadows?|Springs?|Station|Village|Ville';
const EU_STREET_SUFFIX = eitherCaseFirst(
  'stra(?:ss|ß)e|str\\.|gasse|weg|platz|allee|ring|damm|ufer|gatan|gata|vägen|väg|gränd|katu|tie|kuja|polku|kaari|gade|vej|straat|laan|gracht|plein|kade|utca|út|tér|ulice|náměstí|iela|gatvė|tee|vegur|vegen|veien|gate|sokak|caddesi',
);
const EU_STREET_PREFIX = eitherCaseFirst(
  'Rua|Rue|Via|Viale|Vicolo|Corso|Piazza|Piazzale|Largo|Calle|Carrer|Carretera|Camino|Avenida|Avda\\.?|Av\\.|Avenue|Paseo|Plaza|Praça|Travessa|Estrada|Alameda|Chemin|Allée|Boulevard|Bd|Impasse|Quai|Ul\\.|Ulica|Aleja|Al\\.|Strada|Odos|Leoforos|Πλατεία|Οδός',
);
const WORD = String.raw`[\p{Lu}\p{Ll}][\p{L}'’.-]*`;
const CAP_WORD = String.raw`\p{Lu}[\p{L}'’.-]*`;
// Articles and prepositions inside street names: "Via delle Coste", "rue de la Paix", "Rua do Sol".
const CONNECTOR = String.raw`(?:d[aeiou]s?|de la|del|della|delle|dello|degli|dei|du|des|la|le|los|las|of|the)`;
const UNIT = String.raw`(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|Room|Floor|Fl\.?)\s*#?\s*\d+[A-Za-z]?`;
const HOUSE = String.raw`\d{1,6}[A-Za-z]?(?:[-/]\d{1,4})?`;

// "St." keeps its dot; a sentence's full stop after "Avenue" or after a house number does not
// belong to the address (a dot after a house number does in Hungarian/Czech lines: "tér 19.\n").
const ABBREVIATION_DOT = String.raw`(?:(?<=\b(?:St|Ave|Av|Rd|Ln|Dr|Blvd|Ct|Pl|Sq|Pkwy|Hwy|Cir|Cres))\.)?`;
const NUMBER_DOT = String.raw`(?:\.(?=[\n,]|$))?`;

/**
 * Each address pattern with the precondition (see profile.ts) it cannot match without, so a text
 * is scanned only by the patterns that can match it. Every pattern but the ship names needs a
 * digit; most need a number directly before or after white space.
 */
interface AddressPattern {
  pattern: RegExp;
  applies: (text: string, p: TextProfile) => boolean;
}

// A word ending in a street word of EU_STREET_SUFFIX directly before a house number: what the
// suffix pattern cannot match without (tested on the few words before a number, not on the text).
const EU_SUFFIX_END = new RegExp(String.raw`(?:${EU_STREET_SUFFIX})$`, 'u');
const endsWithEuSuffix = (word: string) => EU_SUFFIX_END.test(word);
// "Box" in any case right before a number (no other character folds to b, o or x).
const endsWithBox = (word: string) => word.length >= 3 && word.slice(-3).toLowerCase() === 'box';

const ADDRESS_PATTERNS: AddressPattern[] = [
  // 24 Clarke Avenue / 2450 Crown St / 903 83 Dora Creek
  {
    pattern: new RegExp(String.raw`\b${HOUSE}(?:\s+\d{1,4})?\s+(?:${CAP_WORD}\s+){0,4}(?:${STREET_TYPES})\b${ABBREVIATION_DOT}`, 'gu'),
    applies: (_t, p) => p.houseSpace,
  },
  // 12 rue de la Paix / 36 rue de pologne / Rua Diadema 1903 / Via delle Coste 41 / ul. Narewska 94
  // (A house number before or after it: "via email" and "Plaza Mayor is closed" are not addresses.)
  {
    pattern: new RegExp(
      String.raw`\b(?:\d{1,6}\s+)?${HOUSE}\s+(?<![\p{L}])(?:${EU_STREET_PREFIX})\s+(?:${CONNECTOR}\s+){0,2}${WORD}(?:\s+(?:${CONNECTOR}\s+){0,2}${CAP_WORD}){0,3}(?:\s+${HOUSE}\b${NUMBER_DOT})?`,
      'gu',
    ),
    applies: (_t, p) => p.houseSpace,
  },
  {
    pattern: new RegExp(
      String.raw`(?<![\p{L}])(?:${EU_STREET_PREFIX})\s+(?:${CONNECTOR}\s+){0,2}${WORD}(?:\s+(?:${CONNECTOR}\s+){0,2}${CAP_WORD}){0,3}\s+${HOUSE}\b${NUMBER_DOT}`,
      'gu',
    ),
    applies: (_t, p) => p.spaceDigit,
  },
  // "the corner of 159 Eleftheriou Venizelou str and Rennie Union", "corner of Main St and 5th Ave"
  // (Can match without a digit, but has always run only on texts with one.)
  {
    pattern: new RegExp(
      String.raw`\b(?:corner|junction|intersection) of\s+(?:(?:${HOUSE}|${WORD})[ \t]+){0,5}?(?:${HOUSE}|${WORD})\.?[ \t]+(?:and|&)[ \t]+(?:${HOUSE}[ \t]+)?${CAP_WORD}(?:[ \t]+(?:${CAP_WORD}|${HOUSE})){0,3}`,
      'gu',
    ),
    applies: (t, p) => p.digits > 0 && (t.includes('corner of') || t.includes('junction of') || t.includes('intersection of')),
  },
  // Friedhofstrasse 33 / Kiannonkatu 98 / Rooseveltlaan 110 / Erzsébet tér 19.
  // (Each word may only start where a word starts: an unanchored \p{L}* would rescan every suffix
  // of a long word, quadratic in its length.)
  // ("During 1971" and "Spring 2024" are English words that end like a street word; the lookahead
  // lets the engine skip every word not followed by a number before trying the suffixes.)
  {
    pattern: new RegExp(
      String.raw`(?:\b${HOUSE}\s+)?(?:(?<![\p{L}])${CAP_WORD}\s+){0,2}(?<![\p{L}])(?=\p{L}+\s+\d)(?!(?:[Dd]uring|[Ss]pring|[Ss]tring|[Bb]ring|\p{L}*[eu]ring|[Ss]tay|[Ww]ay)\s)\p{L}*(?:${EU_STREET_SUFFIX})\s+${HOUSE}\b${NUMBER_DOT}`,
      'gu',
    ),
    applies: (t, p) => p.spaceDigit && someWordBeforeNumber(t, p, endsWithEuSuffix),
  },
  // 6750 Koskikatu 25 / 654 Rua Ana Caciola 1159 (building number, street words, house number)
  {
    pattern: new RegExp(String.raw`\b\d{1,6}\s+(?:${CAP_WORD}\s+){1,4}\d{1,5}[A-Za-z]?\b${NUMBER_DOT}`, 'gu'),
    applies: (_t, p) => p.houseSpace && p.spaceDigit,
  },
  // Am Kirchberg 3a, 79098 … / Zur Linde 7, 1234 …: German street names without a street word,
  // only with the postcode after them ("Im Jahr 2024" is not an address).
  {
    pattern: new RegExp(
      String.raw`\b(?:Am|An der|An den|Auf der|Auf dem|Im|In der|Zum|Zur|Hinter der|Unter den)\s+${CAP_WORD}(?:\s+${CAP_WORD})?\s+${HOUSE}(?=,?\s+\d{4,5}\s+\p{Lu})`,
      'gu',
    ),
    applies: (_t, p) => p.digits >= 5 && p.spaceDigit && p.houseSpace,
  },
  // Apt. 864 / Suite 501
  // (Its words, case-sensitive: "Ap" starts Apt and Apartment, "Fl" Flat, Floor and Fl.)
  {
    pattern: new RegExp(String.raw`\b${UNIT}\b`, 'gu'),
    applies: (t, p) =>
      p.digits > 0 &&
      (t.includes('Ap') || t.includes('Suite') || t.includes('Ste') || t.includes('Unit') || t.includes('Fl') || t.includes('Room')),
  },
  // PSC 0413, Box 8144 / Unit 5146 Box 1772 / P.O. Box 211 / APO AA 42323
  {
    pattern: new RegExp(String.raw`\b(?:PSC|Unit|CMR)\s+\d{3,5},?\s+Box\s+\d{3,5}`, 'gu'),
    applies: (t, p) => p.digits >= 6 && t.includes('Box'),
  },
  {
    pattern: new RegExp(String.raw`\bP\.?\s?O\.?\s+Box\s+\d{1,6}`, 'giu'),
    applies: (t, p) => p.spaceDigit && someWordBeforeNumber(t, p, endsWithBox),
  },
  {
    pattern: new RegExp(String.raw`\b(?:APO|FPO|DPO)\s+(?:AA|AE|AP)\s+\d{5}\b`, 'gu'),
    applies: (t, p) => p.digits >= 5 && t.includes('PO'),
  },
  { pattern: new RegExp(String.raw`\b(?:USNS|USNV|USS|USCGC)\s+${CAP_WORD}(?:\s+${CAP_WORD})?`, 'gu'), applies: (t) => t.includes('US') },
];

// Words that introduce an address, so a bare "Koskikatu 25" after them is one. Only capitalised
// words and street-name connectors may stand between the cue and the number, and a number that
// starts a range or counts days is not a house number ("we ship to Ireland in 3 to 5 working days").
const ADDRESS_CONTEXT = new RegExp(
  String.raw`\b(?:${eitherCaseFirst('address(?: is)?:?|lives? (?:at|on|in)|living at|located at|moved to|ship(?:ped)? to|send (?:it )?to|deliver(?:ed)? to|arrived at|is at|is on|return (?:it )?to|meet me at')})[ \t]+((?:${HOUSE}[ \t]+)?${CAP_WORD}(?:[ \t]+(?:${CAP_WORD}|${CONNECTOR})){0,3}[ \t]+${HOUSE}\b${NUMBER_DOT})(?![ \t]*(?:[-–]|to\b|or\b|and\b|x\b|\p{Ll}))`,
  'gu',
);

// What may follow an address on its line: ", Leeds LS2 7EY", ", 10115 Berlin", ", Cite Merzgui",
// ", Toronto, Canada". Postal codes: UK, Canada, Netherlands, Portugal, Poland, US ZIP(+4), and
// 4–5 digit codes before or after the town.
const POSTCODE = String.raw`(?:[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2}|[A-Z]\d[A-Z][ \t]?\d[A-Z]\d|\d{4}[ \t]?[A-Z]{2}|\d{4}-\d{3}|\d{2}-\d{3}|\d{5}(?:-\d{4})?|\d{4})`;
const TOWN = String.raw`\p{Lu}[\p{L}'’.-]*(?:[ \t]+(?:\p{Lu}[\p{L}'’.-]*|d[aeiou]s?|de la|del|la|le|les|am|an|der|im|sur|upon|on|en|el)){0,3}`;
const TOWN_TAIL_PARTS = String.raw`(?:,?[ \t]+(?:${POSTCODE}[ \t]+${TOWN}|${TOWN}(?:,?[ \t]+${POSTCODE})?|${POSTCODE})){1,3}`;
const TOWN_TAIL = new RegExp(String.raw`^${TOWN_TAIL_PARTS}(?=[ \t]*(?:[.,;:!?)]|$|\n))`, 'u');
// Mid-sentence ("…, London NW1 6XE please", "…, 10115 Berlin liefern"): only a tail with a postcode,
// so "24 Clarke Avenue, John Smith will sign" keeps the name out of the address.
const TOWN_TAIL_IN_SENTENCE = new RegExp(String.raw`^${TOWN_TAIL_PARTS}(?=[ \t]+\p{Ll})`, 'u');
// A sentence ends inside the tail: "…, 10115 Berlin. Geht das?" (not after an abbreviation: "St. Albans").
const SENTENCE_END_IN_TAIL = /(?<=\p{L}{4,})\.(?=[ \t]+\p{Lu})/u;

export function detectAddresses(text: string, profile: TextProfile = textProfile(text)): PiiSpan[] {
  const raw: { start: number; end: number }[] = [];
  for (const { pattern, applies } of ADDRESS_PATTERNS) {
    if (!applies(text, profile)) continue;
    for (const m of execAll(pattern, text)) raw.push({ start: m.index, end: m.index + m[0].length });
  }
  if (profile.spaceDigit)
    for (const m of execAll(ADDRESS_CONTEXT, text)) {
      const start = m.index + m[0].lastIndexOf(m[1]);
      raw.push({ start, end: start + m[1].length });
    }
  if (!raw.length) return [];
  const merged = extendBlocks(
    text,
    mergeRanges(raw).map((r) => extendTown(text, r)),
  );
  return merged.map((r) => ({
    type: 'ADDRESS' as const,
    start: r.start,
    end: r.end,
    value: text.slice(r.start, r.end),
    source: 'local-ner' as const,
  }));
}

/** The town, region, postcode and country that follow an address on its line belong to it. */
function extendTown(text: string, r: { start: number; end: number }): { start: number; end: number } {
  const lineEnd = text.indexOf('\n', r.end);
  const rest = text.slice(r.end, lineEnd < 0 ? text.length : lineEnd);
  if (!/^,?[ \t]/.test(rest)) return r;
  const inSentence = () => {
    const m = TOWN_TAIL_IN_SENTENCE.exec(rest);
    return m && /\d/.test(m[0]) ? m : null;
  };
  const m = TOWN_TAIL.exec(rest) ?? inSentence();
  if (!m) return r;
  let tail = m[0];
  const sentenceEnd = SENTENCE_END_IN_TAIL.exec(tail);
  if (sentenceEnd) tail = tail.slice(0, sentenceEnd.index);
  // A sentence's full stop after the town is not part of it.
  tail = tail.replace(/\.$/, '');
  // Nor is the person it is for: ", London NW1 6XE, Mr Holmes" ends before "Mr" (a form of
  // address with a name after it; "Sindi PR" ends with a state).
  const person = /,?[ \t]+(\p{L}+\.?)(?=[ \t]+\p{Lu})/gu;
  for (let part = person.exec(tail); part; part = person.exec(tail)) {
    if (isHonorific(part[1])) {
      tail = tail.slice(0, part.index);
      break;
    }
  }
  return tail ? { start: r.start, end: r.end + tail.length } : r;
}

function mergeRanges(ranges: { start: number; end: number }[]): { start: number; end: number }[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: { start: number; end: number }[] = [];
  for (const r of sorted) {
    const last = out.at(-1);
    // Parts of one address separated only by spaces, commas or line breaks join into one span.
    if (last && r.start <= last.end + 3 && /^[\s,]*$/.test(textBetween(last.end, r.start))) {
      last.end = Math.max(last.end, r.end);
    } else out.push({ ...r });
  }
  return out;

  function textBetween(a: number, b: number): string {
    return b > a ? ' '.repeat(b - a) : '';
  }
}

// A line after an address line that is a unit, city, region, country or postal code belongs to it.
const CONTINUATION_LINE = new RegExp(
  String.raw`^[ \t>?]*(?:${UNIT}|(?:\p{Lu}[\p{L}'’.-]*|\p{Lu}{2,})(?:[ \t,]+(?:\p{Lu}[\p{L}'’.()-]*|\p{Lu}{2}|\d{3,6}|[\p{Ll}]{1,3}))*,?(?:[ \t]+\d{3,6})?|\d{3,6}(?:[ \t]+\p{Lu}[\p{L}'’.-]*)*)[ \t]*$`,
  'u',
);

function extendBlocks(text: string, ranges: { start: number; end: number }[]): { start: number; end: number }[] {
  return ranges.map((r) => {
    let end = r.end;
    // Continue only when the address ends its line (a block laid out over several lines).
    for (let lines = 0; lines < 4; lines++) {
      const lineEnd = text.indexOf('\n', end);
      if (lineEnd < 0 || (text.slice(end, lineEnd).trim() !== '' && !/^[\s,]*$/.test(text.slice(end, lineEnd)))) break;
      const nextEnd = text.indexOf('\n', lineEnd + 1);
      const line = text.slice(lineEnd + 1, nextEnd < 0 ? text.length : nextEnd);
      if (!line.trim() || line.length > 60 || !CONTINUATION_LINE.test(line)) break;
      end = (nextEnd < 0 ? text.length : nextEnd) - (line.length - line.trimEnd().length);
    }
    return { start: r.start, end };
  });
}
