import { randomBytes } from 'node:crypto';
import { tokenCounter, type TokenCounter } from '../../../shared/dataset/tokens';
import { EmulatorHttpError } from '../errors';
import { baseModelReply, type ChatReply, type TrainingExample } from '../model/chatModel';
import { nowSeconds, type EmulatorStore } from '../state';
import type { JobsResource } from './jobs';
import { isObject, type ChatCompletionResult, type ContentFilterCategory, type ContentFilterRule, type ServiceOptions } from './shared';

const filterResult = { filtered: false, severity: 'safe' };
const contentFilterResults = () => ({ hate: filterResult, self_harm: filterResult, sexual: filterResult, violence: filterResult });

/** The four categories' results for `text`: "safe" unless a rule matches. */
function filterVerdict(
  rules: readonly ContentFilterRule[] | undefined,
  on: 'completion' | 'prompt',
  deploymentName: string,
  text: string,
): { results: Record<ContentFilterCategory, { filtered: boolean; severity: string }>; filtered: boolean } {
  const results: Record<ContentFilterCategory, { filtered: boolean; severity: string }> = { ...contentFilterResults() };
  let filtered = false;
  for (const rule of rules ?? []) {
    if ((rule.on ?? 'completion') !== on) continue;
    if (typeof rule.deployment === 'string' && rule.deployment.toLowerCase() !== deploymentName.toLowerCase()) continue;
    if (rule.deployment instanceof RegExp && !rule.deployment.test(deploymentName)) continue;
    const matches =
      typeof rule.pattern === 'string'
        ? text.includes(rule.pattern)
        : new RegExp(rule.pattern.source, rule.pattern.flags.replace('g', '')).test(text);
    if (!matches) continue;
    results[rule.category] = { filtered: rule.filtered === true, severity: rule.severity ?? (rule.filtered ? 'medium' : 'low') };
    filtered ||= rule.filtered === true;
  }
  return { results, filtered };
}

/** Chat completions on a deployment: the fine-tuned model's reply (or the base model's), token limits, the content filter, latency. */
export class ChatResource {
  constructor(
    private readonly ctx: { readonly store: EmulatorStore; readonly options: ServiceOptions },
    private readonly jobs: JobsResource,
  ) {}

  private get store(): EmulatorStore {
    return this.ctx.store;
  }

  private get options(): ServiceOptions {
    return this.ctx.options;
  }

  chatCompletion(deploymentName: string, body: unknown): ChatCompletionResult {
    const deployment = this.store.deployments.get(deploymentName.toLowerCase());
    if (!deployment || deployment.resource.properties.provisioningState !== 'Succeeded') {
      throw new EmulatorHttpError(
        404,
        'DeploymentNotFound',
        'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
      );
    }
    const invalid = (message: string, param: string | null) =>
      new EmulatorHttpError(400, 'invalid_request_error', message, {}, { type: 'invalid_request_error', param, code: null });
    if (!isObject(body)) throw invalid('The request body must be a JSON object.', null);
    const messages = body.messages;
    if (!Array.isArray(messages) || messages.length === 0) throw invalid("'messages' must be a non-empty array.", 'messages');
    messages.forEach((m, i) => {
      if (
        !isObject(m) ||
        typeof m.role !== 'string' ||
        !['system', 'user', 'assistant', 'tool', 'developer', 'function'].includes(m.role)
      ) {
        throw invalid(`'messages[${i}]' needs a 'role' of system, developer, user, assistant or tool.`, `messages[${i}]`);
      }
    });
    if (body.stream === true) throw invalid("Streaming ('stream': true) is not supported by the tuneloop emulator.", 'stream');
    const maxTokensRaw = body.max_completion_tokens ?? body.max_tokens;
    if (maxTokensRaw !== undefined && maxTokensRaw !== null && (!Number.isInteger(maxTokensRaw) || (maxTokensRaw as number) < 1)) {
      throw invalid("'max_tokens' must be a positive integer.", 'max_tokens');
    }
    const n = body.n ?? 1;
    if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > 128) throw invalid("'n' must be an integer from 1 to 128.", 'n');
    const chatMessages = messages as TrainingExample['messages'];
    const lastUser = [...chatMessages].reverse().find((m) => m.role === 'user');
    const promptFilter = filterVerdict(
      this.options.contentFilter,
      'prompt',
      deploymentName,
      typeof lastUser?.content === 'string' ? lastUser.content : '',
    );
    if (promptFilter.filtered) {
      throw new EmulatorHttpError(
        400,
        'content_filter',
        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
        {},
        {
          param: 'prompt',
          type: null,
          status: 400,
          innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: promptFilter.results },
        },
      );
    }
    let reply: ChatReply;
    let modelName = deployment.model;
    if (deployment.fineTuned) {
      const stored = this.jobs.findFineTuned(deployment.model);
      if (!stored) {
        throw new EmulatorHttpError(
          404,
          'DeploymentNotFound',
          `The model '${deployment.model}' of deployment '${deploymentName}' no longer exists.`,
        );
      }
      modelName = stored.job.fine_tuned_model as string;
      reply = this.jobs.chatModelFor(stored).reply(chatMessages);
    } else reply = baseModelReply(chatMessages);

    let counter: TokenCounter;
    try {
      counter = tokenCounter(modelName.replace(/\.ft-.*$/, ''));
    } catch {
      counter = tokenCounter('o200k_base');
    }
    let content = reply.content;
    let finishReason = 'stop';
    const maxTokens = typeof maxTokensRaw === 'number' ? maxTokensRaw : undefined;
    if (maxTokens !== undefined && counter.text(content) > maxTokens) {
      // Cut at a word boundary below the limit: what a model does when it runs out of tokens.
      const words = content.split(/(\s+)/);
      let cut = '';
      for (const w of words) {
        if (counter.text(cut + w) > maxTokens) break;
        cut += w;
      }
      content = cut.trimEnd();
      finishReason = 'length';
    }
    const completionFilter = filterVerdict(this.options.contentFilter, 'completion', deploymentName, content);
    if (completionFilter.filtered) {
      content = '';
      finishReason = 'content_filter';
    }
    const promptTokens = counter.messages(chatMessages);
    const completionTokens = counter.text(content);
    const latencyMs = this.options.latencyMs?.({ deployment: deploymentName, model: modelName, fineTuned: deployment.fineTuned }) ?? 0;
    return {
      reply,
      latencyMs,
      deployment,
      body: {
        id: `chatcmpl-${randomBytes(15).toString('base64url')}`,
        object: 'chat.completion',
        created: nowSeconds(),
        model: modelName,
        system_fingerprint: 'fp_tuneloop_emulator',
        prompt_filter_results: [{ prompt_index: 0, content_filter_results: promptFilter.results }],
        // The model is deterministic: n choices are n copies of the one answer.
        choices: Array.from({ length: n as number }, (_, index) => ({
          index,
          finish_reason: finishReason,
          logprobs: null,
          message: { role: 'assistant', content, refusal: null },
          content_filter_results: completionFilter.results,
        })),
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens * (n as number),
          total_tokens: promptTokens + completionTokens * (n as number),
        },
      },
    };
  }
}
