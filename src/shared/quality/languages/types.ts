/**
 * Phrase lists of one language for the reply rules and the safety screen. Each entry is a regular
 * expression source (case-insensitive, Unicode), matched on text whose apostrophes were unified
 * (’ → ') and whose whitespace was collapsed; entries of `questionStart` must open a sentence,
 * entries of `filler` and `hedge` must be a whole sentence, every other entry may occur anywhere
 * but only as whole words (no letter or digit on either side).
 *
 * To add a language: write a file like `en.ts`, list it in `index.ts`, and add labelled turns of
 * that language to test/fixtures/corpora/rule_labels (the tests measure every rule per language).
 */
export interface LanguagePhrases {
  /** ISO 639-1 code, as the language detector reports it. */
  code: string;
  /** Sentence openings that make a question ("how", "can", "wie", "est-ce que"). */
  questionStart: string[];
  /** Words that ask for something or name a problem ("refund", "not working", "Rückerstattung"). */
  request: string[];
  /** Greetings, thanks and sign-offs: removed before a customer turn is judged a statement of a problem. */
  phatic: string[];
  /** An agent passing the customer on instead of answering. */
  handoff: string[];
  /** Apology words: a reply containing one is checked for an answer beyond the apology. */
  apology: string[];
  /** Whole sentences that only apologise, thank or fill time. */
  filler: string[];
  /** An agent declining because the question is outside what it may or can help with. */
  outOfScope: string[];
  /** Whole sentences that hedge without answering ("Hmm, it depends."). */
  hedge: string[];
  /** An agent refusing (used to tell whether an unsafe request was followed or declined). */
  refusal: string[];
  /** Requests an agent must not follow (harm, prompt injection). */
  unsafeRequest: string[];
  /** Slurs and strong profanity in this language, matched as whole words in assistant turns. */
  abusive: string[];
}
