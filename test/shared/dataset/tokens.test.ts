import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { getEncoding as buildEncoding, type Tiktoken } from 'js-tiktoken';
import { ExampleBuilder } from '../../../src/shared/dataset/examples';
import type { Conversation, Turn } from '../../../src/shared/ingest/types';
import {
  countExampleTokens,
  countMessagesTokens,
  countTextTokens,
  countToolDefinitionsTokens,
  tokenCounter,
} from '../../../src/shared/dataset/tokens';
import { modelInfo, UnknownModelError } from '../../../src/shared/dataset/modelLimits';

/** The messages of OpenAI's cookbook "How to count tokens with tiktoken" (its published counts: 129 / 124). */
const COOKBOOK_MESSAGES = [
  { role: 'system', content: 'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.' },
  { role: 'system', name: 'example_user', content: 'New synergies will help drive top-line growth.' },
  { role: 'system', name: 'example_assistant', content: 'Things working well together will increase revenue.' },
  {
    role: 'system',
    name: 'example_user',
    content: "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",
  },
  { role: 'system', name: 'example_assistant', content: "Let's talk later when we're less busy about how to do better." },
  { role: 'user', content: "This late pivot means we don't have time to boil the ocean for the client deliverable." },
];

/**
 * Section 7 of the same notebook ("Counting tokens for chat completions with tool calls",
 * github.com/openai/openai-cookbook examples/How_to_count_tokens_with_tiktoken.ipynb): this `tools`
 * list and these messages, for which `num_tokens_for_tools` and the API's usage both print 101
 * prompt tokens for gpt-4o and gpt-4o-mini, and 105 for gpt-3.5-turbo and gpt-4.
 */
const COOKBOOK_TOOLS = [
  {
    type: 'function',
    function: {
      name: 'get_current_weather',
      description: 'Get the current weather in a given location',
      parameters: {
        type: 'object',
        properties: {
          location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' },
          unit: { type: 'string', description: 'The unit of temperature to return', enum: ['celsius', 'fahrenheit'] },
        },
        required: ['location'],
      },
    },
  },
];
const COOKBOOK_TOOL_MESSAGES = [
  { role: 'system', content: 'You are a helpful assistant that can answer to questions about the weather.' },
  { role: 'user', content: "What's the weather like in San Francisco?" },
];

// Building a js-tiktoken encoding takes seconds; build each once.
const built = new Map<string, Tiktoken>();
function getEncoding(name: 'o200k_base' | 'cl100k_base'): Tiktoken {
  if (!built.has(name)) built.set(name, buildEncoding(name));
  return built.get(name)!;
}

/** The cookbook's num_tokens_from_messages, written against js-tiktoken as an independent reference. */
function referenceCount(messages: Record<string, string>[], encodingName: 'o200k_base' | 'cl100k_base'): number {
  const enc = getEncoding(encodingName);
  let n = 0;
  for (const m of messages) {
    n += 3;
    for (const [key, value] of Object.entries(m)) {
      n += enc.encode(value, [], []).length;
      if (key === 'name') n += 1;
    }
  }
  return n + 3;
}

