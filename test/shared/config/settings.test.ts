import fs from 'node:fs';
import path from 'node:path';
import { describeSettings, loadSettings, SettingsError } from '../../../src/shared/config/settings';

const root = path.resolve(__dirname, '../../..');

describe('settings', () => {
  it('loads defaults with only storage configured', () => {
    const s = loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true' });
    expect(s.TUNELOOP_BASE_MODEL).toBe('gpt-4o-mini-2024-07-18');
    expect(s.TUNELOOP_SPLIT_VALIDATION).toBe(0.1);
  });

  it('names the missing storage setting', () => {
    expect(() => loadSettings({})).toThrow(SettingsError);
    expect(() => loadSettings({})).toThrow(/TUNELOOP_STORAGE: no storage configured/);
  });

  it('names a bad value and says what it got', () => {
    try {
      loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true', TUNELOOP_SPLIT_HOLDOUT: 'lots' });
      throw new Error('expected a SettingsError');
    } catch (err) {
      expect(err).toBeInstanceOf(SettingsError);
      expect((err as SettingsError).problems).toEqual([
        expect.objectContaining({ setting: 'TUNELOOP_SPLIT_HOLDOUT', message: expect.stringContaining('"lots"') }),
      ]);
    }
  });

  it('rejects splits that leave nothing for training', () => {
    expect(() =>
      loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true', TUNELOOP_SPLIT_HOLDOUT: '0.5', TUNELOOP_SPLIT_VALIDATION: '0.5' }),
    ).toThrow(/must leave a share for training/);
  });

  it('lists every setting in local.settings.sample.json and docs/configuration.md, and nothing unknown', () => {
    const sample = JSON.parse(fs.readFileSync(path.join(root, 'local.settings.sample.json'), 'utf8')) as { Values: Record<string, string> };
    const readme = fs.readFileSync(path.join(root, 'docs', 'configuration.md'), 'utf8');
    const names = describeSettings().map((s) => s.name);
    for (const name of names) {
      expect({ name, inSample: name in sample.Values }).toEqual({ name, inSample: true });
      expect({ name, inReadme: readme.includes(`\`${name}\``) }).toEqual({ name, inReadme: true });
    }
    const functionsHostKeys = ['AzureWebJobsStorage', 'FUNCTIONS_WORKER_RUNTIME'];
    for (const key of Object.keys(sample.Values)) {
      expect({ key, known: names.includes(key) || functionsHostKeys.includes(key) }).toEqual({ key, known: true });
    }
  });
});
