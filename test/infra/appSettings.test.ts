import { describeSettings, settingsSchema } from '../../src/shared/config/settings';
import { ownValue } from '../../src/shared/lookup';
import { bicepAppSettings } from './bicep';

/**
 * The Function App's app settings in infra/ against the settings module: every `azure` setting is
 * set, nothing unknown is, and nothing `local` leaks into Azure.
 */

/** Settings the Functions host itself reads (not tuneloop code), allowed in Bicep. */
const HOST_SETTINGS = new Set([
  // Identity-based AzureWebJobsStorage (host leases, keys, timers).
  'AzureWebJobsStorage__accountName',
  'AzureWebJobsStorage__credential',
  'AzureWebJobsStorage__clientId',
  // Arguments of the Node worker process (V8 memory flags; test/cli/memoryFlags.test.ts).
  'languageWorkers__node__arguments',
  // glibc's malloc arenas and thresholds of the host and worker processes (test/cli/memoryFlags.test.ts).
  'MALLOC_ARENA_MAX',
  'MALLOC_MMAP_THRESHOLD_',
  'MALLOC_TRIM_THRESHOLD_',
]);

describe('Function App settings in infra/main.bicep', () => {
  const settings = describeSettings();
  const known = new Map(settings.map((s) => [s.name, s.meta]));
  const bicep = bicepAppSettings();

  it('finds the app settings', () => {
    expect(bicep.names.length).toBeGreaterThan(5);
  });

  it('sets every setting the settings module marks `azure`', () => {
    const missing = settings.filter((s) => s.meta.where === 'azure' && !bicep.names.includes(s.name)).map((s) => s.name);
    expect(missing).toEqual([]);
  });

  it('sets no TUNELOOP_* (or other) setting the code does not know', () => {
    const unknown = bicep.names.filter((name) => !known.has(name) && !HOST_SETTINGS.has(name));
    expect(unknown).toEqual([]);
  });

  it('sets no `local` setting (Azurite, emulator, local folders)', () => {
    const local = bicep.names.filter((name) => known.get(name)?.where === 'local');
    expect(local).toEqual([]);
  });

  it('only sets values the settings module accepts (literals, parameter defaults and allowed values)', () => {
    if (!bicep.values || !bicep.template) {
      console.warn('value check skipped: needs the compiled template (no Bicep CLI)');
      return;
    }
    const shape = settingsSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean; error?: { message: string } } }>;
    const problems: string[] = [];
    let checked = 0;
    for (const [name, value] of Object.entries(bicep.values)) {
      const schema = ownValue(shape, name);
      if (!schema || typeof value !== 'string') continue;
      let candidates: unknown[];
      const param = /^\[parameters\('([A-Za-z0-9_]+)'\)\]$/.exec(value);
      if (param) {
        const declared = bicep.template.parameters?.[param[1]];
        candidates = declared?.allowedValues ?? (declared?.defaultValue !== undefined ? [declared.defaultValue] : []);
      } else if (/^\[format\('((?:[^']|'')*)',/.test(value)) {
        // A literal pattern around runtime parts (client ids): check it with a GUID in each slot.
        const pattern = /^\[format\('((?:[^']|'')*)',/.exec(value)![1].replace(/''/g, "'");
        candidates = [pattern.replace(/\{\d+\}/g, '00000000-0000-0000-0000-000000000000')];
      } else if (value.startsWith('[')) {
        continue; // a runtime value (endpoint, client id): only Azure knows it
      } else {
        candidates = [value];
      }
      for (const candidate of candidates) {
        checked++;
        const parsed = schema.safeParse(candidate === '' ? undefined : String(candidate));
        if (!parsed.success) problems.push(`${name} = ${JSON.stringify(candidate)}: ${String(parsed.error?.message)}`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });
});
