import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import { captureIo } from '../setup/cli';
import { encodeLegacy } from '../shared/ingest/legacyBytes';

/** A Chinese team's GBK export, as `tuneloop prepare --encoding gbk` reads it. */
describe('tuneloop prepare --encoding', () => {
  let dir: string;
  const questions = ['我的包裹在哪里', '怎么修改密码', '可以退款吗', '发票怎么开', '能改地址吗', '什么时候发货'];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-prepare-enc-'));
    const rows = questions.flatMap((q, i) => [
      `g${i},2026-01-0${i + 1}T10:00:00Z,Customer,您好，${q}？订单号${1000 + i}`,
      `g${i},2026-01-0${i + 1}T10:01:00Z,Agent,感谢您的耐心，关于“${q}”，我们已经为您处理好了。`,
    ]);
    await writeFile(join(dir, 'gbk.csv'), encodeLegacy(['conversation_id,timestamp,speaker,text', ...rows].join('\r\n') + '\r\n', 'gbk'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const outputs = async (out: string) =>
    (await Promise.all(['train.jsonl', 'validation.jsonl', 'holdout.jsonl'].map((f) => readFile(join(dir, out, f), 'utf8')))).join('');

  it('reads every row of a GBK CSV as Chinese and records the encoding in the report', async () => {
    const io = captureIo(dir);
    expect(await runCli(['prepare', 'gbk.csv', '--out', 'out', '--encoding', 'GB2312', '--workers', '1'], io)).toBe(0);
    const report = JSON.parse(await readFile(join(dir, 'out', 'report.json'), 'utf8'));
    expect(report.records_quarantined).toBe(0);
    expect(report.encodings).toEqual({ 'gbk.csv': 'gbk (declared by --encoding)' });
    const text = await outputs('out');
    for (const q of questions) expect(text).toContain(q);
  }, 60_000);

  it('without it, the rows are quarantined with how to declare the encoding', async () => {
    const io = captureIo(dir);
    expect(await runCli(['prepare', 'gbk.csv', '--out', 'plain', '--workers', '1'], io)).toBe(1);
    const quarantine = (await readFile(join(dir, 'plain', 'quarantine.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { reason: string; detail: string });
    expect(quarantine.length).toBe(questions.length);
    expect(quarantine.every((q) => q.reason === 'invalid-encoding' && q.detail.includes('tuneloop prepare --encoding'))).toBe(true);
  }, 60_000);

  it('an unknown label is a usage error that says where the labels are listed', async () => {
    const io = captureIo(dir);
    expect(await runCli(['prepare', 'gbk.csv', '--out', 'bad', '--encoding', 'chinese-please'], io)).toBe(2);
    expect(io.err).toMatch(/--encoding: unknown encoding "chinese-please".*encoding\.spec\.whatwg\.org/);
  });
});
