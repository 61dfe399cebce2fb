import { readFileSync } from 'node:fs';
import * as compromiseLexicon from './gazetteer/compromiseLexicon';
import { CUSTOMER_SERVICE_BRANDS } from './gazetteer/brands';
import { LANGUAGES } from './gazetteer/languages';
import { CASED_LANGUAGES, type CasedLexicon } from './gazetteer/casedLanguages';
import { UNCASED_NAME_LANGUAGES } from './gazetteer/uncasedLanguages';
import { PackedWordSet, type WordLookup } from './packedWords';
import { ownValue } from '../../lookup';
import type { PiiSpan } from './types';

/**
 * The fast person-name detector (`names: 'gazetteer'`, the default): no tagger, only lookups.
 *
 * It scans for runs of capitalised words and classifies every word by lists: given names and
 * surnames (compromise's English lexicon, which is international, plus hand-written lists per
 * language in `gazetteer/languages.ts` and, with case forms and their own lower-casing, in
 * `gazetteer/casedLanguages.ts`), places and organisations (compromise), ordinary words
 * (English: wink's 87k-word lexicon; other languages: a short list of capitalised words that are
 * never names) and context (forms of address, "my name is", greetings, sign-offs). Ordinary words,
 * places and organisations split a run; what is left is a name when a gazetteer word anchors it
 * or context introduces it. English text also accepts runs of unknown capitalised words in the
 * middle of a sentence (foreign names no list holds); other languages do not, because German
 * capitalises every noun and brand names are capitalised everywhere.
 *
 * Measured against the wink-nlp/compromise taggers in `npm run bench -- pii` (docs/data-quality.md).
 */

interface Gazetteer {
  language: string;
  /** Given names that are a name on their own in this language. */
  given: Set<string>;
  /** Given names from other languages: a name only next to another name word or after a cue. */
  foreignGiven: Set<string>;
  surnames: Set<string>;
  places: Set<string>;
  organisations: Set<string>;
  /** Ordinary words (a capitalised one at a sentence start or in a title is not a name). */
  common: WordLookup;
  stop: Set<string>;
  honorifics: Set<string>;
  /** Normalised phrases (see `normalisePhrase`) after which capitalised words are a name. */
  nameCues: Set<string>;
  weakCues: Set<string>;
  /** Runs of capitalised words no list knows are names (English only; see above). */
  unknownRuns: boolean;
  /** Memo of `wordClass` (see there). */
  wordClasses: Map<string, WordClass>;
  /** Words that make capitalised words before them a street or organisation ("Street", "Caddesi"). */
  notPersonAfter: Set<string>;
  // The fields below are set only for the languages of `casedLanguages.ts` (nothing new runs for
  // the others).
  /** Lower case for lookups where plain `toLowerCase` is wrong: Turkish i/ı, Greek accents, Russian ё. */
  fold?: (word: string) => string;
  /** The kind of a word the lists know only in another case form ("Ивану", "Annie", "Γιώργου"). */
  lemmaKind?: (key: string) => Kind | undefined;
  ambiguousGiven?: Set<string>;
  /** Forms of address that are also given names (Vietnamese "Anh"): they do not split a run. */
  nameHonorifics?: Set<string>;
  postHonorifics?: Set<string>;
  /** Words before a run that make it a place, street, language or company ("улица", "tiếng"). */
  placeCues?: Set<string>;
  oneLetterWords?: Set<string>;
  /** Turkish: what follows an apostrophe is a case suffix ("Ahmet'e"), not part of the name. */
  suffixAfterApostrophe?: boolean;
  /** Vietnamese: family name first, every syllable capitalised; one syllable alone needs a cue. */
  familyNameFirst?: boolean;
  /** Lower-case words after a run that make it a street or company ("Kossuth Lajos utca", "Karl Johans gate"). */
  streetsAfter?: Set<string>;
  /** Whether two name words are one name in two grammatical cases (`sameNameInCase`). */
  sameInCase?: (a: string, b: string) => boolean;
}

const words = (list: string) => list.split('|').filter(Boolean);

// Capitalised words that are never names in customer-service text, in any language.
const STOP_WORDS = words(
  'i|ok|okay|hi|hello|hey|dear|thanks|thank|please|yes|no|sir|madam|team|support|customer|service|services|' +
    'monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|' +
    'august|september|october|november|december|today|tomorrow|yesterday|street|st|avenue|ave|road|rd|lane|drive|' +
    'apt|suite|unit|box|psc|po|inc|ltd|llc|gmbh|corp|co|company|bank|card|visa|mastercard|amex|iban|ssn|' +
    'id|ip|url|email|e-mail|phone|account|order|refund|invoice|internet|wifi|app|iphone|android|windows|mac|' +
    'google|microsoft|apple|amazon|paypal|netflix|facebook|instagram|whatsapp|twitter|youtube|linkedin|uber|ebay|' +
    'the|a|an|bot|user|agent|assistant|billing|website|premium|pro|plus|basic|gold|silver|ok|faq|' +
    "i'm|i've|i'll|i'd|c'mon|oh|ah|wow|sorry|great|sure|bye|goodbye|welcome|mr|mrs|ms|dr|prof|" +
    // Chat interjections and shorthand wink's lexicon does not hold.
    'um|uh|omg|lol|lmao|bro|yikes|oops|yay|yeah|yep|nope|im|ive|dont|cant|wont|pls|plz|thx|ty|btw|idk|tbh|fyi|asap|' +
    'username|password|login|signup|checkout|hashtag|emoji|okey|hii|hiya|heya|alright|' +
    // Greetings and thanks of other languages, read under English rules in mixed-language chats
    // ("Bonjour, je m'appelle …", "Merci!"), where an unknown capitalised word is taken for a name.
    'bonjour|bonsoir|salut|merci|hola|gracias|buenos|buenas|danke|hallo|guten|servus|moin|ciao|grazie|buongiorno|' +
    'buonasera|obrigado|obrigada|olá|oi|hej|tack|goedemorgen|goedemiddag|doei|adios|adiós|saludos|grüß|grüezi',
);

function toSet(...lists: string[]): Set<string> {
  const set = new Set<string>();
  for (const list of lists) for (const w of words(list)) set.add(w);
  return set;
}

