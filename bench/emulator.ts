import fs from 'node:fs';
import path from 'node:path';
import { startEmulator } from '../src/local/emulator';
import { FineTunedChatModel, type TrainingExample } from '../src/local/emulator/model/chatModel';
import { lmTokens, messageText } from '../src/local/emulator/model/text';
import { resolveHyperparameters, trainModel } from '../src/local/emulator/model/training';
import { timeMedian, type Benchmark } from './harness';

/**
 * What the emulator's model costs. Training: trainModel (3 epochs) on the demo conversations,
 * against a baseline pass that only parses the JSONL and tokenises the assistant turns (the floor
 * any training pays). Serving: a chat completion over HTTP on a fine-tuned deployment against
 * GET /openai/models on the same server (HTTP + auth + routing, no model), and reply() in-process.
 */
function demoExamples(): TrainingExample[] {
  const file = path.resolve(__dirname, '..', '..', 'demo', 'data', 'chat-logs.jsonl');
  const source = fs.existsSync(file) ? file : path.resolve('demo', 'data', 'chat-logs.jsonl');
  const examples: TrainingExample[] = [];
  for (const line of fs.readFileSync(source, 'utf8').split('\n')) {
    let record: { messages?: { role: string; text?: string; content?: string }[] };
    try {
      record = JSON.parse(line) as typeof record;
    } catch {
      continue; // the demo file has broken lines on purpose
    }
    if (!Array.isArray(record.messages)) continue;
    const messages = record.messages
      .map((m) => ({
        role: m.role === 'customer' || m.role === 'user' ? 'user' : m.role === 'system' ? 'system' : 'assistant',
        content: (m.text ?? m.content ?? '').trim(),
      }))
      .filter((m) => m.content);
    // A training example ends with the assistant (the service's rule).
    while (messages.length && messages[messages.length - 1].role !== 'assistant') messages.pop();
    if (messages.some((m) => m.role === 'user')) examples.push({ messages });
  }
  return examples;
}

export const emulatorBenchmark: Benchmark = {
  name: 'emulator',
  async run() {
    const base = demoExamples();
    const training = Array.from({ length: 10 }, () => base).flat();
    const jsonl = training.map((e) => JSON.stringify(e)).join('\n');
    const hyper = resolveHyperparameters({ n_epochs: 3 }, training.length);
    const parseOnly = await timeMedian(() => {
      let tokens = 0;
      for (const line of jsonl.split('\n')) {
        const e = JSON.parse(line) as TrainingExample;
        for (const m of e.messages) if (m.role === 'assistant') tokens += lmTokens(messageText(m)).length;
      }
      return tokens;
    });
    const train = await timeMedian(() => trainModel({ training, hyperparameters: hyper, seed: 1 }), 3);

    const model = new FineTunedChatModel(base);
    const question = [{ role: 'user', content: 'Why was I charged twice for my order? Please refund the duplicate payment.' }];
    const replies = 200;
    const replyMs =
      (await timeMedian(() => {
        for (let i = 0; i < replies; i++) model.reply(question);
      })) / replies;

    const emulator = await startEmulator({ speed: 1000, https: false });
    try {
      const headers = { 'api-key': 'local-placeholder', 'content-type': 'application/json' };
      const api = (p: string) => `${emulator.url}/openai${p}${p.includes('?') ? '&' : '?'}api-version=2024-10-21`;
      const form = new FormData();
      form.set('purpose', 'fine-tune');
      form.set('file', new Blob([base.map((e) => JSON.stringify(e)).join('\n')]), 'train.jsonl');
      const file = (await (
        await fetch(api('/files'), { method: 'POST', headers: { 'api-key': 'local-placeholder' }, body: form })
      ).json()) as { id: string };
      for (let s = ''; s !== 'processed'; await new Promise((r) => setTimeout(r, 5))) {
        const f = (await (await fetch(api(`/files/${file.id}`), { headers })).json()) as { status: string; status_details?: string };
        if (f.status === 'error') throw new Error(`the benchmark's training file was refused: ${String(f.status_details)}`);
        s = f.status;
      }
      const job = (await (
        await fetch(api('/fine_tuning/jobs'), {
          method: 'POST',
          headers,
          body: JSON.stringify({ model: 'gpt-4o-mini-2024-07-18', training_file: file.id }),
        })
      ).json()) as { id: string };
      let ft = '';
      while (!ft) {
        await new Promise((r) => setTimeout(r, 5));
        const j = (await (await fetch(api(`/fine_tuning/jobs/${job.id}`), { headers })).json()) as {
          status: string;
          fine_tuned_model?: string;
          error?: { message: string };
        };
        if (j.status === 'failed' || j.status === 'cancelled')
          throw new Error(`the benchmark's job ended ${j.status}: ${j.error?.message ?? ''}`);
        ft = j.fine_tuned_model ?? '';
      }
      const arm = `${emulator.url}/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a/deployments/bench?api-version=2024-10-01`;
      const armHeaders = { authorization: 'Bearer local-placeholder', 'content-type': 'application/json' };
      await fetch(arm, {
        method: 'PUT',
        headers: armHeaders,
        body: JSON.stringify({
          sku: { name: 'Standard', capacity: 1 },
          properties: { model: { format: 'OpenAI', name: ft, version: '1' } },
        }),
      });
      for (let s = ''; s !== 'Succeeded'; await new Promise((r) => setTimeout(r, 5)))
        s = ((await (await fetch(arm, { headers: armHeaders })).json()) as { properties: { provisioningState: string } }).properties
          .provisioningState;
      const requests = 50;
      const models =
        (await timeMedian(async () => {
          for (let i = 0; i < requests; i++) await (await fetch(api('/models'), { headers })).arrayBuffer();
        })) / requests;
      const chat =
        (await timeMedian(async () => {
          for (let i = 0; i < requests; i++) {
            await (
              await fetch(api('/deployments/bench/chat/completions'), {
                method: 'POST',
                headers,
                body: JSON.stringify({ messages: question }),
              })
            ).arrayBuffer();
          }
        })) / requests;
      return {
        name: 'emulator',
        lines: [
          `training data: ${training.length} conversations (demo/data/chat-logs.jsonl × 10), ${hyper.n_epochs} epochs, batch ${hyper.batch_size}`,
          `parse + tokenise only (baseline): ${parseOnly.toFixed(1)} ms`,
          `trainModel: ${train.toFixed(1)} ms (${(train / parseOnly).toFixed(1)}× the baseline, ${((training.length * hyper.n_epochs) / (train / 1000)).toFixed(0)} examples·epochs/s)`,
          `reply() in-process: ${(replyMs * 1000).toFixed(0)} µs per question (${base.length} conversations indexed)`,
          `GET /openai/models over HTTP (baseline): ${models.toFixed(2)} ms per request`,
          `chat completion over HTTP: ${chat.toFixed(2)} ms per request (${(chat / models).toFixed(2)}× the baseline)`,
        ],
      };
    } finally {
      await emulator.close();
    }
  },
};
