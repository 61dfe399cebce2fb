import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliStorageEnv } from '../../src/cli/localEnv';
import type { CliIo } from '../../src/cli/command';

function io(env: Record<string, string | undefined>, cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneloop-cli-env-'))): CliIo {
  return { stdout: () => undefined, stderr: () => undefined, isTty: false, env, cwd };
}

describe('cliStorageEnv', () => {
  it('points at the Azurite of npm start, following TUNELOOP_LOCAL_PORT_BASE', () => {
    expect(cliStorageEnv(io({ TUNELOOP_LOCAL_PORT_BASE: '31000' })).TUNELOOP_STORAGE).toContain(
      'BlobEndpoint=http://127.0.0.1:31000/devstoreaccount1',
    );
    expect(cliStorageEnv(io({})).TUNELOOP_STORAGE).toContain('TableEndpoint=http://127.0.0.1:10002/devstoreaccount1');
  });

  it('reads UseDevelopmentStorage=true from local.settings.json as the npm start Azurite too', () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneloop-cli-env-'));
    fs.writeFileSync(
      path.join(cwd, 'local.settings.json'),
      JSON.stringify({ Values: { TUNELOOP_STORAGE: 'UseDevelopmentStorage=true', TUNELOOP_LOCAL_PORT_BASE: '32000' } }),
    );
    expect(cliStorageEnv(io({}, cwd)).TUNELOOP_STORAGE).toContain('QueueEndpoint=http://127.0.0.1:32001/devstoreaccount1');
  });

  it("uses the stack's emulator with the stack's Azurite, whatever endpoint local.settings.json names (QA: forget reached another emulator)", () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneloop-cli-env-'));
    fs.writeFileSync(
      path.join(cwd, 'local.settings.json'),
      JSON.stringify({ Values: { TUNELOOP_LOCAL_PORT_BASE: '12000', TUNELOOP_OPENAI_ENDPOINT: 'http://127.0.0.1:10010' } }),
    );
    const env = cliStorageEnv(io({}, cwd));
    expect(env).toMatchObject({
      TUNELOOP_OPENAI_ENDPOINT: 'http://127.0.0.1:12010',
      TUNELOOP_ARM_ENDPOINT: 'http://127.0.0.1:12010',
      TUNELOOP_OPENAI_AUTH: 'local',
    });
    // Storage in Azure: the configured Azure OpenAI endpoint stands.
    const azure = cliStorageEnv(
      io({
        TUNELOOP_STORAGE__blobServiceUri: 'https://acct.blob.core.windows.net',
        TUNELOOP_OPENAI_ENDPOINT: 'https://x.openai.azure.com',
      }),
    );
    expect(azure.TUNELOOP_OPENAI_ENDPOINT).toBe('https://x.openai.azure.com');
    expect(azure.TUNELOOP_OPENAI_AUTH).toBeUndefined();
  });

  it('keeps an explicit connection string or keyless endpoints', () => {
    expect(cliStorageEnv(io({}), 'DefaultEndpointsProtocol=https;AccountName=x').TUNELOOP_STORAGE).toBe(
      'DefaultEndpointsProtocol=https;AccountName=x',
    );
    const keyless = cliStorageEnv(io({ TUNELOOP_STORAGE__blobServiceUri: 'https://acct.blob.core.windows.net' }));
    expect(keyless.TUNELOOP_STORAGE).toBeUndefined();
  });
});
