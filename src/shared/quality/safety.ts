import type { Conversation } from '../ingest/types';
import type { ConversationStage, StageResult } from '../dataset/stages';
import { englishRules, languageRules, ownText, ruleText, testRule, wordsPattern, type LanguageRules } from './languages';
import { conversationLanguage } from './language';
import { en } from './languages/en';
import { foldForMatching } from '../language/fullWidth';

/**
 * Safety screen. Azure runs its own safety evaluation on training data after the upload, and a
 * failure there costs the whole job; screening here quarantines the few offending conversations
 * instead. Four families:
 * - `safety-injection`: prompt-injection text in assistant (or system) turns — a model trained on
 *   it learns to obey or repeat it;
 * - `safety-secret`: credentials in any turn (API keys, tokens, private keys, `password: …`);
 * - `safety-abuse`: slurs and strong profanity of the conversation's language (whole words) in
 *   assistant (or system) turns. A customer's swearing is context, not what the model learns: it
 *   never drops the conversation. Languages without a word list are not screened for abuse;
 * - `safety-request`: a customer request the agent must not follow (instructions for weapons,
 *   breaking into someone else's account, "ignore previous instructions"…) that the next agent
 *   reply follows instead of refusing or redirecting.
 */
export type SafetyCategory = 'injection' | 'secret' | 'abuse' | 'request';

export interface SafetyOptions {
  /** Categories to screen for; default all four. */
  categories?: SafetyCategory[];
  /** Extra abusive words (lower case, whole-word match), added to the list of every language. */
  extraAbusiveWords?: string[];
}

const INJECTION: RegExp[] = [
  /\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+|the\s+|your\s+|my\s+)?(?:previous|prior|above|earlier|preceding|original)\s+(?:instructions?|prompts?|rules|directions|messages?)/i,
  /\b(?:ignore|disregard|forget|override|reveal|print|show|leak)\s+(?:the\s+|your\s+)?system\s+(?:prompt|message|instructions?)/i,
  /\byou\s+are\s+now\s+(?:in\s+)?(?:dan|developer\s+mode|jailbroken|unrestricted)\b/i,
  /\b(?:new|updated)\s+instructions?\s*:\s*(?:you|ignore|from now on)/i,
  /\bfrom\s+now\s+on,?\s+you\s+(?:will|must|are\s+to)\s+(?:ignore|disregard|obey|act as)/i,
  /<\|?(?:im_start|im_end|system|endoftext)\|?>/i,
];

