import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * How test/infra reads infra/main.bicep: compiled to ARM JSON by the real Bicep CLI when one is
 * available (CI installs it from NuGet and exports TUNELOOP_BICEP), else as Bicep text. Under
 * CI=true a missing CLI is an error, never a silent fallback.
 */
export const repoRoot = path.resolve(__dirname, '../..');
export const infraDir = path.join(repoRoot, 'infra');
export const mainBicep = path.join(infraDir, 'main.bicep');

export interface ArmTemplate {
  parameters?: Record<string, { type?: string; defaultValue?: unknown; allowedValues?: unknown[] }>;
  variables?: Record<string, unknown>;
  resources: ArmResource[] | Record<string, ArmResource>;
  outputs?: Record<string, unknown>;
}

export interface ArmResource {
  type: string;
  name: string;
  scope?: string;
  condition?: unknown;
  copy?: unknown;
  // ARM JSON read loosely: tests walk deep, resource-specific paths and assert them with `expect`.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a typed ARM schema per resource would be casts, not safety
  properties?: Record<string, any>;
  [key: string]: unknown;
}

export type InfraSource = { kind: 'arm'; template: ArmTemplate; bicepVersion: string } | { kind: 'text'; reason: string };

export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = (env.CI ?? '').toLowerCase();
  return ci !== '' && ci !== 'false' && ci !== '0';
}

/** The Bicep CLI to use, or why there is none. A TUNELOOP_BICEP that points nowhere is always an error. */
export function locateBicep(env: NodeJS.ProcessEnv = process.env): { path: string } | { missing: string } {
  const explicit = env.TUNELOOP_BICEP;
  if (explicit) {
    if (!fs.existsSync(explicit))
      throw new Error(`TUNELOOP_BICEP=${explicit} does not exist; run infra/scripts/install-bicep.sh and export the path it prints`);
    return { path: explicit };
  }
  const local = path.join(repoRoot, '.bicep', 'bicep');
  if (fs.existsSync(local)) return { path: local };
  const onPath = spawnSync('bicep', ['--version'], { encoding: 'utf8' });
  if (onPath.status === 0) return { path: 'bicep' };
  return { missing: 'no Bicep CLI: TUNELOOP_BICEP is unset, .bicep/bicep does not exist and `bicep` is not on PATH' };
}

function infraFingerprint(bicep: string): string {
  const hash = createHash('sha256').update(bicep);
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(bicep|json)$/.test(entry.name)) hash.update(full).update(fs.readFileSync(full));
    }
  };
  walk(infraDir);
  return hash.digest('hex').slice(0, 24);
}

let cached: InfraSource | undefined;
let warned = false;

/**
 * Compiles infra/main.bicep once per fingerprint of infra/ (cached in the OS temp folder, so the
 * test files share one `bicep build`). Returns the text fallback, with a printed warning, only
 * when no CLI exists and this is not CI.
 */
