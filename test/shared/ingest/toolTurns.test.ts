import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExampleBuilder, type ExampleMessage } from '../../../src/shared/dataset/examples';
import { validateExample } from '../../../src/shared/dataset/validate';
import type { Conversation, IngestItem } from '../../../src/shared/ingest/types';
import { conversations, jsonl, parseAll, rejections } from './helpers';

const fixture = (name: string) => readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', name));
const reasons = (items: IngestItem[]) => items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type));
const MODEL = 'gpt-4o-mini-2024-07-18';

/** The conversation's examples, each checked against Azure OpenAI's rules for a training line. */
function examplesOf(conversation: Conversation, maxExampleTokens?: number) {
  const builder = new ExampleBuilder({ model: MODEL, systemPrompt: 'You are Shoply support.', intentExamples: false, maxExampleTokens });
  const built = builder.build(conversation);
  if (!built.ok) throw new Error(`${built.reason}: ${built.detail}`);
  for (const { example, tokens } of built.examples) {
    const check = validateExample(example, { model: MODEL, maxExampleTokens });
    expect(check.issues).toEqual([]);
    // The builder's count (turn by turn, calls and results included) is the service's count of the line.
    expect(tokens).toBe(check.tokens);
  }
  return built.examples.map((e) => ({ ...e.example, messages: e.example.messages as ExampleMessage[], tokens: e.tokens }));
}

