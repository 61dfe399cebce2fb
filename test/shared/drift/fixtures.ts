import type { StorageClients } from '../../../src/shared/storage/clients';
import { CONTAINERS } from '../../../src/shared/storage/names';

export interface ConversationSpec {
  id: string;
  issueType?: string;
  csat?: number;
  user: string;
  agent: string;
  /** Extra user/agent exchanges before the last (more turns, more tokens). */
  extraExchanges?: number;
  split?: 'train' | 'validation' | 'holdout';
}

/** A curated shard line in the team's documented format (`{"conversation_id","kind",…,"example":{"messages":[…]}}`). */
export function curatedLine(spec: ConversationSpec): string {
  const messages: { role: string; content: string }[] = [{ role: 'system', content: 'You are a helpful customer service assistant.' }];
  for (let i = 0; i < (spec.extraExchanges ?? 0); i++) {
    messages.push(
      { role: 'user', content: `${spec.user} (earlier message ${i + 1})` },
      { role: 'assistant', content: `Let me check that for you, step ${i + 1}.` },
    );
  }
  messages.push({ role: 'user', content: spec.user }, { role: 'assistant', content: spec.agent });
  const tokens = messages.reduce((n, m) => n + 4 + m.content.split(/\s+/).length, 3);
  return JSON.stringify({
    conversation_id: spec.id,
    kind: 'conversation',
    ...(spec.issueType ? { issue_type: spec.issueType } : {}),
    ...(spec.csat !== undefined ? { csat: spec.csat } : {}),
    split: spec.split ?? 'train',
    tokens,
    source: { file: 'fixture.jsonl', line: 1 },
    example: { messages },
  });
}

/** Also writes the derived intent example, as preprocessing does for labelled conversations (drift must ignore it). */
export function intentLine(spec: ConversationSpec): string {
  return JSON.stringify({
    conversation_id: spec.id,
    kind: 'intent',
    issue_type: spec.issueType,
    split: spec.split ?? 'train',
    tokens: 20,
    source: { file: 'fixture.jsonl', line: 1 },
    example: {
      messages: [
        { role: 'system', content: 'label' },
        { role: 'user', content: spec.user },
        { role: 'assistant', content: spec.issueType ?? '' },
      ],
    },
  });
}

export async function writeShard(
  storage: StorageClients,
  name: string,
  specs: ConversationSpec[],
  extraLines: string[] = [],
): Promise<void> {
  const lines = specs.flatMap((s) => (s.issueType ? [curatedLine(s), intentLine(s)] : [curatedLine(s)]));
  const text = [...lines, ...extraLines].join('\n') + '\n';
  await storage.container(CONTAINERS.curated).getBlockBlobClient(name).upload(text, Buffer.byteLength(text));
}

/** `count` quarantined records, and `sessions` lines of sessions left out of used chats (not records). */
export async function writeQuarantine(storage: StorageClients, name: string, count: number, sessions = 0): Promise<void> {
  const text =
    [
      ...Array.from({ length: count }, (_, i) =>
        JSON.stringify({ file: 'raw.jsonl', line: i + 1, reason: 'empty-conversation', record: '{}' }),
      ),
      ...Array.from({ length: sessions }, (_, i) =>
        JSON.stringify({
          file: 'chat.txt',
          line: 1,
          reason: 'safety-secret',
          detail: `session ${i + 2}: password in turn 1`,
          session: i + 2,
          record: JSON.stringify({ conversation_id: 'chat', session: i + 2, turns: [{ role: 'user', content: '"session": 1' }] }),
        }),
      ),
    ].join('\n') + '\n';
  await storage.container(CONTAINERS.quarantine).getBlockBlobClient(name).upload(text, Buffer.byteLength(text));
}

/**
 * Blob Last-Modified has one-second resolution. Waits for the next whole second T and returns it:
 * blobs written before the call show a time < T, blobs written after it a time ≥ T (the drift
 * window starts inclusive). With `strict`, it waits one more second so that later blobs show a time
 * > T (for a cutoff that is inclusive, such as a dataset manifest's createdAt).
 */
export async function secondBoundary(options: { strict?: boolean } = {}): Promise<Date> {
  const now = Date.now();
  const boundary = Math.ceil((now + 1) / 1000) * 1000;
  await new Promise((r) => setTimeout(r, boundary - now + (options.strict ? 1000 : 0) + 20));
  return new Date(boundary);
}

const COFFEE = [
  {
    issueType: 'order_drink',
    user: 'Can I get a large oat milk latte with an extra shot please',
    agent: 'Sure, one large oat latte with an extra shot. Anything else?',
  },
  {
    issueType: 'order_drink',
    user: 'I would like a medium cappuccino and a blueberry muffin',
    agent: 'A medium cappuccino and a blueberry muffin, coming right up.',
  },
  {
    issueType: 'menu_question',
    user: 'Do you have any decaf cold brew or dairy free pastries',
    agent: 'We have decaf cold brew and two vegan pastries today.',
  },
  {
    issueType: 'store_hours',
    user: 'What time does the downtown coffee shop open on sunday',
    agent: 'The downtown shop opens at 8 on Sundays.',
  },
];

const BANKING = [
  {
    issueType: 'card_arrival',
    user: 'My new debit card still has not arrived after two weeks',
    agent: 'I am sorry, let me check the delivery status of your card.',
  },
  {
    issueType: 'transfer_failed',
    user: 'Why did my bank transfer to my savings account fail yesterday',
    agent: 'Transfers can fail when details are wrong; let me look at it.',
  },
  {
    issueType: 'exchange_rate',
    user: 'What exchange rate do you apply when I pay in euros abroad',
    agent: 'We use the daily interbank rate plus a small fee.',
  },
];

/** `n` coffee-shop conversations (the reference world). */
export function coffeeConversations(n: number, prefix: string, options: { csat?: number } = {}): ConversationSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${i}`,
    ...COFFEE[i % COFFEE.length],
    csat: options.csat ?? 4 + (i % 2),
    extraExchanges: i % 3 === 0 ? 1 : 0,
  }));
}

/** `n` banking conversations (the shifted world: other intents, words, longer talks, unhappier customers). */
export function bankingConversations(n: number, prefix: string): ConversationSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${i}`,
    ...BANKING[i % BANKING.length],
    csat: 2 + (i % 2),
    extraExchanges: 2 + (i % 3),
  }));
}
