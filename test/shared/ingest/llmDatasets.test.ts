import { conversations, jsonl, parseAll, rejections } from './helpers';
import type { IngestItem } from '../../../src/shared/ingest/types';

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
      'contents[0].parts[0] is a "inlineData" part; only text parts are read (function calls, files and inline data of Gemini lines are not)',
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
      { input: [{ role: 'user', content: question }], output: [{ type: 'function_call', name: 'track', arguments: '{}' }] },
    ),
  );
  expect(reasons(items)).toEqual(['conversation', 'invalid-field:output']);
  const [c] = conversations(items);
  expect(c.turns).toEqual([
    { role: 'user', content: question },
    { role: 'assistant', content: answer },
  ]);
  expect(c.setAside).toEqual({ reasoning: 1 });
  expect(rejections(items)[0].detail).toMatch(/a "function_call" item is not read/);
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
