import { ExampleBuilder, type ExampleMessage } from '../../../src/shared/dataset/examples';
import { validateExample } from '../../../src/shared/dataset/validate';
import { conversations, jsonl, parseAll, rejections } from './helpers';
import type { Conversation, IngestItem } from '../../../src/shared/ingest/types';

// Training sets written for other services and trainers (src/shared/ingest/formats/llmDatasets.ts),
// in the shapes their documentation gives: OpenAI / Azure OpenAI preference (DPO) lines, Hugging Face
// TRL preference, unpaired-preference (KTO) and conversational prompt-completion rows, Vertex AI /
// Gemini tuning lines.

const reasons = (items: IngestItem[]) => items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type));
const question = 'Can I change the delivery address of my order after it has shipped?';
const answer = 'Yes. Open the order, choose Change address, and the carrier will redirect the parcel.';

describe('preference (DPO) lines of OpenAI and Azure OpenAI', () => {
  const line = {
    input: {
      messages: [
        { role: 'system', content: 'You are a support agent.' },
        { role: 'user', content: question },
      ],
      tools: [],
      parallel_tool_calls: true,
    },
    preferred_output: [{ role: 'assistant', content: answer }],
    non_preferred_output: [{ role: 'assistant', content: 'No.' }],
  };

  test('the prompt and the preferred reply are a ready-made example; the other reply is set aside, never read', async () => {
    const items = await parseAll(jsonl(line));
    expect(reasons(items)).toEqual(['conversation']);
    const [c] = conversations(items);
    expect(c.kind).toBe('ready');
    expect(c.turns.map((t) => `${t.role}: ${t.content}`)).toEqual([
      'system: You are a support agent.',
      `user: ${question}`,
      `assistant: ${answer}`,
    ]);
    // An empty tools list (what preference lines write when there are none) is not carried over.
    expect(c.ready).toEqual({ messages: [...line.input.messages, ...line.preferred_output] });
    expect(c.setAside).toEqual({ 'non-preferred-output': 1 });
    expect(JSON.stringify(c.ready)).not.toContain('"No."');
    expect(c.source.record).toBe(JSON.stringify(line));
  });

  test('tool definitions of the input travel with the example', async () => {
    const tools = [{ type: 'function', function: { name: 'track_parcel', parameters: { type: 'object', properties: {} } } }];
    const [c] = conversations(await parseAll(jsonl({ ...line, input: { ...line.input, tools } })));
    expect(c.ready?.tools).toEqual(tools);
  });

  test('a line without input messages, or whose preferred output is not the assistant, is rejected naming the field', async () => {
    const items = await parseAll(
      jsonl(
        { ...line, input: { tools: [] } },
        { ...line, input: 'hello' },
        { ...line, preferred_output: [{ role: 'user', content: answer }] },
        { ...line, preferred_output: [] },
      ),
    );
    expect(reasons(items)).toEqual([
      'missing-field:input.messages',
      'invalid-field:input',
      'invalid-field:preferred_output',
      'invalid-field:preferred_output',
    ]);
    expect(rejections(items)[2].detail).toBe(
      'preferred_output[0] has role "user"; the outputs of a preference line are assistant (or tool) messages',
    );
  });
});

