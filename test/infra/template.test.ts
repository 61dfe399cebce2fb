import fs from 'node:fs';
import path from 'node:path';
import { loadSettings } from '../../src/shared/config/settings';
import { blobTriggerContainer } from '../../src/functions/definition';
import { functionDefinitions } from '../../src/functions/registry';
import { lazyRuntime } from '../../src/functions/runtimeSource';
import { allResources, bicepAppSettings, loadInfra, readInfraFile, repoRoot, type ArmResource } from './bicep';

/**
 * What the template promises beyond app settings: keyless, locked-down resources; role
 * assignments named guid(scope, principal, role) with no broad roles; alerts and workbook on
 * metric names the code really emits; triggers wired to settings Bicep sets; the azd hook fed by
 * outputs main.bicep really has.
 */
const infra = loadInfra();

function declared(type: string): ArmResource[] {
  if (infra.kind !== 'arm') throw new Error('needs the compiled template');
  return allResources(infra.template)
    .map((r) => r.resource)
    .filter((r) => r.type === type && r.existing !== true);
}

describe('locked-down, keyless resources', () => {
  if (infra.kind === 'arm') {
    it('storage: no shared keys, TLS 1.2, no public blob access', () => {
      const [account] = declared('Microsoft.Storage/storageAccounts');
      expect(account.properties).toMatchObject({
        allowSharedKeyAccess: false,
        minimumTlsVersion: 'TLS1_2',
        allowBlobPublicAccess: false,
        supportsHttpsTrafficOnly: true,
      });
    });
    it('no local auth on Application Insights, Log Analytics, Service Bus, Azure OpenAI, the events topic', () => {
      expect(declared('Microsoft.Insights/components')[0].properties).toMatchObject({ DisableLocalAuth: true });
      expect(declared('Microsoft.OperationalInsights/workspaces')[0].properties?.features).toMatchObject({ disableLocalAuth: true });
      expect(declared('Microsoft.ServiceBus/namespaces')[0].properties).toMatchObject({ disableLocalAuth: true });
      expect(declared('Microsoft.CognitiveServices/accounts')[0].properties).toMatchObject({ disableLocalAuth: true });
      expect(declared('Microsoft.EventGrid/topics')[0].properties).toMatchObject({
        disableLocalAuth: true,
        inputSchema: 'CloudEventSchemaV1_0',
      });
    });
    it('Service Bus queue dead-letters', () => {
      expect(declared('Microsoft.ServiceBus/namespaces/queues')[0].properties).toMatchObject({ deadLetteringOnMessageExpiration: true });
    });
    it('Function App: Flex Consumption, Node 22, user-assigned identity, identity-based deployment storage', () => {
      expect(declared('Microsoft.Web/serverfarms')[0].sku).toMatchObject({ name: 'FC1', tier: 'FlexConsumption' });
      const [site] = declared('Microsoft.Web/sites');
      expect(site.identity).toMatchObject({ type: 'UserAssigned' });
      expect(site.properties?.functionAppConfig?.runtime).toEqual({ name: 'node', version: '22' });
      expect(site.properties?.functionAppConfig?.deployment?.storage?.authentication?.type).toBe('UserAssignedIdentity');
      expect(site.properties?.httpsOnly).toBe(true);
    });
  } else {
    it('storage: no shared keys, TLS 1.2, no public blob access (Bicep text)', () => {
      const text = readInfraFile('modules/storage.bicep');
      for (const line of ['allowSharedKeyAccess: false', "minimumTlsVersion: 'TLS1_2'", 'allowBlobPublicAccess: false'])
        expect(text).toContain(line);
    });
    it('no local auth (Bicep text)', () => {
      expect(readInfraFile('modules/monitoring.bicep')).toContain('DisableLocalAuth: true');
      expect(readInfraFile('modules/serviceBus.bicep')).toContain('disableLocalAuth: true');
      expect(readInfraFile('modules/openai.bicep')).toContain('disableLocalAuth: true');
    });
  }
});

describe('azd down stays inside rg-<environment>', () => {
  if (infra.kind === 'arm') {
    it('every module is deployed to the resource group main.bicep creates (an existing Azure OpenAI account is only read)', () => {
      const top = Object.values(infra.template.resources);
      const rg = top.find((r) => r.type === 'Microsoft.Resources/resourceGroups')!;
      const elsewhere = top.filter(
        (r) => r.existing !== true && r !== rg && !(r.type === 'Microsoft.Resources/deployments' && r.resourceGroup === rg.name),
      );
      expect(elsewhere.map((r) => `${r.type} ${r.name} -> ${String(r.resourceGroup)}`)).toEqual([]);
    });
  }
});

