import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { getEncoding } from 'js-tiktoken';
import { runCli } from '../../src/cli/main';
import { captureIo } from '../setup/cli';
import { splitFor } from '../../src/shared/dataset/split';
import { conversationLine, conversationsJsonl } from '../shared/dataset/fixtures';

const readJsonl = async (path: string) =>
  (await readFile(path, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

// The fixture's template conversations differ only in numbers, which character shingles (any
// language) rightly see as near-duplicates at the default 0.8; these tests are about splits and
// accounting, so they raise the threshold as test/shared/dataset/preprocess.test.ts does.
const FIXTURE_ENV = { TUNELOOP_DEDUP_THRESHOLD: '0.9' };

describe('tuneloop prepare', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-prepare-'));
    await mkdir(join(dir, 'logs'));
    // Conversations, a CSV export with rows out of order, an FAQ file, and feedback that comes
    // after the conversation it rates (in argument order).
    await writeFile(join(dir, 'logs', 'a-chats.jsonl'), conversationsJsonl(40) + '{"conversation_id": "x", "messages": "nope"}\n');
    await writeFile(
      join(dir, 'logs', 'b-export.csv.gz'),
      gzipSync(
        'conversation_id,timestamp,speaker,text,issue_type\n' +
          'csv-1,2026-01-01T10:00:05Z,agent,"Your new router ships tomorrow by express courier, tracking follows by email.",hardware\n' +
          'csv-1,2026-01-01T10:00:00Z,customer,"My router keeps dropping the connection every evening since Monday, can you help?",hardware\n',
      ),
    );
    await writeFile(
      join(dir, 'logs', 'c-faq.jsonl'),
      JSON.stringify({ question: 'Do you ship to Norway?', answer: 'Yes, delivery to Norway takes 3 to 5 working days.' }) + '\n',
    );
    await writeFile(join(dir, 'z-feedback.csv'), 'conversation_id,rating,comment\nc-3,4,quick help\nnope-1,9,out of range\n');
    await writeFile(join(dir, 'prompt.txt'), 'You are the support assistant of Contoso Outdoor.\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the three splits, quarantine and a report that accounts for every record', async () => {
    const cli = captureIo(dir, { env: FIXTURE_ENV });
    const code = await runCli(['prepare', 'logs', 'z-feedback.csv', '--out', 'out1', '--system-prompt-file', 'prompt.txt'], cli);
    expect(cli.err).toBe('');
    expect(code).toBe(0);
    expect((await readdir(join(dir, 'out1'))).sort()).toEqual([
      'holdout.jsonl',
      'quarantine.jsonl',
      'report.json',
      'train.jsonl',
      'validation.jsonl',
    ]);
    const report = JSON.parse(await readFile(join(dir, 'out1', 'report.json'), 'utf8'));
    // 41 lines + 1 CSV conversation + 1 FAQ + 2 feedback rows
    expect(report.records_in).toBe(45);
    expect(report.records_in).toBe(report.records_used + report.records_quarantined);
    expect(report.records_quarantined).toBe(2);
    expect(report.inputs).toEqual(['logs/a-chats.jsonl', 'logs/b-export.csv.gz', 'logs/c-faq.jsonl', 'z-feedback.csv']);
    for (const key of ['quarantine_reasons', 'examples', 'tokens', 'issue_types', 'training_tokens', 'estimated_cost_usd', 'warnings'])
      expect(report).toHaveProperty(key);
    expect(report.issue_types).toEqual({ account: 13, billing: 14, hardware: 1, shipping: 13 });
    expect(report.feedback).toEqual({ stored: 1, joined: 1 });

    const train = await readJsonl(join(dir, 'out1', 'train.jsonl'));
    const validation = await readJsonl(join(dir, 'out1', 'validation.jsonl'));
    const holdout = await readJsonl(join(dir, 'out1', 'holdout.jsonl'));
    expect(train.length + validation.length + holdout.length).toBe(
      report.examples.train + report.examples.validation + report.examples.holdout,
    );
    expect(train).toHaveLength(report.examples.train);
    expect(Object.keys(train[0])).toEqual(['messages']);
    const conversational = train.filter((e) => e.messages[0].content === 'You are the support assistant of Contoso Outdoor.');
    expect(conversational.length).toBeGreaterThan(0);
    // the CSV rows were sorted by timestamp: customer first
    const csv = [...train, ...validation, ...holdout].find((e) =>
      e.messages.some((m: { content: string }) => m.content.includes('router')),
    );
    expect(csv.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user', 'assistant']);

    const quarantine = await readJsonl(join(dir, 'out1', 'quarantine.jsonl'));
    expect(quarantine.map((q) => [q.file, q.line])).toEqual([
      ['logs/a-chats.jsonl', 41],
      ['z-feedback.csv', 3],
    ]);
    for (const q of quarantine) expect(Object.keys(q)).toEqual(expect.arrayContaining(['file', 'line', 'reason', 'record']));
    expect(report.quarantine_reasons).toEqual(Object.fromEntries(quarantine.map((q) => [q.reason, 1])));

    // The training file passes the validate command.
    const v = captureIo(dir, { env: FIXTURE_ENV });
    expect(await runCli(['validate', 'out1/train.jsonl'], v)).toBe(0);
    expect(v.out).toMatch(/valid for gpt-4o-mini-2024-07-18: \d+ examples/);
  });

  it('gives byte-identical output for the same input, and shows progress only on a terminal', async () => {
    const quiet = captureIo(dir, { env: FIXTURE_ENV });
    expect(await runCli(['prepare', 'logs', 'z-feedback.csv', '--out', 'out2'], quiet)).toBe(0);
    expect(quiet.err).toBe('');
    const tty = captureIo(dir, { isTty: true, env: FIXTURE_ENV });
    expect(await runCli(['prepare', 'logs', 'z-feedback.csv', '--out', 'out3'], tty)).toBe(0);
    expect(tty.err).toMatch(/prepare: logs\/a-chats\.jsonl: 41 records/);
    expect(tty.err).toMatch(/done in/);
    for (const f of ['train.jsonl', 'validation.jsonl', 'holdout.jsonl', 'quarantine.jsonl', 'report.json']) {
      expect(await readFile(join(dir, 'out3', f))).toEqual(await readFile(join(dir, 'out2', f)));
    }
  });

  it('adds per-step timings to the report with TUNELOOP_DEBUG_TIMINGS=true', async () => {
    expect(
      await runCli(
        ['prepare', 'logs/c-faq.jsonl', '--out', 'out7'],
        captureIo(dir, { env: { ...FIXTURE_ENV, TUNELOOP_DEBUG_TIMINGS: 'true' } }),
      ),
    ).toBe(0);
    const report = JSON.parse(await readFile(join(dir, 'out7', 'report.json'), 'utf8'));
    expect(Object.keys(report.timings_ms)).toEqual(expect.arrayContaining(['parse', 'examples', 'write']));
    const plain = JSON.parse(await readFile(join(dir, 'out2', 'report.json'), 'utf8'));
    expect(plain).not.toHaveProperty('timings_ms');
  });

  it('joins feedback given before or after its conversation to the same result', async () => {
    expect(await runCli(['prepare', 'z-feedback.csv', 'logs', '--out', 'out4'], captureIo(dir, { env: FIXTURE_ENV }))).toBe(0);
    const a = JSON.parse(await readFile(join(dir, 'out2', 'report.json'), 'utf8'));
    const b = JSON.parse(await readFile(join(dir, 'out4', 'report.json'), 'utf8'));
    expect(b.feedback).toEqual(a.feedback);
    expect(b.examples).toEqual(a.examples);
  });

  it('joins a rating that comes after its conversation in the same file as one that comes before it', async () => {
    // One offline run, with no later assembly to join a late rating: every file's ratings are
    // stored before the main pass, so the order of lines does not matter (nor gzip, nor workers).
    const conversation = JSON.stringify({
      conversation_id: 'm-1',
      messages: [
        { role: 'customer', text: 'My discount code SAVE10 does not work at checkout.' },
        { role: 'agent', text: 'I have applied the discount manually to your order now.' },
      ],
    });
    const rating = (n: number, comment: string) => JSON.stringify({ conversation_id: 'm-1', rating: n, comment });
    await writeFile(join(dir, 'rating-first.jsonl'), `${rating(1, 'still broken')}\n${conversation}\n`);
    await writeFile(join(dir, 'rating-after.jsonl'), `${conversation}\n${rating(1, 'still broken')}\n`);
    await writeFile(join(dir, 'rating-after.jsonl.gz'), gzipSync(`${conversation}\n${rating(1, 'still broken')}\n`));
    // Several ratings of one conversation: the last stored wins, wherever the conversation is.
    await writeFile(join(dir, 'rating-twice.jsonl'), `${rating(5, 'great')}\n${conversation}\n${rating(1, 'still broken')}\n`);
    const run = async (file: string, workers: number) => {
      const out = `rated-${file}-${workers}`;
      expect(await runCli(['prepare', file, '--out', out, '--workers', String(workers)], captureIo(dir, { env: FIXTURE_ENV }))).toBe(0);
      const text = async (name: string) => readFile(join(dir, out, name), 'utf8');
      const report = JSON.parse(await text('report.json'));
      expect(report.records_in).toBe(report.records_used + report.records_quarantined);
      return {
        splits: [await text('train.jsonl'), await text('validation.jsonl'), await text('holdout.jsonl')],
        feedback: report.feedback,
      };
    };
    const first = await run('rating-first.jsonl', 1);
    expect(first.feedback).toEqual({ stored: 1, joined: 1 });
    // The low rating took effect: the agent's reply is not trained on.
    expect(first.splits.join('')).toContain('"weight":0');
    for (const workers of [1, 2]) {
      expect(await run('rating-first.jsonl', workers)).toEqual(first);
      expect(await run('rating-after.jsonl', workers)).toEqual(first);
      expect(await run('rating-after.jsonl.gz', workers)).toEqual(first);
      expect(await run('rating-twice.jsonl', workers)).toEqual({ ...first, feedback: { stored: 2, joined: 1 } });
    }
  });

  it('splits over-long conversations for a model with a smaller limit instead of truncating them', async () => {
    const turns: [string, string][] = [];
    for (let i = 0; i < 20; i++) {
      turns.push(
        [
          'customer',
          `Question ${i}: can you explain the warranty terms for the tent again? ` +
            'I still do not understand the seams part. '.repeat(60),
        ],
        ['agent', `Answer ${i}: ` + 'the warranty covers seams and poles for two years from purchase. '.repeat(60)],
      );
    }
    await writeFile(join(dir, 'long.jsonl'), conversationLine('long-1', { turns }) + '\n');
    const cli = captureIo(dir, { env: FIXTURE_ENV });
    expect(await runCli(['prepare', 'long.jsonl', '--out', 'out5', '--model', 'gpt-35-turbo-0125'], cli)).toBe(0);
    const report = JSON.parse(await readFile(join(dir, 'out5', 'report.json'), 'utf8'));
    expect(report.conversations_split).toBe(1);
    expect(report.tokens.max).toBeLessThanOrEqual(16_385);
    const split = splitFor('long-1', { validation: 0.1, holdout: 0.1 });
    const examples = await readJsonl(join(dir, 'out5', `${split}.jsonl`));
    expect(examples.length).toBeGreaterThan(1);
    const trained = examples.flatMap((e) =>
      e.messages.filter((m: { role: string; weight?: number }) => m.role === 'assistant' && m.weight !== 0),
    );
    expect(trained).toHaveLength(20);
    expect(cli.out).toMatch(/split at turn boundaries/);
  });

  it('fails as a whole, naming the file, when an input cannot be read', async () => {
    await writeFile(
      join(dir, 'corrupt.jsonl.gz'),
      Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from('not deflate at all '.repeat(30))]),
    );
    const cli = captureIo(dir, { env: FIXTURE_ENV });
    expect(await runCli(['prepare', 'logs', 'corrupt.jsonl.gz', '--out', 'out6'], cli)).toBe(1);
    expect(cli.err).toMatch(/corrupt\.jsonl\.gz/);
    expect(await readdir(join(dir, 'out6'))).toEqual([]);
  });

  it('refuses bad usage with exit 2', async () => {
    expect(await runCli(['prepare', 'logs'], captureIo(dir, { env: FIXTURE_ENV }))).toBe(2);
    expect(await runCli(['prepare', '--out', 'x'], captureIo(dir, { env: FIXTURE_ENV }))).toBe(2);
    const missing = captureIo(dir, { env: FIXTURE_ENV });
    expect(await runCli(['prepare', 'nope.jsonl', '--out', 'x'], missing)).toBe(2);
    expect(missing.err).toMatch(/nope\.jsonl: no such file or folder/);
    const model = captureIo(dir, { env: FIXTURE_ENV });
    expect(await runCli(['prepare', 'logs', '--out', 'x', '--model', 'llama-3'], model)).toBe(2);
    expect(model.err).toMatch(/unknown base model "llama-3"/);
  });
});

