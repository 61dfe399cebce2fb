/**
 * The model that answered a conversation, when the log names it: a `model` (or `deployment`) field
 * on the conversation or on its assistant messages. Evaluation credits the conversation's CSAT to it
 * (CSAT per answering model). It is metadata only: it never becomes training text.
 */

/** `model`, else `deployment`, else `deployment_name`: a non-blank string; anything else names no model. */
export function namedModel(record: Record<string, unknown> | undefined): string | undefined {
  if (!record) return undefined;
  for (const key of ['model', 'deployment', 'deployment_name']) {
    const value = record[key];
    if (typeof value !== 'string') continue;
    const name = value.normalize('NFKC').replace(/\s+/g, ' ').trim();
    if (name) return name;
  }
  return undefined;
}

/**
 * One model for the conversation. The assistant messages decide when any names a model (a reply is
 * what a customer rates): the model that wrote most of them; on a tie, the one of those that answered
 * last (the reply the customer saw before rating). Otherwise the conversation's own field.
 * `replyModels` are the assistant messages' models in conversation order (undefined: not named).
 */
export function answeringModel(conversationLevel: string | undefined, replyModels: readonly (string | undefined)[]): string | undefined {
  const counts = new Map<string, { n: number; last: number }>();
  replyModels.forEach((model, i) => {
    if (!model) return;
    const c = counts.get(model) ?? { n: 0, last: -1 };
    c.n++;
    c.last = i;
    counts.set(model, c);
  });
  let best: string | undefined;
  let bestCount = { n: 0, last: -1 };
  for (const [model, c] of counts) {
    if (c.n > bestCount.n || (c.n === bestCount.n && c.last > bestCount.last)) {
      best = model;
      bestCount = c;
    }
  }
  return best ?? conversationLevel;
}
