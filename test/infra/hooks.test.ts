import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './bicep';

/**
 * The azd hooks (posix versions) run for real, with one fake: `az`. There is no local Azure for the
 * Azure CLI to talk to, so a stand-in script on PATH records each call and answers the two
 * queries the hooks make. What is checked is what the hooks send to Azure and what they print.
 */
const FAKE_AZ = `#!/bin/sh
{ printf '%s\\n' "$@"; echo '::end'; } >> "$FAKE_AZ_LOG"
case "$1 $2 $3" in
  "functionapp keys list") printf '%s\\n' "$FAKE_AZ_KEY" ;;
  "role assignment list") printf '%s\\n' "\${FAKE_AZ_ROLE_COUNT:-0}" ;;
esac
exit 0
`;

function setup(): { dir: string; log: string; env: NodeJS.ProcessEnv } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneloop-hooks-'));
  fs.writeFileSync(path.join(dir, 'az'), FAKE_AZ, { mode: 0o755 });
  const log = path.join(dir, 'az.log');
  fs.writeFileSync(log, '');
  return { dir, log, env: { PATH: `${dir}:${String(process.env.PATH)}`, FAKE_AZ_LOG: log, HOME: dir } };
}

/** The recorded az calls, each as its argument list. */
function calls(log: string): string[][] {
  return fs
    .readFileSync(log, 'utf8')
    .split('::end\n')
    .filter((c) => c.trim())
    .map((c) => c.replace(/\n$/, '').split('\n'));
}

function arg(call: string[], flag: string): string | undefined {
  const i = call.indexOf(flag);
  return i < 0 ? undefined : call[i + 1];
}

function run(script: string, env: NodeJS.ProcessEnv) {
  return spawnSync('sh', [path.join(repoRoot, 'infra/scripts', script)], { env, encoding: 'utf8', timeout: 30_000 });
}

describe('postdeploy hook (Event Grid subscription for the blob trigger)', () => {
  const deployEnv = {
    AZURE_RESOURCE_GROUP: 'rg-test',
    AZURE_FUNCTION_APP_NAME: 'func-abc',
    AZURE_FUNCTION_APP_HOSTNAME: 'func-abc.azurewebsites.net',
    AZURE_EVENTGRID_SYSTEM_TOPIC_NAME: 'evgst-abc',
    RAW_LOGS_CONTAINER: 'raw-logs',
    PREPROCESS_FUNCTION_NAME: 'preprocess',
  };

  it('subscribes the function webhook to BlobCreated in raw-logs and never prints the key', () => {
    const { log, env } = setup();
    const secret = 'S3cretBlobsExtensionKey==';
    const result = run('postdeploy.sh', { ...env, ...deployEnv, FAKE_AZ_KEY: secret });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(secret);
    const [keys, create] = calls(log);
    expect(keys.slice(0, 3)).toEqual(['functionapp', 'keys', 'list']);
    expect(arg(keys, '--name')).toBe('func-abc');
    expect(create.slice(0, 4)).toEqual(['eventgrid', 'system-topic', 'event-subscription', 'create']);
    expect(arg(create, '--system-topic-name')).toBe('evgst-abc');
    expect(arg(create, '--endpoint')).toBe(
      `https://func-abc.azurewebsites.net/runtime/webhooks/blobs?functionName=Host.Functions.preprocess&code=${secret}`,
    );
    expect(arg(create, '--included-event-types')).toBe('Microsoft.Storage.BlobCreated');
    expect(arg(create, '--subject-begins-with')).toBe('/blobServices/default/containers/raw-logs/');
  });

  it('names the missing azd value and calls nothing', () => {
    const { log, env } = setup();
    const { AZURE_EVENTGRID_SYSTEM_TOPIC_NAME: _omit, ...partial } = deployEnv;
    const result = run('postdeploy.sh', { ...env, ...partial });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('AZURE_EVENTGRID_SYSTEM_TOPIC_NAME is not set');
    expect(calls(log)).toEqual([]);
  });
});

describe('postprovision hook (access to an existing Azure OpenAI account)', () => {
  const account = '/subscriptions/s/resourceGroups/rg-openai/providers/Microsoft.CognitiveServices/accounts/my-openai';
  const provisionEnv = {
    AZURE_OPENAI_EXISTING_NAME: 'my-openai',
    AZURE_OPENAI_ACCOUNT_ID: account,
    AZURE_OPENAI_ROLE_ID: 'a001fd3d-188f-4b5d-821b-7da978bf7442',
    AZURE_APP_PRINCIPAL_ID: '11111111-1111-1111-1111-111111111111',
    AZURE_OPENAI_APP_ROLE_ASSIGNMENT: 'aaaaaaaa-0000-0000-0000-000000000001',
    AZURE_PRINCIPAL_ID: '22222222-2222-2222-2222-222222222222',
    AZURE_OPENAI_USER_ROLE_ASSIGNMENT: 'aaaaaaaa-0000-0000-0000-000000000002',
  };

  it('does nothing for a new account (Bicep assigns the role)', () => {
    const { log, env } = setup();
    const result = run('postprovision.sh', env);
    expect(result.status).toBe(0);
    expect(calls(log)).toEqual([]);
  });

  it('assigns Cognitive Services OpenAI Contributor under the guid names main.bicep outputs', () => {
    const { log, env } = setup();
    const result = run('postprovision.sh', { ...env, ...provisionEnv });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const creates = calls(log).filter((c) => c[0] === 'role' && c[2] === 'create');
    expect(
      creates.map((c) => [
        arg(c, '--name'),
        arg(c, '--assignee-object-id'),
        arg(c, '--assignee-principal-type'),
        arg(c, '--role'),
        arg(c, '--scope'),
      ]),
    ).toEqual([
      [
        provisionEnv.AZURE_OPENAI_APP_ROLE_ASSIGNMENT,
        provisionEnv.AZURE_APP_PRINCIPAL_ID,
        'ServicePrincipal',
        provisionEnv.AZURE_OPENAI_ROLE_ID,
        account,
      ],
      [provisionEnv.AZURE_OPENAI_USER_ROLE_ASSIGNMENT, provisionEnv.AZURE_PRINCIPAL_ID, 'User', provisionEnv.AZURE_OPENAI_ROLE_ID, account],
    ]);
  });

  it('leaves existing assignments alone on a re-run', () => {
    const { log, env } = setup();
    const result = run('postprovision.sh', { ...env, ...provisionEnv, FAKE_AZ_ROLE_COUNT: '1' });
    expect(result.status).toBe(0);
    expect(calls(log).filter((c) => c[2] === 'create')).toEqual([]);
    expect(result.stdout).toContain('already has Cognitive Services OpenAI Contributor');
  });
});
