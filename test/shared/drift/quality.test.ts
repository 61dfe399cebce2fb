import type { RunningEmulator } from '../../../src/local/emulator';
import { createOpenAIClient, FineTuningClient } from '../../../src/shared/finetune/client';
import { DeploymentsClient } from '../../../src/shared/deployments/armDeployments';
import { deploymentChatModel } from '../../../src/shared/evaluation/chat';
import { productionModelQuality } from '../../../src/shared/drift/quality';
import { conversationSample } from '../../../src/shared/drift/samples';
import { testStorageConnectionString, uniqueName } from '../../setup/storage';
import { emulatorSettings, FAST_BACKOFF as FAST, startTestEmulator, trainOnEmulator } from '../finetune/fixtures';
import { bankingHoldout, bankingTrainingFiles } from '../evaluation/banking';
import { coffeeConversations, curatedLine } from './fixtures';
import { armDeploymentTarget, openAIConnection } from '../../../src/shared/composition/config';

jest.setTimeout(120_000);

/**
 * The production-model check of driftWatch against a real model: the emulator over HTTP trains a
 * small model on BANKING77 conversations and intent labels and serves it from an ARM deployment.
 * Recent data from the same world scores well; recent coffee-shop chats (labels it never saw,
 * other words) score low — the quality drop drift is meant to show.
 */
describe('productionModelQuality (emulator)', () => {
  let emulator: RunningEmulator;
  let deploymentName: string;
  let settings: ReturnType<typeof emulatorSettings>;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    settings = emulatorSettings(emulator, testStorageConnectionString());
    const fineTuning = new FineTuningClient(createOpenAIClient(openAIConnection(settings)));
    const files = bankingTrainingFiles();
    const run = uniqueName('drift');
    const job = await trainOnEmulator(fineTuning, { name: run, train: files.train, validation: files.validation, epochs: 1 });
    expect(job.status).toBe('succeeded');
    deploymentName = `${run}-prod`;
    await new DeploymentsClient(armDeploymentTarget(settings)).deployModel({ deploymentName, model: job.fine_tuned_model!, backoff: FAST });
  });
  // Unset when beforeAll failed before creating it.
  afterAll(() => (emulator as RunningEmulator | undefined)?.close());

  it('scores recent conversations like the training data well and shifted ones badly', async () => {
    const model = deploymentChatModel(createOpenAIClient(openAIConnection(settings)), deploymentName);
    const banking = bankingHoldout(5)
      .trim()
      .split('\n')
      .map((l) => conversationSample({ ...JSON.parse(l), tokens: 30, source: { file: 'b77.jsonl', line: 1 } }));
    const same = await productionModelQuality(model, banking, { maxConversations: 50, minSamples: 20 });
    expect(same.errors).toEqual([]);
    const f1Same = same.metrics.find((m) => m.name === 'model_intent_f1')!;
    const bleuSame = same.metrics.find((m) => m.name === 'model_bleu')!;
    expect(f1Same.samples).toEqual({ recent: 25 });
    expect(f1Same.value).toBeGreaterThan(0.6);
    expect(bleuSame.value).toBeGreaterThan(40);

    const coffee = coffeeConversations(25, 'c').map((s) => conversationSample(JSON.parse(curatedLine(s))));
    const shifted = await productionModelQuality(model, coffee, { maxConversations: 50, minSamples: 20 });
    const f1Shifted = shifted.metrics.find((m) => m.name === 'model_intent_f1')!;
    const bleuShifted = shifted.metrics.find((m) => m.name === 'model_bleu')!;
    expect(f1Shifted.value).toBeLessThan(0.2);
    expect(bleuShifted.value).toBeLessThan(bleuSame.value / 2);
  });

  it('skips with the reason when the deployment does not answer, and below the minimum sample', async () => {
    const missing = deploymentChatModel(createOpenAIClient(openAIConnection(settings)), 'no-such-deployment');
    const coffee = coffeeConversations(25, 'c').map((s) => conversationSample(JSON.parse(curatedLine(s))));
    const result = await productionModelQuality(missing, coffee, { maxConversations: 50, minSamples: 20 });
    expect(result.metrics).toEqual([]);
    expect(result.skipped.map((s) => s.name)).toEqual(['model_intent_f1', 'model_bleu']);
    expect(result.skipped[0].reason).toMatch(/^the production deployment no-such-deployment did not answer: /);
    const few = await productionModelQuality(missing, coffee.slice(0, 5), { maxConversations: 50, minSamples: 20 });
    expect(few.skipped[0].reason).toBe(
      '5 recent conversations with an issue_type (of the newest 5), fewer than TUNELOOP_DRIFT_MIN_SAMPLES=20',
    );
  });
});

/**
 * The intent score's averaging, with a scripted chat model (a fake: the point is the arithmetic
 * over known answers, which the emulator's model cannot be told to give).
 */
describe('productionModelQuality intent F1 averaging', () => {
  it('scores an answer outside the labels as a miss of its class, not as an extra zero-F1 class (as the gate does)', async () => {
    const specs = coffeeConversations(24, 'c');
    const coffee = specs.map((s) => conversationSample(JSON.parse(curatedLine(s))));
    let calls = 0;
    const model = {
      deploymentName: 'scripted',
      complete: async (messages: { content: string }[]) => {
        const text = messages.map((m) => m.content).join(' ');
        if (!/answer with its issue type/.test(text)) return { text: 'Sure.', latencyMs: 1 };
        // Every conversation's own label, but one answer no label knows.
        const own = specs.find((c) => text.includes(c.user))?.issueType ?? '';
        return { text: calls++ === 0 ? 'something_else' : own, latencyMs: 1 };
      },
    };
    const result = await productionModelQuality(model as never, coffee, { maxConversations: 50, minSamples: 20 });
    const f1 = result.metrics.find((m) => m.name === 'model_intent_f1')!;
    // 23 of 24 right: macro-F1 over the sample's labels stays high; with an extra (unrecognised) class it fell by 1/(k+1).
    expect(f1.detail).toMatchObject({ accuracy: 23 / 24 });
    expect(f1.value).toBeGreaterThan(0.9);
  });
});
