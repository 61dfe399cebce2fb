import { createRuntime } from '../../../src/shared/composition/runtime';
import { handleJobMessage } from '../../../src/shared/finetune/loop';
import { JobStore } from '../../../src/shared/finetune/jobStore';
import { checkTrainingBudget } from '../../../src/shared/finetune/budget';
import type { RunningEmulator } from '../../../src/local/emulator';
import { emulatorSettings, startTestEmulator, trainingJsonl } from './fixtures';
import { writeDatasetBlobs } from '../../setup/jobLoop';
import { startPrivateAzurite } from '../../setup/storage';

/** The job loop's budget guard: a hand-sent submit message is refused before anything is uploaded. */
describe('budget on every submit (Azurite + emulator)', () => {
  let azurite: Awaited<ReturnType<typeof startPrivateAzurite>>;
  let emulator: RunningEmulator;

  beforeAll(async () => {
    azurite = await startPrivateAzurite();
    emulator = await startTestEmulator();
    await azurite.storage.ensureResources();
    await writeDatasetBlobs(azurite.storage, 'ds-budget', { 'train.jsonl': trainingJsonl(), 'manifest.json': '{}' });
  });
  // Unset when beforeAll failed before creating it.
  afterAll(async () => {
    await (emulator as RunningEmulator | undefined)?.close();
    await (azurite as Awaited<ReturnType<typeof startPrivateAzurite>> | undefined)?.stop();
  });

  it.each([
    ['over budget', {}, { TUNELOOP_MAX_TRAINING_COST_USD: '0.000001' }, /exceeds TUNELOOP_MAX_TRAINING_COST_USD/],
    ['a model without a price', { baseModel: 'o4-mini-2025-04-16' }, {}, /no training price is known for model o4-mini-2025-04-16/],
  ])('refuses a hand-sent submit %s, with the reason, before uploading', async (name, extra, settings, reason) => {
    const runtime = createRuntime(emulatorSettings(emulator, azurite.connectionString, settings), { storage: azurite.storage });
    const jobKey = `job-budget-${name.replace(/\W+/g, '-')}`;
    const result = await handleJobMessage(runtime, { kind: 'submit', jobKey, datasetVersion: 'ds-budget', ...extra });
    expect(result).toMatchObject({ action: 'advanced', state: 'failed' });
    const record = (await new JobStore(azurite.storage).get(jobKey))!.record;
    expect(record.error).toMatch(reason);
    expect(record.trainingFileId).toBeUndefined();
    expect(await runtime.fineTune.client.findFile(`${jobKey}.train.jsonl`)).toBeUndefined();
  });

  it('takes a price set for any model in TUNELOOP_TRAINING_PRICES', () => {
    const train = Buffer.from(trainingJsonl());
    const verdict = checkTrainingBudget({ train, model: 'my-own-model', epochs: 2, budget: { prices: { 'my-own': 10 }, maxCostUsd: 100 } });
    expect(verdict).toMatchObject({ ok: true });
    expect(checkTrainingBudget({ train, model: 'my-own-model', budget: { prices: {}, maxCostUsd: 100 } })).toMatchObject({ ok: false });
  });
});
