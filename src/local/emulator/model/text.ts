/**
 * Text handling shared by the emulator's models: message text extraction, tokenisation for the
 * language model (words and punctuation) and normalised terms for retrieval and classification.
 */

/** A chat message as it appears in training files and chat requests (only what the models read). */
export interface ChatMessageLike {
  role: string;
  content?: unknown;
  weight?: number;
}

/** Text of a message whose content is a string or an array of content parts (`{type:"text", text}`). */
export function messageText(message: ChatMessageLike): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) =>
        part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : '',
      )
      .filter((t) => t.length > 0)
      .join('\n');
  }
  return '';
}

/** Lower-cased words (with inner apostrophes) and single punctuation marks, in order. */
export function lmTokens(text: string): string[] {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?|[^\s\p{L}\p{N}]/gu) ?? []
  );
}

// Function words carry no topic: left in, they make unrelated questions look similar to training
// contexts ("what is the ..."), which would defeat out-of-scope detection.
const STOPWORDS = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both but by can ' +
    'could did do does doing down during each few for from further had has have having he her here hers herself him himself his ' +
    'how i if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours ' +
    'ourselves out over own same she should so some such than that the their theirs them themselves then there these they this ' +
    'those through to too under until up very was we were what when where which while who whom why will with would you your ' +
    "yours yourself yourselves hi hello hey please thanks thank ok okay yes im i'm it's don't can't get got also like want need"
  ).split(' '),
);

/** Light stemming: enough to match "orders"/"order" and "charged"/"charge" without a dictionary. */
function stem(word: string): string {
  let w = word;
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  else if (w.length > 4 && w.endsWith('ies')) w = w.slice(0, -3) + 'y';
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  // "charge", "charged", "charges" and "charging" all end up as "charg".
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

/** Content terms for retrieval and classification: words without stopwords, lightly stemmed. */
export function contentTerms(text: string): string[] {
  const words =
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
  const terms: string[] = [];
  for (const raw of words) {
    const word = raw.replace(/’/g, "'");
    if (STOPWORDS.has(word)) continue;
    if (word.length < 2 && !/\d/.test(word)) continue;
    terms.push(stem(word.replace(/'s$/, '')));
  }
  return terms;
}

/** FNV-1a hash, used to derive seeds and stable ids from content. */
export function hash32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