describe('role assignments', () => {
  const FORBIDDEN: Record<string, string> = {
    '8e3af657-a8ff-443c-a75c-2fe8c4bcb635': 'Owner',
    'b24988ac-6180-42a0-ab88-20f7382dd24c': 'Contributor',
    '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9': 'User Access Administrator',
    '25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68': 'Cognitive Services Contributor',
    '17d1049b-9a84-46fb-8f53-869881c3d3ab': 'Storage Account Contributor',
    '090c5cfd-751d-490a-894a-3ce6f1109419': 'Azure Service Bus Data Owner',
  };
  const REQUIRED: Record<string, string> = {
    'b7e6dc6d-f1e8-4753-8033-0f276bb0955b': 'Storage Blob Data Owner',
    '974c5e8b-45b9-4653-ba55-5f855dd0fb88': 'Storage Queue Data Contributor',
    '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3': 'Storage Table Data Contributor',
    '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39': 'Azure Service Bus Data Sender',
    '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0': 'Azure Service Bus Data Receiver',
    'a001fd3d-188f-4b5d-821b-7da978bf7442': 'Cognitive Services OpenAI Contributor',
    '3913510d-42f4-4e42-8a64-420c390055eb': 'Monitoring Metrics Publisher',
  };

  if (infra.kind === 'arm') {
    it('are named guid(scope, principal, role) and assign that role to that principal', () => {
      const assignments = declared('Microsoft.Authorization/roleAssignments');
      expect(assignments.length).toBeGreaterThanOrEqual(6);
      for (const a of assignments) {
        const m = /^\[guid\(resourceId\('([^']+)'.*\), parameters\('(\w+)'\), (.+)\)\]$/.exec(a.name);
        if (!m) throw new Error(`role assignment name ${a.name} is not guid(resourceId(...), principal, role)`);
        const [, scopeType, principalParam, role] = m;
        expect(a.properties?.principalId).toBe(`[parameters('${principalParam}')]`);
        expect(a.properties?.roleDefinitionId).toBe(`[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', ${role})]`);
        expect(typeof a.scope === 'string' && a.scope.includes(scopeType)).toBe(true);
      }
    });
  }

  it('grant every role the app needs and no broad one', () => {
    const text = infra.kind === 'arm' ? JSON.stringify(infra.template) : readInfraFile('modules/roleIds.bicep');
    for (const [id, role] of Object.entries(FORBIDDEN)) expect({ role, present: text.includes(id) }).toEqual({ role, present: false });
    for (const [id, role] of Object.entries(REQUIRED)) expect({ role, present: text.includes(id) }).toEqual({ role, present: true });
  });
});

describe('alerts and workbook use metric and event names the code emits', () => {
  function sourceFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const full = path.join(dir, e.name);
      return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
    });
  }
  const source = sourceFiles(path.join(repoRoot, 'src'))
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
  const literals = new Set([...source.matchAll(/['"`]([A-Za-z0-9_.]+)['"`]/g)].map((m) => m[1]));
  // `tuneloop.drift.${m.name}`: a dynamic suffix counts when it is itself a literal in src.
  const dynamicPrefixes = [...source.matchAll(/`(tuneloop\.[a-z0-9_.]*\.)\$\{/g)].map((m) => m[1]);
  const emitted = (name: string) =>
    literals.has(name) || dynamicPrefixes.some((p) => name.startsWith(p) && literals.has(name.slice(p.length)));

  function queriedNames(text: string): string[] {
    const names = new Set<string>();
    for (const m of text.matchAll(/name (?:==|in) \(?((?:\\?"tuneloop\.[a-z0-9_.]+\\?"(?:, )?)+)\)?/g)) {
      for (const n of m[1].matchAll(/tuneloop\.[a-z0-9_.]+/g)) names.add(n[0]);
    }
    return [...names];
  }

  it('alert rules', () => {
    const names = queriedNames(readInfraFile('modules/alerts.bicep'));
    expect(names).toEqual(
      expect.arrayContaining([
        'tuneloop.drift.score',
        'tuneloop.model.rejected',
        'tuneloop.job.failed',
        'tuneloop.budget.refused',
        'tuneloop.preprocess.records_quarantined',
      ]),
    );
    expect(names.filter((n) => !emitted(n))).toEqual([]);
  });

  it('workbook (valid JSON, charts on emitted names)', () => {
    const workbook = JSON.parse(readInfraFile('workbook/tuneloop.workbook.json')) as {
      items: { type: number; content: { query?: string } }[];
    };
    const queries = workbook.items.filter((i) => i.type === 3).map((i) => i.content.query ?? '');
    expect(queries.length).toBeGreaterThanOrEqual(5);
    const names = queriedNames(queries.join('\n'));
    expect(names).toEqual(
      expect.arrayContaining([
        'tuneloop.drift.score',
        'tuneloop.eval.bleu',
        'tuneloop.eval.intent_f1',
        'tuneloop.drift.csat_mean_change',
        'tuneloop.preprocess.records_in',
      ]),
    );
    expect(names.filter((n) => !emitted(n))).toEqual([]);
  });
});

describe('functions are wired to what Bicep provisions', () => {
  // The settings an Azure deployment has (values are placeholders of the right shape).
  const settings = loadSettings({
    TUNELOOP_STORAGE__blobServiceUri: 'https://st.blob.core.windows.net/',
    TUNELOOP_STORAGE__queueServiceUri: 'https://st.queue.core.windows.net/',
    TUNELOOP_STORAGE__tableServiceUri: 'https://st.table.core.windows.net/',
    TUNELOOP_STORAGE__credential: 'managedidentity',
    TUNELOOP_JOB_TRANSPORT: 'servicebus',
    TUNELOOP_SERVICEBUS__fullyQualifiedNamespace: 'sb.servicebus.windows.net',
    TUNELOOP_OPENAI_ENDPOINT: 'https://oai.openai.azure.com/',
    TUNELOOP_BLOB_TRIGGER_SOURCE: 'EventGrid',
  });
  const definitions = functionDefinitions(settings, lazyRuntime());
  const appSettings = new Set(bicepAppSettings().names);
  const mainText = readInfraFile('main.bicep');
  const output = (name: string) => new RegExp(`^output ${name} string = '([^']*)'$`, 'm').exec(mainText)?.[1];

  it('every trigger connection is identity-based in the app settings', () => {
    const missing: string[] = [];
    for (const def of definitions) {
      const t = def.trigger;
      const needed =
        t.type === 'blob'
          ? ['blobServiceUri', 'queueServiceUri', 'credential', 'clientId']
          : t.type === 'storageQueue'
            ? ['queueServiceUri', 'credential', 'clientId']
            : t.type === 'serviceBusQueue'
              ? ['fullyQualifiedNamespace', 'credential', 'clientId']
              : [];
      if (t.type === 'timer') {
        const ref = /^%([A-Za-z0-9_]+)%$/.exec(t.schedule);
        if (ref && !appSettings.has(ref[1])) missing.push(`${def.name}: ${ref[1]}`);
        continue;
      }
      const connection = (t as { connection: string }).connection;
      for (const suffix of needed) if (!appSettings.has(`${connection}__${suffix}`)) missing.push(`${def.name}: ${connection}__${suffix}`);
    }
    expect(missing).toEqual([]);
  });

  it('the Service Bus trigger listens on the queue Bicep creates', () => {
    const sb = definitions.filter((d) => d.trigger.type === 'serviceBusQueue');
    expect(sb.length).toBeGreaterThan(0);
    const queue = /^var serviceBusQueueName = '([^']+)'$/m.exec(mainText)?.[1];
    for (const d of sb) expect((d.trigger as { queueName: string }).queueName).toBe(queue);
  });

  it('the postdeploy hook subscribes the real blob-triggered function (Event Grid source) on its container', () => {
    const fn = output('PREPROCESS_FUNCTION_NAME');
    const container = output('RAW_LOGS_CONTAINER');
    const def = definitions.find((d) => d.name === fn);
    if (!def || def.trigger.type !== 'blob')
      throw new Error(`PREPROCESS_FUNCTION_NAME=${String(fn)} is not a blob-triggered function in src/functions/registry.ts`);
    expect(def.trigger.source).toBe('EventGrid');
    expect(blobTriggerContainer(def.trigger.path)).toBe(container);
  });

  it('main.parameters.json sets only parameters main.bicep declares, and every required one', () => {
    const file = JSON.parse(readInfraFile('main.parameters.json')) as { parameters: Record<string, { value: unknown }> };
    const declaredParams = new Map(
      [...mainText.matchAll(/^param (\w+) \S+( = .*)?$/gm)].map((m) => [m[1], m.at(2) !== undefined] as const),
    );
    expect(Object.keys(file.parameters).filter((p) => !declaredParams.has(p))).toEqual([]);
    const required = [...declaredParams].filter(([, hasDefault]) => !hasDefault).map(([p]) => p);
    expect(required.length).toBeGreaterThan(0);
    expect(required.filter((p) => !(p in file.parameters))).toEqual([]);
  });

  it('azure.yaml runs hooks that exist, fed only by outputs main.bicep has', () => {
    const azureYaml = fs.readFileSync(path.join(repoRoot, 'azure.yaml'), 'utf8');
    const scripts = [...azureYaml.matchAll(/run: \.\/(\S+)/g)].map((m) => m[1]);
    expect(scripts.sort()).toEqual([
      'infra/scripts/postdeploy.ps1',
      'infra/scripts/postdeploy.sh',
      'infra/scripts/postprovision.ps1',
      'infra/scripts/postprovision.sh',
    ]);
    const outputs = new Set([...mainText.matchAll(/^output (\w+) /gm)].map((m) => m[1]));
    for (const script of scripts) {
      const text = fs.readFileSync(path.join(repoRoot, script), 'utf8');
      const used = new Set([...text.matchAll(/\b(AZURE_[A-Z_]+|RAW_LOGS_CONTAINER|PREPROCESS_FUNCTION_NAME)\b/g)].map((m) => m[1]));
      // azd's own values, not template outputs.
      for (const azd of ['AZURE_PRINCIPAL_ID', 'AZURE_PRINCIPAL_TYPE']) used.delete(azd);
      expect([...used].filter((v) => !outputs.has(v))).toEqual([]);
    }
  });
});
