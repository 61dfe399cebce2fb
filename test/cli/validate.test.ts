import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import { captureIo } from '../setup/cli';

const good = (i: number) =>
  JSON.stringify({
    messages: [
      { role: 'user', content: `question ${i}` },
      { role: 'assistant', content: `answer ${i}` },
    ],
  });

describe('tuneloop validate', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-validate-'));
    await writeFile(join(dir, 'ok.jsonl'), Array.from({ length: 12 }, (_, i) => good(i)).join('\n') + '\n');
    const bad = [
      good(0),
      '{"messages": [{"role": "user", "content": "hi"}]}',
      '{oops',
      JSON.stringify({
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a', weight: 3 },
        ],
      }),
      good(4),
    ];
    await writeFile(join(dir, 'bad.jsonl'), bad.join('\n') + '\n');
    await writeFile(
      join(dir, 'long.jsonl'),
      Array.from({ length: 10 }, (_, i) =>
        i === 5
          ? JSON.stringify({
              messages: [
                { role: 'user', content: 'word '.repeat(40_000) },
                { role: 'assistant', content: 'ok' },
              ],
            })
          : good(i),
      ).join('\n'),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 for a valid file and says what it checked', async () => {
    const cli = captureIo(dir);
    expect(await runCli(['validate', 'ok.jsonl'], cli)).toBe(0);
    expect(cli.out).toMatch(/^ok\.jsonl: valid for gpt-4o-mini-2024-07-18: 12 examples, \d+ tokens/);
  });

  it('exits 1 and lists every error as file:line: reason', async () => {
    const cli = captureIo(dir);
    expect(await runCli(['validate', 'bad.jsonl'], cli)).toBe(1);
    const lines = cli.out.trim().split('\n');
    expect(lines).toEqual([
      'bad.jsonl:2: an example needs at least one assistant message',
      'bad.jsonl:2: the last message must be from the assistant (it is "user")',
      expect.stringMatching(/^bad\.jsonl:3: not valid JSON: /),
      'bad.jsonl:4: messages[1].weight must be 0 or 1 (got 3)',
      'bad.jsonl: the file has 4 examples; fine-tuning needs at least 10',
    ]);
    expect(cli.err).toMatch(/5 errors/);
  });

  it('applies the per-example limit of the chosen model (--model or TUNELOOP_BASE_MODEL)', async () => {
    expect(await runCli(['validate', 'long.jsonl'], captureIo(dir))).toBe(0);
    const nano = captureIo(dir);
    expect(await runCli(['validate', 'long.jsonl', '--model', 'gpt-4.1-nano-2025-04-14'], nano)).toBe(1);
    expect(nano.out).toMatch(/^long\.jsonl:6: the example has \d+ tokens; gpt-4\.1-nano-2025-04-14 allows at most 32768 per example\n$/);
    const fromSetting = captureIo(dir, { env: { TUNELOOP_BASE_MODEL: 'gpt-4.1-nano-2025-04-14' } });
    expect(await runCli(['validate', 'long.jsonl'], fromSetting)).toBe(1);
  });

  it('reads settings from local.settings.json in the working folder, the shell winning', async () => {
    const sub = join(dir, 'with-settings');
    await mkdir(sub);
    await writeFile(
      join(sub, 'local.settings.json'),
      JSON.stringify({ IsEncrypted: false, Values: { TUNELOOP_BASE_MODEL: 'gpt-4.1-nano-2025-04-14' } }),
    );
    expect(await runCli(['validate', '../long.jsonl'], captureIo(sub))).toBe(1);
    expect(await runCli(['validate', '../long.jsonl'], captureIo(sub, { env: { TUNELOOP_BASE_MODEL: 'gpt-4o-mini-2024-07-18' } }))).toBe(0);
  });

  it('exits 2 on usage errors', async () => {
    expect(await runCli(['validate'], captureIo(dir))).toBe(2);
    expect(await runCli(['validate', 'a.jsonl', 'b.jsonl'], captureIo(dir))).toBe(2);
    const missing = captureIo(dir);
    expect(await runCli(['validate', 'missing.jsonl'], missing)).toBe(2);
    expect(missing.err).toMatch(/missing\.jsonl: no such file/);
    expect(await runCli(['validate', 'ok.jsonl', '--model', 'davinci'], captureIo(dir))).toBe(2);
    expect(await runCli(['validate', 'ok.jsonl', '--bogus'], captureIo(dir))).toBe(2);
  });
});