/** Real public data: STAR dialogues (Rasa, MIT; test/fixtures/corpora/star_dialogues/SOURCE.md) through prepare. */
describe('tuneloop prepare on STAR dialogues', () => {
  const starDir = resolve(__dirname, '../fixtures/corpora/star_dialogues/dialogues');
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-star-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('produces a valid dataset with exact token counts and every record accounted for', async () => {
    const files = readdirSync(starDir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .slice(0, 60);
    const lines: string[] = [];
    for (const f of files) {
      const d = JSON.parse(readFileSync(join(starDir, f), 'utf8'));
      const messages = (d.Events as { Agent: string; Action: string; Text?: string }[])
        .filter(
          (e) =>
            (e.Agent === 'User' && e.Action === 'utter') ||
            (e.Agent === 'Wizard' && (e.Action === 'utter' || e.Action === 'pick_suggestion')),
        )
        .map((e) => ({ role: e.Agent === 'User' ? 'customer' : 'agent', text: e.Text ?? '' }));
      lines.push(JSON.stringify({ conversation_id: `star-${String(d.DialogueID)}`, issue_type: d.Scenario.Domains[0], messages }));
    }
    await writeFile(join(dir, 'star.jsonl'), lines.join('\n') + '\n');
    const cli = captureIo(dir);
    expect(await runCli(['prepare', 'star.jsonl', '--out', 'out'], cli)).toBe(0);
    const report = JSON.parse(await readFile(join(dir, 'out', 'report.json'), 'utf8'));
    expect(report.records_in).toBe(files.length);
    expect(report.records_used + report.records_quarantined).toBe(files.length);
    expect(report.records_used).toBeGreaterThan(files.length * 0.5);
    expect(await runCli(['validate', 'out/train.jsonl'], captureIo(dir))).toBe(0);

    // Token counts in the report agree with an independent js-tiktoken count of the written examples.
    const enc = getEncoding('o200k_base');
    const count = (messages: Record<string, unknown>[]) =>
      messages.reduce((n, m) => n + 3 + enc.encode(String(m.role), [], []).length + enc.encode(String(m.content), [], []).length, 0) + 3;
    let total = 0;
    for (const split of ['train', 'validation', 'holdout']) {
      for (const e of await readJsonl(join(dir, 'out', `${split}.jsonl`))) total += count(e.messages);
    }
    expect(report.tokens.total).toBe(total);
  });
});
