import { HoldoutFormatError, parseHoldout, replyTask } from '../../../src/shared/evaluation/holdout';

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