describe('Hugging Face TRL rows', () => {
  test('preference with an explicit prompt and text replies: the chosen reply answers the prompt as an FAQ pair', async () => {
    const items = await parseAll(jsonl({ prompt: question, chosen: answer, rejected: 'No.' }));
    const [c] = conversations(items);
    expect(c.kind).toBe('faq');
    expect(c.turns).toEqual([
      { role: 'user', content: question },
      { role: 'assistant', content: answer },
    ]);
    expect(c.setAside).toEqual({ 'rejected-reply': 1 });
  });

  test('preference with message lists, the prompt implicit in chosen or given as messages', async () => {
    const chosen = [
      { role: 'user', content: question },
      { role: 'assistant', content: answer },
    ];
    const rejected = [
      { role: 'user', content: question },
      { role: 'assistant', content: 'No.' },
    ];
    const explicit = { prompt: [{ role: 'user', content: question }], chosen: [chosen[1]], rejected: [rejected[1]] };
    const items = await parseAll(jsonl({ chosen, rejected }, explicit));
    expect(reasons(items)).toEqual(['conversation', 'conversation']);
    for (const c of conversations(items)) {
      expect(c.turns.map((t) => t.content)).toEqual([question, answer]);
      expect(c.setAside).toEqual({ 'rejected-reply': 1 });
    }
  });

  test('a text reply without the prompt it answers is rejected, not read without its question', async () => {
    const items = await parseAll(jsonl({ chosen: answer, rejected: 'No.' }, { prompt: 42, chosen: answer, rejected: 'No.' }));
    expect(reasons(items)).toEqual(['missing-field:prompt', 'invalid-field:prompt']);
    expect(rejections(items)[0].detail).toBe('"chosen" is a text, so "prompt" must be the text it answers, got undefined');
  });

  test('unpaired preference (KTO): a completion labelled true is read, one labelled false is quarantined, never trained on', async () => {
    const items = await parseAll(
      jsonl({ prompt: question, completion: answer, label: true }, { prompt: 'Can I cancel online?', completion: 'No.', label: false }),
    );
    expect(reasons(items)).toEqual(['conversation', 'undesirable-completion']);
    expect(conversations(items)[0]).toMatchObject({ kind: 'faq', turns: [{ content: question }, { content: answer }] });
    expect(rejections(items)[0].detail).toMatch(/"label" is false/);
  });

  test('the same rows as CSV: prompt/chosen/rejected trains the chosen reply, a KTO row labelled False is quarantined, a class label is no such mark', async () => {
    const preference = await parseAll(`prompt,chosen,rejected\n"${question}","${answer}",No.\n`);
    expect(conversations(preference)).toMatchObject([
      { kind: 'faq', turns: [{ content: question }, { content: answer }], setAside: { 'rejected-reply': 1 } },
    ]);
    const kto = await parseAll(
      `prompt,completion,label\n"${question}","${answer}",True\nCan I cancel?,No.,False\nCan I pay by card?,Yes.,billing\n`,
    );
    expect(reasons(kto)).toEqual(['conversation', 'undesirable-completion', 'conversation']);
    expect(rejections(kto)[0]).toMatchObject({ line: 3, record: 'Can I cancel?,No.,False' });
    const json = await parseAll(jsonl({ prompt: 'Can I cancel?', completion: 'No.', label: 'False' }));
    expect(reasons(json)).toEqual(['undesirable-completion']);
  });

  test('conversational prompt-completion: the prompt messages then the completion messages', async () => {
    const items = await parseAll(
      jsonl(
        {
          prompt: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: question },
          ],
          completion: [{ role: 'assistant', content: answer }],
        },
        { prompt: [{ role: 'user', content: question }], completion: answer },
        { prompt: [{ role: 'user', content: question }], completion: [] },
      ),
    );
    expect(reasons(items)).toEqual(['conversation', 'conversation', 'invalid-field:completion']);
    const [withSystem, textCompletion] = conversations(items);
    expect(withSystem.turns.map((t) => t.role)).toEqual(['system', 'user', 'assistant']);
    expect(textCompletion.turns.map((t) => t.content)).toEqual([question, answer]);
  });

  test('prompt and completion texts stay instruction pairs (as before)', async () => {
    const [c] = conversations(await parseAll(jsonl({ prompt: question, completion: answer })));
    expect(c.kind).toBe('faq');
    expect(c.setAside).toBeUndefined();
  });
});

