import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import { captureIo } from '../setup/cli';

describe('tuneloop f1', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tuneloop-f1-'));
    // sklearn confusion_matrix docs example; macro-F1 by hand = (0.8 + 0 + 2/3) / 3
    writeFileSync(join(dir, 'gold.txt'), 'cat\nant\ncat\ncat\nant\nbird\n');
    writeFileSync(join(dir, 'pred.txt'), 'ant\nant\ncat\ncat\nant\ncat\n');
    writeFileSync(join(dir, 'blank.txt'), 'ant\n\ncat\ncat\nant\ncat\n');
    writeFileSync(join(dir, 'short.txt'), 'ant\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints macro-F1 on the last line', async () => {
    const io = captureIo(dir);
    expect(await runCli(['f1', '--gold', 'gold.txt', '--pred', 'pred.txt'], io)).toBe(0);
    expect(Number(io.out.trim().split('\n').pop())).toBeCloseTo((0.8 + 2 / 3) / 3, 6);
    expect(io.out).toMatch(/bird\s+0\.0000\s+0\.0000\s+0\.0000\s+1/);
  });

  it('--json has per-class scores and the confusion matrix', async () => {
    const io = captureIo(dir);
    expect(await runCli(['f1', '--gold', 'gold.txt', '--pred', 'pred.txt', '--json'], io)).toBe(0);
    const r = JSON.parse(io.out);
    expect(r.labels).toEqual(['ant', 'bird', 'cat']);
    expect(r.confusion).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
  });

  it('names the file and line of a blank label, and mismatched counts', async () => {
    const io = captureIo(dir);
    expect(await runCli(['f1', '--gold', 'gold.txt', '--pred', 'blank.txt'], io)).toBe(1);
    expect(io.err).toContain('blank.txt:2: empty label');
    const io2 = captureIo(dir);
    expect(await runCli(['f1', '--gold', 'gold.txt', '--pred', 'short.txt'], io2)).toBe(1);
    expect(io2.err).toContain('gold.txt has 6 labels but short.txt has 1');
    const io3 = captureIo(dir);
    expect(await runCli(['f1', '--gold', 'gold.txt'], io3)).toBe(2);
  });
});
