import { createRuntime, type Runtime } from '../../../src/shared/composition/runtime';
import { assembleDataset, type CuratedRecord, type DatasetManifest } from '../../../src/shared/dataset/assembly';
import { jobPhase, FineTuningClient, createOpenAIClient } from '../../../src/shared/finetune/client';
import { switchProduction } from '../../../src/shared/deployments/registry';
import { corpusBleu } from '../../../src/shared/evaluation/bleu';
import { CONTAINERS, TABLES } from '../../../src/shared/storage/names';
import type { RunningEmulator } from '../../../src/local/emulator';
import { emulatorSettings, FAST_BACKOFF, startTestEmulator } from '../finetune/fixtures';
import { startPrivateAzurite } from '../../setup/storage';

/**
 * Continuous fine-tuning with replay, on the real emulator over HTTP: the production model
 * (trained on billing and shipping) is continued on a new topic (returns) twice — with the
 * replay sample and without — and asked the held-out billing/shipping questions. The emulator
 * forgets what a parent learned unless it is trained on it again (continuedTrainingRetention,
 * here 0.3 so one continuation shows it); the replay sample keeps old-topic BLEU where it was.
 */
const TOPICS: Record<string, { questions: string[]; answers: string[] }> = {
  billing: {
    questions: [
      'I was charged twice for order {n}, can you refund the duplicate payment',
      'my card shows two payments for the same order {n}',
      'why did you take the money twice from my account for order {n}',
      'there is a double charge on my statement for order {n}',
    ],
    answers: [
      'I am sorry about the double charge. I have refunded the duplicate payment for order {n}; it will be back on your card within 5 working days.',
      'Sorry for the duplicate payment on order {n}. The second charge has been refunded and should reach your card in 5 working days.',
    ],
  },
  shipping: {
    questions: [
      'where is my parcel for order {n}, it has not arrived',
      'my delivery for order {n} is late, the tracking has not moved',
      'the courier has not delivered order {n} yet',
      'when will order {n} be delivered, it is overdue',
    ],
    answers: [
      'I checked order {n}: the courier has it and will deliver it tomorrow before 6 pm. You will get a tracking email tonight.',
      'Order {n} is with the courier and is due tomorrow before 6 pm; a tracking email is on its way.',
    ],
  },
  returns: {
    questions: [
      'how do I send back the shoes from order {n}, they do not fit',
      'I want to return the jacket from order {n}',
      'can I get a return label for order {n}',
      'the item from order {n} is the wrong size, how do I return it',
    ],
    answers: [
      'You can return order {n} within 30 days. I have emailed you a free return label; drop the parcel at any post office.',
      'A free return label for order {n} is in your inbox; returns are accepted within 30 days at any post office.',
    ],
  },
};

function conversations(topic: string, count: number, offset: number): CuratedRecord[] {
  const t = TOPICS[topic];
  return Array.from({ length: count }, (_, i) => {
    const n = String(offset + i);
    return {
      conversation_id: `${topic}-${offset + i}`,
      kind: 'conversation' as const,
      issue_type: topic,
      csat: undefined,
      split: 'train' as const,
      tokens: 40,
      source: { file: `${topic}/export.jsonl`, line: i + 1 },
      example: {
        messages: [
          { role: 'user', content: t.questions[i % t.questions.length].replace('{n}', n) },
          { role: 'assistant', content: t.answers[i % t.answers.length].replace('{n}', n) },
        ],
      },
    };
  });
}

