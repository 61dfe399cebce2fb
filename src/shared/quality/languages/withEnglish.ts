import { en } from './en';
import type { LanguagePhrases } from './types';

/** The phrase lists a language written in Latin letters adds to English (see `withEnglish`). */
export type AddedPhrases = Pick<
  LanguagePhrases,
  | 'questionStart'
  | 'request'
  | 'phatic'
  | 'handoff'
  | 'apology'
  | 'apologySentence'
  | 'apologyTail'
  | 'acknowledgementSentence'
  | 'acknowledgementTail'
  | 'filler'
  | 'outOfScope'
  | 'hedge'
  | 'refusal'
  | 'unsafeRequest'
  | 'abusive'
>;

/**
 * The English lists with a language's own added: for Hindi and Arabic typed in Latin letters,
 * where agents and customers switch to English mid-sentence ("Sorry sir, aapka refund process ho
 * gaya hai"), so a reply is judged by both. Word counts and the rest are English's.
 */
export function withEnglish(code: string, added: AddedPhrases): LanguagePhrases {
  return {
    ...en,
    code,
    questionStart: [...en.questionStart, ...added.questionStart],
    request: [...en.request, ...added.request],
    phatic: [...en.phatic, ...added.phatic],
    handoff: [...en.handoff, ...added.handoff],
    apology: [...en.apology, ...added.apology],
    apologySentence: [...en.apologySentence, ...added.apologySentence],
    apologyTail: `${en.apologyTail} ${added.apologyTail}`,
    acknowledgementSentence: [...en.acknowledgementSentence, ...added.acknowledgementSentence],
    acknowledgementTail: `${en.acknowledgementTail} ${added.acknowledgementTail}`,
    filler: [...en.filler, ...added.filler],
    outOfScope: [...en.outOfScope, ...added.outOfScope],
    hedge: [...en.hedge, ...added.hedge],
    refusal: [...en.refusal, ...added.refusal],
    unsafeRequest: [...en.unsafeRequest, ...added.unsafeRequest],
    abusive: [...en.abusive, ...added.abusive],
  };
}