/** Lower case, straight apostrophes, no punctuation around words: "Regards," and "nom :" match. */
function normalisePhrase(phrase: string): string {
  return phrase
    .toLowerCase()
    .replace(/’/g, "'")
    .replace(/[,:;.!?]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

let english: PackedWordSet | undefined;
/**
 * wink's English lexicon (wink-eng-lite-web-model, MIT licence): 87k word forms, read from the
 * installed model on first use and kept packed (the rest of the model is dropped).
 */
function englishWords(): PackedWordSet {
  if (english) return english;
  const path = require.resolve('wink-eng-lite-web-model/dist/languages/cur/models/eng-core-web-model.json');
  english = new PackedWordSet(lexemeList(readFileSync(path)).filter(startsLowerCase));
  return english;
}

const startsLowerCase = (w: string) => {
  const c = w.charCodeAt(0);
  return (c >= 97 && c <= 122) || (c >= 128 && /^\p{Ll}/u.test(w));
};

const LEXEME_LIST = Buffer.from('"lexeme":{"list":[');
const LEXEME_LIST_END = Buffer.from(']},"tokenType":');

/**
 * The model's `features.lexeme.list`. Only that array (a third of the 3 MB file) is decoded and
 * parsed: the whole model cost each process and worker a quarter of a second and as much garbage.
 * A model laid out differently (the array not followed by `tokenType`) is parsed whole.
 */
export function lexemeList(model: Buffer): string[] {
  const at = model.indexOf(LEXEME_LIST);
  const end = at < 0 ? -1 : model.indexOf(LEXEME_LIST_END, at);
  if (end > at) {
    try {
      const list = JSON.parse(model.toString('utf8', at + LEXEME_LIST.length - 1, end + 1)) as unknown;
      if (Array.isArray(list) && list.every((w) => typeof w === 'string')) return list;
    } catch {
      // Not the array we expected: read the model whole below.
    }
  }
  return (JSON.parse(model.toString('utf8')) as { features: { lexeme: { list: string[] } } }).features.lexeme.list;
}

const gazetteers = new Map<string, Gazetteer>();

let allHonorifics: Set<string> | undefined;

/** Whether `word` (any case, a final dot allowed) is a form of address in any covered language: "Mr", "Herr", "Mme". */
export function isHonorific(word: string): boolean {
  allHonorifics ??= toSet(...Object.values(LANGUAGES).map((l) => l.honorifics));
  return allHonorifics.has(word.toLowerCase().replace(/\.$/, ''));
}

/**
 * Languages the name detector covers (ISO 639-1): the gazetteer rules of `languages.ts` and
 * `casedLanguages.ts`, and the cue rules of `uncasedNames.ts` for languages without letter case.
 */
export const NAME_DETECTOR_LANGUAGES: readonly string[] = [
  ...Object.keys(LANGUAGES),
  ...Object.keys(CASED_LANGUAGES),
  ...UNCASED_NAME_LANGUAGES,
];

export function nameGazetteer(language: string): Gazetteer {
  let g = gazetteers.get(language);
  if (g) return g;
  const own = ownValue(LANGUAGES, language);
  if (!own) {
    const cased = ownValue(CASED_LANGUAGES, language);
    if (cased) {
      g = casedGazetteer(language, cased);
      gazetteers.set(language, g);
      return g;
    }
    throw new Error(`no name gazetteer for language "${language}" (covered: ${NAME_DETECTOR_LANGUAGES.join(', ')})`);
  }
  const all = Object.values(LANGUAGES);
  const isEnglish = language === 'en';
  const allGiven = toSet(compromiseLexicon.given, ...all.map((l) => l.given));
  const given = isEnglish ? allGiven : toSet(own.given);
  const foreignGiven = isEnglish ? new Set<string>() : new Set([...allGiven].filter((w) => !given.has(w)));
  const stop = new Set([...STOP_WORDS, ...words(own.commonWords), ...words(own.honorifics)]);
  g = {
    language,
    given,
    foreignGiven,
    surnames: toSet(compromiseLexicon.surname, ...all.map((l) => l.surnames)),
    places: toSet(compromiseLexicon.place),
    organisations: toSet(compromiseLexicon.organisation, CUSTOMER_SERVICE_BRANDS),
    common: isEnglish ? englishWords() : new Set(),
    stop,
    honorifics: toSet(own.honorifics),
    nameCues: new Set(words(own.nameCues).map(normalisePhrase)),
    weakCues: new Set(words(own.weakCues).map(normalisePhrase)),
    unknownRuns: isEnglish,
    wordClasses: new Map(),
    notPersonAfter: NOT_PERSON_AFTER,
    // (Every field present, as in `casedGazetteer`: one object shape keeps the lookups monomorphic.)
    fold: undefined,
    lemmaKind: undefined,
    ambiguousGiven: undefined,
    nameHonorifics: undefined,
    postHonorifics: undefined,
    placeCues: undefined,
    oneLetterWords: undefined,
    suffixAfterApostrophe: false,
    familyNameFirst: false,
    streetsAfter: undefined,
    sameInCase: undefined,
  };
  gazetteers.set(language, g);
  return g;
}

function withoutDiacritics(w: string): string {
  return w
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC')
    .replace(/[’ʼ]/g, "'");
}

/** Lower case for lookups, per language (see `Gazetteer.fold`); apostrophes straightened. */
const FOLDS: Record<string, (word: string) => string> = {
  // Turkish capitals: "İ" is "i", "I" is "ı" ("Işıl", "İbrahim"); plain toLowerCase gets both wrong.
  tr: (w) =>
    w
      .replace(/I/g, 'ı')
      .replace(/İ/g, 'i')
      .toLowerCase()
      .replace(/\u0307/g, '')
      .replace(/[’ʼ]/g, "'"),
  // Greek is often typed without accents ("Γιωργος"): lists and text are compared without them.
  el: (w) =>
    w
      .toLowerCase()
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .normalize('NFC')
      .replace(/[’ʼ]/g, "'"),
  // "Алёна" and "Алена", "Пётр" and "Петр" are written both ways.
  ru: (w) => w.toLowerCase().replace(/ё/g, 'е').replace(/[’ʼ]/g, "'"),
  // Ukrainian writes its apostrophe three ways ("ім'я", "ім’я", "імʼя").
  uk: (w) => w.toLowerCase().replace(/[’ʼ`]/g, "'"),
  // Czech, Romanian and Hungarian are often typed without diacritics ("Jan Novak", "Stefan",
  // "Janos"), and Romanian writes ș/ț with a comma or a cedilla: compared without them.
  cs: withoutDiacritics,
  ro: withoutDiacritics,
  hu: withoutDiacritics,
};
const plainFold = (w: string) => w.toLowerCase().replace(/[’ʼ]/g, "'");

/**
 * Patronymics ("Сергеевна", "Петровичу", "Іванівна"): a name word whatever its case ending, read
 * like a surname (it anchors a given name before it; alone it needs a cue).
 */
const PATRONYMIC: Record<string, RegExp> = {
  ru: /^\p{L}{3,}(?:ович|евич|ьич|овн|евн|ичн)(?:а|у|ем|ом|е|ы|ой|ою)?$/u,
  uk: /^\p{L}{3,}(?:ович|евич|івн|ївн)(?:а|у|ем|і|ові|еві|ою|о|е|и)?$/u,
};

/** The gazetteer of a language of `casedLanguages.ts`, built on its first text. */
function casedGazetteer(language: string, own: CasedLexicon): Gazetteer {
  const fold = ownValue(FOLDS, language) ?? plainFold;
  const set = (...lists: string[]) => {
    const out = new Set<string>();
    for (const list of lists) for (const w of words(list)) out.add(fold(w));
    return out;
  };
  const related = own.related.flatMap((code) => ownValue(CASED_LANGUAGES, code) ?? []);
  const given = set(own.given, ...related.map((l) => l.given));
  const ownSurnames = set(own.surnames, ...related.map((l) => l.surnames));
  for (const rule of own.feminineSurnames) {
    const [masculine, feminine] = rule.split(' ').map(fold);
    for (const s of [...ownSurnames]) if (s.endsWith(masculine)) ownSurnames.add(s.slice(0, -masculine.length) + feminine);
  }
  const western = Object.values(LANGUAGES);
  const foreignGiven = set(compromiseLexicon.given, ...western.map((l) => l.given));
  for (const w of given) foreignGiven.delete(w);
  const surnames = new Set([...ownSurnames, ...set(compromiseLexicon.surname, ...western.map((l) => l.surnames))]);
  const honorifics = set(own.honorifics);
  const nameHonorifics = new Set([...honorifics].filter((h) => given.has(h)));
  const postHonorifics = set(own.postHonorifics);
  const oneLetterWords = set(own.oneLetterWords);
  // English stop words that are names here (Vietnamese "An") are names.
  const stop = new Set([...STOP_WORDS].filter((w) => !given.has(w) && !ownSurnames.has(w)));
  for (const w of set(own.commonWords)) stop.add(w);
  for (const w of honorifics) if (!nameHonorifics.has(w)) stop.add(w);
  for (const w of postHonorifics) stop.add(w);
  for (const w of oneLetterWords) stop.add(w);
  const places = set(compromiseLexicon.place, own.places);
  const ambiguousGiven = set(own.ambiguousGiven);
  const inflections = own.inflections.map((rule) => {
    const [ending, ...bases] = rule.split(' ').map(fold);
    return { ending, bases: bases.map((b) => (b === '-' ? '' : b)) };
  });
  const patronymic = ownValue(PATRONYMIC, language);
  const lemmaKind = (key: string): Kind | undefined => {
    if (patronymic?.test(key)) return 'surname';
    let kind: Kind | undefined;
    for (const { ending, bases } of inflections) {
      if (key.length - ending.length < 2 || !key.endsWith(ending)) continue;
      const stem = key.slice(0, -ending.length);
      for (const base of bases) {
        const lemma = stem + base;
        // A case form of an ordinary word is not a name ("Марку": "марка" as well as "Марк").
        if (stop.has(lemma)) return undefined;
        kind ??= given.has(lemma)
          ? ambiguousGiven.has(lemma)
            ? 'ambiguous'
            : 'given'
          : surnames.has(lemma)
            ? 'surname'
            : places.has(lemma)
              ? 'place'
              : undefined;
      }
    }
    return kind;
  };
  return {
    language,
    given,
    foreignGiven,
    surnames,
    places,
    organisations: toSet(compromiseLexicon.organisation, CUSTOMER_SERVICE_BRANDS),
    common: new Set(),
    stop,
    honorifics,
    nameCues: new Set(words(own.nameCues).map((p) => normalisePhrase(fold(p)))),
    weakCues: new Set(words(own.weakCues).map((p) => normalisePhrase(fold(p)))),
    unknownRuns: false,
    wordClasses: new Map(),
    notPersonAfter: new Set([...NOT_PERSON_AFTER, ...set(own.notPersonAfter)]),
    fold,
    lemmaKind: inflections.length || patronymic ? lemmaKind : undefined,
    ambiguousGiven,
    nameHonorifics,
    postHonorifics: postHonorifics.size ? postHonorifics : undefined,
    placeCues: new Set(words(own.placeCues).map((p) => normalisePhrase(fold(p)))),
    oneLetterWords,
    suffixAfterApostrophe: language === 'tr',
    familyNameFirst: language === 'vi',
    streetsAfter: own.streetsAfter ? set(own.streetsAfter) : undefined,
    sameInCase: inflections.length ? caseFormComparison(inflections, own, fold, given, foreignGiven, surnames) : undefined,
  };
}

/** Distinct words whose case lemmas are remembered per language (bounds memory on odd input). */
const CASE_LEMMA_ENTRIES = 20000;

/**
 * The comparison behind `sameNameInCase` for a language with case endings. Two words (folded as
 * the language folds them) are one name when they are equal, when one is the other with a case
 * ending of the language put on ("Mikko"/"Mikolle", "Novák"/"Nováku", "Anna"/"Annas"), or when
 * both are case forms of one name the lists know ("Nováku"/"Novákovi"). A word that is itself a
 * given name is never read as a case form: "Jana", "Petra", "Maria" and "Hans" are people of
 * their own, though "Jana" is also Czech for "of Jan" (the price: that genitive gets a number of
 * its own). Endings that make another person's name (`notCaseEndings`, Hungarian "-né") are left out.
 */
function caseFormComparison(
  inflections: { ending: string; bases: string[] }[],
  own: CasedLexicon,
  fold: (word: string) => string,
  given: Set<string>,
  foreignGiven: Set<string>,
  surnames: Set<string>,
): (a: string, b: string) => boolean {
  const notCase = new Set((own.notCaseEndings ?? []).map(fold));
  const endings = inflections.filter((rule) => !notCase.has(rule.ending));
  const memo = new Map<string, string[]>();
  /** The base forms `key` is a case form of (three letters or more; none for a given name). */
  const lemmas = (key: string): string[] => {
    let out = memo.get(key);
    if (out) return out;
    out = [];
    if (!given.has(key) && !foreignGiven.has(key)) {
      for (const { ending, bases } of endings) {
        if (key.length - ending.length < 2 || !key.endsWith(ending)) continue;
        const stem = key.slice(0, -ending.length);
        for (const base of bases) {
          const lemma = stem + base;
          if (lemma.length >= 3 && lemma !== key && !out.includes(lemma)) out.push(lemma);
        }
      }
    }
    if (memo.size >= CASE_LEMMA_ENTRIES) memo.clear();
    memo.set(key, out);
    return out;
  };
  return (a, b) => {
    const x = fold(a);
    const y = fold(b);
    if (x === y) return true;
    const fromX = lemmas(x);
    const fromY = lemmas(y);
    if (fromX.includes(y) || fromY.includes(x)) return true;
    return fromX.some((lemma) => fromY.includes(lemma) && (given.has(lemma) || surnames.has(lemma)));
  };
}

const LATIN_ENDING = /^\p{Script=Latin}/u;

/**
 * For the placeholder map: whether two words of a person's name (lower case, Latin letters) are
 * one name in two grammatical cases of `language` (see `caseFormComparison`); undefined for a
 * language without case endings in these rules (English, the western languages, Turkish, whose
 * suffix after the apostrophe is never part of the span, Vietnamese, Indonesian; Russian, Ukrainian
 * and Greek, whose names the placeholder map compares by their script). The tables are built on
 * the first call that needs them.
 */
export function sameNameInCase(language: string): ((a: string, b: string) => boolean) | undefined {
  const own = ownValue(CASED_LANGUAGES, language);
  // Cyrillic and Greek case forms have their own rule in the placeholder map.
  if (!own?.inflections.length || !LATIN_ENDING.test(own.inflections[0])) return undefined;
  return (a, b) => a === b || (nameGazetteer(language).sameInCase?.(a, b) ?? false);
}

type Kind = 'stop' | 'given' | 'foreignGiven' | 'surname' | 'ambiguous' | 'place' | 'organisation' | 'common' | 'initial' | 'unknown';

interface Token {
  start: number;
  end: number;
  key: string;
  /** The key without a final dot ("mr." → "mr"), for forms of address. */
  bare: string;
  kind: Kind;
}

// A capitalised word (O'Brien, Jean-Pierre, Šárka), not glued to a letter, digit or an e-mail's @
// before it (a mention's @, after a space, is no glue: "@Dana Lee"):
// `CAPITAL_START` then `CAPITALISED_AT` (`nextCapitalised`), which together match as
//   /(?=\p{Lu})(?<![\p{L}\p{M}\p{N}_'’/.\\:#=&?])(?<![\p{L}\p{M}\p{N}_.+\-@]@)\p{Lu}[\p{L}\p{M}]*(?:['’-]\p{L}[\p{L}\p{M}]*)*(?![\p{N}_@])\.?/gu
// would (test/shared/quality/capitalisedWords.test.ts holds them to it).
// (The lookahead comes first so the engine tests the lookbehind only at capital letters: 8× faster.)
/** Where a capitalised word may start: a capital letter not glued to what is before it. */
const CAPITAL_START = /(?=\p{Lu})(?<![\p{L}\p{M}\p{N}_'’/.\\:#=&?])(?<![\p{L}\p{M}\p{N}_.+\-@]@)\p{Lu}/gu;
/** The capitalised word, matched where `CAPITAL_START` found its capital letter. */
const CAPITALISED_AT = /\p{Lu}[\p{L}\p{M}]*(?:['’-]\p{L}[\p{L}\p{M}]*)*(?![\p{N}_@])\.?/uy;
const PARTICLES = new Set(
  words('van|van der|van den|van de|von|von der|de|de la|del|della|di|da|das|dos|du|le|la|ten|ter|bin|binti|ibn|al|el|a/l|a/p|s/o|d/o'),
);
/**
 * Particles that only stand inside a person's name: Malaysian and Singaporean Indian names (a/l,
 * anak lelaki, "son of"; a/p, anak perempuan; s/o, d/o) and the Malay "binti" ("daughter of"). A run
 * holding one is a name however unknown its words ("Saya Kumar a/l Subramaniam"), and the father's
 * name after it is part of the span.
 */
const PATRONYMICS = new Set(['a/l', 'a/p', 's/o', 'd/o', 'binti']);
const SENTENCE_END = /[.!?:;…\n]/;

function classify(key: string, raw: string, g: Gazetteer): Kind {
  if (raw.length <= 2 && key !== 'i' && /^\p{Lu}\.?$/u.test(raw)) return g.oneLetterWords?.has(key) ? 'stop' : 'initial';
  if (g.stop.has(key)) return 'stop';
  const given = g.given.has(key);
  const surname = !given && g.surnames.has(key);
  const foreign = !given && !surname && g.foreignGiven.has(key);
  const common =
    g.common.has(key) || ((key.includes("'") || key.includes('’')) && g.common.has(key.replace(/['’](?:s|d|ll|m|re|ve|t)$/u, '')));
  // The usual case, a capitalised ordinary word ("The", "Thanks", "Can"), leaves at once.
  if (common && !given && !surname && !foreign) return 'common';
  // Acronyms (USA, ATM) are not names; an upper-case name in a form ("JOHN SMITH") is rare.
  if (raw.length >= 2 && !given && raw === raw.toUpperCase()) return 'stop';
  // A case form of a name of this language ("Annie", "Ивану") wins over a foreign given name.
  if (g.lemmaKind && !given && !surname) {
    const lemma = g.lemmaKind(key);
    if (lemma) return lemma;
  }
  // Given names that are also a place ("Elizabeth", "Florence") are names unless a preposition of
  // place stands before them (acceptSegment); given names that are ordinary words are only
  // ambiguous when the word is one people write every day ("Will", "Grace", "May").
  if (given) return (common && AMBIGUOUS_GIVEN.has(key)) || g.ambiguousGiven?.has(key) ? 'ambiguous' : 'given';
  if (surname) return common ? 'ambiguous' : 'surname';
  if (foreign) return common ? 'ambiguous' : 'foreignGiven';
  if (g.places.has(key)) return 'place';
  if (g.organisations.has(key)) return 'organisation';
  // Brand names in camel case (ClickPhobia, InstantResales); "McDonald", "DeShawn" are names.
  if (/\p{Ll}{3}\p{Lu}/u.test(raw)) return 'organisation';
  if (INTERJECTION.test(key)) return 'stop';
  // "X-ray", "E-mail": hyphenated ordinary words; "Resend", "Unsubscribe": prefixed ones.
  if (key.includes('-') && key.split('-').every((part) => part.length === 1 || g.common.has(part))) return 'common';
  const stem = ENGLISH_PREFIX.exec(key);
  if (stem && g.common.has(key.slice(stem[0].length))) return 'common';
  // Plurals of ordinary words ("on Sundays", "Mondays and Tuesdays"): the word list has the singular.
  if (key.length > 3 && key.endsWith('s') && g.common.has(key.slice(0, -1))) return 'common';
  return 'unknown';
}

// "Hmmm", "Ahhh", "Arrgh", "Shh", "Ugh", "Wooow": interjections with any number of repeated letters.
const INTERJECTION = /^(?:h+m+|u+h*m+|a+h+|a+r+g+h+|s+h+|o+h+|u+g+h+|w+o+w+|y+a+y+|e+r+m+|m+h*m+|h+a+(?:h+a+)*|o+k+)$/u;

const ENGLISH_PREFIX =
  /^(?:re|un|pre|dis|mis|over|under|out|non|co|sub|super|inter|multi|auto|e|anti|de|in|im|ir|il|up|down|self-)(?=\p{L}{3})/u;

// English given names that are everyday words, written capitalised at a sentence start.
const AMBIGUOUS_GIVEN = new Set(
  words(
    'will|grace|mark|may|bill|rose|hope|faith|joy|sunny|june|april|august|art|pat|sue|rob|jack|frank|max|rich|ray|' +
      'dawn|summer|autumn|iris|ivy|lily|daisy|holly|amber|ruby|crystal|pearl|jade|olive|violet|heather|hazel|ginger|' +
      'candy|honey|penny|sky|storm|river|rocky|buck|chase|chance|cliff|dean|drew|gene|glen|grant|hunter|lance|miles|' +
      'nick|norm|pierce|reed|rusty|sandy|stone|wade|ward|wolf|guy|harry|jean|don|carol|eve|gay|kitty|misty|page|paige|' +
      'price|young|king|brown|white|black|green|gray|grey|long|little|bishop|cook|baker|carter|mason|ash|bay|bear|' +
      'cash|chip|clay|colt|dusty|ernest|earnest|forest|gale|gil|hank|ivory|jay|jewel|kit|lee|marina|matt|melody|' +
      'merry|patience|rain|royal|sage|scout|shad|sterling|sunshine|tad|ted|tiger|trinity|van|victor|virginia|win|' +
      'destiny|harmony|liberty|serenity|felicity|prudence|constance|charity|mercy|verity|star|angel|precious|' +
      'bob|tom|sonny|buddy|sam|al|ken|ben|tim|kim|lou|val|vera|nova|luna|sol|ana|ella|may',
  ),
);

const NAME_KINDS = new Set<Kind>(['given', 'foreignGiven', 'surname', 'ambiguous', 'initial', 'unknown']);

/** Person names in `text` for a covered language (see module comment). */
export function detectNamesFast(text: string, language = 'en'): PiiSpan[] {
  const g = nameGazetteer(language);
  const spans: PiiSpan[] = [];
  // The words of the current run of capitalised words live in reused parallel arrays, and the
  // pattern is matched with `test` (no match object): a text has a capitalised word every few
  // words, and an object per word made name detection preprocessing's largest allocator (issue
  // #10, eleventh round). `CAPITAL_START` finds where a word may start, `CAPITALISED_AT` matches it
  // there (`nextCapitalised`).
  const run = RUN;
  run.length = 0;
  const word = WORD;
  word.end = 0;
  while (nextCapitalised(text, word.end, word)) {
    const start = word.start;
    let end = word.end;
    // "J." keeps its dot (an initial); "Smith." at a sentence end does not.
    if (end - start > 2 && text.charCodeAt(end - 1) === 46) end--;
    if (run.length) {
      const lastEnd = run.ends[run.length - 1];
      const gapLength = start - lastEnd;
      // (Runs are joined by a space, ". " or a particle: a longer gap is never worth a slice.)
      const joined =
        (gapLength === 1 && text.charCodeAt(lastEnd) === 32) ||
        // "Mr. Smith": the honorific's dot was cut off above.
        (gapLength === 2 && text.startsWith('. ', lastEnd) && g.honorifics.has(lowerCase(run.raws[run.length - 1], g))) ||
        // "Ludwig van Beethoven", "María de la Cruz"
        (gapLength > 3 && gapLength <= 12 && particleGap(text.slice(lastEnd, start)));
      if (!joined) {
        acceptRun(text, run, g, spans);
        run.length = 0;
      }
    }
    run.starts[run.length] = start;
    run.ends[run.length] = end;
    run.raws[run.length] = text.slice(start, end);
    run.length++;
  }
  if (run.length) acceptRun(text, run, g, spans);
  run.length = 0;
  return spans;
}

/**
 * The next capitalised word at or after `from`, as the single pattern in the comment on
 * `CAPITAL_START` would find it, without a match object: true with `found` set to where it is,
 * false when there is none. Exported for the test that holds it to that pattern.
 */
export function nextCapitalised(text: string, from: number, found: { start: number; end: number }): boolean {
  let at = from;
  while (at < text.length) {
    CAPITAL_START.lastIndex = at;
    if (!CAPITAL_START.test(text)) return false;
    const after = CAPITAL_START.lastIndex;
    // The capital letter is one UTF-16 unit, or two (a surrogate pair).
    const start = after - (after >= 2 && isLowSurrogate(text.charCodeAt(after - 1)) ? 2 : 1);
    CAPITALISED_AT.lastIndex = start;
    if (CAPITALISED_AT.test(text)) {
      found.start = start;
      found.end = CAPITALISED_AT.lastIndex;
      return true;
    }
    at = after;
  }
  return false;
}

const WORD = { start: 0, end: 0 };

/** Capitalised words in a row, as `detectNamesFast` collects them (arrays reused, `length` valid). */
interface Run {
  length: number;
  starts: number[];
  ends: number[];
  /** The words as written (a final dot of more than a letter cut off). */
  raws: string[];
}

const RUN: Run = { length: 0, starts: [], ends: [], raws: [] };

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function particleGap(gap: string): boolean {
  const inner = gap.trim();
  return PARTICLES.has(inner) && gap === ` ${inner} `;
}

/** What a capitalised word is, once per distinct word and gazetteer (a pure function of the word). */
interface WordClass {
  /** Characters cut off the end ("Smith's" → 2). */
  cut: number;
  key: string;
  bare: string;
  kind: Kind;
  /** A name word or a form of address: the run needs a closer look. */
  look: boolean;
}

/** Distinct words remembered per gazetteer before the memo starts afresh (bounds memory on odd input). */
const WORD_CLASS_ENTRIES = 50000;

function wordClass(raw: string, g: Gazetteer): WordClass {
  let known = g.wordClasses.get(raw);
  if (known) return known;
  let cut = 0;
  let stem = raw;
  const apostrophe = g.suffixAfterApostrophe ? raw.search(/['’]/) : -1;
  if (apostrophe > 0) {
    stem = raw.slice(0, apostrophe);
    cut = raw.length - apostrophe;
  } else if (raw.endsWith("'s") || raw.endsWith('’s')) {
    stem = raw.slice(0, -2);
    cut = 2;
  }
  const key = g.fold ? g.fold(stem) : stem.toLowerCase();
  const bare = key.endsWith('.') ? key.slice(0, -1) : key;
  const kind = classify(key, stem, g);
  known = { cut, key, bare, kind, look: NAME_KINDS.has(kind) || g.honorifics.has(bare) };
  if (g.wordClasses.size >= WORD_CLASS_ENTRIES) g.wordClasses.clear();
  g.wordClasses.set(raw, known);
  return known;
}

function acceptRun(text: string, run: Run, g: Gazetteer, spans: PiiSpan[]): void {
  // Most runs are one capitalised ordinary word at a sentence start: nothing more to look at.
  let worthALook = false;
  for (let k = 0; k < run.length && !worthALook; k++) worthALook = wordClass(run.raws[k], g).look;
  if (!worthALook) return;
  const tokens = new Array<Token>(run.length);
  for (let k = 0; k < run.length; k++) {
    const c = wordClass(run.raws[k], g);
    tokens[k] = { start: run.starts[k], end: run.ends[k] - c.cut, key: c.key, bare: c.bare, kind: c.kind };
  }
  if (tokens.length > 1) markMultiWordPlaces(tokens, g);
  if (g.streetsAfter && streetAfter(text, tokens[tokens.length - 1].end, g.streetsAfter, g)) return;
  acceptTokens(text, tokens, g, spans);
}

/** A name word the lists know only in another case form ("Annan", "Erikával", "Ивану"). */
function inflectedName(t: Token, g: Gazetteer): boolean {
  return (t.kind === 'given' || t.kind === 'surname' || t.kind === 'ambiguous') && !g.given.has(t.key) && !g.surnames.has(t.key);
}

const lowerCase = (word: string, g: Gazetteer) => (g.fold ? g.fold(word) : word.toLowerCase());

/** Whether the lower-case word right after `end` is one of `streets` ("Kossuth Lajos utca"). */
function streetAfter(text: string, end: number, streets: Set<string>, g: Gazetteer): boolean {
  const next = /^[ \t]+(\p{Ll}+)/u.exec(text.slice(end, end + 24))?.[1];
  return next !== undefined && streets.has(lowerCase(next, g));
}

/**
 * A form of address after the name ("Ahmet Bey", "Ayşe Hanım'a", "Mehmet bey"): the name words
 * right before it are a name whatever the lists say; the rest of the run is judged on its own.
 * False when the run has none.
 */
function acceptBeforePostHonorific(text: string, tokens: Token[], post: Set<string>, g: Gazetteer, spans: PiiSpan[]): boolean {
  let p = tokens.findIndex((t) => post.has(t.bare));
  let rest = p + 1;
  if (p < 0) {
    // Written in lower case, it follows the run: "Ahmet bey".
    const last = tokens[tokens.length - 1];
    const next = /^[ \t]+(\p{L}+)/u.exec(text.slice(last.end, last.end + 24))?.[1];
    if (!next || !post.has(lowerCase(next, g))) return false;
    p = rest = tokens.length;
  }
  let s = p;
  while (s > 0 && tokens[s - 1].kind !== 'stop' && !g.honorifics.has(tokens[s - 1].bare) && !g.notPersonAfter.has(tokens[s - 1].key)) s--;
  if (s < p) push(text, tokens[s].start, tokens[p - 1].end, spans);
  if (s > 0) acceptTokens(text, tokens.slice(0, s), g, spans);
  if (rest < tokens.length) acceptTokens(text, tokens.slice(rest), g, spans);
  return true;
}

/**
 * A capitalised run right after an "@": a mention in a chat (Slack, Discord, Teams, WhatsApp write
 * "@Dana Lee"). An e-mail's "@" ("jane@Example.com") never gets here: `CAPITAL_START` starts no
 * word after an "@" glued to a word. Not a handle written in camel case ("@AppleSupport",
 * "@AmazonHelp": a brand's account on social media more often than a person's).
 */
function isMention(text: string, start: number, end: number): boolean {
  return start >= 1 && text.charCodeAt(start - 1) === 0x40 && !/\p{Ll}\p{Lu}/u.test(text.slice(start, end));
}

function acceptTokens(text: string, tokens: Token[], g: Gazetteer, spans: PiiSpan[]): void {
  if (g.postHonorifics && acceptBeforePostHonorific(text, tokens, g.postHonorifics, g, spans)) return;
  // A form of address inside the run ("O Sr. Anselmo Rebelo", "Thanks Dr Smith") starts a run of
  // its own, unless it is also a given name (Vietnamese "Lan Anh").
  const h = tokens.findIndex((t, k) => k > 0 && g.honorifics.has(t.bare) && !g.nameHonorifics?.has(t.bare));
  if (h > 0) {
    acceptTokens(text, tokens.slice(0, h), g, spans);
    acceptTokens(text, tokens.slice(h), g, spans);
    return;
  }
  // "Hilsen Thorkild Aagesen", "Terveisin Ossi Rautiainen", "Фамилия Гончаренко", "Hej Per": a cue
  // or greeting written with a capital inside the run; what follows it is read as after the cue. (Languages of
  // `casedLanguages.ts` only, the ones with a `fold`: English and western runs are judged as before.)
  if (g.fold) {
    const c = tokens.findIndex((t, k) => k < tokens.length - 1 && (g.nameCues.has(t.key) || g.weakCues.has(t.key)));
    if (c >= 0) {
      if (c > 0) acceptTokens(text, tokens.slice(0, c), g, spans);
      acceptTokens(text, tokens.slice(c + 1), g, spans);
      return;
    }
  }

  // Forms of address open the run ("Dr Cettina Fanucci", "Herr Müller"); the name follows them.
  // So does a mention ("@Dana Lee", "@Ana": chat apps write the person's name after "@").
  let strong = isMention(text, tokens[0].start, tokens[0].end);
  let i = 0;
  while (i < tokens.length && g.honorifics.has(tokens[i].bare)) {
    strong = true;
    i++;
  }
  if (!strong && !tokens.some((t) => NAME_KINDS.has(t.kind))) return;
  const before = wordsBefore(text, tokens[0].start, g.fold);
  const phrases = trailingPhrases(before);
  if (!strong && before.length) {
    const last = before[before.length - 1];
    if (g.honorifics.has(last) || phrases.some((p) => g.nameCues.has(p))) strong = true;
  }
  // A greeting, thanks or "and" cues the words of its own sentence only: "Hej Hans!" but not
  // "Hej! Hans order är klar." ("his order"), unless the run stands alone on its line, as a name
  // signs off after "Thanks!" or "Tack!".
  const cue = strong ? -1 : phrases.findIndex((p) => g.weakCues.has(p));
  const weak =
    cue >= 0 && (cue < wordsInSentenceBefore(text, tokens[0].start) || aloneOnLine(text, tokens[0].start, tokens[tokens.length - 1].end));
  const sentenceStart = i === 0 && isSentenceStart(text.slice(Math.max(0, tokens[0].start - 8), tokens[0].start));
  // "улица Пушкина", "tiếng Anh", "ul. Kościuszki": a street, language or company, not a person.
  const placeCue = !strong && i === 0 && g.placeCues !== undefined && phrases.some((p) => g.placeCues?.has(p));
  const placeBefore =
    !strong &&
    i === 0 &&
    (phrases.some((p) => PLACE_CUES.has(p)) || /\d,?[ \t]+$/.test(text.slice(Math.max(0, tokens[0].start - 4), tokens[0].start)));

  // After a form of address or "my name is", the next words are the name whatever else they are
  // ("Mr. Manning", "my name is Grace Stone").
  if (strong) {
    let j = i;
    while (j < tokens.length && tokens[j].kind !== 'stop' && !g.notPersonAfter.has(tokens[j].key)) j++;
    if (j > i && tokens.slice(i, j).some((t) => t.kind !== 'initial')) push(text, tokens[i].start, tokens[j - 1].end, spans);
    if (j >= tokens.length) return;
    i = j;
  }

  let segmentStart = -1;
  for (let j = i; j <= tokens.length; j++) {
    const nameLike = j < tokens.length && NAME_KINDS.has(tokens[j].kind) && !g.notPersonAfter.has(tokens[j].key);
    if (nameLike && segmentStart < 0) segmentStart = j;
    if (!nameLike && segmentStart >= 0) {
      // Context belongs to the words right after it, not to a later part of the run.
      const first = segmentStart === i && !strong;
      let segment = tokens.slice(segmentStart, j);
      // "Puhuin Annan", "Beszéltem Erikával", "Позвоните Ивану": a sentence's first word that no
      // list knows, before a name in a case form, is a verb (these languages drop the pronoun and
      // mark the person by the ending), not a first name.
      if (g.lemmaKind && first && sentenceStart && segment.length >= 2 && segment[0].kind === 'unknown' && inflectedName(segment[1], g))
        segment = segment.slice(1);
      const next = tokens.at(j);
      const last = segment[segment.length - 1];
      // "Kevin Brown", "Jane Roe", "Mark Price": an ordinary word ending the run right after a
      // given name that opens it is the surname (the surname lists leave out words that are also
      // ordinary words); a place or organisation word there is not ("Florence Road"), nor a run
      // that an ordinary word opens ("the Royal Albert Hall").
      const surname =
        segmentStart === i &&
        next !== undefined &&
        next.kind === 'common' &&
        j === tokens.length - 1 &&
        segment.some((t) => t.kind === 'given') &&
        !g.notPersonAfter.has(next.key);
      if (
        acceptSegment(segment, g, {
          weak: weak && first,
          sentenceStart: sentenceStart && first,
          // "Exversion Orchestra", "Martinez Mall", "Shelly Park": a place or organisation word after it.
          followedByOther: next !== undefined && !surname && (next.kind !== 'stop' || g.notPersonAfter.has(next.key)),
          placeBefore: placeBefore && first,
          // "Jalan Sudirman", "Улица Пушкина": the place cue capitalised inside the run.
          placeCue: (placeCue && first) || (segmentStart > 0 && g.placeCues?.has(tokens[segmentStart - 1].key) === true),
          speaker: sentenceStart && first && text[last.end] === ':',
          patronymic: segment.some((t, k) => k > 0 && PATRONYMICS.has(text.slice(segment[k - 1].end, t.start).trim())),
          aloneOnLine: tokens.length === 1 && aloneOnLine(text, segment[0].start, last.end),
          nextWord: next ? undefined : /^[ \t]+(\p{Ll}+)/u.exec(text.slice(last.end, last.end + 24))?.[1],
        })
      ) {
        push(text, segment[0].start, surname ? next.end : last.end, spans);
      }
      segmentStart = -1;
    }
  }
}

// What follows a sentence-initial name: "Shovda is …", "Mehrudin shouted …", "Kónya and Becker …".
const SUBJECT_VERBS = new Set(
  words(
    'is|was|has|had|and|or|said|says|told|asked|wrote|will|would|can|could|did|does|shouted|called|replied|' +
      'answered|helped|sent|went|came|left|lives|lived|works|worked|thinks|thought|wants|wanted|needs|needed|' +
      'began|started|got|gets|here|speaking|from|at|of|who|also',
  ),
);

function push(text: string, start: number, end: number, spans: PiiSpan[]): void {
  spans.push({ type: 'PERSON', start, end, value: text.slice(start, end), source: 'local-ner' });
}

function aloneOnLine(text: string, start: number, end: number): boolean {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  let lineEnd = text.indexOf('\n', end);
  if (lineEnd < 0) lineEnd = text.length;
  return /^[\s>*-]*$/.test(text.slice(lineStart, start)) && /^[\s.,;]*$/.test(text.slice(end, lineEnd));
}

// Words that make the capitalised words before them a place, street or organisation.
const NOT_PERSON_AFTER = new Set(
  words(
    'street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|blvd|way|court|ct|place|pl|square|sq|terrace|parkway|' +
      'highway|circle|crescent|close|grove|gardens|row|walk|hill|park|trail|path|pike|alley|plaza|mews|wharf|quay|' +
      'creek|ridge|heights|point|crossing|loop|run|ferry|harbor|harbour|view|vista|junction|estate|estates|meadows|' +
      'springs|station|village|ville|mall|bypass|pass|gateway|greens|green|union|radial|fort|port|island|islands|' +
      'inc|ltd|llc|plc|gmbh|group|technologies|technology|corporation|corp|company|co|club|orchestra|band|bank|' +
      'university|college|school|academy|hospital|clinic|hotel|airport|centre|center|foundation|institute|' +
      'partners|associates|holdings|solutions|systems|services|labs|studio|studios|media|records|insurance|' +
      'airlines|airways|motors|pharma|foods|bakery|restaurant|cafe|store|stores|shop|market|county|city|state|' +
      'valley|lake|river|mountain|mountains|beach|bay|coast|north|south|east|west|country',
  ),
);

function acceptSegment(
  segment: Token[],
  g: Gazetteer,
  context: {
    weak: boolean;
    sentenceStart: boolean;
    followedByOther: boolean;
    placeBefore: boolean;
    /** A place cue of the language before it (`Gazetteer.placeCues`). */
    placeCue: boolean;
    speaker: boolean;
    /** Two words joined by a particle of `PATRONYMICS`. */
    patronymic: boolean;
    aloneOnLine: boolean;
    /** The lower-case word right after the segment, if any. */
    nextWord?: string;
  },
): boolean {
  const kinds = segment.map((t) => t.kind);
  const count = (k: Kind) => kinds.filter((x) => x === k).length;
  const letters = segment.filter((t) => t.kind !== 'initial');
  if (!letters.length) return false;
  if (context.patronymic) return true;
  const anchored = count('given') + count('surname');
  if (context.followedByOther && !(anchored && letters.length >= 2)) return false;
  if (g.unknownRuns) {
    // "from Kenosha", "grew up in Remniku", "1634, Goiânia": a single word after a preposition of
    // place or right after a number (a house number, postcode) is a place, unless a list says name.
    if (context.placeBefore && letters.length === 1 && !count('surname') && !(count('given') && !g.places.has(letters[0].key)))
      return false;
    // English: a known given name or surname anchors the run.
    if (anchored) return true;
    const unknown = count('unknown') + count('foreignGiven');
    const ambiguous = count('ambiguous');
    if (unknown + ambiguous !== letters.length) return false;
    // "Heather: I'm Daniel's daughter": a speaker's name before a colon.
    if (context.speaker) return true;
    if (ambiguous && letters.length >= 2 && (unknown || !context.sentenceStart)) return true;
    if (context.weak) return true;
    if (ambiguous) return false;
    // Capitalised words no list knows: a foreign name, unless alone on its line (a company line of
    // a letterhead or an address block's town) or a sentence's first word that does not read as
    // its subject ("Resend my receipt", "Pls check"; but "Shovda is very reliable").
    if (letters.length === 1 && context.aloneOnLine) return false;
    if (letters.length === 1 && context.sentenceStart && context.nextWord && !SUBJECT_VERBS.has(context.nextWord)) return false;
    return true;
  }
  // Other languages: only a gazetteer word or context makes a name (German nouns are capitalised).
  if (context.placeCue) return false;
  if (g.familyNameFirst) {
    // "Phương thức", "Linh kiện", "An toàn": a sentence's first syllable is capitalised, and many
    // given names are syllables of everyday words; a name of one syllable needs a cue.
    if (letters.length === 1 && !context.weak) return false;
    // "Nguyễn Văn An", "Trần Thị Mai": a family name opens the name.
    if (letters.length >= 2 && segment[0].kind === 'surname') return true;
  }
  if (count('given')) return true;
  // "Вера Петрова", "Deniz Yılmaz": a given name that is also a word, next to a surname.
  if (count('ambiguous') && count('surname') && letters.length >= 2) return true;
  if (count('foreignGiven') && letters.length >= 2 && (count('surname') || count('foreignGiven') >= 2)) return true;
  if (context.weak && letters.length === count('foreignGiven') + count('surname') + count('ambiguous') + count('given')) return true;
  return false;
}

// A preposition of place, or a number and a comma (after a house number or postcode), right before.
// Employers and companies likewise ("I work for Deloitte", "the address of Persint").
const PLACE_CUES = new Set(
  words(
    'in|from|to|at|near|via|into|towards|around|outside|inside|visit|visiting|where|city|town|country|' +
      'work for|works for|worked for|working for|work at|works at|worked at|working at|employed by|address of|' +
      'recorded for|shop at|shopped at|bought from|bought at|bought it from|bought it at|the|a|an',
  ),
);

/**
 * Up to four words before `start` (normalised as `normalisePhrase` would: lower case, straight
 * apostrophes, punctuation and white space between words; a line break or sentence end stops
 * nothing: "Regards,\nJohn"). The window is the 48 characters before `start`, scanned backwards
 * without building the normalised window.
 */
function wordsBefore(text: string, start: number, fold?: (word: string) => string): string[] {
  const from = Math.max(0, start - 48);
  const out: string[] = [];
  let end = start;
  while (out.length < 4) {
    while (end > from && isPhraseBreak(text.charCodeAt(end - 1))) end--;
    if (end <= from) break;
    let begin = end - 1;
    while (begin > from && !isPhraseBreak(text.charCodeAt(begin - 1))) begin--;
    const word = text.slice(begin, end);
    out.push(fold ? fold(word) : word.toLowerCase().replace(/’/g, "'"));
    end = begin;
  }
  return out.reverse();
}

/**
 * How many words stand between the last sentence end (".", "!", "?", "…") and `start`, in the
 * window `wordsBefore` reads; a line break alone ends no sentence ("Thanks,\nJohn"), nor the dot
 * of an abbreviation without a vowel ("Yth. Indah", Indonesian "Dear").
 */
function wordsInSentenceBefore(text: string, start: number): number {
  const from = Math.max(0, start - 48);
  let count = 0;
  let inWord = false;
  for (let k = start - 1; k >= from; k--) {
    const code = text.charCodeAt(k);
    if (code === 33 || code === 63 || code === 0x2026) break;
    if (code === 46 && !ABBREVIATION_BEFORE.test(text.slice(Math.max(0, k - 6), k))) break;
    const phraseBreak = isPhraseBreak(code);
    if (!phraseBreak && !inWord) count++;
    inWord = !phraseBreak;
  }
  return count;
}

/** A word of ASCII consonants ending where the dot follows ("Yth", "Sdr", "Bpk"). */
const ABBREVIATION_BEFORE = /(?<![\p{L}\p{M}])[b-df-hj-np-tv-z]+$/iu;

const PHRASE_BREAK = /[\s,:;.!?]/;
/** White space (as `\s` has it) or the punctuation `normalisePhrase` turns into a space. */
function isPhraseBreak(code: number): boolean {
  if (code === 32 || code === 44 || code === 46 || code === 58 || code === 59 || code === 33 || code === 63) return true;
  if (code < 128) return code >= 9 && code <= 13;
  return PHRASE_BREAK.test(String.fromCharCode(code));
}

/** The last 1, 2, 3 and 4 of `words` (as many as there are), each joined by spaces: ["c", "b c", "a b c"]. */
function trailingPhrases(words: string[]): string[] {
  const phrases: string[] = [];
  let phrase = '';
  for (let k = words.length - 1; k >= 0 && k >= words.length - 4; k--) {
    phrase = phrase ? `${words[k]} ${phrase}` : words[k];
    phrases.push(phrase);
  }
  return phrases;
}

function isSentenceStart(before: string): boolean {
  for (let k = before.length - 1; k >= 0; k--) {
    const c = before[k];
    if (
      c === ' ' ||
      c === '\t' ||
      c === '"' ||
      c === '“' ||
      c === '(' ||
      c === '«' ||
      c === "'" ||
      c === '-' ||
      c === '*' ||
      c === '>' ||
      c === '•'
    )
      continue;
    return SENTENCE_END.test(c);
  }
  return true;
}

/** "New York", "Abu Dhabi", "United Kingdom": consecutive words that together name a place. */
function markMultiWordPlaces(tokens: Token[], g: Gazetteer): void {
  for (let i = 0; i + 1 < tokens.length; i++) {
    const two = `${tokens[i].key} ${tokens[i + 1].key}`;
    const three = i + 2 < tokens.length ? `${two} ${tokens[i + 2].key}` : '';
    const n = three && (g.places.has(three) || g.organisations.has(three)) ? 3 : g.places.has(two) || g.organisations.has(two) ? 2 : 0;
    if (!n) continue;
    const kind: Kind = g.places.has(n === 3 ? three : two) ? 'place' : 'organisation';
    for (let k = i; k < i + n; k++) tokens[k].kind = kind;
  }
}

/** What `language`'s lists say about the words of a detected name, for finding the name again (repeatedNames.ts). */
export interface NameWordLookup {
  /**
   * Whether the word is also something else the lists know: an ordinary word ("Will", "Mark",
   * "Rose"), a stop word or form of address, a place or an organisation ("Paris", "Apple").
   */
  isAlsoAnotherWord(word: string): boolean;
  /** Whether the lists hold the word as a given name of its own ("Alexis", not "Hyatt"). */
  isListedGivenName(word: string): boolean;
  /** Whether the word makes the capitalised words before it a street or an organisation ("Avenue", "Hotel"). */
  makesPlaceBefore(word: string): boolean;
}

/** The lookup for `language`; undefined for a language without a gazetteer (no letter case, or none at all). */
export function nameWordLookup(language: string): NameWordLookup | undefined {
  if (!hasGazetteer(language)) return undefined;
  const g = nameGazetteer(language);
  const key = (word: string) => lowerCase(word, g);
  return {
    isAlsoAnotherWord: (word) => {
      const k = key(word);
      return g.common.has(k) || g.stop.has(k) || g.honorifics.has(k) || g.places.has(k) || g.organisations.has(k);
    },
    isListedGivenName: (word) => g.given.has(key(word)),
    makesPlaceBefore: (word) => g.notPersonAfter.has(key(word)),
  };
}

/** Languages read by capitalised-word rules have a gazetteer; those without letter case have their own rules (uncasedNames.ts). */
function hasGazetteer(language: string): boolean {
  return NAME_DETECTOR_LANGUAGES.includes(language) && !UNCASED_NAME_LANGUAGES.includes(language);
}
