import { Readable } from 'node:stream';
import { loadSettings } from '../../../src/shared/config/settings';
import { preprocessStream } from '../../../src/shared/dataset/preprocess';
import { MemoryFeedbackStore } from '../../../src/shared/dataset/feedbackStore';
import { curatedRecordOf, type CuratedRecord, type QuarantineRecord } from '../../../src/shared/dataset/records';
import { MemorySignatureStore } from '../../../src/shared/quality/dedup';
import { configuredQualityStages, qualitySummary } from '../../../src/shared/quality/stages';
import { qualityConfig } from '../../../src/shared/composition/config';

// Built at run time: a secret-shaped value that is obviously fake.
const fakeKey = 'AK' + 'IA' + 'FAKEFAKEFAKEFAKE';

const line = (id: string, messages: [string, string][], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ conversation_id: id, issue_type: 'billing', ...extra, messages: messages.map(([role, text]) => ({ role, text })) });

const input = [
  line('c1', [
    ['customer', 'Hi, I am Maria Gonzalez, why was my card 4111 1111 1111 1111 charged twice?'],
    ['agent', 'Sorry about that Maria Gonzalez. I refunded the second charge; it shows within 5 days.'],
  ]),
  // Same conversation again from another export: exact duplicate after normalisation.
  line('c2', [
    ['customer', 'Hi, I am Maria Gonzalez, why was my card 4111 1111 1111 1111 charged twice?'],
    ['agent', 'Sorry about that Maria Gonzalez. I refunded the second charge; it shows within 5 days.'],
  ]),
  line('c3', [
    ['customer', 'Can you help me with my bill?'],
    ['agent', 'Let me transfer you to billing.'],
  ]),
  line('c4', [
    ['customer', 'hello'],
    ['agent', 'Hi there! How can I help?'],
  ]),
  line('c5', [
    ['customer', 'How do I connect the API?'],
    ['agent', `Use the access key ${fakeKey} in the header.`],
  ]),
  line(
    'c6',
    [
      ['customer', 'How do I update the address on my account?'],
      ['agent', 'Go to Profile > Address, edit it and press Save.'],
      ['customer', 'ok'],
      ['agent', 'ok'],
    ],
    { csat: 2, issue_type: 'account' },
  ),
  '{not json',
].join('\n');

describe('quality stages inside preprocessing', () => {
  it('redacts, down-weights and quarantines with reasons, and keeps records in = used + quarantined', async () => {
    const settings = loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true' });
    const stages = configuredQualityStages(qualityConfig(settings), { signatures: new MemorySignatureStore() });
    const curated: CuratedRecord[] = [];
    const quarantined: QuarantineRecord[] = [];
    const stats = await preprocessStream(Readable.from([Buffer.from(input)]), {
      fileName: 'chats.jsonl',
      model: settings.TUNELOOP_BASE_MODEL,
      systemPrompt: settings.TUNELOOP_SYSTEM_PROMPT,
      shares: { validation: 0, holdout: 0 },
      stages,
      feedback: new MemoryFeedbackStore(),
      sink: { curated: (r) => void curated.push(curatedRecordOf(r)), quarantine: (r) => void quarantined.push(r) },
      intentExamples: false,
    });

    expect(stats.records_in).toBe(7);
    expect(stats.records_used + stats.records_quarantined).toBe(stats.records_in);
    expect(Object.fromEntries(quarantined.map((q) => [q.line, q.reason]))).toEqual({
      2: 'duplicate-exact',
      3: 'handoff',
      4: 'no-customer-question',
      5: 'safety-secret',
      7: expect.any(String),
    });
    expect(quarantined.find((q) => q.line === 2)?.detail).toMatch(/conversation c1 \(chats.jsonl line 1/);

    const text = JSON.stringify(curated);
    expect(text).not.toContain('Maria');
    expect(text).not.toContain('4111');
    const c1 = curated.find((r) => r.conversation_id === 'c1')!;
    const messages = c1.example.messages as { role: string; content: string; weight?: number }[];
    expect(messages.find((m) => m.role === 'user')?.content).toBe('Hi, I am [PERSON_1], why was my card [CARD_1] charged twice?');

    // Low-rated: every assistant turn has weight 0, and the conversation stays as context.
    const c6 = curated.find((r) => r.conversation_id === 'c6')!;
    const assistant = (c6.example.messages as { role: string; weight?: number }[]).filter((m) => m.role === 'assistant');
    expect(assistant.length).toBeGreaterThan(0);
    expect(assistant.every((m) => m.weight === 0)).toBe(true);

    const summary = qualitySummary(stages) as Record<string, Record<string, unknown>>;
    expect(summary['reply-rules']).toEqual({
      dropped: { handoff: 1, 'no-customer-question': 1 },
      downWeightedTurns: { 'short-reply': 1, 'low-csat': 1 },
      notScreened: {},
    });
    expect(summary['safety-screen']).toMatchObject({ dropped: { 'safety-secret': 1 } });
    // c1 and c2 are both redacted before dedup drops c2 (dedup compares redacted text).
    expect(summary['pii-redaction']).toMatchObject({ conversations: 3, redactions: { PERSON: 4, CARD: 2 } });
    expect(summary.dedup).toMatchObject({ exact: 1, near: 0 });
  });
});
