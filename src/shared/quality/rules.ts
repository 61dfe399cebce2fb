import type { Conversation, Turn } from '../ingest/types';
import type { ConversationStage, StageResult } from '../dataset/stages';

/**
 * Out-of-scope, ambiguous and low-rated replies. Each rule either marks the matching assistant
 * turns `weight: 0` (kept as context, not learned), drops the whole conversation, or is off.
 */
export type RuleAction = 'weight0' | 'drop' | 'off';

export type ReplyRuleName = 'handoff' | 'short-reply' | 'apology-only';

export interface ReplyRulesOptions {
  /** Per-rule action for assistant turns. Defaults: every reply rule `weight0`. */
  actions?: Partial<Record<ReplyRuleName, RuleAction>>;
  /** Conversations without any customer question or request: `drop` (default) or `off`. */
  noCustomerQuestion?: 'drop' | 'off';
  /**
   * Assistant turns of conversations rated (csat) below this get weight 0. Default 3, so ratings
   * 1 and 2 are context only. 0 turns the rule off.
   */
  csatThreshold?: number;
  /** A reply with at most this many words counts as a one-word reply. Default 1. */
  maxShortReplyWords?: number;
}

export const DEFAULT_RULE_ACTIONS: Record<ReplyRuleName, RuleAction> = {
  handoff: 'weight0',
  'short-reply': 'weight0',
  'apology-only': 'weight0',
};

/**
 * Parses the TUNELOOP_QUALITY_RULES setting, e.g. `handoff=drop,short-reply=off,no-customer-question=off`.
 * Throws an error naming the bad part.
 */
export function parseRuleSpec(spec: string): Pick<ReplyRulesOptions, 'actions' | 'noCustomerQuestion'> {
  const actions: Partial<Record<ReplyRuleName, RuleAction>> = {};
  let noCustomerQuestion: 'drop' | 'off' | undefined;
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [name, action] = part.split('=').map((p) => p.trim());
    if (name === 'no-customer-question') {
      if (action !== 'drop' && action !== 'off') {
        throw new Error(`TUNELOOP_QUALITY_RULES: no-customer-question=${action} is not valid: use drop or off`);
      }
      noCustomerQuestion = action;
      continue;
    }
    if (!(name in DEFAULT_RULE_ACTIONS)) {
      throw new Error(
        `TUNELOOP_QUALITY_RULES: unknown rule "${name}" in "${spec}": use ${Object.keys(DEFAULT_RULE_ACTIONS).join(', ')} or no-customer-question`,
      );
    }
    if (action !== 'weight0' && action !== 'drop' && action !== 'off') {
      throw new Error(`TUNELOOP_QUALITY_RULES: rule "${name}" has action "${action}": use weight0, drop or off`);
    }
    actions[name as ReplyRuleName] = action;
  }
  return { actions, ...(noCustomerQuestion ? { noCustomerQuestion } : {}) };
}

// Phrases agents use when they pass the customer on instead of answering. Learning them teaches
// the model to give up; they are kept as context only.
const HANDOFF = new RegExp(
  [
    String.raw`\blet me (?:connect|transfer|put) you\b`,
    String.raw`\b(?:i(?:'ll| will| am going to| am|'m)?|we(?:'ll| will)?) (?:now )?(?:transfer|connect|escalate|forward|pass|hand)(?:ing)? you\b`,
    String.raw`\btransferring you\b`,
    String.raw`\bconnecting you (?:to|with)\b`,
    String.raw`\b(?:transfer|escalate|forward|pass|hand)(?:ing)? (?:you|this|your (?:case|call|chat|request)) (?:over )?to (?:a|an|my|our|the) (?:colleague|specialist|supervisor|manager|agent|team|department|human|representative)`,
    String.raw`\bplease hold while i (?:transfer|connect)\b`,
    String.raw`\b(?:a|an|my|our) (?:colleague|specialist|supervisor|agent|representative) will (?:take over|be with you|join)\b`,
  ].join('|'),
  'i',
);