describe('continuous fine-tuning with replay (Azurite + emulator)', () => {
  let azurite: Awaited<ReturnType<typeof startPrivateAzurite>>;
  let emulator: RunningEmulator;
  let runtime: Runtime;

  beforeAll(async () => {
    azurite = await startPrivateAzurite();
    emulator = await startTestEmulator({ continuedTrainingRetention: 0.3 });
  });
  afterAll(async () => {
    // Undefined when beforeAll failed part-way.
    await (emulator as RunningEmulator | undefined)?.close();
    await (azurite as Awaited<ReturnType<typeof startPrivateAzurite>> | undefined)?.stop();
  });

  function useSettings(extra: Record<string, string>): Runtime {
    const settings = emulatorSettings(emulator, azurite.connectionString, {
      TUNELOOP_BALANCE_MAX_SHARE: '1',
      TUNELOOP_TRAINING_MODE: 'continue',
      // Templated conversations that differ in a number are near duplicates; not the subject here.
      TUNELOOP_ASSEMBLY_DEDUP: 'false',
      ...extra,
    });
    runtime = createRuntime(settings, { storage: azurite.storage });
    return runtime;
  }

  async function writeShard(name: string, records: CuratedRecord[]): Promise<void> {
    const text = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
    await azurite.storage.container(CONTAINERS.curated).getBlockBlobClient(name).upload(text, Buffer.byteLength(text));
    await new Promise((r) => setTimeout(r, 1100));
  }

  async function assemble(extra: Record<string, string>, now: string): Promise<DatasetManifest> {
    const outcome = await assembleDataset(useSettings(extra), { now: new Date(now), submit: false });
    if (outcome.outcome !== 'submitted') throw new Error(`${outcome.reason}: ${outcome.detail}`);
    return outcome.manifest;
  }

  async function train(manifest: DatasetManifest): Promise<string> {
    const client = new FineTuningClient(createOpenAIClient(runtime.config.fineTune.openai));
    const content = await azurite.storage.container(CONTAINERS.datasets).getBlobClient(manifest.files.train).downloadToBuffer();
    const file = await client.uploadFile(`${manifest.version}.train.jsonl`, content);
    await client.waitForFile(file.id, { backoff: FAST_BACKOFF });
    let job = await client.createJob({ model: manifest.training.baseModel, trainingFile: file.id, hyperparameters: { n_epochs: 2 } });
    while (jobPhase(job.status) === 'in-progress') {
      await new Promise((r) => setTimeout(r, 25));
      job = await client.getJob(job.id);
    }
    expect(job.status).toBe('succeeded');
    return job.fine_tuned_model!;
  }

  /** Corpus BLEU of a model on held-out billing and shipping questions (new order numbers, same wording families). */
  async function oldTopicBleu(model: string, deployment: string): Promise<number> {
    await runtime.fineTune.deployments.deployModel({ deploymentName: deployment, model, backoff: FAST_BACKOFF, maxWaitMs: 30_000 });
    const openai = createOpenAIClient(runtime.config.fineTune.openai);
    const hypotheses: string[] = [];
    const references: string[] = [];
    for (const topic of ['billing', 'shipping']) {
      for (const c of conversations(topic, 8, 9000)) {
        const reply = await openai.chat.completions.create({
          model: deployment,
          messages: [c.example.messages[0] as { role: 'user'; content: string }],
          temperature: 0,
        });
        hypotheses.push(reply.choices[0].message.content ?? '');
        references.push(String(c.example.messages[1].content));
      }
    }
    await runtime.fineTune.deployments.deleteDeployment(deployment);
    return corpusBleu(hypotheses, [references]).score;
  }

  it('continues the production model on new data plus a stratified replay sample, and replay keeps old-topic BLEU from falling', async () => {
    await writeShard('billing/a.jsonl', conversations('billing', 30, 0));
    await writeShard('shipping/a.jsonl', conversations('shipping', 30, 0));
    // No production model yet: the first version is a full training from the base model.
    const v1 = await assemble({}, '2026-11-01T02:00:00Z');
    expect(v1.training).toMatchObject({ mode: 'full', continuation: 0, baseModel: runtime.config.assembly.baseModel });
    const m1 = await train(v1);
    await switchProduction(
      azurite.storage,
      { jobKey: 'job-v1', fineTunedModel: m1, deploymentName: 'prod-v1', datasetVersion: v1.version },
      { expected: undefined },
    );

    // A new topic arrives.
    await writeShard('returns/a.jsonl', conversations('returns', 30, 0));
    const withReplay = await assemble({ TUNELOOP_REPLAY_SHARE: '0.5' }, '2026-11-02T02:00:00Z');
    expect(withReplay.training).toMatchObject({
      mode: 'continue',
      continuation: 1,
      baseModel: m1,
      parent: { datasetVersion: v1.version },
      newExamples: 30,
    });
    const replay = withReplay.training.replay!;
    expect(replay.examples).toBeGreaterThanOrEqual(20);
    expect(replay.examples).toBeLessThanOrEqual(40);
    // Stratified: each earlier issue type contributes about its share (here half each).
    expect(replay.byIssueType.billing).toBeGreaterThanOrEqual(7);
    expect(replay.byIssueType.shipping).toBeGreaterThanOrEqual(7);
    expect(withReplay.counts.train).toBe(30 + replay.examples);
    expect(withReplay.fullTrain.examples).toBe(90);

    // The same data without replay (the earlier version's row removed so this run compares with v1 again).
    await azurite.storage.table(TABLES.datasets).deleteEntity('dataset', withReplay.version);
    const noReplay = await assemble({ TUNELOOP_REPLAY_SHARE: '0' }, '2026-11-02T03:00:00Z');
    expect(noReplay.training).toMatchObject({ mode: 'continue', replay: { examples: 0 } });
    expect(noReplay.counts.train).toBe(30);

    const before = await oldTopicBleu(m1, 'eval-parent');
    const replayed = await oldTopicBleu(await train(withReplay), 'eval-replay');
    const forgetting = await oldTopicBleu(await train(noReplay), 'eval-noreplay');
    expect(before).toBeGreaterThan(40);
    expect(forgetting).toBeLessThan(before - 10); // without replay the old topics fade
    expect(replayed).toBeGreaterThanOrEqual(before - 5); // with replay they hold
    expect(replayed).toBeGreaterThan(forgetting + 10);
  });

  it('retrains from the base model after TUNELOOP_CONTINUE_MAX continuations, on large drift, and after an erasure marked production', async () => {
    await writeShard('returns/b.jsonl', conversations('returns', 10, 100));
    const capped = await assemble({ TUNELOOP_CONTINUE_MAX: '0' }, '2026-11-03T02:00:00Z');
    expect(capped.training).toMatchObject({ mode: 'full', baseModel: runtime.config.assembly.baseModel });
    expect(capped.training.reason).toContain('TUNELOOP_CONTINUE_MAX=0');
    await writeShard('returns/c.jsonl', conversations('returns', 10, 200));
    const outcome = await assembleDataset(useSettings({}), { now: new Date('2026-11-04T02:00:00Z'), submit: false, forceFull: true });
    expect(outcome).toMatchObject({ outcome: 'submitted', manifest: { training: { mode: 'full' } } });

    // Data erased since production was trained (tuneloop forget marks the model): a continuation would keep it.
    await writeShard('returns/d.jsonl', conversations('returns', 10, 300));
    const erasures = azurite.storage.table(TABLES.erasures);
    await erasures.createTable();
    await erasures.upsertEntity({
      partitionKey: 'model',
      rowKey: 'job-v1|req-1',
      jobKey: 'job-v1',
      requestId: 'req-1',
      trainedOnErasedData: true,
    });
    const erased = await assemble({}, '2026-11-05T02:00:00Z');
    expect(erased.training).toMatchObject({ mode: 'full', baseModel: runtime.config.assembly.baseModel });
    expect(erased.training.reason).toContain('erased by request req-1');
  });
});
