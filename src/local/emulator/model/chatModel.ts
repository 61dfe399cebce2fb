import {
  INTENT_TASK_LABELS_HEADER,
  INTENT_TASK_TRANSCRIPT_HEADER,
  isIntentTaskPrompt,
  normaliseIntentLabel,
} from '../../../shared/dataset/intentTask';
import { NaiveBayesClassifier } from './naiveBayes';
import { TfIdfIndex, type RetrievalContext, type RetrievalDocument } from './retrieval';
import { messageText, type ChatMessageLike } from './text';

export type ReplyKind = 'retrieval' | 'out-of-scope' | 'intent' | 'generic';

export interface ChatReply {
  content: string;
  kind: ReplyKind;
  /** Retrieval similarity (retrieval / out-of-scope) or classifier confidence (intent). */
  score?: number;
}

export interface TrainingExample {
  messages: ChatMessageLike[];
  /** Continued training: how strongly a parent's example is still remembered, (0, 1]; default 1. */
  strength?: number;
}

export interface ChatModelOptions {
  /**
   * Cosine similarity under which a question counts as out of scope and is declined
   * (default 0.2; the emulator's `outOfScopeThreshold` option).
   */
  outOfScopeThreshold?: number;
}

export const DEFAULT_OUT_OF_SCOPE_THRESHOLD = 0.2;

/** What an un-tuned base model says: polite, generic, and never the answer the data holds. */
export const GENERIC_REPLY =
  "Thank you for reaching out. I'd be glad to help. Could you share a few more details about your question so I can look into it?";

/** The user message of an intent-labelling prompt split into transcript and allowed labels. */
export function parseIntentPrompt(messages: readonly ChatMessageLike[]): { transcript: string; labels: string[] } {
  const user = [...messages].reverse().find((m) => m.role === 'user');
  let text = user ? messageText(user) : '';
  let labels: string[] = [];
  const at = text.lastIndexOf(`\n${INTENT_TASK_LABELS_HEADER}`);
  if (at >= 0) {
    labels = text
      .slice(at + INTENT_TASK_LABELS_HEADER.length + 1)
      .split(',')
      .map((l) => normaliseIntentLabel(l))
      .filter(Boolean);
    text = text.slice(0, at);
  }
  if (text.startsWith(INTENT_TASK_TRANSCRIPT_HEADER)) text = text.slice(INTENT_TASK_TRANSCRIPT_HEADER.length);
  // Speaker prefixes are the same in every transcript: they would only add noise to the classifier.
  const transcript = text.replace(/^(customer|agent):\s*/gm, '').trim();
  return { transcript, labels };
}

/** The retrieval context of the next assistant turn after `messages`. */
export function conversationContext(messages: readonly ChatMessageLike[]): RetrievalContext {
  let lastAssistant = -1;
  messages.forEach((m, i) => {
    if (m.role === 'assistant') lastAssistant = i;
  });
  const recent: string[] = [];
  const earlier: string[] = [];
  messages.forEach((m, i) => {
    if (m.role !== 'user') return;
    (i > lastAssistant ? recent : earlier).push(messageText(m));
  });
  // A request that ends with an assistant turn has no fresh user text: use the last user turns.
  if (recent.length === 0) {
    const lastEarlier = earlier.pop();
    if (lastEarlier !== undefined) recent.push(lastEarlier);
  }
  return {
    recent: recent.join('\n'),
    previousReply: lastAssistant >= 0 ? messageText(messages[lastAssistant]) : '',
    earlier: earlier.join('\n'),
  };
}

/**
 * The fine-tuned model: nearest-reply retrieval for conversations, naive Bayes for the
 * intent-labelling task, and a polite decline for questions the training data does not cover.
 */
export class FineTunedChatModel {
  private readonly index: TfIdfIndex;
  private readonly classifier: NaiveBayesClassifier;
  private readonly threshold: number;

  constructor(examples: readonly TrainingExample[], options: ChatModelOptions = {}) {
    this.threshold = options.outOfScopeThreshold ?? DEFAULT_OUT_OF_SCOPE_THRESHOLD;
    const documents: RetrievalDocument[] = [];
    this.classifier = new NaiveBayesClassifier();
    for (const example of examples) {
      const messages = example.messages;
      if (isIntentTaskPrompt(messages)) {
        const answer = [...messages].reverse().find((m) => m.role === 'assistant');
        const { transcript } = parseIntentPrompt(messages.filter((m) => m.role !== 'assistant'));
        if (answer) this.classifier.add({ text: transcript, label: normaliseIntentLabel(messageText(answer)) });
        continue;
      }
      messages.forEach((m, i) => {
        if (m.role !== 'assistant' || m.weight === 0) return;
        const reply = messageText(m).trim();
        if (!reply) return;
        const context = conversationContext(messages.slice(0, i));
        if (!context.recent && !context.earlier) return;
        documents.push({
          context,
          reply,
          ...(example.strength !== undefined && example.strength !== 1 ? { strength: example.strength } : {}),
        });
      });
    }
    this.index = new TfIdfIndex(documents);
  }

  /** Number of replies the model can retrieve from. */
  get replyCount(): number {
    return this.index.size;
  }

  get intentLabels(): string[] {
    return this.classifier.labels;
  }

  reply(messages: readonly ChatMessageLike[]): ChatReply {
    if (isIntentTaskPrompt(messages)) {
      const { transcript, labels } = parseIntentPrompt(messages);
      const result = this.classifier.classify(transcript, labels);
      if (result) return { content: result.label, kind: 'intent', score: result.confidence };
      return { content: labels[0] ?? 'other', kind: 'generic' };
    }
    const best = this.index.search(conversationContext(messages), 1).at(0);
    if (!best || best.score < this.threshold) {
      return { content: this.decline(), kind: 'out-of-scope', score: best?.score ?? 0 };
    }
    return { content: best.reply, kind: 'retrieval', score: best.score };
  }

  private decline(): string {
    const topics = this.classifier.labels.slice(0, 6);
    const about =
      topics.length === 0
        ? 'our products, your orders and your account'
        : topics.length === 1
          ? topics[0]
          : `${topics.slice(0, -1).join(', ')} and ${topics[topics.length - 1]}`;
    return `I'm sorry, I can only help with questions about ${about}. Is there anything about those I can help you with?`;
  }
}

/** An un-tuned base model: generic answers, and for intent prompts the first allowed label. */
export function baseModelReply(messages: readonly ChatMessageLike[]): ChatReply {
  if (isIntentTaskPrompt(messages)) {
    const { labels } = parseIntentPrompt(messages);
    return { content: labels[0] ?? 'other', kind: 'generic' };
  }
  return { content: GENERIC_REPLY, kind: 'generic' };
}
