/** Small inputs in the public formats (ARCHITECTURE.md), written for these tests. */

export function conversationLine(id: string, opts: { issue?: string; csat?: number; turns?: [string, string][] } = {}): string {
  const turns = opts.turns ?? [
    ['customer', `Hello, I have a question about order ${id}.`],
    ['agent', `Of course! Order ${id} shipped yesterday and should arrive within two days.`],
    ['customer', 'Great, thank you.'],
    ['agent', 'You are welcome. Anything else I can help with?'],
  ];
  return JSON.stringify({
    conversation_id: id,
    ...(opts.issue ? { issue_type: opts.issue } : {}),
    channel: 'chat',
    ...(opts.csat ? { csat: opts.csat } : {}),
    messages: turns.map(([role, text]) => ({ role, text })),
  });
}

/** `n` distinct conversations (distinct enough that duplicate removal keeps them all). */
export function conversationsJsonl(n: number, prefix = 'c'): string {
  const topics = [
    'a refund for a damaged kettle',
    'changing the delivery address',
    'a missing invoice',
    'resetting a password',
    'cancelling a subscription',
    'a late parcel',
    'upgrading a plan',
    'a double charge',
  ];
  const issues = ['billing', 'shipping', 'account'];
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const topic = topics[i % topics.length];
    lines.push(
      conversationLine(`${prefix}-${i}`, {
        issue: issues[i % issues.length],
        turns: [
          ['customer', `Hi, this is customer number ${i * 7919} and I need help with ${topic} from week ${i}.`],
          ['agent', `Thanks for reaching out about ${topic}. I have looked at case ${i * 104729} and sorted it out for you today.`],
          ['customer', `Will I get a confirmation for case ${i * 104729}?`],
          ['agent', `Yes, a confirmation email for ${topic} goes out within the hour, reference ${i * 31337}.`],
        ],
      }),
    );
  }
  return lines.join('\n') + '\n';
}

const WORDS = [
  'umbrella',
  'violin',
  'glacier',
  'harbour',
  'lantern',
  'meadow',
  'quartz',
  'saddle',
  'tundra',
  'walnut',
  'zephyr',
  'orchid',
  'pebble',
  'falcon',
  'canyon',
  'biscuit',
  'marble',
  'nectar',
  'oyster',
  'prairie',
];

/** Conversations whose wording differs from `conversationsJsonl` and from each other (duplicate removal keeps them). */
export function freshConversations(n: number, prefix: string, seed: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const w = (k: number) => WORDS[(i * 7 + seed * 3 + k * 5) % WORDS.length];
    lines.push(
      conversationLine(`${prefix}-${i}`, {
        issue: ['billing', 'shipping', 'account'][i % 3],
        turns: [
          ['customer', `My ${w(0)} ${w(1)} arrived scratched, batch ${seed}${i}${seed * 977 + i * 13}, and the ${w(2)} strap is missing.`],
          ['agent', `Sorry to hear that the ${w(0)} came damaged; a replacement ${w(3)} kit ships under ticket ${seed * 4099 + i * 71}.`],
          ['customer', `Could the ${w(4)} be gift wrapped this time?`],
          ['agent', `Certainly, gift wrapping for the ${w(4)} is added at no charge.`],
        ],
      }),
    );
  }
  return lines.join('\n') + '\n';
}
