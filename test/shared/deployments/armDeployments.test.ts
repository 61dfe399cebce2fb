import { DeploymentConflictError, DeploymentsClient, deploymentNameFor } from '../../../src/shared/deployments/armDeployments';
import { FineTuningClient, createOpenAIClient } from '../../../src/shared/finetune/client';
import { FineTuneConfigurationError } from '../../../src/shared/finetune/errors';
import { loadSettings } from '../../../src/shared/config/settings';
import type { RunningEmulator } from '../../../src/local/emulator';
import { testStorageConnectionString } from '../../setup/storage';
import { emulatorSettings, startTestEmulator, trainingJsonl, trainOnEmulator } from '../finetune/fixtures';
import { armDeploymentTarget, openAIConnection } from '../../../src/shared/composition/config';

// ARM deployments through @azure/arm-cognitiveservices against the real emulator over HTTP.
describe('DeploymentsClient against the emulator', () => {
  let emulator: RunningEmulator;
  let deployments: DeploymentsClient;
  let fineTunedModel: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    const settings = emulatorSettings(emulator, testStorageConnectionString());
    deployments = new DeploymentsClient(armDeploymentTarget(settings));
    const client = new FineTuningClient(createOpenAIClient(openAIConnection(settings)));
    const job = await trainOnEmulator(client, { name: 'deploy', train: trainingJsonl(), epochs: 1 });
    expect(job.status).toBe('succeeded');
    fineTunedModel = job.fine_tuned_model!;
  });
  afterAll(() => emulator.close());

  it('deploys a fine-tuned model, waits for Succeeded, and is idempotent on retry', async () => {
    const name = deploymentNameFor('deploy-test-1');
    expect(await deployments.getDeployment(name)).toBeUndefined();
    const first = await deployments.deployModel({
      deploymentName: name,
      model: fineTunedModel,
      backoff: { startSeconds: 0.02, factor: 1.5, capSeconds: 0.2 },
    });
    expect(first).toMatchObject({ name, model: fineTunedModel, provisioningState: 'Succeeded', sku: 'Standard', capacity: 10 });
    const again = await deployments.deployModel({ deploymentName: name, model: fineTunedModel });
    expect(again).toEqual(first);
    expect(await deployments.getDeployment(name)).toEqual(first);
  });

  it('refuses to put another model under an existing deployment name', async () => {
    const name = deploymentNameFor('deploy-test-2');
    await deployments.deployModel({
      deploymentName: name,
      model: fineTunedModel,
      backoff: { startSeconds: 0.02, factor: 1.5, capSeconds: 0.2 },
    });
    await expect(deployments.deployModel({ deploymentName: name, model: 'gpt-4o-mini-2024-07-18' })).rejects.toBeInstanceOf(
      DeploymentConflictError,
    );
  });

  it('deletes a deployment, and says false for one that does not exist', async () => {
    const name = deploymentNameFor('deploy-test-3');
    await deployments.deployModel({
      deploymentName: name,
      model: fineTunedModel,
      backoff: { startSeconds: 0.02, factor: 1.5, capSeconds: 0.2 },
    });
    expect(await deployments.deleteDeployment(name)).toBe(true);
    expect(await deployments.getDeployment(name)).toBeUndefined();
    expect(await deployments.deleteDeployment(name)).toBe(false);
  });

  it('surfaces an ARM 429 as a retryable error after the SDK retries', async () => {
    emulator.injectFault({ fault: '429;retry-after=0', path: '/deployments/', times: 20 });
    try {
      const err = await deployments.getDeployment('tuneloop-anything').catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'FineTuneServiceError', kind: 'transient', status: 429 });
    } finally {
      emulator.clearFaults();
    }
  });

  it("refuses a capacity over the region's Tokens Per Minute quota as ARM does, and the error says which setting to lower", async () => {
    const small = await startTestEmulator({ tokensPerMinuteQuota: 8 });
    try {
      const settings = emulatorSettings(small, testStorageConnectionString());
      const client = new DeploymentsClient(armDeploymentTarget(settings));
      const err = await client
        .deployModel({ deploymentName: deploymentNameFor('deploy-quota'), model: 'gpt-4o-mini-2024-07-18' })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'FineTuneServiceError', kind: 'invalid-request', status: 400, code: 'InsufficientQuota' });
      expect((err as Error).message).toMatch(/asks for 10 capacity units \(TUNELOOP_DEPLOYMENT_CAPACITY\).*at most 8/);
      const fits = await client.deployModel({
        deploymentName: deploymentNameFor('deploy-quota'),
        model: 'gpt-4o-mini-2024-07-18',
        capacity: 8,
        backoff: { startSeconds: 0.02, factor: 1.5, capSeconds: 0.2 },
      });
      expect(fits).toMatchObject({ provisioningState: 'Succeeded', capacity: 8 });
    } finally {
      await small.close();
    }
  });

  it('names the missing account settings', async () => {
    const settings = loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true', TUNELOOP_OPENAI_AUTH: 'local' });
    await expect(new DeploymentsClient(armDeploymentTarget(settings)).getDeployment('x')).rejects.toThrow(FineTuneConfigurationError);
    await expect(new DeploymentsClient(armDeploymentTarget(settings)).getDeployment('x')).rejects.toThrow(
      /TUNELOOP_OPENAI_SUBSCRIPTION_ID, TUNELOOP_OPENAI_RESOURCE_GROUP, TUNELOOP_OPENAI_ACCOUNT/,
    );
  });

  it('refuses to send Azure credentials to a plain-http ARM endpoint', async () => {
    const settings = loadSettings({
      TUNELOOP_STORAGE: 'UseDevelopmentStorage=true',
      TUNELOOP_ARM_ENDPOINT: emulator.url,
      TUNELOOP_OPENAI_SUBSCRIPTION_ID: 's',
      TUNELOOP_OPENAI_RESOURCE_GROUP: 'rg',
      TUNELOOP_OPENAI_ACCOUNT: 'a',
    });
    await expect(new DeploymentsClient(armDeploymentTarget(settings)).getDeployment('x')).rejects.toThrow(/not https/);
  });
});
