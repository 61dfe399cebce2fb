/**
 * Words of a text in any script, without a dictionary. Letters and digits form words between
 * anything else (spaces, punctuation, symbols), as in most scripts; in the scripts written without
 * spaces between words (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar, Tibetan) every
 * character is a token of its own, as sacreBLEU's `zh` and `char` tokenisers treat them. A
 * Japanese reply is then a string of tokens rather than one huge "word".
 *
 * Apostrophes inside a word are dropped rather than split on, so "don't", "don’t" and "dont" are
 * the same token and a copy of a text without punctuation keeps the same words.
 */

/** Characters of scripts written without spaces between words. */
const UNSPACED =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}ー々〆]/u;
const TOKEN =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}ー々〆][\p{M}]*|[\p{L}\p{N}\p{M}]+/gu;
const APOSTROPHE = /(?<=[\p{L}\p{N}])['’‘ʼ`´](?=[\p{L}\p{N}])/gu;
// Zero-width non-joiner and joiner: kept in Persian, Indic and emoji text by the ingest clean-up
// (`normalizeText`), but they change how letters are drawn, not which word it is ("می‌خواهم" is one
// word), so they are dropped here as apostrophes are.
const JOINER = /[\u200c\u200d]/g;

/** NFKC, lower case, inner apostrophes and zero-width (non-)joiners removed: the form words are compared in. */
export function foldText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(APOSTROPHE, '').replace(JOINER, '');
}

/** Word tokens of `text` (folded: NFKC, lower case, no inner apostrophes). */
export function wordTokens(text: string): string[] {
  const folded = foldText(text);
  const out: string[] = [];
  for (const match of folded.matchAll(TOKEN)) {
    const token = match[0];
    // A run mixing spaced and unspaced letters ("iphone用") splits at the script change.
    if (token.length > 1 && UNSPACED.test(token) && !UNSPACED.test(token[0])) {
      for (const part of token.split(new RegExp(`(?=${UNSPACED.source})`, 'u'))) if (part) out.push(part);
    } else out.push(token);
  }
  return out;
}

/** True when the text contains characters of a script written without spaces. */
export function hasUnspacedScript(text: string): boolean {
  return UNSPACED.test(text);
}