// Shapes of well-known credentials. Vendors publish these prefixes so that scanners can find leaks.
const SECRETS: { kind: string; pattern: RegExp }[] = [
  { kind: 'openai-key', pattern: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/ },
  { kind: 'aws-access-key', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { kind: 'github-token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/ },
  { kind: 'slack-token', pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/ },
  { kind: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  { kind: 'private-key', pattern: /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----/ },
  { kind: 'azure-key', pattern: /\b(?:AccountKey|SharedAccessKey)=[A-Za-z0-9+/=]{20,}/ },
  { kind: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  // "password: hunter2", "pwd = ...", "passcode is 1234abcd" — a value right after the word.
  {
    kind: 'password',
    pattern: /\b(?:password|passwd|pwd|passcode|api[_ -]?key|secret[_ -]?key|access[_ -]?token)\s*(?:[:=]|\bis\b)\s*["']?[^\s"'.,;]{4,}/i,
  },
];

/**
 * Necessary conditions, one pass each over the lower-cased turn: every INJECTION pattern contains
 * one of these words, and every SECRETS pattern one of these prefixes (matched here without regard
 * to case, so more text passes than the patterns would take; lower-casing keeps every ASCII
 * letter's place). A turn without any skips the patterns; one with a hit is judged by the patterns
 * themselves, in their order, over the turn with its full-width punctuation folded. The prefixes
 * take the full-width forms of their punctuation too (－＿＝, U+3000 is \s), so a turn is folded
 * only when a pattern may match.
 */
const MAY_BE_INJECTION =
  /ignore|disregard|forget|override|bypass|system|you\s+are\s+now|instruction|from\s+now|im[_＿]start|im[_＿]end|endoftext/;
const MAY_BE_SECRET =
  /sk[-－]|akia|asia|gh[pousr][_＿]|github[_＿]pat[_＿]|xox[abprs][-－]|eyj|[-－]{5}begin|accountkey[=＝]|sharedaccesskey[=＝]|aiza|passw|pwd|passcode|api[_＿ 　\-－]?key|secret[_＿ 　\-－]?key|access[_＿ 　\-－]?token/;

/**
 * English slurs and strong profanity (the lists of every language are in ./languages/<code>.ts).
 * Kept deliberately short: words that Azure's content filter rejects, not every rude word.
 */
export const ABUSIVE_WORDS: readonly string[] = en.abusive;

export interface SafetyFinding {
  category: SafetyCategory;
  kind: string;
  turn: number;
}

export function screenConversation(conversation: Conversation, options: SafetyOptions = {}): SafetyFinding | undefined {
  const categories = new Set(options.categories ?? ['injection', 'secret', 'abuse', 'request']);
  const turns = conversation.turns.length ? conversation.turns : readyTurns(conversation.ready?.messages ?? []);
  const needsLanguage = categories.has('abuse') || categories.has('request');
  const rules = needsLanguage ? languageRules(conversationLanguage(conversation)) : undefined;
  const abusive = categories.has('abuse') ? abusiveMatcher(rules, options.extraAbusiveWords ?? []) : undefined;
  const english = englishRules();
  for (const [index, turn] of turns.entries()) {
    const text = turn.content;
    const lower = text.toLowerCase();
    // The patterns are ASCII: "password：hunter22" and "＜|im_start|＞" (full-width punctuation,
    // which cleaning keeps in Chinese and Japanese text) meet them folded, as NFKC made them before.
    if (categories.has('injection') && turn.role !== 'user' && MAY_BE_INJECTION.test(lower)) {
      const folded = foldForMatching(text);
      const hit = INJECTION.find((p) => p.test(folded));
      if (hit) return { category: 'injection', kind: 'prompt-injection', turn: index + 1 };
    }
    if (categories.has('secret') && MAY_BE_SECRET.test(lower)) {
      const folded = foldForMatching(text);
      const hit = SECRETS.find((s) => s.pattern.test(folded));
      if (hit) return { category: 'secret', kind: hit.kind, turn: index + 1 };
    }
    if (
      abusive &&
      turn.role !== 'user' &&
      (abusive === rules?.abusive
        ? testRule(abusive, ownText(rules, ruleText(text)))
        : abusive.test(rules ? ownText(rules, ruleText(text)) : ruleText(text)))
    ) {
      return { category: 'abuse', kind: 'abusive-word', turn: index + 1 };
    }
    if (categories.has('request') && turn.role === 'user' && isUnsafeRequest(text, rules, english)) {
      const reply = turns.slice(index + 1).find((t) => t.role !== 'system');
      if (reply?.role === 'assistant' && !declines(reply.content, rules, english)) {
        return { category: 'request', kind: 'unsafe-request-followed', turn: turns.indexOf(reply) + 1 };
      }
    }
  }
  return undefined;
}

/** An unsafe request in the conversation's language or in English. */
export function isUnsafeRequest(text: string, rules: LanguageRules | undefined, english = englishRules()): boolean {
  const t = ruleText(text);
  return (
    testRule(english.unsafeRequest, t) || (rules !== undefined && rules !== english && testRule(rules.unsafeRequest, ownText(rules, t)))
  );
}

/** A reply that refuses, or declines as out of scope, in the conversation's language or in English. */
function declines(text: string, rules: LanguageRules | undefined, english: LanguageRules): boolean {
  const t = ruleText(text);
  return [english, ...(rules && rules !== english ? [rules] : [])].some((r) => {
    const own = ownText(r, t);
    return testRule(r.refusal, own) || testRule(r.outOfScope, own);
  });
}

function readyTurns(messages: unknown[]): { role: string; content: string }[] {
  return messages.map((m) => {
    const message = m as { role?: unknown; content?: unknown };
    return { role: typeof message.role === 'string' ? message.role : '', content: contentText(message.content) };
  });
}

/** Text of a chat message's content (a string or an array of text parts). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (part && typeof part === 'object' && 'text' in part ? String((part as { text: unknown }).text) : ''))
      .join(' ');
  }
  return '';
}

function abusiveMatcher(rules: LanguageRules | undefined, extra: readonly string[]): RegExp | undefined {
  // Folded as the text will be, for a language that folds ("şerefsiz" meets "SEREFSIZ").
  const escaped = extra.map((w) => (rules ? ownText(rules, w.toLowerCase()) : w.toLowerCase()).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (!rules) return escaped.length ? wordsPattern(escaped) : undefined;
  return escaped.length ? new RegExp(`${rules.abusive.source}|${wordsPattern(escaped).source}`, 'iu') : rules.abusive;
}

export function createSafetyStage(options: SafetyOptions = {}): ConversationStage {
  const dropped: Record<string, number> = {};
  const kinds: Record<string, number> = {};
  const notScreened: Record<string, number> = {};
  const wordLists = (options.categories ?? ['abuse']).includes('abuse');
  return {
    name: 'safety-screen',
    perSession: true,
    async apply(conversation: Conversation): Promise<StageResult> {
      if (wordLists) {
        const language = conversationLanguage(conversation);
        if (!languageRules(language)) notScreened[language] = (notScreened[language] ?? 0) + 1;
        conversation = { ...conversation, language };
      }
      const finding = screenConversation(conversation, options);
      if (!finding) return { action: 'keep', conversation };
      const reason = `safety-${finding.category}`;
      dropped[reason] = (dropped[reason] ?? 0) + 1;
      kinds[finding.kind] = (kinds[finding.kind] ?? 0) + 1;
      // The detail names the kind and turn, never the matched text: a secret must not be copied
      // into reports (the original record stays in quarantine, which is access-controlled).
      return { action: 'drop', reason, detail: `${finding.kind} in turn ${finding.turn}` };
    },
    summary() {
      // Conversations per language without a word list: not screened for abusive words.
      return { dropped: { ...dropped }, kinds: { ...kinds }, notScreened: { ...notScreened } };
    },
  };
}