describe('Vertex AI / Gemini tuning lines', () => {
  const line = {
    systemInstruction: { role: 'system', parts: [{ text: 'You are a support agent.' }] },
    contents: [
      { role: 'user', parts: [{ text: 'My invoice shows a double charge for March, ' }, { text: 'can you fix it?' }] },
      { role: 'model', parts: [{ text: 'I have refunded the second payment; it reaches your card in 3 to 5 days.' }] },
    ],
  };

  test('user and model contents with the system instruction; text parts read as one text', async () => {
    const [c] = conversations(await parseAll(jsonl(line)));
    expect(c.kind).toBe('ready');
    expect(c.turns).toEqual([
      { role: 'system', content: 'You are a support agent.' },
      { role: 'user', content: 'My invoice shows a double charge for March, can you fix it?' },
      { role: 'assistant', content: 'I have refunded the second payment; it reaches your card in 3 to 5 days.' },
    ]);
  });

  test('an unknown role or a non-text part is rejected naming the content and the part', async () => {
    const items = await parseAll(
      jsonl(
        { contents: [{ role: 'agent', parts: [{ text: 'hi' }] }] },
        { contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: 'AA==' } }] }] },
      ),
    );
    expect(reasons(items)).toEqual(['unknown-speaker', 'invalid-field:contents']);
    expect(rejections(items)[1].detail).toBe(
      'contents[0].parts[0] is a "inlineData" part; only text, functionCall and functionResponse parts are read (files and inline data of Gemini lines are not)',
    );
  });
});

test('a ready-made line whose assistant content is text parts is trained on as the one text (Azure takes parts from the user only)', async () => {
  const line = {
    messages: [
      { role: 'user', content: [{ type: 'text', text: question }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Yes.' },
          { type: 'text', text: 'Open the order and choose Change address.' },
        ],
      },
    ],
  };
  const [c] = conversations(await parseAll(jsonl(line)));
  expect(c.kind).toBe('ready');
  // The user's parts are kept as written (Azure accepts them); the assistant's become one string.
  expect(c.ready?.messages).toEqual([line.messages[0], { role: 'assistant', content: 'Yes.\nOpen the order and choose Change address.' }]);
});

describe('logged chat completion calls (LLM gateway and observability exports)', () => {
  const call = (choice: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    id: 'chatcmpl-1',
    request: {
      model: 'support-bot',
      messages: [
        { role: 'system', content: 'You are a support agent.' },
        { role: 'user', content: question },
      ],
    },
    response: {
      model: 'gpt-4o-mini-2024-07-18',
      choices: [
        { index: 0, message: { role: 'assistant', content: answer, refusal: null, annotations: [] }, finish_reason: 'stop', ...choice },
      ],
    },
    ...extra,
  });

  test('the prompt and the answer given are a ready-made example, with the model that answered', async () => {
    const [c] = conversations(await parseAll(jsonl(call({}))));
    expect(c.kind).toBe('ready');
    expect(c.ready?.messages.at(-1)).toEqual({ role: 'assistant', content: answer });
    expect(c.model).toBe('gpt-4o-mini-2024-07-18');
  });

  test('an answer cut off at the token limit or withheld by the filter is quarantined; a call without an answer names it', async () => {
    const items = await parseAll(
      jsonl(call({ finish_reason: 'length' }), call({ finish_reason: 'content_filter' }), {
        request: call({}).request,
        response: { error: 'timeout' },
      }),
    );
    expect(reasons(items)).toEqual(['truncated-reply', 'filtered-reply', 'missing-field:response.choices']);
  });
});

test('message lists in input and output (Responses API logs): text parts read as text, reasoning items set aside', async () => {
  const items = await parseAll(
    jsonl(
      {
        input: [{ role: 'user', content: [{ type: 'input_text', text: question }] }],
        output: [
          { type: 'reasoning', summary: [] },
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: answer }] },
        ],
      },
      { input: [{ role: 'user', content: question }], output: [{ type: 'web_search_call', id: 'ws_1', status: 'completed' }] },
    ),
  );
  expect(reasons(items)).toEqual(['conversation', 'invalid-field:output']);
  const [c] = conversations(items);
  expect(c.turns).toEqual([
    { role: 'user', content: question },
    { role: 'assistant', content: answer },
  ]);
  expect(c.setAside).toEqual({ reasoning: 1 });
  expect(rejections(items)[0].detail).toMatch(/a "web_search_call" item is not read/);
});

test("Amazon Bedrock's conversation format (Claude and Nova fine-tuning): content parts of text without a type", async () => {
  const line = {
    schemaVersion: 'bedrock-conversation-2024',
    system: [{ text: 'You are a support agent.' }],
    messages: [
      { role: 'user', content: [{ text: question }] },
      { role: 'assistant', content: [{ text: answer }] },
    ],
  };
  const [c] = conversations(await parseAll(jsonl(line)));
  expect(c.turns.map((t) => t.content)).toEqual([question, answer]);
});

