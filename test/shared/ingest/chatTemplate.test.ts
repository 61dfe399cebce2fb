import { ExampleBuilder, type ExampleMessage } from '../../../src/shared/dataset/examples';
import { validateExample } from '../../../src/shared/dataset/validate';
import { conversations, jsonl, parseAll, rejections } from './helpers';
import type { IngestItem } from '../../../src/shared/ingest/types';

// Conversations rendered with a model's chat template into one `text` (src/shared/ingest/formats/chatTemplate.ts),
// as Hugging Face SFT datasets ship them; the markup is each template's as its tokenizer config writes it.

const reasons = (items: IngestItem[]) => items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type));
const turnsOf = (items: IngestItem[]) => conversations(items).map((c) => c.turns.map((t) => `${t.role}: ${t.content}`));

const system = 'You are a support agent for Contoso.';
const q1 = 'My invoice shows the plan twice.';
const a1 = 'I can see the double charge; I have refunded the second one.';
const q2 = 'When will the money be back?';
const a2 = 'Within five working days.';
const expected = [`system: ${system}`, `user: ${q1}`, `assistant: ${a1}`, `user: ${q2}`, `assistant: ${a2}`];

const chatml = (turns: [string, string][]) => turns.map(([role, text]) => `<|im_start|>${role}\n${text}<|im_end|>\n`).join('');
const llama3 = (turns: [string, string][]) =>
  '<|begin_of_text|>' + turns.map(([role, text]) => `<|start_header_id|>${role}<|end_header_id|>\n\n${text}<|eot_id|>`).join('');
const gemma = (turns: [string, string][]) =>
  '<bos>' + turns.map(([role, text]) => `<start_of_turn>${role}\n${text}<end_of_turn>\n`).join('');

const dialogue: [string, string][] = [
  ['system', system],
  ['user', q1],
  ['assistant', a1],
  ['user', q2],
  ['assistant', a2],
];

