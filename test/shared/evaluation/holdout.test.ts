import { evaluationRecords, HoldoutFormatError, parseHoldout, replyTask, type HoldoutRecord } from '../../../src/shared/evaluation/holdout';

const line = (o: unknown) => JSON.stringify(o);

describe('holdout records', () => {
  it('reads conversations, content parts and tool examples (kept, not replayable)', () => {
    const text = [
      line({
        conversation_id: 'c1',
        kind: 'conversation',
        issue_type: 'billing',
        example: {
          messages: [
            { role: 'system', content: 's' },
            {
              role: 'user',
              content: [
                { type: 'text', text: 'hi ' },
                { type: 'text', text: 'there' },
              ],
            },
            { role: 'assistant', content: 'hello', weight: 1 },
            { role: 'user', content: 'bye' },
          ],
        },
      }),
      '',
      line({
        conversation_id: 'c2',
        kind: 'ready',
        example: {
          messages: [
            { role: 'user', content: 'weather?' },
            { role: 'assistant', content: null, tool_calls: [] },
            { role: 'tool', content: 'sunny' },
            { role: 'assistant', content: 'Sunny.' },
          ],
        },
      }),
    ].join('\n');
    const [c1, c2] = parseHoldout(text, 'h.jsonl');
    expect(c1).toMatchObject({ conversationId: 'c1', issueType: 'billing', replayable: true, line: 1 });
    expect(c1.messages[1]).toEqual({ role: 'user', content: 'hi there' });
    // The reply task ends at the last assistant turn; later user turns are not part of it.
    expect(replyTask(c1)).toEqual({ prompt: c1.messages.slice(0, 2), reference: 'hello' });
    expect(c2).toMatchObject({ conversationId: 'c2', replayable: false, line: 3 });
    expect(replyTask(c2)).toBeUndefined();
  });

  it.each([
    ['not json', 'invalid JSON'],
    ['[1]', 'expected a JSON object'],
    [line({ example: { messages: [] } }), 'missing conversation_id'],
    [line({ conversation_id: 'x' }), 'missing example.messages'],
    [line({ conversation_id: 'x', example: { messages: [{ content: 'a' }] } }), 'example.messages[0] has no role'],
  ])('names file, line and reason for %s', (bad, reason) => {
    const err = (() => {
      try {
        parseHoldout(`${line({ conversation_id: 'ok', example: { messages: [] } })}\n${bad}\n`, 'datasets/v1/holdout.records.jsonl');
      } catch (e) {
        return e as HoldoutFormatError;
      }
      throw new Error('no error');
    })();
    expect(err).toBeInstanceOf(HoldoutFormatError);
    expect(err).toMatchObject({ file: 'datasets/v1/holdout.records.jsonl', line: 2 });
    expect(err.message).toContain(`datasets/v1/holdout.records.jsonl:2: ${reason}`);
  });
});

describe('records evaluation asks about (TUNELOOP_EVAL_MAX_CONVERSATIONS)', () => {
  const record = (conversationId: string, line: number, kind = 'conversation'): HoldoutRecord => ({
    conversationId,
    kind,
    line,
    messages: [
      { role: 'user', content: `question ${line}` },
      { role: 'assistant', content: `answer ${line}` },
    ],
  });

  it('counts conversations, not records: a conversation split into several records is kept whole', () => {
    // c1 was split into three examples, c3 into two; each conversation also has its intent-labelling example.
    const holdout = [
      record('c1', 1),
      record('c1', 2),
      record('c1', 3),
      record('c1', 4, 'intent'),
      record('c2', 5),
      record('c2', 6, 'intent'),
      record('c3', 7),
      record('c3', 8),
      record('c3', 9, 'intent'),
      record('c4', 10),
    ];
    expect(evaluationRecords(holdout, 3).map((r) => r.line)).toEqual([1, 2, 3, 5, 7, 8]);
    expect(evaluationRecords(holdout, 1).map((r) => r.line)).toEqual([1, 2, 3]);
    expect(evaluationRecords(holdout, 100).map((r) => r.line)).toEqual([1, 2, 3, 5, 7, 8, 10]);
  });

  it('keeps records of the chosen conversations wherever they sit in the file', () => {
    const holdout = [record('a', 1), record('b', 2), record('a', 3), record('c', 4), record('b', 5)];
    expect(evaluationRecords(holdout, 2).map((r) => r.line)).toEqual([1, 2, 3, 5]);
  });
});
