import fs from 'node:fs';
import path from 'node:path';
import { describeSettings, settingsSchema } from '../src/shared/config/settings';

/** The `Values` of local.settings.sample.json, from the settings module (one source of truth). */
export function sampleLocalSettings(): Record<string, string> {
  const values: Record<string, string> = { FUNCTIONS_WORKER_RUNTIME: 'node', AzureWebJobsStorage: 'UseDevelopmentStorage=true' };
  for (const { name, meta } of describeSettings()) values[name] = meta.sample ?? '';
  return values;
}

export function settingsMarkdownTable(): string {
  const shape = settingsSchema.shape as Record<string, { _zod?: { def?: { defaultValue?: unknown; innerType?: unknown } } } | undefined>;
  const rows = describeSettings().map(({ name, meta }) => {
    const def = shape[name]?._zod?.def?.defaultValue;
    const shown = def === undefined ? '' : `\`${String(typeof def === 'function' ? (def as () => unknown)() : def)}\``;
    return `| \`${name}\` | ${shown} | ${meta.where} | ${meta.description.replace(/\|/g, '\\|')} |`;
  });
  return ['| setting | default | where | what it does |', '|---|---|---|---|', ...rows].join('\n');
}

/** `npm run settings:docs`: rewrites local.settings.sample.json and the settings table in docs/configuration.md. */
export function writeSettingsDocs(root: string): void {
  fs.writeFileSync(
    path.join(root, 'local.settings.sample.json'),
    JSON.stringify({ IsEncrypted: false, Values: sampleLocalSettings() }, null, 2) + '\n',
  );
  const readmePath = path.join(root, 'docs', 'configuration.md');
  const readme = fs.readFileSync(readmePath, 'utf8');
  const start = '<!-- settings:start -->';
  const end = '<!-- settings:end -->';
  const i = readme.indexOf(start);
  const j = readme.indexOf(end);
  if (i < 0 || j < i) throw new Error(`docs/configuration.md must contain ${start} and ${end}`);
  fs.writeFileSync(readmePath, readme.slice(0, i + start.length) + '\n' + settingsMarkdownTable() + '\n' + readme.slice(j));
}

if (require.main === module) writeSettingsDocs(process.cwd());