describe('chat template texts', () => {
  test('ChatML, Llama 3, Llama 2 / Mistral and Gemma texts are read back into their turns, system turn included', async () => {
    const llama2 = `<s>[INST] <<SYS>>\n${system}\n<</SYS>>\n\n${q1} [/INST] ${a1} </s><s>[INST] ${q2} [/INST] ${a2} </s>`;
    const items = await parseAll(
      jsonl(
        { text: chatml(dialogue) },
        { text: llama3(dialogue) },
        { text: llama2 },
        // Gemma has no system role: its chat template puts the system prompt into the first user turn.
        { text: gemma(dialogue.slice(1).map(([role, text]) => [role === 'assistant' ? 'model' : role, text])) },
      ),
    );
    expect(reasons(items)).toEqual(['conversation', 'conversation', 'conversation', 'conversation']);
    const [fromChatml, fromLlama3, fromLlama2, fromGemma] = turnsOf(items);
    expect(fromChatml).toEqual(expected);
    expect(fromLlama3).toEqual(expected);
    expect(fromLlama2).toEqual(expected);
    expect(fromGemma).toEqual(expected.slice(1));
    expect(conversations(items).every((c) => c.kind === 'conversation')).toBe(true);
  });

  test('Mistral without a system block and without spaces; one exchange is a conversation too', async () => {
    const items = await parseAll(jsonl({ id: 'm-1', text: `<s>[INST]${q1}[/INST]${a1}</s>` }));
    expect(turnsOf(items)).toEqual([[`user: ${q1}`, `assistant: ${a1}`]]);
    const [c] = conversations(items);
    expect(c.conversationId).toBe('m-1');
    expect(c.kind).toBe('conversation');
  });

  test('the end marker of the last turn may be left out (the tokenizer adds it); BOS/EOS tokens outside turns are dropped', async () => {
    const cut = chatml(dialogue.slice(0, 3)).replace(/<\|im_end\|>\n$/, '');
    const items = await parseAll(
      jsonl(
        { text: cut },
        { text: `${llama3(dialogue.slice(1, 3))}<|end_of_text|>\n` },
        { text: `<|endoftext|>${chatml(dialogue.slice(1, 3))}<|endoftext|>` },
      ),
    );
    expect(turnsOf(items)).toEqual([expected.slice(0, 3), expected.slice(1, 3), expected.slice(1, 3)]);
  });

  test('a prompt with its completion in template markup is one chat, not an instruction pair of template tokens', async () => {
    const prompt = `${chatml(dialogue.slice(0, 2))}<|im_start|>assistant\n`;
    const items = await parseAll(jsonl({ prompt, completion: `${a1}<|im_end|>\n` }));
    expect(turnsOf(items)).toEqual([expected.slice(0, 3)]);
    // Alpaca's own dataset carries its rendered prompt in `text` beside the pair: still read as the pair.
    const alpaca = await parseAll(jsonl({ instruction: q1, input: '', output: a1, text: `<s>[INST] ${q1} [/INST] ${a1}</s>` }));
    expect(conversations(alpaca).map((c) => c.kind)).toEqual(['faq']);
  });

  test('an unknown role is rejected naming it, unless speakerRoles maps it', async () => {
    const text = chatml([
      ['user', q1],
      ['ipython', '{"refund": "ok"}'],
      ['assistant', a1],
    ]);
    const items = await parseAll(jsonl({ text }));
    expect(reasons(items)).toEqual(['unknown-speaker']);
    expect(rejections(items)[0].detail).toContain('role "ipython" (turn 2)');
    const gemmaItems = await parseAll(
      jsonl({
        text: gemma([
          ['user', q1],
          ['agent_bot', a1],
        ]),
      }),
      { speakerRoles: { agent_bot: 'assistant' } },
    );
    expect(turnsOf(gemmaItems)).toEqual([[`user: ${q1}`, `assistant: ${a1}`]]);
  });

  test('text outside the turns is rejected naming it; a malformed Llama 2 text says what is missing', async () => {
    const items = await parseAll(
      jsonl(
        { text: `Conversation 12:\n${chatml(dialogue)}` },
        { text: `${chatml(dialogue.slice(1, 3))}Rate this answer: 5` },
        {
          text: llama3(dialogue.slice(1, 3)).replace(
            '<|eot_id|><|start_header_id|>assistant',
            '<|eot_id|>(agent joined)<|start_header_id|>assistant',
          ),
        },
        { text: `<s>[INST] ${q1} [/INST] ${a1} </s> thanks!` },
        { text: `<s>[INST] <<SYS>>\n${system}\n[INST] ${q1} [/INST] ${a1}` },
      ),
    );
    expect(reasons(items)).toEqual([
      'invalid-field:text',
      'invalid-field:text',
      'invalid-field:text',
      'invalid-field:text',
      'invalid-field:text',
    ]);
    const details = rejections(items).map((r) => r.detail);
    expect(details[0]).toContain('"Conversation 12:" before the first turn');
    expect(details[1]).toContain('"Rate this answer: 5" after the last turn');
    expect(details[2]).toContain('"(agent joined)" after turn 1');
    expect(details[3]).toContain('"thanks!" after the last reply');
    expect(details[4]).toContain('<<SYS>> block that is never closed');
  });

  test('a plain text record is no template: a file of them is still an unknown format; among template lines it says so', async () => {
    const plain = { text: 'My invoice shows the plan twice. [INST] is a word here.' };
    const alone = await parseAll(jsonl(plain, { text: 'user: hello\nassistant: hi' }));
    expect(reasons(alone)).toEqual(['unknown-format']);
    const mixed = await parseAll(jsonl(plain, { text: chatml(dialogue) }, { text: 42 }, { title: 'other' }));
    // Records in = used + quarantined: every line is one item.
    expect(reasons(mixed)).toEqual(['invalid-field:text', 'conversation', 'invalid-field:text', 'unknown-record']);
    expect(rejections(mixed)[0].detail).toContain('not a chat rendered with a known template');
  });

  test('a JSON document of template records is read the same', async () => {
    const items = await parseAll(
      JSON.stringify([
        { text: chatml(dialogue) },
        {
          text: gemma([
            ['user', q1],
            ['model', a1],
          ]),
        },
      ]),
    );
    expect(reasons(items)).toEqual(['conversation', 'conversation']);
    expect(turnsOf(items)[0]).toEqual(expected);
  });

  test('a CSV text column of template chats is read per row, when its first row is one; records in = used + quarantined', async () => {
    const csvField = (text: string) => `"${text.replace(/"/g, '""')}"`;
    const rows = [
      ['id', 'text'],
      ['c-1', csvField(chatml(dialogue))],
      ['c-2', csvField(`<s>[INST] ${q1} [/INST] ${a1}</s>`)],
      ['c-3', csvField('just a note about an invoice')],
      [
        'c-4',
        csvField(
          gemma([
            ['user', q1],
            ['critic', a1],
          ]),
        ),
      ],
    ];
    const items = await parseAll(rows.map((r) => r.join(',')).join('\r\n') + '\r\n');
    expect(items).toHaveLength(rows.length - 1);
    expect(reasons(items)).toEqual(['conversation', 'conversation', 'invalid-field:text', 'unknown-speaker']);
    expect(conversations(items).map((c) => c.conversationId)).toEqual(['c-1', 'c-2']);
    expect(turnsOf(items)[0]).toEqual(expected);
    // A text column of anything else is still no format of its own.
    const plain = await parseAll('id,text\n1,My invoice shows the plan twice.\n');
    expect(reasons(plain)).toEqual(['unknown-format']);
  });

  test('plain-text prompts: Alpaca sections, Guanaco and Vicuna turns, their preamble the system prompt', async () => {
    const preamble = 'Below is an instruction that describes a task. Write a response that appropriately completes the request.';
    const steps = 'Open Billing.\n\n### Steps\n1. Pick the invoice.';
    const vicunaSystem =
      "A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the user's questions.";
    const items = await parseAll(
      jsonl(
        { text: `${preamble}\n\n### Instruction:\n${q1}\n\n### Input:\nOrder 1234\n\n### Response:\n${steps}` },
        { text: `### Human: ${q1}### Assistant: ${a1}### Human: ${q2}### Assistant: ${a2}` },
        { text: `${vicunaSystem} USER: ${q1} ASSISTANT: ${a1}</s>USER: ${q2} ASSISTANT: ${a2}</s>` },
        // Neither marker pair complete: not a template.
        { text: 'Note for the USER: your invoice is attached. ### Response: none' },
      ),
    );
    expect(reasons(items)).toEqual(['conversation', 'conversation', 'conversation', 'invalid-field:text']);
    const [alpaca, guanaco, vicuna] = turnsOf(items);
    // A Markdown heading of the reply is no section marker (clean-up folds blank lines, as for every format).
    expect(alpaca).toEqual([`system: ${preamble}`, `user: ${q1}\nOrder 1234`, `assistant: ${steps.replace(/\n\n/g, '\n')}`]);
    expect(conversations(items)[0].kind).toBe('faq');
    expect(guanaco).toEqual(expected.slice(1));
    expect(vicuna).toEqual([`system: ${vicunaSystem}`, ...expected.slice(1)]);
    expect(
      conversations(items)
        .slice(1)
        .map((c) => c.kind),
    ).toEqual(['conversation', 'conversation']);
  });
});

