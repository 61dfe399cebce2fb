import { Readable } from 'node:stream';
import { readLines, validateExample, validateFile } from '../../../src/shared/dataset/validate';

const model = 'gpt-4o-mini-2024-07-18';
const ok = {
  messages: [
    { role: 'user', content: 'hi' },
    { role: 'assistant', content: 'hello!' },
  ],
};
const codes = (example: unknown) => validateExample(example, { model }).issues.map((i) => i.code);

describe('validateExample (Azure OpenAI rules)', () => {
  it('accepts a minimal chat example and counts its tokens', () => {
    const r = validateExample(ok, { model });
    expect(r.issues).toEqual([]);
    expect(r.tokens).toBeGreaterThan(6);
  });

  it('accepts weights, tool calls, tool replies and image parts where allowed', () => {
    const example = {
      messages: [
        { role: 'system', content: 'be brief' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
          ],
        },
        { role: 'assistant', content: 'a receipt', weight: 0 },
        { role: 'user', content: 'look up order 5' },
        { role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"order":5}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '{"status":"shipped"}' },
        { role: 'assistant', content: 'It has shipped.', weight: 1 },
      ],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: {} } }],
    };
    expect(validateExample(example, { model }).issues).toEqual([]);
  });

  it('a "developer" message (the chat API\'s newer name for system) is refused saying what to write instead', () => {
    const [issue] = validateExample(
      {
        messages: [
          { role: 'developer', content: 'You are the support bot of Acme.' },
          { role: 'user', content: 'x' },
          { role: 'assistant', content: 'y' },
        ],
      },
      { model },
    ).issues;
    expect(issue.code).toBe('bad-role');
    expect(issue.reason).toContain('write it as "system"');
  });

  it('names each broken rule', () => {
    expect(codes('text')).toEqual(['not-an-object']);
    expect(codes({})).toEqual(['missing-messages']);
    expect(codes({ messages: [] })).toEqual(['missing-messages']);
    expect(
      codes({
        messages: [
          { role: 'customer', content: 'x' },
          { role: 'assistant', content: 'y' },
        ],
      }),
    ).toEqual(['bad-role']);
    expect(codes({ messages: [{ role: 'user', content: 'x' }] })).toEqual(['no-assistant-message', 'last-not-assistant']);
    expect(
      codes({
        messages: [
          { role: 'assistant', content: 'x' },
          { role: 'user', content: 'y' },
        ],
      }),
    ).toEqual(['last-not-assistant']);
    expect(
      codes({
        messages: [
          { role: 'user', content: 'x', weight: 1 },
          { role: 'assistant', content: 'y' },
        ],
      }),
    ).toEqual(['bad-weight']);
    expect(
      codes({
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: 'y', weight: 0.5 },
        ],
      }),
    ).toEqual(['bad-weight']);
    expect(
      codes({
        messages: [
          { role: 'system', content: [{ type: 'text', text: 'x' }] },
          { role: 'assistant', content: 'y' },
        ],
      }),
    ).toEqual(['bad-content']);
    expect(
      codes({
        messages: [
          { role: 'user', content: [{ type: 'audio' }] },
          { role: 'assistant', content: 'y' },
        ],
      }),
    ).toEqual(['bad-content']);
    expect(codes({ messages: [{ role: 'user', content: 'x' }, { role: 'assistant' }] })).toEqual(['missing-content']);
    expect(
      codes({
        messages: [
          { role: 'user', content: '  ' },
          { role: 'assistant', content: 'y' },
        ],
      }),
    ).toEqual(['empty-content']);
    expect(
      codes({
        messages: [
          { role: 'user', content: 'x', timestamp: 't' },
          { role: 'assistant', content: 'y' },
        ],
      }),
    ).toEqual(['unknown-key']);
    expect(
      codes({
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{bad' } }] },
        ],
      }),
    ).toEqual(['bad-tool-calls']);
    expect(
      codes({
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', function_call: { name: 'f' } },
        ],
      }),
    ).toEqual(['bad-tool-calls']);
    expect(
      codes({
        messages: [
          { role: 'tool', content: 'x' },
          { role: 'assistant', content: 'y' },
        ],
      }),
    ).toEqual(['bad-tool-message']);
    expect(codes({ input: { messages: [] }, preferred_output: [], non_preferred_output: [] })).toEqual(['unsupported-format']);
  });

  it('enforces the per-example token limit of the model', () => {
    const long = {
      messages: [
        { role: 'user', content: 'word '.repeat(40_000) },
        { role: 'assistant', content: 'ok' },
      ],
    };
    expect(validateExample(long, { model: 'gpt-4.1-nano-2025-04-14' }).issues.map((i) => i.code)).toEqual(['too-many-tokens']);
    expect(validateExample(long, { model: 'gpt-4o-mini-2024-07-18' }).issues).toEqual([]);
    const r = validateExample(ok, { model, maxExampleTokens: 5 });
    expect(r.issues[0].reason).toMatch(/has \d+ tokens; gpt-4o-mini-2024-07-18 allows at most 5/);
  });
});

describe('validateFile', () => {
  const lines = (n: number) => Array.from({ length: n }, () => JSON.stringify(ok));

  it('accepts ten good lines with a BOM and CRLF endings', async () => {
    const text = '\uFEFF' + lines(10).join('\r\n') + '\r\n';
    const r = await validateFile(Readable.from([Buffer.from(text)]), { model });
    expect(r.issues).toEqual([]);
    expect(r.examples).toBe(10);
    expect(r.bytes).toBe(Buffer.byteLength(text));
    expect(r.tokens).toHaveLength(10);
  });

  it('reports every bad line with its number, plus file-level rules', async () => {
    const text = [
      JSON.stringify(ok),
      '{not json',
      '',
      JSON.stringify({ messages: [{ role: 'user', content: 'q' }] }),
      JSON.stringify(ok),
    ].join('\n');
    const r = await validateFile(Readable.from([Buffer.from(text)]), { model });
    expect(r.issues.map((i) => [i.line, i.code])).toEqual([
      [2, 'invalid-json'],
      [3, 'empty-line'],
      [4, 'no-assistant-message'],
      [4, 'last-not-assistant'],
      [0, 'too-few-examples'],
    ]);
  });

  it('splits lines across chunk boundaries, including multi-byte characters', async () => {
    const text = Buffer.from('{"a":"é"}\n{"b":"ü"}\nlast');
    const chunks = Array.from(text).map((b) => Buffer.from([b]));
    const out: string[] = [];
    for await (const { line } of readLines(Readable.from(chunks))) out.push(line);
    expect(out).toEqual(['{"a":"é"}', '{"b":"ü"}', 'last']);
  });
});
