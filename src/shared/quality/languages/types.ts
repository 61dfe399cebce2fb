/**
 * Phrase lists of one language for the reply rules and the safety screen. Each entry is a regular
 * expression source (case-insensitive, Unicode), matched on text whose apostrophes were unified
 * (’ → ') and whose whitespace was collapsed; entries of `questionStart` must open a sentence,
 * entries of `apologySentence`, `acknowledgementSentence`, `filler` and `hedge` must be a whole
 * sentence (a clause), every other entry may occur anywhere but only as whole words (no letter or
 * digit on either side). `\b.*` at the end of a whole-sentence entry lets the sentence run on for at
 * most ten more words: words of `apologyTail` only in `apologySentence`, of `acknowledgementTail`
 * only in `acknowledgementSentence`, any words in `filler` and `hedge`.
 *
 * To add a language: write a file like `en.ts` (like `tr.ts` for a language that needs `fold`), list
 * it in `index.ts`, add its "but" to `CLAUSE_BREAK` in rules.ts, and add labelled turns of that
 * language to test/fixtures/corpora/rule_labels (the tests measure every rule per language).
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
  /** Whole sentences that only apologise ("I'm so sorry for the inconvenience"). */
  apologySentence: string[];
  /**
   * The words an apology sentence may run on with, separated by white space (each a regular
   * expression source for one whole word): what the apology is for and how much ("for the long
   * wait", "about that", "to hear that", "again"). Any other word after an apology carries an
   * answer ("So sorry your parcel ships today and arrives Friday").
   */
  apologyTail: string;
  /** Whole sentences that only thank or acknowledge ("Thank you for your patience", "I understand", "Got it"). */
  acknowledgementSentence: string[];
  /**
   * The words a thanks or acknowledgement may run on with, as `apologyTail`: what the thanks is for
   * and how much, what is understood ("for reaching out", "so much", "your frustration"). Any other
   * word carries an answer ("Thanks your order ships today", "I understand your refund was issued
   * on Monday").
   */
  acknowledgementTail: string;
  /**
   * Whole sentences that only fill time ("bear with me", "anything else I can do?"), and apologies
   * that repeat the customer's problem back ("Sorry to hear your parcel was damaged"): their tail is
   * any words.
   */
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
  /**
   * Letters matched as other letters: the text is lower-cased the language's own way
   * (`toLocaleLowerCase(code)`) and each key letter replaced by its value, in the text and in every
   * entry (entries keep the proper spelling). For what the `i` flag cannot fold (Turkish İ → i and
   * I → ı: JavaScript folds I to i and İ to nothing) and for the diacritics customers leave out when
   * they type ("zamowienie", "siparis", е for ё).
   */
  fold?: Record<string, string>;
  /**
   * Words a reply must keep, once its apology, thanks and hedge clauses are removed, to count as an
   * answer (default 4). Fewer for a language that says in three words what English says in five
   * (Turkish "İadeniz bugün yapıldı": "your refund was made today").
   */
  minAnswerWords?: number;
  /**
   * Written without spaces between words (Chinese, Japanese, Thai): entries match anywhere, with no word
   * boundary around them (every neighbour is a letter), so each entry must be specific enough not
   * to occur inside a longer word ("滚蛋", never "滚", which is in "滚动" scroll). The tails of
   * apology and thanks sentences (`\b.*`, `apologyTail`) do not apply: entries are whole clauses.
   * Words are counted as characters (`minAnswerWords` is then characters).
   */
  unspaced?: boolean;
  /**
   * Words a customer turn must keep, once greetings and thanks are removed, to count as stating a
   * problem (default 4). More for a language whose words are counted as characters: "订单号是
   * 20260311889" (the order number is …) is five, and answers the agent's question.
   */
  minStatementWords?: number;
  /**
   * Whole replies that are one word said politely, for a language whose words are counted as
   * characters: a Thai "ครับ" or "ได้ค่ะ" is two to six characters, a Chinese "好的" two, a Japanese
   * "かしこまりました" eight, as many as a short answer ("ส่งแล้ว", "已发货", sent), so only these count
   * as a one-word reply (`short-reply`).
   */
  shortReply?: string[];
}
