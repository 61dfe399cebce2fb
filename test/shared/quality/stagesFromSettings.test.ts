import { loadSettings, SettingsError } from '../../../src/shared/config/settings';
import { MemorySignatureStore } from '../../../src/shared/quality/dedup';
import { configuredQualityStages, qualitySummary, trackQualityMetrics } from '../../../src/shared/quality/stages';
import type { Telemetry } from '../../../src/shared/telemetry/telemetry';
import { conversation } from './helpers';
import { qualityConfig } from '../../../src/shared/composition/config';

const env = (extra: Record<string, string>) => loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true', ...extra });

describe('quality stages from settings', () => {
  it('runs rules, safety, redaction and dedup by default, in that order', () => {
    const stages = configuredQualityStages(qualityConfig(env({})), { signatures: new MemorySignatureStore() });
    expect(stages.map((s) => s.name)).toEqual(['language', 'reply-rules', 'safety-screen', 'pii-redaction', 'dedup']);
  });

  it('turns the safety screen and redaction off, and redacts configured ID patterns', async () => {
    const off = configuredQualityStages(qualityConfig(env({ TUNELOOP_SAFETY_SCREEN: 'off', TUNELOOP_PII_MODE: 'off' })), {
      signatures: new MemorySignatureStore(),
    });
    expect(off.map((s) => s.name)).toEqual(['language', 'reply-rules', 'dedup']);

    const stages = configuredQualityStages(qualityConfig(env({ TUNELOOP_PII_ID_PATTERNS: '["\\\\bACC-\\\\d{6}\\\\b"]' })), {
      signatures: new MemorySignatureStore(),
    });
    const redaction = stages.find((s) => s.name === 'pii-redaction')!;
    const result = await redaction.apply(
      conversation('i1', [
        ['user', 'Account ACC-123456 is blocked, why?'],
        ['assistant', 'ACC-123456 is unblocked now.'],
      ]),
    );
    expect(result.action === 'keep' && result.conversation.turns.map((t) => t.content)).toEqual([
      'Account [ID_1] is blocked, why?',
      '[ID_1] is unblocked now.',
    ]);
  });

  it('names the bad setting and says what to do', () => {
    expect(() => env({ TUNELOOP_PII_ID_PATTERNS: '["(unclosed"]' })).toThrow(/TUNELOOP_PII_ID_PATTERNS: .*regular expressions/);
    expect(() => env({ TUNELOOP_PII_MODE: 'azure' })).toThrow(/TUNELOOP_PII_LANGUAGE_ENDPOINT.*TUNELOOP_PII_MODE=azure needs/s);
    expect(() => env({ TUNELOOP_DEDUP_THRESHOLD: '1.5' })).toThrow(SettingsError);
    expect(() => env({ TUNELOOP_BALANCE_MAX_SHARE: '0.2', TUNELOOP_BALANCE_MIN_SHARE: '0.3' })).toThrow(/MIN_SHARE must not exceed/);
    expect(() => env({ TUNELOOP_QUALITY_RULES: 'handof=drop' })).toThrow(/TUNELOOP_QUALITY_RULES: use rule=action pairs/);
    expect(() => env({ TUNELOOP_SAFETY_SCREEN: 'secrets' })).toThrow(
      /TUNELOOP_SAFETY_SCREEN: use "off" or a comma list of injection, secret, abuse/,
    );
    expect(env({ TUNELOOP_QUALITY_RULES: 'handoff=drop, no-customer-question=off' }).TUNELOOP_QUALITY_RULES).toBe(
      'handoff=drop, no-customer-question=off',
    );
  });
});

describe('quality metrics', () => {
  it('reports redactions per type, down-weighted turns per reason and duplicates per kind', async () => {
    const stages = configuredQualityStages(qualityConfig(env({})), { signatures: new MemorySignatureStore() });
    const convo = conversation(
      'm1',
      [
        ['user', 'I am Maria Gonzalez, why was card 4111 1111 1111 1111 charged twice?'],
        ['assistant', 'Let me connect you with our billing team.'],
        ['assistant', 'Refunded; it reaches your card in 5 days.'],
      ],
      { csat: 5 },
    );
    const { runStages } = await import('../../../src/shared/dataset/stages');
    await runStages(stages, convo);
    await runStages(stages, { ...convo, conversationId: 'm2', source: { ...convo.source, line: 2 } });
    // A recording implementation of the Telemetry port (the real exporters are tested by telemetry).
    const metrics: [string, number, Record<string, unknown>][] = [];
    const telemetry: Telemetry = {
      trackMetric: (n, v, d) => void metrics.push([n, v, d ?? {}]),
      trackEvent: () => {},
      flush: async () => {},
    };
    trackQualityMetrics(telemetry, qualitySummary(stages), { model: 'm' });
    expect(metrics).toEqual([
      ['tuneloop.quality.redactions', 2, { model: 'm', type: 'CARD' }],
      ['tuneloop.quality.redactions', 2, { model: 'm', type: 'PERSON' }],
      // Each stage counts what it saw: m2's hand-off was down-weighted before dedup dropped m2.
      ['tuneloop.quality.turns_down_weighted', 2, { model: 'm', reason: 'handoff' }],
      ['tuneloop.quality.duplicates', 1, { model: 'm', kind: 'exact' }],
      ['tuneloop.quality.duplicates', 0, { model: 'm', kind: 'near' }],
    ]);
  });
});
