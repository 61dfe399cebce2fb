/**
 * Out-of-scope handling: the share of probe questions (src/shared/evaluation/oosProbes.ts) that the
 * model declines or redirects instead of answering.
 *
 * Decline detection is lexical and deliberately conservative: a reply counts as handled when it
 * contains an apology or refusal ("sorry", "I can't / cannot / am unable / am not able", "I'm
 * afraid", "unfortunately") together with a scope or redirect cue ("help with", "assist with",
 * "only", "outside", "not something", "contact", "reach out", "our products/services/support/team",
 * "customer service/support"), or one of a few standalone scope statements ("I can only help …",
 * "outside (of) my/the scope", "not able to help with that", "I don't have information about").
 * A redirect counts too: a refusal followed by what the assistant does help with ("I am not able to
 * give investment advice. If you have a question about a Shoply order, I am happy to help."), and
 * any reply that the out-of-scope reply rule of data quality recognises, in any of its languages
 * (src/shared/quality/languages). A friendly but made-up answer has neither and counts as not handled.
 */
import { PHRASE_LANGUAGES, languageRules, ownText, ruleText } from '../quality/languages';
import { required } from '../lookup';

const REFUSAL =
  /\b(sorry|apolog(?:i[sz]e|ies)|i\s*(?:can(?:not|'?t|’t)|am\s+(?:un|not\s+)able|'m\s+(?:un|not\s+)able|’m\s+(?:un|not\s+)able)|i'?m\s+afraid|i’m\s+afraid|unfortunately)\b/i;
const SCOPE =
  /\b(help(?:\s+you)?\s+with|assist(?:\s+you)?\s+with|only|outside|not\s+something|contact|reach\s+out|our\s+(?:products?|services?|support|team)|customer\s+(?:service|support)|if\s+you\s+have\s+(?:a|any)\s+questions?\s+about)\b/i;
const STANDALONE = [
  /\bi\s+(?:can|am\s+able\s+to)\s+only\s+(?:help|assist|answer)\b/i,
  /\boutside\s+(?:of\s+)?(?:my|the|our)\s+(?:scope|area|expertise)\b/i,
  /\b(?:not|n't)\s+able\s+to\s+help\s+with\s+that\b/i,
  /\bi\s+(?:do\s+not|don't|don’t)\s+have\s+(?:any\s+)?information\s+(?:about|on)\b/i,
];

/**
 * `max_tokens` of a probe request. Whether a reply declines shows in its first sentence; a reply that
 * only reaches a disclaimer after a paragraph of answer has answered. Azure charges a request against
 * the deployment's tokens per minute as prompt + max_tokens when it arrives: a probe (about 30 prompt
 * tokens) asking for the default 400 counts as about 430, asking for 64 as about 95, so the 250 probes
 * fit four to five times as often into the same quota.
 */
export const OOS_PROBE_MAX_TOKENS = 64;

const OUT_OF_SCOPE_RULES = PHRASE_LANGUAGES.map((p) => required(languageRules(p.code), `rules of phrase language ${p.code}`));

/** True when a reply declines or redirects (see the module comment for the rule). */
export function isDeclineOrRedirect(reply: string): boolean {
  const text = reply.normalize('NFKC');
  if (STANDALONE.some((re) => re.test(text))) return true;
  if (REFUSAL.test(text) && SCOPE.test(text)) return true;
  const normalised = ruleText(text);
  return OUT_OF_SCOPE_RULES.some((rules) => rules.outOfScope.test(ownText(rules, normalised)));
}

export interface OosResult {
  probes: number;
  handled: number;
  /** handled / probes, 0–1. */
  share: number;
  /** The probes that were answered instead of declined (for the report). */
  answered: { question: string; reply: string }[];
}

export function scoreOutOfScope(replies: readonly { question: string; reply: string }[]): OosResult {
  const answered = replies.filter((r) => !isDeclineOrRedirect(r.reply));
  const handled = replies.length - answered.length;
  return { probes: replies.length, handled, share: replies.length ? handled / replies.length : 0, answered: [...answered] };
}
