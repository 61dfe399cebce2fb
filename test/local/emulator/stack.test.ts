import { startLocalStack, type LocalStack } from '../../../src/local/stack';
import { createOpenAIClient } from '../../../src/shared/finetune/client';
import { DeploymentsClient } from '../../../src/shared/deployments/armDeployments';
import { armDeploymentTarget, openAIConnection } from '../../../src/shared/composition/config';

/**
 * The local stack starts the emulator and wires tuneloop's own clients to it: the same
 * createOpenAIClient / DeploymentsClient that run against Azure, with the env the stack built.
 */
describe('local stack with the Azure OpenAI emulator', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startLocalStack({
      freePorts: true,
      inMemory: true,
      startHost: false,
      print: () => undefined,
      env: {},
      emulator: { speed: 200 },
    });
  });

  // Unset when beforeAll failed before creating it.
  afterAll(async () => {
    await (stack as LocalStack | undefined)?.stop();
  });

  it('points the OpenAI and ARM endpoints at the emulator with local auth', () => {
    expect(stack.emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stack.settings.TUNELOOP_OPENAI_ENDPOINT).toBe(stack.emulator.url);
    expect(stack.settings.TUNELOOP_ARM_ENDPOINT).toBe(stack.emulator.url);
    expect(stack.settings.TUNELOOP_OPENAI_AUTH).toBe('local');
  });

  it("serves tuneloop's clients: files through AzureOpenAI, deployments through ARM", async () => {
    const openai = createOpenAIClient(openAIConnection(stack.settings), { maxRetries: 0 });
    const list = await openai.files.list();
    expect(list.data).toEqual([]);
    const deployments = new DeploymentsClient(armDeploymentTarget(stack.settings));
    expect(await deployments.getDeployment('tuneloop-nothing-yet')).toBeUndefined();
    const base = await deployments.deployModel({
      deploymentName: 'tuneloop-base',
      model: 'gpt-4o-mini-2024-07-18',
      backoff: { startSeconds: 0.01, factor: 1, capSeconds: 0.01 },
    });
    expect(base.provisioningState).toBe('Succeeded');
  });

  it('stops the emulator with the stack', async () => {
    const other = await startLocalStack({ freePorts: true, inMemory: true, startHost: false, print: () => undefined, env: {} });
    const url = other.emulator.url;
    await other.stop();
    await expect(fetch(`${url}/openai/files?api-version=2024-10-21`)).rejects.toThrow();
  });
});
