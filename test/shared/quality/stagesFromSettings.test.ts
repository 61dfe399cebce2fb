import { loadSettings, SettingsError } from '../../../src/shared/config/settings';
import { MemorySignatureStore } from '../../../src/shared/quality/dedup';
import { qualityStagesFromSettings } from '../../../src/shared/quality/stages';
import { conversation } from './helpers';

const env = (extra: Record<string, string>) => loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true', ...extra });

describe('quality stages from settings', () => {
  it('runs rules, safety, redaction and dedup by default, in that order', () => {
    const stages = qualityStagesFromSettings(env({}), { signatures: new MemorySignatureStore() });
    expect(stages.map((s) => s.name)).toEqual(['reply-rules', 'safety-screen', 'pii-redaction', 'dedup']);
  });

  it('turns the safety screen and redaction off, and redacts configured ID patterns', async () => {
    const off = qualityStagesFromSettings(env({ TUNELOOP_SAFETY_SCREEN: 'off', TUNELOOP_PII_MODE: 'off' }), { signatures: new MemorySignatureStore() });
    expect(off.map((s) => s.name)).toEqual(['reply-rules', 'dedup']);

    const stages = qualityStagesFromSettings(env({ TUNELOOP_PII_ID_PATTERNS: '["\\\\bACC-\\\\d{6}\\\\b"]' }), { signatures: new MemorySignatureStore() });
    const redaction = stages.find((s) => s.name === 'pii-redaction')!;
    const result = await redaction.apply(conversation('i1', [['user', 'Account ACC-123456 is blocked, why?'], ['assistant', 'ACC-123456 is unblocked now.']]));
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
    expect(() => env({ TUNELOOP_SAFETY_SCREEN: 'secrets' })).toThrow(/TUNELOOP_SAFETY_SCREEN: use "off" or a comma list of injection, secret, abuse/);
    expect(env({ TUNELOOP_QUALITY_RULES: 'handoff=drop, no-customer-question=off' }).TUNELOOP_QUALITY_RULES).toBe('handoff=drop, no-customer-question=off');
  });
});
