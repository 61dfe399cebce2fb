import type { DetectedLanguage } from '../../language/detect';
import { NAME_LANGUAGES } from './gazetteer/languages';

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
 * The language a conversation is taken for, from tinyld's answer on `sample` (its text): a
 * reliable answer, or a language the name detector covers, is followed; a short or mixed text in
 * Latin letters that tinyld cannot judge, whose best guess is a language without name rules
 * ("I was billed twice, my name is Pierre Martin" → `af`), is taken for English, the pipeline's
 * usual input. A text mostly in another script keeps its guess (a short Japanese or Russian
 * conversation is not English), and so does `und` (no answer). The language stage stores what this
 * gives, and the PII stage applies the same rule when it detects the language itself.
 */
export function languageOrEnglish(detected: Pick<DetectedLanguage, 'code' | 'reliable'>, sample: string): string {
  if (detected.reliable || detected.code === 'und' || NAME_LANGUAGES.includes(detected.code)) return detected.code;
  return mostlyLatin(sample) ? 'en' : detected.code;
}
