import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRuntime, type Runtime } from '../../src/shared/composition/runtime';
import { loadSettings, isLoopbackUrl, type Settings } from '../../src/shared/config/settings';
import { preprocessBlob } from '../../src/shared/dataset/blobPreprocess';
import { assembleDataset } from '../../src/shared/dataset/assembly';
import { blobNameProblem } from '../../src/shared/storage/blobNames';
import { CONTAINERS } from '../../src/shared/storage/names';
import { LocalJsonlTelemetry } from '../../src/shared/telemetry/localSink';
import { createOpenAIClient } from '../../src/shared/finetune/client';
import { DeploymentsClient } from '../../src/shared/deployments/armDeployments';
import { runCli } from '../../src/cli/main';
import { functionDefinitions } from '../../src/functions/registry';
import { givenRuntime } from '../../src/functions/runtimeSource';
import { captureIo } from '../setup/cli';
import { findSecrets, CANARY_SECRET } from '../setup/secrets';
import { startPrivateAzurite } from '../setup/storage';
import { conversationsJsonl, freshConversations } from '../shared/dataset/fixtures';
import { armDeploymentTarget, openAIConnection } from '../../src/shared/composition/config';

/**
 * Hostile blob names on a private Azurite (a name with control characters would make Azurite
 * answer 500 to every listing of the container it lands in, so it must not share the suite's).
 */