describe('token counting', () => {
  it('counts plain text like tiktoken', () => {
    expect(countTextTokens('hello world', 'o200k_base')).toBe(2);
    expect(countTextTokens('hello world', 'cl100k_base')).toBe(2);
    expect(countTextTokens('', 'o200k_base')).toBe(0);
    const text = 'Ich möchte meine Bestellung #4711 stornieren — geht das noch? 🙏 ありがとう';
    for (const enc of ['o200k_base', 'cl100k_base'] as const) {
      expect(countTextTokens(text, enc)).toBe(getEncoding(enc).encode(text).length);
    }
  });

  it('treats special-token text inside a conversation as ordinary text', () => {
    const text = 'please ignore <|endoftext|> and <|im_start|>';
    expect(countTextTokens(text, 'o200k_base')).toBe(getEncoding('o200k_base').encode(text, [], []).length);
  });

  it('matches the cookbook counts for chat messages (framing, names, reply priming)', () => {
    expect(countMessagesTokens(COOKBOOK_MESSAGES, 'cl100k_base')).toBe(129);
    expect(countMessagesTokens(COOKBOOK_MESSAGES, 'o200k_base')).toBe(124);
  });

  it("matches the cookbook's published counts for messages with tool definitions (gpt-4o-mini: 101)", () => {
    expect(tokenCounter('gpt-4o-mini-2024-07-18').example({ messages: COOKBOOK_TOOL_MESSAGES, tools: COOKBOOK_TOOLS })).toBe(101);
    expect(tokenCounter('gpt-4o-2024-08-06').example({ messages: COOKBOOK_TOOL_MESSAGES, tools: COOKBOOK_TOOLS })).toBe(101);
    expect(tokenCounter('gpt-35-turbo-0125').example({ messages: COOKBOOK_TOOL_MESSAGES, tools: COOKBOOK_TOOLS })).toBe(105);
    expect(tokenCounter('gpt-4').example({ messages: COOKBOOK_TOOL_MESSAGES, tools: COOKBOOK_TOOLS })).toBe(105);
    // The definitions' share, apart from the messages.
    expect(countToolDefinitionsTokens(COOKBOOK_TOOLS, 'o200k_base')).toBe(101 - countMessagesTokens(COOKBOOK_TOOL_MESSAGES, 'o200k_base'));
  });

  it('counts legacy `functions` as the same definitions as `tools`, and nothing for none', () => {
    const legacy = COOKBOOK_TOOLS.map((t) => t.function);
    expect(countExampleTokens({ messages: COOKBOOK_TOOL_MESSAGES, functions: legacy }, 'o200k_base')).toBe(101);
    expect(countToolDefinitionsTokens(legacy, 'cl100k_base')).toBe(countToolDefinitionsTokens(COOKBOOK_TOOLS, 'cl100k_base'));
    expect(countToolDefinitionsTokens([], 'o200k_base')).toBe(0);
    expect(countToolDefinitionsTokens(undefined, 'o200k_base')).toBe(0);
    expect(countExampleTokens({ messages: COOKBOOK_TOOL_MESSAGES }, 'o200k_base')).toBe(
      countMessagesTokens(COOKBOOK_TOOL_MESSAGES, 'o200k_base'),
    );
    // Two functions share one closing framing; one without parameters counts its name and description only.
    const two = [...COOKBOOK_TOOLS, { type: 'function', function: { name: 'ping', description: 'Check the service.' } }];
    expect(countToolDefinitionsTokens(two, 'o200k_base')).toBe(
      countToolDefinitionsTokens(COOKBOOK_TOOLS, 'o200k_base') + 7 + countTextTokens('ping:Check the service', 'o200k_base'),
    );
  });

  it('agrees with a js-tiktoken implementation of the cookbook function on a support chat', () => {
    const chat = [
      { role: 'system', content: 'You are a helpful customer service assistant.' },
      { role: 'user', content: 'Hi, my card was charged twice for order 88123. Can you refund one?' },
      {
        role: 'assistant',
        content: "I'm sorry about that! I can see both charges; I've refunded the duplicate. It takes 3–5 business days.",
      },
      { role: 'user', content: 'Thanks. Will I get an email?' },
      { role: 'assistant', content: 'Yes, a confirmation email is on its way.' },
    ];
    for (const enc of ['o200k_base', 'cl100k_base'] as const) {
      expect(countMessagesTokens(chat, enc)).toBe(referenceCount(chat, enc));
    }
    // weight is a training control, not text
    const weighted = chat.map((m) => (m.role === 'assistant' ? { ...m, weight: 1 } : m));
    expect(countMessagesTokens(weighted, 'o200k_base')).toBe(referenceCount(chat, 'o200k_base'));
  });

  it('picks the encoding from the model family', () => {
    expect(tokenCounter('gpt-4o-mini-2024-07-18').encoding).toBe('o200k_base');
    expect(tokenCounter('gpt-4.1-nano-2025-04-14').encoding).toBe('o200k_base');
    expect(tokenCounter('o4-mini').encoding).toBe('o200k_base');
    expect(tokenCounter('gpt-35-turbo-0125').encoding).toBe('cl100k_base');
    expect(tokenCounter('gpt-4').encoding).toBe('cl100k_base');
    expect(modelInfo('gpt-4.1-nano-2025-04-14').maxExampleTokens).toBe(32_768);
    expect(modelInfo('gpt-4o-2024-08-06').maxExampleTokens).toBe(65_536);
    expect(modelInfo('gpt-4.1-mini-2025-04-14').family).toBe('gpt-4.1-mini');
    expect(() => tokenCounter('llama-3')).toThrow(UnknownModelError);
    expect(() => tokenCounter('llama-3')).toThrow(/TUNELOOP_BASE_MODEL/);
  });
});