describe('function calling in ChatML text (Hermes, Qwen)', () => {
  const getOrder = {
    type: 'function',
    function: {
      name: 'get_order',
      description: 'Look up an order',
      parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
    },
  };
  const resend = { name: 'resend_receipt', description: 'Mail the receipt again', parameters: { type: 'object', properties: {} } };
  // Hermes 2 Pro's system prompt names the tags in its prose before the block itself.
  const hermesSystem =
    'You are a function calling AI model. You are provided with function signatures within <tools></tools> XML tags. ' +
    `Here are the available tools: <tools>\n${JSON.stringify(getOrder)}\n${JSON.stringify(resend)}\n</tools>`;
  const where = 'Where is order 7730, and can you resend the receipt?';
  const reply = 'Order 7730 has shipped, and the receipt is on its way to your inbox.';

  test('<tool_call> blocks of an assistant turn are its calls, <tool_response> blocks their results, <tools> the definitions', async () => {
    const hermes = chatml([
      ['system', hermesSystem],
      ['user', where],
      [
        'assistant',
        'Let me look.\n<tool_call>\n{"name": "get_order", "arguments": {"order_id": "7730"}}\n</tool_call>\n<tool_call>\n{"name": "resend_receipt", "arguments": {}}\n</tool_call>',
      ],
      [
        'tool',
        '<tool_response>\n{"name": "get_order", "content": {"status": "shipped"}}\n</tool_response>\n<tool_response>\n{"sent": true}\n</tool_response>',
      ],
      ['assistant', reply],
    ]);
    // Qwen renders results in a user turn; the user's own words after them stay a user turn.
    const qwen = chatml([
      ['system', `# Tools\n\n<tools>\n${JSON.stringify(getOrder)}\n</tools>`],
      ['user', where],
      ['assistant', '<tool_call>\n{"name": "get_order", "arguments": {"order_id": "7730"}}\n</tool_call>'],
      ['user', '<tool_response>\n{"status": "shipped"}\n</tool_response>\nAnd the receipt?'],
      ['assistant', reply],
    ]);
    const items = await parseAll(jsonl({ text: hermes }, { text: qwen }));
    expect(reasons(items)).toEqual(['conversation', 'conversation']);
    const [h, q] = conversations(items);
    expect(h.turns[2]).toEqual({
      role: 'assistant',
      content: 'Let me look.',
      toolCalls: [
        { id: 'call_1', type: 'function', function: { name: 'get_order', arguments: '{"order_id":"7730"}' } },
        { id: 'call_2', type: 'function', function: { name: 'resend_receipt', arguments: '{}' } },
      ],
      toolResults: [
        { toolCallId: 'call_1', content: '{"name": "get_order", "content": {"status": "shipped"}}' },
        { toolCallId: 'call_2', content: '{"sent": true}' },
      ],
    });
    expect(h.tools).toEqual([getOrder, { type: 'function', function: resend }]);
    expect(q.tools).toEqual([getOrder]);
    const MODEL = 'gpt-4o-mini-2024-07-18';
    const examples = [h, q].map((c) => {
      const built = new ExampleBuilder({ model: MODEL, systemPrompt: 'You are Shoply support.', intentExamples: false }).build(c);
      if (!built.ok) throw new Error(built.detail);
      const [{ example }] = built.examples;
      expect(validateExample(example, { model: MODEL }).issues).toEqual([]);
      return { ...example, messages: example.messages as ExampleMessage[] };
    });
    const shape = (messages: ExampleMessage[]) => messages.map((m) => (m.tool_calls ? 'calls' : m.role));
    expect(shape(examples[0].messages)).toEqual(['system', 'user', 'calls', 'tool', 'tool', 'assistant']);
    expect(shape(examples[1].messages)).toEqual(['system', 'user', 'calls', 'tool', 'user', 'assistant']);
    expect(examples[1].messages[4]).toEqual({ role: 'user', content: 'And the receipt?' });
    expect(examples[0].tools).toEqual(h.tools);
  });

  test('tool blocks that cannot be written as the format wants are rejected, naming the turn', async () => {
    const call = ['assistant', '<tool_call>\n{"name": "get_order", "arguments": {"order_id": "1"}}\n</tool_call>'] as [string, string];
    const result = ['tool', '<tool_response>{"status": "shipped"}</tool_response>'] as [string, string];
    const items = await parseAll(
      jsonl(
        {
          text: chatml([['user', where], ['assistant', '<tool_call>\n{"name": "get_order", "arguments": {order 1}\n</tool_call>'], result]),
        },
        { text: chatml([['user', where], ['assistant', '<tool_call>{"name": "get_order"}'], result]) },
        { text: chatml([['user', where], result, ['assistant', reply]]) },
        { text: chatml([['user', where], call, ['assistant', reply]]) },
        {
          text: chatml([
            ['system', '<tools>\nget_order(order_id)\n</tools>'],
            ['user', where],
            ['assistant', reply],
          ]),
        },
      ),
    );
    expect(reasons(items)).toEqual([
      'invalid-tool-turn',
      'invalid-tool-turn',
      'invalid-tool-turn',
      'invalid-tool-turn',
      'invalid-field:text',
    ]);
    expect(rejections(items).map((r) => r.detail)).toEqual([
      expect.stringMatching(/^the ChatML text's turn 2 \("assistant"\) has a <tool_call> that is not JSON/),
      `the ChatML text's turn 2 ("assistant") has a <tool_call> that is never closed by </tool_call>`,
      `the ChatML text's turn 2 ("tool") is a tool result that follows no tool call`,
      'the call to "get_order" (call_1) has no result, but the conversation goes on after it',
      expect.stringMatching(/^the ChatML text's system turn has a <tools> block that is not JSON/),
    ]);
  });
});
