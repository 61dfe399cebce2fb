import type { AzureOpenAI } from 'openai';
import { contentFilterOfCompletion, contentFilterOfError, type ContentFilterFinding } from './contentFilter';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface TimedReply {
  text: string;
  latencyMs: number;
  /** Azure's content filter on this request and answer; undefined when the service reported none. */
  contentFilter?: ContentFilterFinding;
}

/** The one thing evaluation needs from a deployment: a reply and how long it took. */
export interface ChatModel {
  readonly deploymentName: string;
  complete(messages: readonly ChatMessage[], options?: { signal?: AbortSignal; maxTokens?: number }): Promise<TimedReply>;
}

/**
 * A deployment answered through `openai`'s AzureOpenAI chat.completions (deployment name as model).
 * Temperature 0 so candidate and production are compared on their most likely answers.
 * Latency is wall time of the whole request, as a customer would feel it.
 */
export function deploymentChatModel(client: AzureOpenAI, deploymentName: string): ChatModel {
  return {
    deploymentName,
    async complete(messages, options = {}) {
      const start = performance.now();
      let completion;
      try {
        completion = await client.chat.completions.create(
          {
            model: deploymentName,
            messages: messages.map((m) => ({ role: m.role, content: m.content })),
            temperature: 0,
            // max_completion_tokens replaces it only from api-version 2024-09-01-preview on, and the
            // api-version is a setting (TUNELOOP_OPENAI_API_VERSION): max_tokens works with all of them.
            // eslint-disable-next-line @typescript-eslint/no-deprecated
            max_tokens: options.maxTokens ?? 400,
          },
          { signal: options.signal },
        );
      } catch (err) {
        // A prompt the content filter refuses is an answer for the gate (filtered), not a failed call.
        const refused = contentFilterOfError(err);
        if (!refused) throw err;
        return { text: '', latencyMs: performance.now() - start, contentFilter: refused };
      }
      const latencyMs = performance.now() - start;
      return { text: completion.choices[0]?.message?.content ?? '', latencyMs, contentFilter: contentFilterOfCompletion(completion) };
    },
  };
}