const APOLOGY = /\b(?:sorry|apologi[sz]e|apologies|regret)\b/i;
// Sentences that only apologise or fill time; what is left after removing them must carry an answer.
const FILLER_SENTENCE =
  /^(?:(?:i(?:'m| am)|we(?:'re| are)) (?:so |very |really |truly )?sorry\b.*|(?:my |our )?(?:sincere |deepest )?apologies\b.*|i (?:do )?apologi[sz]e\b.*|we apologi[sz]e\b.*|sorry\b.*|(?:unfortunately,? )?i (?:can(?:no|')t|am unable to) help(?: you)?(?: with (?:that|this))?\.?|thank(?:s| you)\b.*|(?:please )?bear with (?:me|us)\b.*|i understand\b.*)$/i;
const MIN_ANSWER_WORDS = 4;

const QUESTION_START =
  /^(?:how|what|why|when|where|which|who|whom|whose|can|could|would|will|is|are|do|does|did|should|may|might|have|has|am)\b/i;
const REQUEST =
  /\b(?:help|need|want|would like|wanna|trying to|try to|unable|can(?:no|')t|couldn't|won't|doesn't|don't|isn't|not working|broken|problem|issue|error|wrong|charged|refund|cancel|change|update|reset|order|please|question|wondering|looking for|how)\b/i;

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}']+/u)
    .filter(Boolean);
}

function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Which reply rule a single assistant turn breaks, if any (first match in this order). */
export function replyRuleFor(content: string, maxShortReplyWords = 1): ReplyRuleName | undefined {
  const text = content.trim();
  if (words(text).length <= maxShortReplyWords) return 'short-reply';
  if (HANDOFF.test(text)) return 'handoff';
  if (APOLOGY.test(text)) {
    const rest = sentences(text).filter((s) => !FILLER_SENTENCE.test(s));
    if (words(rest.join(' ')).length < MIN_ANSWER_WORDS) return 'apology-only';
  }
  return undefined;
}

// Greetings, thanks and sign-offs: what a customer says when they are not asking anything.
const PHATIC =
  /\b(?:hi|hello|hey|thanks|thank you|thx|cheers|bye|goodbye|ok|okay|great|perfect|cool|good (?:morning|afternoon|evening)|that'?s all|that is all|have a (?:nice|good|great|lovely) day)\b/i;

/**
 * True when a customer turn asks something, asks for something, or states a problem: a question
 * mark, an interrogative opening, a request word, or any statement of five or more words that is
 * not a greeting or thanks ("My parcel was marked delivered but nothing is at my door").
 */
export function isCustomerQuestion(content: string): boolean {
  const text = content.trim();
  if (!text) return false;
  if (text.includes('?')) return true;
  if (sentences(text).some((s) => QUESTION_START.test(s)) || REQUEST.test(text)) return true;
  return words(text).length >= 5 && !PHATIC.test(text);
}

export type RulesSummary = {
  dropped: Record<string, number>;
  downWeightedTurns: Record<string, number>;
};

/** The reply-rules stage: applies to conversations and FAQ pairs; ready-made examples pass through. */
export function createReplyRulesStage(options: ReplyRulesOptions = {}): ConversationStage {
  const actions = { ...DEFAULT_RULE_ACTIONS, ...options.actions };
  const noQuestion = options.noCustomerQuestion ?? 'drop';
  const csatThreshold = options.csatThreshold ?? 3;
  const maxShort = options.maxShortReplyWords ?? 1;
  const dropped: Record<string, number> = {};
  const downWeightedTurns: Record<string, number> = {};
  const count = (map: Record<string, number>, key: string, n = 1) => {
    map[key] = (map[key] ?? 0) + n;
  };
  const drop = (reason: string, detail: string): StageResult => {
    count(dropped, reason);
    return { action: 'drop', reason, detail };
  };

  return {
    name: 'reply-rules',
    async apply(conversation: Conversation): Promise<StageResult> {
      if (conversation.kind === 'ready') return { action: 'keep', conversation };
      const userTurns = conversation.turns.filter((t) => t.role === 'user');
      if (
        noQuestion === 'drop' &&
        conversation.kind === 'conversation' &&
        !userTurns.some((t) => isCustomerQuestion(t.content))
      ) {
        return drop('no-customer-question', 'no customer turn asks a question or makes a request');
      }
      const lowRated =
        csatThreshold > 0 && conversation.csat !== undefined && conversation.csat < csatThreshold;
      const pending: Record<string, number> = {};
      const turns: Turn[] = [];
      let learnable = 0;
      let firstBroken: { rule: ReplyRuleName; index: number } | undefined;
      for (const [index, turn] of conversation.turns.entries()) {
        if (turn.role !== 'assistant') {
          turns.push(turn);
          continue;
        }
        const rule = replyRuleFor(turn.content, maxShort);
        const action = rule ? actions[rule] : 'off';
        if (rule && action === 'drop') {
          // The turn is named, not quoted: rules run before redaction (the record itself is in quarantine).
          return drop(rule, `assistant turn ${index + 1} breaks the ${rule} rule`);
        }
        if (rule && action === 'weight0') {
          firstBroken ??= { rule, index };
          count(pending, rule);
          turns.push({ ...turn, weight: 0 });
          continue;
        }
        if (lowRated) {
          count(pending, 'low-csat');
          turns.push({ ...turn, weight: 0 });
          continue;
        }
        if (turn.weight !== 0) learnable++;
        turns.push(turn);
      }
      // A conversation whose every reply broke a rule teaches nothing but the bad habit; a
      // low-rated one is kept as context on purpose (the rating, not the replies, decided).
      if (learnable === 0 && firstBroken && !lowRated) {
        const { rule, index } = firstBroken;
        return drop(rule, `every assistant turn breaks a reply rule; first: turn ${index + 1} (${rule})`);
      }
      for (const [reason, n] of Object.entries(pending)) count(downWeightedTurns, reason, n);
      return { action: 'keep', conversation: { ...conversation, turns } };
    },
    summary(): RulesSummary {
      return { dropped: { ...dropped }, downWeightedTurns: { ...downWeightedTurns } };
    },
  };
}
