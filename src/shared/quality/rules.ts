import { heldByExample, type Conversation, type Turn } from '../ingest/types';
import type { ConversationStage, StageResult } from '../dataset/stages';
import { wordTokens } from '../language/tokens';
import { englishRules, languageRules, ownText, ruleText, testRule } from './languages';
import { conversationLanguage } from './language';

/**
 * Out-of-scope, ambiguous and low-rated replies. Each rule either marks the matching assistant
 * turns `weight: 0` (kept as context, not learned), drops the whole conversation, or is off.
 */
export type RuleAction = 'weight0' | 'drop' | 'off';

export type ReplyRuleName = 'handoff' | 'short-reply' | 'apology-only' | 'out-of-scope' | 'ambiguous';

export interface ReplyRulesOptions {
  /** Per-rule action for assistant turns. Defaults: every reply rule `weight0`. */
  actions?: Partial<Record<ReplyRuleName, RuleAction>>;
  /** Conversations without any customer question or request: `drop` (default) or `off`. */
  noCustomerQuestion?: 'drop' | 'off';
  /**
   * Assistant turns before the first customer turn (a greeting, a follow-up after a pause, an
   * answer whose question is in an earlier export): `weight0` (default), context that is not
   * learned, since the deployed model always answers a customer; `off` learns them as before.
   */
  unpromptedReply?: 'weight0' | 'off';
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
  'out-of-scope': 'weight0',
  ambiguous: 'weight0',
};

/**
 * Parses the TUNELOOP_QUALITY_RULES setting, e.g. `handoff=drop,short-reply=off,no-customer-question=off`.
 * Throws an error naming the bad part.
 */
export function parseRuleSpec(spec: string): Pick<ReplyRulesOptions, 'actions' | 'noCustomerQuestion' | 'unpromptedReply'> {
  const actions: Partial<Record<ReplyRuleName, RuleAction>> = {};
  let noCustomerQuestion: 'drop' | 'off' | undefined;
  let unpromptedReply: 'weight0' | 'off' | undefined;
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, action] = part.split('=').map((p) => p.trim());
    if (name === 'no-customer-question') {
      if (action !== 'drop' && action !== 'off') {
        throw new Error(`TUNELOOP_QUALITY_RULES: no-customer-question=${action} is not valid: use drop or off`);
      }
      noCustomerQuestion = action;
      continue;
    }
    if (name === 'unprompted-reply') {
      // A greeting is no reason to lose a conversation: no `drop`.
      if (action !== 'weight0' && action !== 'off') {
        throw new Error(`TUNELOOP_QUALITY_RULES: unprompted-reply=${action} is not valid: use weight0 or off`);
      }
      unpromptedReply = action;
      continue;
    }
    if (!(name in DEFAULT_RULE_ACTIONS)) {
      throw new Error(
        `TUNELOOP_QUALITY_RULES: unknown rule "${name}" in "${spec}": use ${Object.keys(DEFAULT_RULE_ACTIONS).join(', ')}, no-customer-question or unprompted-reply`,
      );
    }
    if (action !== 'weight0' && action !== 'drop' && action !== 'off') {
      throw new Error(`TUNELOOP_QUALITY_RULES: rule "${name}" has action "${action}": use weight0, drop or off`);
    }
    actions[name as ReplyRuleName] = action;
  }
  return { actions, ...(noCustomerQuestion ? { noCustomerQuestion } : {}), ...(unpromptedReply ? { unpromptedReply } : {}) };
}

const english = englishRules();

// What ends a sentence: also the ideographic full stop, the Arabic question mark, the danda and the Urdu full stop.
const SENTENCE_END = '.!?。！？؟।॥۔';
const SENTENCE_SPLIT = new RegExp(`(?<=[${SENTENCE_END}])\\s*|\\n+`, 'u');
const CLAUSE_EDGES = new RegExp(`^[\\s"'(]+|[\\s${SENTENCE_END}"')]+$`, 'gu');
const TRAILING_SENTENCE_END = new RegExp(`[\\s${SENTENCE_END}]+$`, 'u');

function sentences(text: string): string[] {
  return text
    .split(SENTENCE_SPLIT)
    .map((s) => s.trim())
    .filter(Boolean);
}

// Clauses: an apology and an answer often share a sentence ("Sorry for the wait, your refund is on
// its way"); the answer after the comma or the "but" (of any screened language) must count.
// Thai marks phrases and sentences with a space, not with punctuation: a space between two Thai
// letters ends a clause ("ขออภัยค่ะ ส่งของแล้ว").
const CLAUSE_BREAK =
  /[,;:\u060c\u061b\u3001\uff0c]\s*|(?<=\p{Script=Thai})\s+(?=\p{Script=Thai})|\s+(?:-|–|—)\s+|\s+(?=(?:but|however|mais|aber|jedoch|pero|sin embargo|però|ma|mas|porém|maar|но|однако|ale|lecz|jednak|ama|fakat|ancak|لكن|ولكن|اما|ولی|लेकिन|मगर|परंतु|किंतु|لیکن|مگر|lekin|magar|tapi|tetapi|namun|nhưng|nhung|אבל)\s)/iu;

