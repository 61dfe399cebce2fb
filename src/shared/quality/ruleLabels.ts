import { readFileSync } from 'node:fs';
import type { Conversation } from '../ingest/types';
import { languageRules } from './languages';
import { isCustomerQuestion, replyRuleFor, type ReplyRuleName } from './rules';
import { screenConversation } from './safety';

/**
 * Precision and recall of the reply rules and the abuse screen on labelled turns
 * (test/fixtures/corpora/rule_labels/turns.jsonl: public STAR, ABCD and CLINC150 turns labelled
 * for tuneloop, and hand-written turns in twenty-two languages, Malay read with the Indonesian
 * lists, and Hindi and Arabic in Latin letters). The test asserts floors on these numbers;
 * `npm run bench -- rules` prints them for docs/data-quality.md.
 */
export interface LabelledTurn {
  id: string;
  source: string;
  lang: string;
  role: 'user' | 'assistant';
  text: string;
  /** User turns: does the customer ask, request or state a problem? */
  request?: boolean;
  /** Assistant turns: the reply rule the turn breaks (null: none). */
  rule?: ReplyRuleName | null;
  /** Turns labelled for the safety screen: must this turn make the conversation unsafe? */
  unsafe?: boolean;
}

export function loadLabelledTurns(path: string): LabelledTurn[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line, i) => {
      try {
        return JSON.parse(line) as LabelledTurn;
      } catch (err) {
        throw new Error(`${path} line ${i + 1}: not JSON (${(err as Error).message})`);
      }
    });
}

export interface RuleScore {
  /** Labelled positives, predicted positives, and both. */
  gold: number;
  predicted: number;
  correct: number;
  /** correct / predicted (1 when nothing was predicted). */
  precision: number;
  /** correct / gold (1 when there is nothing to find). */
  recall: number;
  /** Turns judged. */
  turns: number;
}

export type ScoredRule = 'request' | ReplyRuleName | 'safety';

function score(pairs: { gold: boolean; predicted: boolean }[]): RuleScore {
  const gold = pairs.filter((p) => p.gold).length;
  const predicted = pairs.filter((p) => p.predicted).length;
  const correct = pairs.filter((p) => p.gold && p.predicted).length;
  return {
    gold,
    predicted,
    correct,
    precision: predicted ? correct / predicted : 1,
    recall: gold ? correct / gold : 1,
    turns: pairs.length,
  };
}

const REPLY_RULES: ReplyRuleName[] = ['handoff', 'apology-only', 'out-of-scope', 'ambiguous', 'short-reply'];

/**
 * Scores every rule over the turns whose language has phrase lists (others are not screened by
 * the phrase rules, so there is nothing to score), overall and per language.
 */
export function scoreRules(turns: readonly LabelledTurn[]): {
  overall: Record<ScoredRule, RuleScore>;
  byLanguage: Record<string, Record<ScoredRule, RuleScore>>;
  notScreened: number;
} {
  const screened = turns.filter((t) => languageRules(t.lang));
  const scoreOf = (subset: readonly LabelledTurn[]): Record<ScoredRule, RuleScore> => {
    const out = {} as Record<ScoredRule, RuleScore>;
    out.request = score(
      subset.flatMap((t) =>
        t.role === 'user' && t.request !== undefined ? [{ gold: t.request, predicted: isCustomerQuestion(t.text, t.lang) }] : [],
      ),
    );
    const replies = subset.filter((t) => t.role === 'assistant' && t.rule !== undefined);
    const predictedRule = new Map(replies.map((t) => [t.id, replyRuleFor(t.text, { language: t.lang })]));
    for (const rule of REPLY_RULES) {
      out[rule] = score(replies.map((t) => ({ gold: t.rule === rule, predicted: predictedRule.get(t.id) === rule })));
    }
    out.safety = score(
      subset.map((t) => ({
        gold: t.unsafe === true,
        predicted: screenConversation(single(t), { categories: ['abuse'] })?.category === 'abuse',
      })),
    );
    return out;
  };
  const byLanguage: Record<string, Record<ScoredRule, RuleScore>> = {};
  for (const lang of [...new Set(screened.map((t) => t.lang))].sort()) byLanguage[lang] = scoreOf(screened.filter((t) => t.lang === lang));
  return { overall: scoreOf(screened), byLanguage, notScreened: turns.length - screened.length };
}

function single(turn: LabelledTurn): Conversation {
  return {
    kind: 'conversation',
    conversationId: turn.id,
    language: turn.lang,
    turns: [{ role: turn.role, content: turn.text }],
    source: { file: 'rule_labels/turns.jsonl', line: 0, record: turn.id },
  };
}

interface StarDialogue {
  DialogueID: number;
  CompletionLevel?: string;
  UserQuestionnaire?: { Question: string; Answer: boolean }[];
  Events: { Agent: string; Action: string; Text?: string }[];
}

/**
 * STAR dialogues (test/fixtures/corpora/star_dialogues) as conversations: the user's messages and
 * the wizard's replies. `good`: completed, and the user answered yes to "did the assistant stay
 * calm and helpful" — conversations no rule should drop.
 */
export function starConversation(json: string, file: string): { conversation: Conversation; good: boolean } {
  const d = JSON.parse(json) as StarDialogue;
  const turns = d.Events.flatMap((e) =>
    e.Text?.trim() &&
    ((e.Agent === 'User' && e.Action === 'utter') || (e.Agent === 'Wizard' && (e.Action === 'utter' || e.Action === 'pick_suggestion')))
      ? [{ role: e.Agent === 'User' ? ('user' as const) : ('assistant' as const), content: e.Text }]
      : [],
  );
  const calm = d.UserQuestionnaire?.find((q) => /calm and helpful/i.test(q.Question));
  return {
    conversation: { kind: 'conversation', conversationId: `star-${d.DialogueID}`, turns, source: { file, line: 1, record: file } },
    good: d.CompletionLevel === 'Complete' && calm?.Answer === true,
  };
}
