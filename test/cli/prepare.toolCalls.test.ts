import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import { captureIo } from '../setup/cli';

/**
 * Tool calls of Gemini, Responses API, Bedrock and Anthropic lines and of ChatML text (Hermes), end to end: what `tuneloop
 * prepare` writes is the fine-tuning format's assistant `tool_calls`, `tool` messages and `tools`,
 * with personal data in arguments and results redacted.
 */
describe('tuneloop prepare: tool calls of other services’ lines', () => {
  const parameters = { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] };
  const tool = { type: 'function', function: { name: 'get_order', description: 'Look up an order', parameters } };
  const lines = {
    'gemini.jsonl': {
      tools: [{ functionDeclarations: [{ name: 'get_order', description: 'Look up an order', parameters }] }],
      contents: [
        { role: 'user', parts: [{ text: 'Where is my order 7730? My invoice never came either.' }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_order', args: { order_id: '7730' } } }] },
        {
          role: 'user',
          parts: [{ functionResponse: { name: 'get_order', response: { status: 'shipped', email: 'jane.doe@example.com' } } }],
        },
        { role: 'model', parts: [{ text: 'Order 7730 left our warehouse and arrives tomorrow; I have mailed the invoice again.' }] },
      ],
    },
    'responses.jsonl': {
      tools: [{ type: 'function', name: 'get_order', description: 'Look up an order', parameters }],
      input: [{ role: 'user', content: 'Has the standing desk from order 5512 been dispatched yet?' }],
      output: [
        { type: 'function_call', call_id: 'call_r1', name: 'get_order', arguments: '{"order_id":"5512","notify":"bob.smith@example.org"}' },
        { type: 'function_call_output', call_id: 'call_r1', output: '{"status":"packed"}' },
        {
          type: 'message',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'The desk is packed and goes out with the afternoon courier.' }],
        },
      ],
    },
    'bedrock.jsonl': {
      schemaVersion: 'bedrock-conversation-2024',
      toolConfig: { tools: [{ toolSpec: { name: 'get_order', description: 'Look up an order', inputSchema: { json: parameters } } }] },
      messages: [
        { role: 'user', content: [{ text: 'The headphones in order 9100 arrived broken, what now?' }] },
        { role: 'assistant', content: [{ toolUse: { toolUseId: 'tooluse_b1', name: 'get_order', input: { order_id: '9100' } } }] },
        { role: 'user', content: [{ toolResult: { toolUseId: 'tooluse_b1', content: [{ json: { status: 'delivered' } }] } }] },
        { role: 'assistant', content: [{ text: 'Sorry about that: a free return label for the headphones is on its way to you.' }] },
      ],
    },
    'anthropic.jsonl': {
      tools: [{ name: 'get_order', description: 'Look up an order', input_schema: parameters }],
      messages: [
        { role: 'user', content: 'Can I still add gift wrapping to order 3301?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_a1', name: 'get_order', input: { order_id: '3301' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_a1', content: '{"status":"open"}' }] },
        { role: 'assistant', content: 'Yes, the order is still open, so gift wrapping can be added at checkout review.' },
      ],
    },
    // ChatML text with Hermes-style function calling.
    'hermes.jsonl': {
      text:
        `<|im_start|>system\nYou are a function calling AI model.\n<tools>\n${JSON.stringify(tool)}\n</tools><|im_end|>\n` +
        '<|im_start|>user\nIs the blender from order 4410 still under warranty? Reach me at carol.lee@example.net<|im_end|>\n' +
        '<|im_start|>assistant\n<tool_call>\n{"name": "get_order", "arguments": {"order_id": "4410"}}\n</tool_call><|im_end|>\n' +
        '<|im_start|>tool\n<tool_response>\n{"status": "delivered", "warranty_until": "2028-03-01"}\n</tool_response><|im_end|>\n' +
        '<|im_start|>assistant\nYes, the blender is covered by the warranty until March 2028.<|im_end|>\n',
    },
  };

  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-toolcalls-'));
    for (const [name, line] of Object.entries(lines)) await writeFile(join(dir, name), JSON.stringify(line) + '\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes each as an example with tool_calls, tool messages and tools', async () => {
    const cli = captureIo(dir);
    const code = await runCli(['prepare', ...Object.keys(lines), '--out', 'out', '--workers', '1'], cli);
    const report = JSON.parse(await readFile(join(dir, 'out', 'report.json'), 'utf8')) as Record<string, unknown>;
    expect(report).toMatchObject({ records_in: 5, records_used: 5, records_quarantined: 0 });
    expect(code).toBe(0);
    const examples: { messages: Record<string, unknown>[]; tools?: unknown }[] = [];
    for (const split of ['train', 'validation', 'holdout'])
      for (const line of (await readFile(join(dir, 'out', `${split}.jsonl`), 'utf8')).split('\n').filter(Boolean))
        examples.push(JSON.parse(line) as (typeof examples)[number]);
    expect(examples).toHaveLength(5);
    for (const example of examples) {
      expect(example.messages.map((m) => (m.tool_calls ? 'calls' : m.role))).toEqual(['system', 'user', 'calls', 'tool', 'assistant']);
      const [call] = example.messages[2].tool_calls as { id: string; function: { name: string } }[];
      expect(call.function.name).toBe('get_order');
      expect(example.messages[3].tool_call_id).toBe(call.id);
      expect(example.tools).toEqual([tool]);
    }
    // Personal data in a result and in the arguments of a call is redacted as in any tool turn.
    const written = JSON.stringify(examples);
    expect(written).not.toContain('jane.doe@example.com');
    expect(written).not.toContain('bob.smith@example.org');
    expect(written).not.toContain('carol.lee@example.net');
  });
});