// A reply opening with "No," or "Ok," is judged on what follows ("No sorry for the inconvenience").
const INTERJECTION = /^(?:no|ok(?:ay)?|oh|ah|well|so|alright)[,!.]?\s+/iu;

function clauses(text: string): string[] {
  return sentences(text)
    .flatMap((s) => s.split(CLAUSE_BREAK))
    .map((s) => s.replace(CLAUSE_EDGES, '').replace(INTERJECTION, '').trim())
    .filter(Boolean);
}

/**
 * `wordTokens(text).length`, counted without building the tokens for plain ASCII text (the usual
 * case): words are runs of letters and digits, and an apostrophe or backtick between two of them
 * joins rather than splits (as `foldText` drops it). Other text goes through `wordTokens`.
 */
function wordCount(text: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return wordTokens(text).length;
    if (isAsciiAlnum(c)) {
      if (!inWord) count++;
      inWord = true;
    } else if (inWord && (c === 0x27 || c === 0x60) && i + 1 < text.length && isAsciiAlnum(text.charCodeAt(i + 1))) {
      // Inside a word ("don't"): the next letter continues it.
    } else inWord = false;
  }
  return count;
}

function isAsciiAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

export interface ReplyRuleOptions {
  /** The conversation's language (ISO 639-1); phrase rules apply only to languages with phrase lists. Default `en`. */
  language?: string;
  /** A reply with at most this many words counts as a one-word reply. Default 1. */
  maxShortReplyWords?: number;
}

/**
 * Which reply rule a single assistant turn breaks, if any (first match in this order):
 * `short-reply` (any language: words of any script), then, for languages with phrase lists only,
 * `handoff`, `out-of-scope` (declines as outside what the agent can help with, including redirects
 * such as "I am not able to give investment advice"), `apology-only` (nothing of 4+ words, the language's `minAnswerWords`, left once
 * apology, thanks and "bear with me" clauses are removed) and `ambiguous` (a hedge such as "Hmm, it
 * depends." with nothing of 4+ words besides).
 */
export function replyRuleFor(content: string, options: ReplyRuleOptions = {}): ReplyRuleName | undefined {
  const plain = ruleText(content);
  if (wordCount(plain) <= (options.maxShortReplyWords ?? 1)) return 'short-reply';
  const rules = languageRules(options.language ?? 'en');
  if (!rules) return undefined;
  const text = ownText(rules, plain);
  // Words counted as characters: a polite one-word reply ("ได้ค่ะ") has several.
  // (Only languages with such a list: no extra pass over every other reply.)
  if (rules.shortReply && (options.maxShortReplyWords ?? 1) >= 1 && rules.shortReply.test(text.replace(TRAILING_SENTENCE_END, '')))
    return 'short-reply';
  if (testRule(rules.handoff, text)) return 'handoff';
  if (testRule(rules.outOfScope, text)) return 'out-of-scope';
  // Clauses only when a hedge or an apology is in the text at all (most replies have neither): a
  // clause is a piece of the text between separators, so a hedge clause is a hedge match in the text.
  let parts: string[] | undefined;
  const remaining = (drop: (clause: string) => boolean) => wordCount((parts ??= clauses(text)).filter((c) => !drop(c)).join(' '));
  if (
    testRule(rules.hedgeAnywhere, text) &&
    (parts ??= clauses(text)).some((c) => rules.hedge.test(c)) &&
    remaining((c) => rules.hedge.test(c) || rules.filler.test(c)) < rules.minAnswerWords
  ) {
    return 'ambiguous';
  }
  if (testRule(rules.apology, text) && remaining((c) => rules.filler.test(c)) < rules.minAnswerWords) return 'apology-only';
  return undefined;
}

/**
 * True when a customer turn asks something, asks for something, or states a problem: a question
 * mark (any script's), an interrogative opening or a request word of the language (or English,
 * which customers mix in), or a statement of four or more words once greetings and thanks are
 * removed ("Hi somebody transferred $500 from my account!"). For a language without phrase
 * lists only the question mark and the English lists apply; the stage never drops such a
 * conversation for want of a question.
 */
export function isCustomerQuestion(content: string, language = 'en'): boolean {
  const text = ruleText(content);
  if (!text) return false;
  if (/[?？¿؟]/u.test(text)) return true;
  const own = languageRules(language);
  const lists = own && own !== english ? [own, english] : [english];
  // Folded for the own lists (Turkish "SİPARİŞİMİ İPTAL EDİN"); the English lists read it as well.
  let rest = own ? ownText(own, text) : text;
  for (const rules of lists) rest = rest.replace(rules.phatic, ' ');
  rest = rest.replace(/^[\s,.!;:]+/u, '');
  for (const rules of lists) {
    if (sentences(rest).some((s) => rules.questionStart.test(s.replace(/^[\s,.!;:-]+/u, '')))) return true;
    if (rules.request.test(rest)) return true;
  }
  return wordCount(rest) >= (own ?? english).minStatementWords;
}

