import type { ChatMessage, ChatModel } from '../evaluation/chat';
import { corpusBleu } from '../evaluation/bleu';
import { intentF1 } from '../evaluation/f1';
import { replyTask } from '../evaluation/holdout';
import { UNRECOGNISED_LABEL } from '../evaluation/evaluate';
import { intentTaskMessages, normaliseIntentLabel } from '../dataset/intentTask';
import type { DriftMetric, SkippedDriftMetric } from './analyze';
import type { ConversationSample } from './samples';

export interface QualityOptions {
  /** At most this many of the newest conversations are asked about (TUNELOOP_DRIFT_QUALITY_MAX_CONVERSATIONS). */
  maxConversations: number;
  minSamples: number;
  signal?: AbortSignal;
}

function chatMessages(sample: ConversationSample): ChatMessage[] {
  return (sample.record.example.messages as { role?: unknown; content?: unknown }[])
    .filter(
      (m): m is { role: ChatMessage['role']; content: string } =>
        (m.role === 'system' || m.role === 'user' || m.role === 'assistant') && typeof m.content === 'string',
    )
    .map((m) => ({ role: m.role, content: m.content }));
}

/** Conversations with tool or function messages cannot be asked again the same way (as in evaluation). */
function replayable(sample: ConversationSample): boolean {
  return (sample.record.example.messages as { role?: unknown; content?: unknown }[]).every(
    (m) => (m.role === 'system' || m.role === 'user' || m.role === 'assistant') && typeof m.content === 'string',
  );
}

/**
 * How the production model does on recent labelled conversations, asked exactly as evaluation
 * asks a candidate (src/shared/evaluation): intent labelling with the dataset's intent-task
 * prompt → macro F1 (sklearn `f1_score(average="macro")`, 0–1); the last agent reply given the
 * conversation before it → corpus BLEU (sacreBLEU defaults, 0–100). A drop against the model's
 * own evaluation numbers means the world moved away from what it learned.
 */
export async function productionModelQuality(
  model: ChatModel,
  conversations: readonly ConversationSample[],
  options: QualityOptions,
): Promise<{ metrics: DriftMetric[]; skipped: SkippedDriftMetric[]; errors: string[] }> {
  const metrics: DriftMetric[] = [];
  const skipped: SkippedDriftMetric[] = [];
  const errors: string[] = [];
  // Samples arrive oldest shard first: the newest conversations are at the end.
  const newest = conversations.slice(-options.maxConversations);

  const labelled = newest.filter((c): c is ConversationSample & { issueType: string } => Boolean(c.issueType));
  if (labelled.length < options.minSamples) {
    skipped.push({
      name: 'model_intent_f1',
      reason: `${labelled.length} recent conversations with an issue_type (of the newest ${newest.length}), fewer than TUNELOOP_DRIFT_MIN_SAMPLES=${options.minSamples}`,
    });
  } else {
    const labels = [...new Set(labelled.map((c) => c.issueType))].sort();
    const gold: string[] = [];
    const predicted: string[] = [];
    for (const c of labelled) {
      options.signal?.throwIfAborted();
      const turns = chatMessages(c).filter((m) => m.role !== 'system');
      let answer = '';
      try {
        answer = normaliseIntentLabel((await model.complete(intentTaskMessages(turns), { signal: options.signal, maxTokens: 20 })).text);
      } catch (err) {
        if (options.signal?.aborted) throw err;
        errors.push(`intent ${c.conversationId}: ${(err as Error).message.slice(0, 200)}`);
      }
      gold.push(c.issueType);
      predicted.push(labels.includes(answer) ? answer : UNRECOGNISED_LABEL);
    }
    if (errors.length === labelled.length) {
      skipped.push({ name: 'model_intent_f1', reason: `the production deployment ${model.deploymentName} did not answer: ${errors[0]}` });
    } else {
      // Over the labels the sample holds, as the gate scores it: an unrecognised answer is a miss, not an extra zero-F1 class.
      const f1 = intentF1(gold, predicted, { average: 'gold' });
      metrics.push({
        name: 'model_intent_f1',
        value: f1.macroF1,
        samples: { recent: labelled.length },
        detail: { accuracy: f1.accuracy, labels: labels.length, failed_calls: errors.length },
      });
    }
  }

  const replies = newest.flatMap((c, i) => {
    const asHoldout = { conversationId: c.conversationId, messages: chatMessages(c), replayable: replayable(c), line: i + 1 };
    const task = replyTask(asHoldout);
    return task ? [{ conversationId: c.conversationId, ...task }] : [];
  });
  if (replies.length < options.minSamples) {
    skipped.push({
      name: 'model_bleu',
      reason: `${replies.length} recent conversations with an agent reply to score, fewer than TUNELOOP_DRIFT_MIN_SAMPLES=${options.minSamples}`,
    });
  } else {
    const hypotheses: string[] = [];
    let failed = 0;
    for (const t of replies) {
      options.signal?.throwIfAborted();
      try {
        hypotheses.push((await model.complete(t.prompt, { signal: options.signal })).text);
      } catch (err) {
        if (options.signal?.aborted) throw err;
        failed++;
        errors.push(`reply ${t.conversationId}: ${(err as Error).message.slice(0, 200)}`);
        // A failed call scores as an empty reply, as in evaluation: BLEU stays over the same set.
        hypotheses.push('');
      }
    }
    if (failed === replies.length) {
      skipped.push({
        name: 'model_bleu',
        reason: `the production deployment ${model.deploymentName} did not answer: ${errors[errors.length - 1]}`,
      });
    } else {
      const bleu = corpusBleu(hypotheses, [replies.map((r) => r.reference)]);
      metrics.push({
        name: 'model_bleu',
        value: bleu.score,
        samples: { recent: replies.length },
        detail: { signature: bleu.signature, failed_calls: failed },
      });
    }
  }
  return { metrics, skipped, errors };
}