export function loadInfra(): InfraSource {
  if (cached) return cached;
  const found = locateBicep();
  if ('missing' in found) {
    if (isCi()) {
      throw new Error(
        `CI=true but the Bicep compile check cannot run: ${found.missing}. .ci/run installs it with infra/scripts/install-bicep.sh and exports TUNELOOP_BICEP.`,
      );
    }
    if (!warned) {
      warned = true;
      console.warn(
        `Bicep compile check NOT run (${found.missing}); test/infra reads the .bicep text instead. ` +
          'Run infra/scripts/install-bicep.sh (needs the .NET SDK) to compile and check the real template.',
      );
    }
    cached = { kind: 'text', reason: found.missing };
    return cached;
  }
  const bicepVersion = execFileSync(found.path, ['--version'], { encoding: 'utf8' }).trim();
  const cacheDir = path.join(os.tmpdir(), 'tuneloop-bicep-cache');
  const cacheFile = path.join(cacheDir, `${infraFingerprint(bicepVersion)}.json`);
  let json: string;
  if (fs.existsSync(cacheFile)) {
    json = fs.readFileSync(cacheFile, 'utf8');
  } else {
    const result = spawnSync(found.path, ['build', mainBicep, '--stdout'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (result.status !== 0) {
      throw new Error(`bicep build infra/main.bicep failed (exit ${String(result.status)}):\n${result.stderr}`);
    }
    json = result.stdout;
    fs.mkdirSync(cacheDir, { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, json);
    fs.renameSync(tmp, cacheFile);
  }
  cached = { kind: 'arm', template: JSON.parse(json) as ArmTemplate, bicepVersion };
  return cached;
}

export function resourcesOf(template: ArmTemplate): ArmResource[] {
  return Array.isArray(template.resources) ? template.resources : Object.values(template.resources);
}

/** Every resource of the template and of its nested module deployments, with the module path. */
export function allResources(template: ArmTemplate, modulePath = ''): { module: string; resource: ArmResource }[] {
  const out: { module: string; resource: ArmResource }[] = [];
  for (const resource of resourcesOf(template)) {
    out.push({ module: modulePath, resource });
    if (resource.type === 'Microsoft.Resources/deployments' && resource.properties?.template) {
      out.push(...allResources(resource.properties.template as ArmTemplate, `${modulePath}/${resource.name}`));
    }
  }
  return out;
}

/** The module deployment (top level of main) whose nested template declares (not just references) a resource of `type`. */
export function moduleDeclaring(template: ArmTemplate, type: string): ArmResource {
  const found = resourcesOf(template).filter(
    (r) =>
      r.type === 'Microsoft.Resources/deployments' &&
      resourcesOf(r.properties?.template as ArmTemplate).some((inner) => inner.type === type && inner.existing !== true),
  );
  if (found.length !== 1) throw new Error(`expected one module declaring ${type}, found ${found.length}`);
  return found[0];
}

/** The value a module parameter gets: what main passes, else the module's default. */
export function moduleParameter(deployment: ArmResource, name: string): unknown {
  const passed = deployment.properties?.parameters?.[name];
  if (passed && 'value' in passed) return passed.value;
  const declared = (deployment.properties?.template as ArmTemplate).parameters?.[name];
  if (!declared) throw new Error(`module ${deployment.name} has no parameter ${name}`);
  return declared.defaultValue;
}

/**
 * Resolves `[variables('x')]` and `[parameters('x')]` (to its default) in `template`; other
 * expressions are runtime values and come back unchanged.
 */
export function resolveValue(template: ArmTemplate, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const variable = /^\[variables\('([A-Za-z0-9_]+)'\)\]$/.exec(value);
  if (variable && template.variables && variable[1] in template.variables) return resolveValue(template, template.variables[variable[1]]);
  const parameter = /^\[parameters\('([A-Za-z0-9_]+)'\)\]$/.exec(value);
  if (parameter && template.parameters?.[parameter[1]]) return template.parameters[parameter[1]].defaultValue;
  return value;
}

export function readInfraFile(relative: string): string {
  return fs.readFileSync(path.join(infraDir, relative), 'utf8');
}

/**
 * The block `<header> {` … matching `}` in Bicep text (brace counting; Bicep strings in these
 * files never contain braces outside `${…}`, which stay balanced).
 */
export function bicepBlock(text: string, header: RegExp): string {
  const m = header.exec(text);
  if (!m) throw new Error(`no block matching ${String(header)} in the Bicep text`);
  let depth = 0;
  for (let i = text.indexOf('{', m.index); i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(m.index, i + 1);
  }
  throw new Error(`unbalanced braces after ${String(header)}`);
}

/** String items of a Bicep array parameter default: `param name string[] = [ 'a' 'b' ]`. */
export function bicepArrayDefault(text: string, param: string): string[] {
  const m = new RegExp(`^param ${param} string\\[\\] = \\[([^\\]]*)\\]`, 'm').exec(text);
  if (!m) throw new Error(`no array default for param ${param}`);
  return [...m[1].matchAll(/'([^']*)'/g)].map((x) => x[1]);
}

export interface BicepAppSettings {
  names: string[];
  /** ARM value per name (an expression string like "[parameters('x')]", or a literal). Absent in text mode. */
  values?: Record<string, unknown>;
  template?: ArmTemplate;
}

/** The Function App's app settings: from the compiled template, else from `var appSettings` in main.bicep. */
export function bicepAppSettings(): BicepAppSettings {
  const infra = loadInfra();
  if (infra.kind === 'arm') {
    const functionApp = moduleDeclaring(infra.template, 'Microsoft.Web/sites');
    const site = resourcesOf(functionApp.properties!.template as ArmTemplate).find((r) => r.type === 'Microsoft.Web/sites')!;
    // The object main passes must be what the site is configured with.
    const configured = (site.properties?.siteConfig?.copy as { name: string; count: string }[] | undefined)?.find(
      (c) => c.name === 'appSettings',
    );
    if (!configured?.count.includes("parameters('appSettings')")) {
      throw new Error("the Function App's siteConfig.appSettings is not built from the module's appSettings parameter");
    }
    const values = moduleParameter(functionApp, 'appSettings');
    if (typeof values !== 'object' || values === null || Array.isArray(values)) {
      throw new Error('main.bicep must pass the Function App an object literal of app settings (keys readable by test/infra)');
    }
    return { names: Object.keys(values), values: values as Record<string, unknown>, template: infra.template };
  }
  const block = bicepBlock(readInfraFile('main.bicep'), /^var appSettings = \{/m);
  return { names: [...block.matchAll(/^ {2}([A-Za-z_][A-Za-z0-9_]*)\s*:/gm)].map((m) => m[1]) };
}