test('a prompt rendered with a chat template is read as its turns in CSV rows and preference rows, never as a question of template tokens', async () => {
  const prompt = `<|im_start|>user\n${question}<|im_end|>\n<|im_start|>assistant\n`;
  const csv = await parseAll(`prompt,completion\n"${prompt}","${answer}<|im_end|>"\n`);
  const kto = await parseAll(jsonl({ prompt, completion: answer, label: true }, { prompt, chosen: answer, rejected: 'No.' }));
  for (const c of [...conversations(csv), ...conversations(kto)]) {
    expect(c.turns.map((t) => `${t.role}: ${t.content}`)).toEqual([`user: ${question}`, `assistant: ${answer}`]);
  }
  expect(conversations(csv)).toHaveLength(1);
  expect(conversations(kto)).toHaveLength(2);
  expect(conversations(kto)[1].setAside).toEqual({ 'rejected-reply': 1 });
});

describe('tool calls of Gemini, Responses API, Bedrock and Anthropic lines', () => {
  const MODEL = 'gpt-4o-mini-2024-07-18';
  /** The conversation's one example, checked against Azure OpenAI's rules for a training line. */
  function exampleOf(conversation: Conversation) {
    const built = new ExampleBuilder({ model: MODEL, systemPrompt: 'You are Shoply support.', intentExamples: false }).build(conversation);
    if (!built.ok) throw new Error(`${built.reason}: ${built.detail}`);
    expect(built.examples).toHaveLength(1);
    const [{ example, tokens }] = built.examples;
    const check = validateExample(example, { model: MODEL });
    expect(check.issues).toEqual([]);
    expect(tokens).toBe(check.tokens);
    return { ...example, messages: example.messages as ExampleMessage[] };
  }
  const roles = (messages: ExampleMessage[]) => messages.map((m) => (m.tool_calls ? 'calls' : m.role));
  const getOrder = {
    name: 'get_order',
    description: 'Look up an order',
    parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
  };
  const getOrderTool = { type: 'function', function: getOrder };
  const where = 'Where are orders 1 and 2?';
  const reply = 'Order 1 has shipped; order 2 is packed.';

  test('Gemini: functionCall parts (parallel, text beside them) and functionResponse parts filed by name; functionDeclarations as tools', async () => {
    const line = {
      systemInstruction: { parts: [{ text: 'You are a support agent.' }] },
      tools: [
        {
          functionDeclarations: [
            // Gemini's schemas spell types upper case (OpenAPI); the fine-tuning format wants JSON Schema's.
            { ...getOrder, parameters: { type: 'OBJECT', properties: { order_id: { type: 'STRING' } }, required: ['order_id'] } },
            { name: 'resend_receipt', description: 'Mail the receipt again' },
          ],
        },
        { googleSearch: {} },
      ],
      contents: [
        { role: 'user', parts: [{ text: where }] },
        {
          role: 'model',
          parts: [
            { text: 'Let me check both.' },
            { functionCall: { name: 'get_order', args: { order_id: '1' } } },
            { functionCall: { name: 'resend_receipt', args: {} } },
            { functionCall: { name: 'get_order', args: { order_id: '2' } } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'resend_receipt', response: { sent: true } } },
            { functionResponse: { name: 'get_order', response: { status: 'shipped' } } },
            { functionResponse: { name: 'get_order', response: { status: 'packed' } } },
            { text: 'Thanks!' },
          ],
        },
        { role: 'model', parts: [{ functionCall: { id: 'g-7', name: 'get_order', args: { order_id: '3' } } }] },
        { role: 'function', parts: [{ functionResponse: { id: 'g-7', name: 'get_order', response: { status: 'lost' } } }] },
        { role: 'model', parts: [{ text: reply }] },
      ],
    };
    const items = await parseAll(jsonl(line));
    expect(reasons(items)).toEqual(['conversation']);
    const [c] = conversations(items);
    expect(c.kind).toBe('conversation');
    expect(c.setAside).toEqual({ 'non-function-tool': 1 });
    expect(c.turns[2]).toEqual({
      role: 'assistant',
      content: 'Let me check both.',
      toolCalls: [
        { id: 'call_1', type: 'function', function: { name: 'get_order', arguments: '{"order_id":"1"}' } },
        { id: 'call_2', type: 'function', function: { name: 'resend_receipt', arguments: '{}' } },
        { id: 'call_3', type: 'function', function: { name: 'get_order', arguments: '{"order_id":"2"}' } },
      ],
      // Without ids, each result goes to the first call of its name still without one.
      toolResults: [
        { toolCallId: 'call_2', content: '{"sent":true}' },
        { toolCallId: 'call_1', content: '{"status":"shipped"}' },
        { toolCallId: 'call_3', content: '{"status":"packed"}' },
      ],
    });
    expect(c.turns[4].toolCalls![0].id).toBe('g-7');
    expect(c.tools).toEqual([
      getOrderTool,
      { type: 'function', function: { name: 'resend_receipt', description: 'Mail the receipt again' } },
    ]);
    const example = exampleOf(c);
    expect(roles(example.messages)).toEqual(['system', 'user', 'calls', 'tool', 'tool', 'tool', 'user', 'calls', 'tool', 'assistant']);
    expect(example.messages[2]).toEqual({ role: 'assistant', content: 'Let me check both.', tool_calls: c.turns[2].toolCalls });
    expect(example.messages[6]).toEqual({ role: 'user', content: 'Thanks!' });
    expect(example.tools).toEqual(c.tools);
  });

  test('Gemini: tool parts that cannot be written as the format wants are rejected, naming the part', async () => {
    const user = { role: 'user', parts: [{ text: where }] };
    const call = { role: 'model', parts: [{ functionCall: { name: 'get_order', args: { order_id: '1' } } }] };
    const answer = { role: 'model', parts: [{ text: reply }] };
    const response = (name: string, extra: Record<string, unknown> = { response: { status: 'shipped' } }) => ({
      role: 'user',
      parts: [{ functionResponse: { name, ...extra } }],
    });
    const items = await parseAll(
      jsonl(
        { contents: [{ role: 'user', parts: [{ functionCall: { name: 'get_order', args: {} } }] }, answer] },
        { contents: [user, call, response('track'), answer] },
        { contents: [user, call, response('get_order', {}), answer] },
        { contents: [user, call, answer] },
        { contents: [user, { role: 'model', parts: [{ functionCall: { args: {} } }] }] },
        { contents: [user, call, response('get_order'), answer], tools: [{ functionDeclarations: [{ description: 'no name' }] }] },
      ),
    );
    expect(reasons(items)).toEqual([
      'invalid-tool-turn',
      'invalid-tool-turn',
      'invalid-tool-turn',
      'invalid-tool-turn',
      'invalid-tool-turn',
      'invalid-field:tools',
    ]);
    expect(rejections(items).map((r) => r.detail)).toEqual([
      'contents[0].parts[0] is a functionCall in a "user" content; only the model\'s contents call functions',
      'contents[2].parts[0] is a tool result for "track", which is none of the calls before it still without a result (call_1 "get_order")',
      'contents[2].parts[0] is a tool result without text',
      'the call to "get_order" (call_1) has no result, but the conversation goes on after it',
      'contents[1].parts[0] has a call without a function "name"',
      expect.stringMatching(/^tools\[0\]\.functionDeclarations\[0\] is no function declaration with a "name"/),
    ]);
  });

  test('Responses API: consecutive function_call items are one turn of parallel calls, outputs filed by call_id; flat tools nested', async () => {
    const line = {
      tools: [{ type: 'function', ...getOrder, strict: true }, { type: 'web_search_preview' }],
      input: [{ role: 'user', content: where }],
      output: [
        { type: 'reasoning', summary: [] },
        { type: 'function_call', id: 'fc_1', call_id: 'call_a', name: 'get_order', arguments: '{"order_id":"1"}', status: 'completed' },
        { type: 'function_call', id: 'fc_2', call_id: 'call_b', name: 'get_order', arguments: '{"order_id":"2"}', status: 'completed' },
        { type: 'function_call_output', call_id: 'call_b', output: '{"status":"packed"}' },
        { type: 'function_call_output', call_id: 'call_a', output: [{ type: 'input_text', text: '{"status":"shipped"}' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: reply }] },
      ],
    };
    const items = await parseAll(jsonl(line));
    expect(reasons(items)).toEqual(['conversation']);
    const [c] = conversations(items);
    expect(c.setAside).toEqual({ reasoning: 1, 'non-function-tool': 1 });
    expect(c.turns[1].toolCalls!.map((call) => call.id)).toEqual(['call_a', 'call_b']);
    expect(c.turns[1].toolResults).toEqual([
      { toolCallId: 'call_b', content: '{"status":"packed"}' },
      { toolCallId: 'call_a', content: '{"status":"shipped"}' },
    ]);
    expect(c.tools).toEqual([getOrderTool]);
    const example = exampleOf(c);
    expect(roles(example.messages)).toEqual(['system', 'user', 'calls', 'tool', 'tool', 'assistant']);
    expect(example.tools).toEqual([getOrderTool]);
  });

  test('Responses API: a definition without a call is carried; malformed calls and outputs are rejected, naming the item', async () => {
    const input = [{ role: 'user', content: where }];
    const call = { type: 'function_call', call_id: 'call_a', name: 'get_order', arguments: '{"order_id":"1"}' };
    const answer = { type: 'message', role: 'assistant', content: reply };
    const items = await parseAll(
      jsonl(
        { tools: [{ type: 'function', ...getOrder }], input, output: [answer] },
        { input, output: [call, { type: 'function_call_output', call_id: 'call_z', output: 'ok' }, answer] },
        { input, output: [{ ...call, arguments: '{order 1' }, { type: 'function_call_output', call_id: 'call_a', output: 'ok' }, answer] },
        { input, output: [call, { type: 'function_call_output', call_id: 'call_a', output: [{ type: 'input_image', image_url: 'x' }] }] },
        { input, output: [{ type: 'function_call_output', call_id: 'call_a', output: 'ok' }, answer] },
      ),
    );
    expect(reasons(items)).toEqual(['conversation', 'invalid-tool-turn', 'invalid-tool-turn', 'invalid-tool-turn', 'invalid-tool-turn']);
    expect(conversations(items)[0].ready?.tools).toEqual([getOrderTool]);
    expect(rejections(items).map((r) => r.detail)).toEqual([
      'output[1] (function_call_output) is a tool result for "call_z", which is none of the calls before it still without a result (call_a "get_order")',
      'output[0] (function_call) has arguments for "get_order" that are not JSON',
      expect.stringMatching(/^output\[1\] \(function_call_output\) has an "output" that is not text/),
      'output[0] (function_call_output) is a tool result that follows no tool call',
    ]);
  });

  test('Bedrock toolUse / toolResult blocks with toolConfig, Anthropic tool_use / tool_result with tools: the user text after the results stays a user turn', async () => {
    const bedrock = {
      schemaVersion: 'bedrock-conversation-2024',
      system: [{ text: 'You are a support agent.' }],
      toolConfig: {
        tools: [{ toolSpec: { name: 'get_order', description: getOrder.description, inputSchema: { json: getOrder.parameters } } }],
      },
      messages: [
        { role: 'user', content: [{ text: where }] },
        {
          role: 'assistant',
          content: [
            { toolUse: { toolUseId: 'tooluse_1', name: 'get_order', input: { order_id: '1' } } },
            { toolUse: { toolUseId: 'tooluse_2', name: 'get_order', input: { order_id: '2' } } },
          ],
        },
        {
          role: 'user',
          content: [
            { toolResult: { toolUseId: 'tooluse_2', content: [{ json: { status: 'packed' } }] } },
            { toolResult: { toolUseId: 'tooluse_1', content: [{ text: 'shipped' }], status: 'success' } },
          ],
        },
        { role: 'assistant', content: [{ text: reply }] },
      ],
    };
    const anthropic = {
      tools: [{ name: 'get_order', description: getOrder.description, input_schema: getOrder.parameters }],
      messages: [
        { role: 'user', content: where },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me check.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_order', input: { order_id: '1' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '{"status":"shipped"}' }] },
            { type: 'text', text: 'And order 2, when does it come?' },
          ],
        },
        { role: 'assistant', content: 'Order 2 is packed and leaves today.' },
      ],
    };
    const items = await parseAll(jsonl(bedrock, anthropic));
    expect(reasons(items)).toEqual(['conversation', 'conversation']);
    const [b, a] = conversations(items);
    expect(b.turns[1].toolResults).toEqual([
      { toolCallId: 'tooluse_2', content: '{"status":"packed"}' },
      { toolCallId: 'tooluse_1', content: 'shipped' },
    ]);
    expect(b.tools).toEqual([getOrderTool]);
    expect(a.tools).toEqual([getOrderTool]);
    expect(roles(exampleOf(b).messages)).toEqual(['system', 'user', 'calls', 'tool', 'tool', 'assistant']);
    const example = exampleOf(a);
    expect(roles(example.messages)).toEqual(['system', 'user', 'calls', 'tool', 'user', 'assistant']);
    expect(example.messages[2]).toEqual({
      role: 'assistant',
      content: 'Let me check.',
      tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_order', arguments: '{"order_id":"1"}' } }],
    });
    expect(example.messages[4]).toEqual({ role: 'user', content: 'And order 2, when does it come?' });
    expect(example.tools).toEqual([getOrderTool]);
  });

  test('Bedrock and Anthropic tool blocks that cannot be written as the format wants are rejected, naming the block', async () => {
    const user = { role: 'user', content: where };
    const use = { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_order', input: { order_id: '1' } }] };
    const answer = { role: 'assistant', content: reply };
    const result = (block: Record<string, unknown>) => ({ role: 'user', content: [{ type: 'tool_result', ...block }] });
    const items = await parseAll(
      jsonl(
        { messages: [{ role: 'user', content: [{ toolUse: { toolUseId: 't', name: 'get_order', input: {} } }] }, answer] },
        { messages: [user, use, result({ tool_use_id: 'toolu_9', content: 'ok' }), answer] },
        { messages: [user, use, result({ tool_use_id: 'toolu_1', content: [{ type: 'image', source: {} }] }), answer] },
        { messages: [user, use, { role: 'assistant', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok' }] }] },
        { messages: [user, use, answer] },
        {
          schemaVersion: 'bedrock-conversation-2024',
          toolConfig: { tools: [{ toolSpec: { description: 'x' } }] },
          messages: [user, answer],
        },
      ),
    );
    expect(reasons(items)).toEqual([
      'invalid-tool-turn',
      'invalid-tool-turn',
      'invalid-tool-turn',
      'invalid-tool-turn',
      'invalid-tool-turn',
      'invalid-field:toolConfig',
    ]);
    expect(rejections(items).map((r) => r.detail)).toEqual([
      'messages[0].content[0] (toolUse) is a tool call in a "user" message; only the assistant\'s messages call tools',
      'messages[2].content[0] (tool_result) is a tool result for "toolu_9", which is none of the calls before it still without a result (toolu_1 "get_order")',
      'messages[2].content[0] (tool_result) has a block of type "image" in its content; only text and JSON results are read (the fine-tuning format\'s tool messages are text)',
      'messages[2].content[0] (tool_result) is a tool result in a "assistant" message; results come in the user message after the call',
      'the call to "get_order" (toolu_1) has no result, but the conversation goes on after it',
      expect.stringMatching(/^toolConfig\.tools\[0\] is no tool specification with a "name"/),
    ]);
  });

  test('a weight on an Anthropic message that calls tools stays on the call turn', async () => {
    const items = await parseAll(
      jsonl({
        messages: [
          { role: 'user', content: where },
          { role: 'assistant', weight: 0, content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_order', input: { order_id: '1' } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'shipped' }] },
          { role: 'assistant', content: reply },
        ],
      }),
    );
    const [c] = conversations(items);
    expect(c.turns[1]).toMatchObject({ weight: 0, toolCalls: [{ id: 'toolu_1' }] });
    expect(exampleOf(c).messages[2]).toMatchObject({ weight: 0, tool_calls: [{ id: 'toolu_1' }] });
  });
});