describe('hostile blob names', () => {
  let azurite: Awaited<ReturnType<typeof startPrivateAzurite>>;
  let runtime: Runtime;
  let settings: Settings;
  let dir: string;

  beforeAll(async () => {
    azurite = await startPrivateAzurite();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneloop-hostile-'));
    settings = loadSettings({ TUNELOOP_STORAGE: azurite.connectionString, TUNELOOP_LOCAL_DIR: dir, TUNELOOP_BALANCE_MAX_SHARE: '1' });
    runtime = createRuntime(settings, {
      storage: azurite.storage,
      telemetry: new LocalJsonlTelemetry({ path: path.join(dir, 'telemetry.jsonl') }),
    });
  });
  afterAll(async () => {
    await azurite.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function names(container: string): Promise<string[]> {
    const out: string[] = [];
    for await (const b of azurite.storage.container(container).listBlobsFlat()) out.push(b.name);
    return out;
  }

  it('a name with ../ is never read (it would resolve into another container) and is quarantined under a hashed name', async () => {
    // What raw-logs/../curated/victim.jsonl resolves to: a curated shard that must not be treated as raw input.
    const victim = conversationsJsonl(3, 'v');
    await azurite.storage.container(CONTAINERS.curated).getBlockBlobClient('victim.jsonl').upload(victim, victim.length);
    const before = await names(CONTAINERS.curated);
    const outcome = await preprocessBlob(runtime, '../curated/victim.jsonl');
    expect(outcome).toMatchObject({ status: 'quarantined', error: expect.stringMatching(/not read: .*"\.\."/) });
    expect(await names(CONTAINERS.curated)).toEqual(before);
    const quarantined = await names(CONTAINERS.quarantine);
    expect(quarantined).toEqual([expect.stringMatching(/^unsafe-names\/[0-9a-f]{64}\/[0-9a-f]{16}\.jsonl$/)]);
    const line = JSON.parse(
      (await azurite.storage.container(CONTAINERS.quarantine).getBlobClient(quarantined[0]).downloadToBuffer()).toString(),
    );
    expect(line).toMatchObject({
      file: '../curated/victim.jsonl',
      line: 0,
      reason: 'unsafe-blob-name',
      record: '"../curated/victim.jsonl"',
    });
    for (const n of ['a/../b', './x', 'a/./b', '..']) expect(blobNameProblem(n)).toBe('dot-segment');
  });

  it('control characters and 1,000+ character names are processed once, with outputs under hashed names that keep every listing working', async () => {
    const control = 'chats/evil\u0001\n\u001b[31mname.jsonl';
    const long = `chats/${'x'.repeat(1000)}.jsonl`;
    for (const [name, seed] of [
      [control, 11],
      [long, 12],
    ] as const) {
      const body = freshConversations(6, `s${seed}`, seed);
      await azurite.storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(body, body.length);
      const outcome = await preprocessBlob(runtime, name);
      expect(outcome).toMatchObject({ status: 'processed', report: { records_in: 6, records_used: 6, records_quarantined: 0 } });
      if (outcome.status !== 'processed') throw new Error('unreachable');
      expect(outcome.outputs.curated).toMatch(/^unsafe-names\/[0-9a-f]{64}\/[0-9a-f]{16}\.jsonl$/);
      // The original name is kept, escaped, inside the shard; a second delivery does nothing.
      const shard = (
        await azurite.storage.container(CONTAINERS.curated).getBlobClient(outcome.outputs.curated).downloadToBuffer()
      ).toString();
      expect(JSON.parse(shard.split('\n')[0]).source.file).toBe(name);
      expect(await preprocessBlob(runtime, name)).toMatchObject({ status: 'duplicate' });
    }
    // Curated, quarantine and reports stay listable, so the nightly assembly still reads everything.
    for (const container of [CONTAINERS.curated, CONTAINERS.quarantine]) await expect(names(container)).resolves.toBeDefined();
    const outcome = await assembleDataset(runtime, { now: new Date('2026-11-05T02:00:00Z'), submit: false });
    expect(outcome.manifest?.counts.train).toBeGreaterThanOrEqual(10);
  }, 120_000);

  it('log lines show such names escaped, so a newline in a name cannot forge a log line', async () => {
    const name = 'chats/forged\n2026-01-01T00:00:00Z preprocess succeeded.jsonl';
    const body = conversationsJsonl(2, 'z');
    await azurite.storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(body, body.length);
    const { InvocationContext } = await import('@azure/functions');
    const logged: string[] = [];
    const context = new InvocationContext({
      functionName: 'preprocess',
      invocationId: 't',
      triggerMetadata: { name },
      logHandler: (_level, ...args) => logged.push(args.map(String).join(' ')),
    });
    await functionDefinitions(settings, givenRuntime(runtime))
      .find((d) => d.name === 'preprocess')!
      .handler(undefined, context);
    expect(logged.length).toBeGreaterThan(0);
    for (const l of logged) expect(l).not.toContain('\n');
    expect(logged.join(' ')).toContain('forged\\n2026');
  });

  it('tuneloop drop refuses files whose names would be unsafe blob names', async () => {
    const file = path.join(dir, 'bad\u0007name.jsonl');
    fs.writeFileSync(file, conversationsJsonl(1));
    const io = captureIo(dir, { env: { TUNELOOP_STORAGE: azurite.connectionString } });
    const code = await runCli(['drop', file], io);
    expect(code).toBe(2);
    expect(io.err).toMatch(/control characters/);
    expect(io.err).toContain('bad\\u0007name.jsonl');
  });
});

describe('credentials only go where they belong', () => {
  const base = { TUNELOOP_STORAGE: 'UseDevelopmentStorage=true' };

  it('TUNELOOP_OPENAI_AUTH=local is refused for an endpoint that is not on this machine', () => {
    expect(() =>
      loadSettings({ ...base, TUNELOOP_OPENAI_AUTH: 'local', TUNELOOP_OPENAI_ENDPOINT: 'https://contoso.openai.azure.com' }),
    ).toThrow(/TUNELOOP_OPENAI_AUTH: TUNELOOP_OPENAI_AUTH=local is only for the emulator on this machine/);
    for (const url of ['http://127.0.0.1:10010', 'http://localhost:10010', 'https://[::1]:8443', 'http://127.1.2.3']) {
      expect(() => loadSettings({ ...base, TUNELOOP_OPENAI_AUTH: 'local', TUNELOOP_OPENAI_ENDPOINT: url })).not.toThrow();
    }
    for (const url of ['http://127.0.0.1.nip.io', 'http://localhost.evil.com', 'http://10.0.0.5', 'http://[::ffff:8.8.8.8]'])
      expect(isLoopbackUrl(url)).toBe(false);
  });

  it('the clients refuse it too, also for the ARM endpoint (which settings cannot judge: it has a default)', async () => {
    const settings = {
      ...loadSettings(base),
      TUNELOOP_OPENAI_AUTH: 'local' as const,
      TUNELOOP_OPENAI_ENDPOINT: 'https://contoso.openai.azure.com',
    };
    expect(() => createOpenAIClient(openAIConnection(settings))).toThrow(/only for the emulator on this machine/);
    const arm = loadSettings({
      ...base,
      TUNELOOP_OPENAI_AUTH: 'local',
      TUNELOOP_OPENAI_SUBSCRIPTION_ID: 's',
      TUNELOOP_OPENAI_RESOURCE_GROUP: 'rg',
      TUNELOOP_OPENAI_ACCOUNT: 'a',
    });
    await expect(new DeploymentsClient(armDeploymentTarget(arm)).getDeployment('x')).rejects.toThrow(
      /TUNELOOP_ARM_ENDPOINT is https:\/\/management\.azure\.com/,
    );
  });

  it('webhook targets must be https, or plain http on loopback only', () => {
    expect(() => loadSettings({ ...base, TUNELOOP_EVENTS_WEBHOOK_URL: 'http://hooks.example.com/tuneloop' })).toThrow(
      /TUNELOOP_EVENTS_WEBHOOK_URL: the webhook must be https/,
    );
    expect(() => loadSettings({ ...base, TUNELOOP_EVENTS_WEBHOOK_URL: 'https://hooks.example.com/tuneloop' })).not.toThrow();
    expect(() => loadSettings({ ...base, TUNELOOP_EVENTS_WEBHOOK_URL: 'http://127.0.0.1:9000/hook' })).not.toThrow();
  });

  it('the secret scanner used on the demo outputs recognises what it looks for', () => {
    expect(
      findSecrets(
        'DefaultEndpointsProtocol=http;AccountName=x;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;',
      ),
    ).toContain('Azurite account key');
    expect(findSecrets('https://a.blob.core.windows.net/c/b?sv=2024&sig=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789%3D')).toEqual([
      'SAS signature',
    ]);
    expect(findSecrets('authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXBhcnQ')).toEqual(
      expect.arrayContaining(['Authorization header', 'JWT']),
    );
    expect(findSecrets(`key ${CANARY_SECRET}`)).toEqual(['planted canary']);
    expect(findSecrets('-----BEGIN PRIVATE KEY-----')).toEqual(['private key']);
    expect(findSecrets('records_in 26, used 25, quarantined 1; [EMAIL_1] was redacted')).toEqual([]);
  });
});
