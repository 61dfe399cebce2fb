import type { DetectedLanguage } from '../../language/detect';
import { WESTERN_NAME_LANGUAGES } from './gazetteer/languages';

const LETTER = /\p{L}/gu;
const LATIN_LETTER = /\p{Script=Latin}/u;

/** Whether at least half the letters of `text` are Latin (none: false). */
function mostlyLatin(text: string): boolean {
  let letters = 0;
  let latin = 0;
  for (const m of text.matchAll(LETTER)) {
    letters++;
    if (LATIN_LETTER.test(m[0])) latin++;
  }
  return letters > 0 && latin * 2 >= letters;
}

/**
 * Letters that only one of the Latin-script languages with name rules of their own writes, among
 * the languages tinyld confuses them with: a guess of that language is taken seriously with them.
 */
const OWN_LETTERS: Record<string, RegExp> = {
  pl: /[ąćęłńśźżĄĆĘŁŃŚŹŻ]/u,
  tr: /[ğışİĞŞ]/u,
  // Swedish å/ä/ö, Danish and Norwegian æ/ø/å: English never writes them, German and Finnish only ä/ö.
  sv: /[åäöÅÄÖ]/u,
  da: /[æøåÆØÅ]/u,
  no: /[æøåÆØÅ]/u,
  cs: /[ěřůĚŘŮ]/u,
  ro: /[ășțţĂȘȚŢ]/u,
  hu: /[őűŐŰ]/u,
  vi: /[ăđơưĂĐƠƯĩũỹĨŨỸạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷ]/u,
};

/**
 * Codes a hint may carry for a language the name rules know under another code: Norwegian Bokmål
 * and Nynorsk (tinyld answers `no`), Malay (tinyld answers `id`; the Indonesian lists hold the
 * Malay names too).
 */
const NAME_LANGUAGE_ALIASES: Record<string, string> = { nb: 'no', nn: 'no', ms: 'id' };

/** The code whose name rules apply to a text in `code`. */
export function nameRulesCode(code: string): string {
  return Object.hasOwn(NAME_LANGUAGE_ALIASES, code) ? NAME_LANGUAGE_ALIASES[code] : code;
}

/** Whether an unsure guess of `code` is followed as it is (`conversationLanguage` asks too). */
export function followsUnsureGuess(code: string): boolean {
  return WESTERN_NAME_LANGUAGES.includes(code);
}

/**
 * The language a conversation is taken for, from tinyld's answer on `sample` (its text): a
 * reliable answer is followed (Russian, Polish, Turkish… then get their own name rules), and so is
 * an unsure guess of de/fr/es/it/pt/nl; a short or mixed text in Latin letters that tinyld cannot
 * judge, whose best guess is another language ("I was billed twice, my name is Pierre Martin" →
 * `af`), is taken for English, the pipeline's usual input — unless the guess is Polish, Turkish or
 * Vietnamese and the text has letters only that language writes ("ł", "ğ", "ơ"). A text mostly in
 * another script keeps its guess (a short Japanese or Russian conversation is not English), and so
 * does `und` (no answer). The language stage stores what this gives, and the PII stage applies the
 * same rule when it detects the language itself.
 */
export function languageOrEnglish(detected: Pick<DetectedLanguage, 'code' | 'reliable'>, sample: string): string {
  // tinyld's Klingon model wins on some Swedish sentences ("Hej, jag heter Anna Lindqvist och min
  // beställning …"); Klingon is written without å, ä and ö.
  if (detected.code === 'tlh' && OWN_LETTERS.sv.test(sample)) return 'sv';
  if (detected.reliable || detected.code === 'und' || followsUnsureGuess(detected.code)) return detected.code;
  if (!mostlyLatin(sample)) return detected.code;
  const own = Object.hasOwn(OWN_LETTERS, detected.code) ? OWN_LETTERS[detected.code] : undefined;
  return own?.test(sample) ? detected.code : 'en';
}