export type RulesSummary = {
  dropped: Record<string, number>;
  downWeightedTurns: Record<string, number>;
  /**
   * Conversations per language that has no phrase lists: only the short-reply and low-CSAT rules
   * applied to them, and they are never dropped for want of a customer question.
   */
  notScreened: Record<string, number>;
};

/** The reply-rules stage: applies to conversations and FAQ pairs; ready-made examples pass through. */
export function createReplyRulesStage(options: ReplyRulesOptions = {}): ConversationStage {
  const actions = { ...DEFAULT_RULE_ACTIONS, ...options.actions };
  const noQuestion = options.noCustomerQuestion ?? 'drop';
  const unprompted = options.unpromptedReply ?? 'weight0';
  const csatThreshold = options.csatThreshold ?? 3;
  const maxShort = options.maxShortReplyWords ?? 1;
  const dropped: Record<string, number> = {};
  const downWeightedTurns: Record<string, number> = {};
  const notScreened: Record<string, number> = {};
  const count = (map: Record<string, number>, key: string, n = 1) => {
    map[key] = (map[key] ?? 0) + n;
  };
  const drop = (reason: string, detail: string): StageResult => {
    count(dropped, reason);
    return { action: 'drop', reason, detail };
  };

  return {
    name: 'reply-rules',
    perSession: true,
    async apply(conversation: Conversation): Promise<StageResult> {
      if (conversation.kind === 'ready') return { action: 'keep', conversation };
      const language = conversationLanguage(conversation);
      const screened = languageRules(language) !== undefined;
      if (!screened) count(notScreened, language);
      const userTurns = conversation.turns.filter((t) => t.role === 'user');
      if (
        screened &&
        noQuestion === 'drop' &&
        conversation.kind === 'conversation' &&
        !userTurns.some((t) => isCustomerQuestion(t.content, language))
      ) {
        return drop('no-customer-question', 'no customer turn asks a question, makes a request or states a problem');
      }
      const lowRated = csatThreshold > 0 && conversation.csat !== undefined && conversation.csat < csatThreshold;
      const pending: Record<string, number> = {};
      const turns: Turn[] = [];
      let learnable = 0;
      let firstBroken: { rule: ReplyRuleName; index: number } | undefined;
      let customerWrote = false;
      const unpromptedTurns: number[] = [];
      // Position among the replies an example holds, counted only before the customer's first turn (where it is used).
      let reply = -1;
      for (const [index, turn] of conversation.turns.entries()) {
        if (turn.role !== 'assistant') {
          if (turn.role === 'user') customerWrote = true;
          turns.push(turn);
          continue;
        }
        const unpromptedCandidate = !customerWrote && heldByExample(turn);
        if (unpromptedCandidate) reply++;
        // A turn that calls tools acts rather than replies ("Let me check." before a lookup): no reply rule judges it.
        const rule = turn.toolCalls ? undefined : replyRuleFor(turn.content, { language, maxShortReplyWords: maxShort });
        const action = rule ? actions[rule] : 'off';
        if (rule && action === 'drop') {
          // The turn is named, not quoted: rules run before redaction (the record itself is in quarantine).
          return drop(rule, `assistant turn ${index + 1} breaks the ${rule} rule`);
        }
        if (rule && action === 'weight0') {
          // Only a reply to the customer decides that the conversation teaches nothing but bad habits.
          if (customerWrote || unprompted === 'off') firstBroken ??= { rule, index };
          count(pending, rule);
          turns.push({ ...turn, weight: 0 });
          continue;
        }
        if (lowRated) {
          count(pending, 'low-csat');
          turns.push({ ...turn, weight: 0 });
          continue;
        }
        // Last, so it counts only replies that would be learned otherwise (a join may learn them
        // again); not a broken rule, so a conversation is never quarantined for it.
        if (unpromptedCandidate && unprompted === 'weight0' && conversation.kind === 'conversation' && turn.weight !== 0) {
          count(pending, 'unprompted-reply');
          unpromptedTurns.push(reply);
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
        const which = unpromptedTurns.length ? 'assistant turn after the first customer turn' : 'assistant turn';
        return drop(rule, `every ${which} breaks a reply rule; first: turn ${index + 1} (${rule})`);
      }
      for (const [reason, n] of Object.entries(pending)) count(downWeightedTurns, reason, n);
      // Whole chats are judged session by session and never joined with another export's turns.
      const unpromptedField = unpromptedTurns.length && !conversation.wholeChat ? { unprompted: unpromptedTurns } : {};
      return { action: 'keep', conversation: { ...conversation, language, turns, ...unpromptedField } };
    },
    summary(): RulesSummary {
      return { dropped: { ...dropped }, downWeightedTurns: { ...downWeightedTurns }, notScreened: { ...notScreened } };
    },
  };
}