describe('tool turns of conversation logs', () => {
  test("ShareGPT function calling (LLaMA-Factory's function_call / observation with a tools field) becomes tool calls and tool messages", async () => {
    const items = await parseAll(fixture('sharegpt_toolcall.json'), {}, 256);
    expect(reasons(items)).toEqual(['conversation']);
    const [conversation] = conversations(items);
    expect(conversation.turns.map((t) => [t.role, t.toolCalls ? 'calls' : 'text'])).toEqual([
      ['user', 'text'],
      ['assistant', 'calls'],
      ['assistant', 'text'],
      ['user', 'text'],
      ['assistant', 'calls'],
      ['assistant', 'text'],
      ['user', 'text'],
      ['assistant', 'calls'],
      ['assistant', 'text'],
    ]);
    expect(conversation.turns[1]).toEqual({
      role: 'assistant',
      content: '',
      toolCalls: [
        { id: 'call_1', type: 'function', function: { name: 'calculate_area', arguments: '{"shape":"rectangle","dimensions":[5,3]}' } },
      ],
      toolResults: [{ toolCallId: 'call_1', content: '{"area": 15}' }],
    });
    // LLaMA-Factory's `tools` is JSON text of bare function definitions: the fine-tuning format wraps each.
    expect(conversation.tools).toHaveLength(2);
    expect(conversation.tools![0]).toMatchObject({
      type: 'function',
      function: { name: 'calculate_area', parameters: { required: ['shape', 'dimensions'] } },
    });

    const [example] = examplesOf(conversation);
    expect(example.tools).toEqual(conversation.tools);
    expect(example.messages.slice(0, 5)).toEqual([
      { role: 'system', content: 'You are Shoply support.' },
      { role: 'user', content: 'I need to calculate the area of a rectangle. The length is 5 units and the breadth is 3 units.' },
      { role: 'assistant', tool_calls: conversation.turns[1].toolCalls },
      { role: 'tool', tool_call_id: 'call_1', content: '{"area": 15}' },
      { role: 'assistant', content: 'The area of the rectangle with length 5 units and breadth 3 units is 15 square units.' },
    ]);
    expect(example.messages.map((m) => m.role)).toEqual([
      'system',
      ...['user', 'assistant', 'tool', 'assistant'],
      ...['user', 'assistant', 'tool', 'assistant'],
      ...['user', 'assistant', 'tool', 'assistant'],
    ]);
    // The ids are numbered in the conversation, so the three calls stay apart.
    expect(example.messages.filter((m) => m.role === 'tool').map((m) => m.tool_call_id)).toEqual(['call_1', 'call_2', 'call_3']);
  });

  test('an OpenAI-style chat log (conversation_id) with tool_calls and tool messages, and one with legacy function_call / function', async () => {
    const items = await parseAll(fixture('openai_tool_log.jsonl'));
    expect(reasons(items)).toEqual(['conversation', 'conversation', 'invalid-tool-turn']);
    const [parallel, legacy] = conversations(items);

    expect(parallel.turns.map((t) => t.role)).toEqual(['system', 'user', 'assistant', 'assistant']);
    expect(parallel.turns[2].toolCalls!.map((c) => [c.id, c.function.name])).toEqual([
      ['call_Xq1', 'get_order'],
      ['call_Xq2', 'resend_receipt'],
    ]);
    // Results in the order they came back, each under the call its tool_call_id names.
    expect(parallel.turns[2].toolResults!.map((r) => r.toolCallId)).toEqual(['call_Xq2', 'call_Xq1']);
    const [example] = examplesOf(parallel);
    expect(example.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'tool', 'assistant']);
    expect(example.messages[2]).toEqual({ role: 'assistant', tool_calls: parallel.turns[2].toolCalls });
    expect(example.tools).toEqual(JSON.parse(fixture('openai_tool_log.jsonl').toString('utf8').split('\n')[0]).tools);

    expect(legacy.turns[1].toolCalls).toEqual([
      { id: 'call_1', type: 'function', function: { name: 'get_order', arguments: '{"order_id": "7730"}' } },
    ]);
    expect(legacy.turns[1].toolResults).toEqual([{ toolCallId: 'call_1', content: '{"status": "packed"}' }]);
    expect(legacy.tools).toEqual([{ type: 'function', function: expect.objectContaining({ name: 'get_order' }) }]);
    expect(examplesOf(legacy)[0].messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant']);

    expect(rejections(items)[0]).toMatchObject({
      line: 3,
      detail: expect.stringMatching(/^message 3 is a tool result for "call_B", which is none of the calls before it \(call_A\)/),
    });
  });

  test('tool turns that cannot be written as the format wants are rejected, saying why', async () => {
    const user = { from: 'human', value: 'Where is order 12?' };
    const call = { from: 'function_call', value: '{"name": "get_order", "arguments": {"order_id": "12"}}' };
    const items = await parseAll(
      jsonl(
        { id: 'a', conversations: [user, { from: 'observation', value: '{"status": "lost"}' }, { from: 'gpt', value: 'It is lost.' }] },
        { id: 'b', conversations: [user, call, { from: 'gpt', value: 'It is lost.' }] },
        { id: 'c', conversations: [user, { from: 'function_call', value: '{"arguments": {}}' }] },
        { id: 'd', conversations: [user, { from: 'function_call', value: '{"name": "get_order", "arguments": "{order 12"}' }] },
        { id: 'e', conversations: [user, call, { from: 'observation', value: '{}' }, { from: 'gpt', value: 'ok' }], tools: '{"name": 1}' },
        // Ends at the call: nothing after it needs the result, so the example trains the call.
        { id: 'f', conversations: [user, call] },
      ),
    );
    expect(reasons(items)).toEqual([
      'invalid-tool-turn',
      'invalid-tool-turn',
      'invalid-tool-turn',
      'invalid-tool-turn',
      'invalid-field:tools',
      'conversation',
    ]);
    expect(rejections(items).map((r) => r.detail)).toEqual([
      'turn 2 ("observation") is a tool result that follows no tool call',
      'the call to "get_order" (call_1) has no result, but the conversation goes on after it',
      'turn 2 ("function_call") has a call without a function "name"',
      'turn 2 ("function_call") has arguments for "get_order" that are not JSON',
      '"tools" must be a list of tool definitions',
    ]);
    const [endsAtCall] = examplesOf(conversations(items)[0]);
    expect(endsAtCall.messages.at(-1)).toMatchObject({ role: 'assistant', tool_calls: [{ function: { name: 'get_order' } }] });
  });

  test('parallel calls in one ShareGPT function_call, their results as one list or one observation each', async () => {
    const calls = {
      from: 'function_call',
      value: '[{"name": "get_order", "arguments": {"id": "1"}}, {"name": "get_order", "arguments": {"id": "2"}}]',
    };
    const user = { from: 'human', value: 'Where are orders 1 and 2?' };
    const reply = { from: 'gpt', value: 'Both have shipped.' };
    const items = await parseAll(
      jsonl(
        { id: 'list', conversations: [user, calls, { from: 'observation', value: '[{"status": "shipped"}, "shipped too"]' }, reply] },
        { id: 'each', conversations: [user, calls, { from: 'tool', value: 'shipped' }, { from: 'tool', value: 'shipped too' }, reply] },
      ),
    );
    expect(reasons(items)).toEqual(['conversation', 'conversation']);
    for (const conversation of conversations(items)) {
      expect(conversation.turns[1].toolResults).toEqual([
        { toolCallId: 'call_1', content: conversation.conversationId === 'list' ? '{"status":"shipped"}' : 'shipped' },
        { toolCallId: 'call_2', content: 'shipped too' },
      ]);
      expect(examplesOf(conversation)[0].messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'tool', 'assistant']);
    }
  });

  test('a long conversation splits at turns: a call keeps its results, and an example never starts or ends inside a call', async () => {
    const exchange = (n: number) => [
      { from: 'human', value: `Where is order ${n}? ${'I have been waiting for a long time. '.repeat(4)}` },
      { from: 'function_call', value: JSON.stringify({ name: 'get_order', arguments: { order_id: String(n) } }) },
      { from: 'observation', value: JSON.stringify({ status: 'shipped', note: 'Left the warehouse this morning. '.repeat(3) }) },
      { from: 'gpt', value: `Order ${n} has shipped and arrives tomorrow.` },
    ];
    const items = await parseAll(jsonl({ id: 'long', conversations: [1, 2, 3, 4, 5, 6].flatMap(exchange) }));
    const [conversation] = conversations(items);
    const examples = examplesOf(conversation, 400);
    expect(examples.length).toBeGreaterThan(1);
    // Some example ends at a call whose results are left for the next one (they would follow the last reply).
    expect(examples.some(({ messages }) => messages.at(-1)!.tool_calls !== undefined)).toBe(true);
    const trained: string[] = [];
    for (const { messages } of examples) {
      const body = messages.slice(1);
      expect(body[0].role).not.toBe('tool');
      expect(body.at(-1)!.role).toBe('assistant');
      body.forEach((m, i) => {
        if (m.role === 'tool') expect(body[i - 1].role === 'tool' || body[i - 1].tool_calls !== undefined).toBe(true);
        if (m.tool_calls && i < body.length - 1) expect(body[i + 1].role).toBe('tool');
        if (m.role === 'assistant' && m.weight !== 0) trained.push(m.content ?? m.tool_calls![0].function.arguments);
      });
    }
    // Every reply and every call is learned exactly once.
    expect(trained.sort()).toEqual(
      [1, 2, 3, 4, 5, 6].flatMap((n) => [`Order ${n} has shipped and arrives tomorrow.`, `{"order_id":"${n}"}`]).sort(),
    );
  });
});