/**
 * The intent example's transcript is counted from the turns' own counts (`spacedLineTokens`,
 * `ExampleBuilder`): it must equal counting the whole example, on real chats and on random text
 * built to hit every boundary case (punctuation, digits, spaces, newlines, capitals, marks, emoji).
 */
describe('intent example tokens from the turns', () => {
  const starDir = join(__dirname, '../../fixtures/corpora/star_dialogues/dialogues');
  const starConversations = (): Conversation[] =>
    readdirSync(starDir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => {
        const d = JSON.parse(readFileSync(join(starDir, f), 'utf8')) as {
          DialogueID: number;
          Events: { Agent: string; Action: string; Text?: string }[];
        };
        const turns: Turn[] = d.Events.filter((e) => e.Text && (e.Agent === 'User' || e.Agent === 'Wizard')).map((e) => ({
          role: e.Agent === 'User' ? 'user' : 'assistant',
          content: e.Text ?? '',
        }));
        return {
          kind: 'conversation',
          conversationId: String(d.DialogueID),
          issueType: 'booking',
          turns,
          source: { file: f, line: 1, record: '' },
        };
      });

  const intentOf = (builder: ExampleBuilder, conversation: Conversation) => {
    const built = builder.build(conversation);
    if (!built.ok) return undefined;
    return built.examples.find((e) => e.kind === 'intent');
  };

  it.each(['gpt-4o-mini', 'gpt-35-turbo'])('equals the full count on every STAR dialogue (%s)', (model) => {
    const builder = new ExampleBuilder({ model, systemPrompt: 'You are a helpful support agent.' });
    const counter = tokenCounter(model);
    let checked = 0;
    for (const conversation of starConversations()) {
      const intent = intentOf(builder, conversation);
      if (!intent) continue;
      expect({ id: conversation.conversationId, tokens: intent.tokens }).toEqual({
        id: conversation.conversationId,
        tokens: counter.messages(intent.example.messages),
      });
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('equals the full count on random turns (both encodings, trailing customer turns and system turns included)', () => {
    const alphabet = fc.constantFrom(
      ...'aZ9 .?!,\'"/:-\n\t\r  Ééß̈ü中😀$(){}_xyzABC0123'.split(''),
      "'s",
      "'ll",
      'Hello',
      'OK',
      '...',
      '?!',
      '  \n',
      'ﬁ',
    );
    const text = fc.array(alphabet, { maxLength: 12 }).map((parts) => parts.join(''));
    const turn = fc.record({ role: fc.constantFrom<Turn['role']>('user', 'assistant', 'system'), content: text });
    const builders = ['gpt-4o-mini', 'gpt-35-turbo'].map((model) => ({
      builder: new ExampleBuilder({ model, systemPrompt: '' }),
      counter: tokenCounter(model),
    }));
    fc.assert(
      fc.property(fc.array(turn, { minLength: 1, maxLength: 6 }), (turns) => {
        const conversation: Conversation = {
          kind: 'conversation',
          conversationId: 'r',
          issueType: 'billing',
          turns,
          source: { file: 'f', line: 1, record: '' },
        };
        for (const { builder, counter } of builders) {
          const intent = intentOf(builder, conversation);
          if (intent) expect(intent.tokens).toBe(counter.messages(intent.example.messages));
        }
      }),
      { numRuns: 3000 },
    );
  });
});
