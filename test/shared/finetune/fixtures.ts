import { tmpdir } from 'node:os';
import { loadSettings, type Settings } from '../../../src/shared/config/settings';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../../src/local/emulator';
import { jobPhase, type FineTuningClient, type FineTuningJob } from '../../../src/shared/finetune/client';

/** A small customer-service training set written for these tests (12 examples over 3 topics). */
const TOPICS: { questions: string[]; answer: string }[] = [
  {
    questions: [
      'I was charged twice this month',
      'Why is there a double charge on my card',
      'Please refund the duplicate payment',
      'My invoice amount is wrong',
    ],
    answer: 'Sorry about the duplicate charge; I have refunded the extra payment, it shows within 5 business days.',
  },
  {
    questions: ['Where is my parcel', 'My delivery is late', 'The tracking number shows no updates', 'The courier did not come today'],
    answer: 'Your parcel is at the local depot and will be delivered tomorrow before noon.',
  },
  {
    questions: [
      'How do I return a jacket',
      'I want to send back these shoes',
      'Can I return an opened item',
      'The blender arrived broken, I want to return it',
    ],
    answer: 'You can return it within 30 days; I have emailed you a prepaid return label.',
  },
];

export function trainingJsonl(variant = ''): string {
  const lines: string[] = [];
  for (const topic of TOPICS) {
    for (const q of topic.questions) {
      lines.push(
        JSON.stringify({
          messages: [
            { role: 'system', content: 'You are a helpful customer service assistant.' },
            { role: 'user', content: `${q}${variant}` },
            { role: 'assistant', content: topic.answer },
          ],
        }),
      );
    }
  }
  return lines.join('\n') + '\n';
}

export function validationJsonl(): string {
  return (
    [
      ['I got charged two times', TOPICS[0].answer],
      ['Has my package shipped yet', TOPICS[1].answer],
    ]
      .map(([q, a]) =>
        JSON.stringify({
          messages: [
            { role: 'user', content: q },
            { role: 'assistant', content: a },
          ],
        }),
      )
      .join('\n') + '\n'
  );
}

/** Settings that point the fine-tuning path at a running emulator (no Azure login). */
export function emulatorSettings(emulator: RunningEmulator, storageConnectionString: string, extra: Record<string, string> = {}): Settings {
  return loadSettings({
    TUNELOOP_STORAGE: storageConnectionString,
    TUNELOOP_OPENAI_ENDPOINT: emulator.url,
    TUNELOOP_ARM_ENDPOINT: emulator.url,
    TUNELOOP_OPENAI_AUTH: 'local',
    TUNELOOP_OPENAI_SUBSCRIPTION_ID: '00000000-0000-0000-0000-000000000000',
    TUNELOOP_OPENAI_RESOURCE_GROUP: 'rg-test',
    TUNELOOP_OPENAI_ACCOUNT: 'aoai-test',
    TUNELOOP_LOCAL_DIR: tmpdir() + '/tuneloop-finetune-tests',
    ...extra,
  });
}

/** The real emulator over HTTP, fast enough for tests. */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ port: 0, speed: 100, https: false, onError: (err) => console.error('[emulator]', err), ...options });
}

/** Polling backoff for tests against the emulator (tens of milliseconds, not seconds). */
export const FAST_BACKOFF = { startSeconds: 0.02, factor: 1.5, capSeconds: 0.2 };

export interface TrainOnEmulatorOptions {
  /** Prefix of the uploaded file names (`<name>-train.jsonl`, `<name>-validation.jsonl`). */
  name: string;
  train: string;
  validation?: string;
  epochs: number;
}

/**
 * Uploads the data, fine-tunes gpt-4o-mini on it and waits until the job leaves its in-progress
 * phase. Returns the job as it ended: the caller checks its status.
 */
export async function trainOnEmulator(client: FineTuningClient, options: TrainOnEmulatorOptions): Promise<FineTuningJob> {
  const train = await client.uploadFile(`${options.name}-train.jsonl`, Buffer.from(options.train));
  const validation =
    options.validation === undefined
      ? undefined
      : await client.uploadFile(`${options.name}-validation.jsonl`, Buffer.from(options.validation));
  await client.waitForFile(train.id, { backoff: FAST_BACKOFF });
  if (validation) await client.waitForFile(validation.id, { backoff: FAST_BACKOFF });
  let job = await client.createJob({
    model: 'gpt-4o-mini-2024-07-18',
    trainingFile: train.id,
    ...(validation ? { validationFile: validation.id } : {}),
    hyperparameters: { n_epochs: options.epochs },
  });
  while (jobPhase(job.status) === 'in-progress') {
    await new Promise((r) => setTimeout(r, 25));
    job = await client.getJob(job.id);
  }
  return job;
}
