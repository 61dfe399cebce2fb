import { checkTrainingBudget } from '../../../src/shared/finetune/budget';
import { countMessagesTokens, countToolDefinitionsTokens } from '../../../src/shared/dataset/tokens';

/** The job loop's budget guard counts a training file's tokens as billed: tool definitions included. */
describe('checkTrainingBudget token count', () => {
  const tools = [
    {
      type: 'function',
      function: {
        name: 'get_order',
        description: 'Look up an order by its number.',
        parameters: { type: 'object', properties: { order_id: { type: 'string', description: 'The order number.' } } },
      },
    },
  ];
  const messages = [
    { role: 'user', content: 'Where is order 5521?' },
    { role: 'assistant', content: 'It ships tomorrow.' },
  ];
  const budget = { prices: { 'gpt-4o-mini': 3 }, maxCostUsd: 100 };

  it.each([
    ['tools', { messages, tools }],
    ['legacy functions', { messages, functions: tools.map((t) => t.function) }],
  ])('counts the %s of every line with its messages', (_name, line) => {
    const train = Buffer.from(`${JSON.stringify(line)}\n`.repeat(10));
    const verdict = checkTrainingBudget({ train, model: 'gpt-4o-mini-2024-07-18', epochs: 2, budget });
    const perLine = countMessagesTokens(messages, 'o200k_base') + countToolDefinitionsTokens(tools, 'o200k_base');
    expect(countToolDefinitionsTokens(tools, 'o200k_base')).toBeGreaterThan(0);
    expect(verdict).toMatchObject({ ok: true, trainingTokens: 2 * 10 * perLine });
  });
});
