import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareDataset } from '../../../src/shared/dataset/prepare';
import { offlineSettings, preprocessConfig } from '../../../src/shared/composition/config';

/**
 * Chinese and Japanese support replies are written with full-width punctuation. Cleaning used to
 * make it ASCII (NFKC), so a model fine-tuned on the data learnt to write "您好,请问?": the team's
 * style was lost. Through the whole pipeline: the training text keeps it as written, the personal
 * data written with it is still redacted, and a copy that differs only in the width of its
 * punctuation is still a duplicate.
 */
const customer = '您好，我的订单还没有到！邮箱是wang.fang＠example．cn，电话（010）6552-9988。请问什么时候发货？';
const reply = '您好！感谢您的耐心等待：您的订单（编号：A12345）已于今天发货，预计三天内送达。还有什么可以帮您？';

function chat(id: string, texts: [string, string]): string {
  return JSON.stringify({
    conversation_id: id,
    messages: [
      { role: 'customer', text: texts[0] },
      { role: 'agent', text: texts[1] },
    ],
  });
}

describe('prepare keeps the punctuation Chinese and Japanese are written with', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-fullwidth-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes it to train.jsonl, redacts the e-mail and phone written with it, and drops the ASCII-punctuated copy as a duplicate', async () => {
    const ascii: [string, string] = [customer.normalize('NFKC'), reply.normalize('NFKC')];
    expect(ascii[0]).toContain('wang.fang@example.cn,'); // the copy differs only in the width of its punctuation
    await writeFile(join(dir, 'chats.jsonl'), [chat('zh-1', [customer, reply]), chat('zh-2', ascii)].join('\n') + '\n');
    const settings = offlineSettings({ TUNELOOP_SPLIT_VALIDATION: '0', TUNELOOP_SPLIT_HOLDOUT: '0' });
    const { report, files } = await prepareDataset({
      inputs: ['chats.jsonl'],
      outDir: 'out',
      cwd: dir,
      config: preprocessConfig(settings),
    });

    const train = (await readFile(files['train.jsonl'], 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { messages: { role: string; content: string }[] });
    expect(train).toHaveLength(1);
    const [user, assistant] = train[0].messages.filter((m) => m.role !== 'system');
    expect(assistant.content).toBe(reply);
    expect(user.content).toBe('您好，我的订单还没有到！邮箱是[EMAIL_1]，电话[PHONE_1]。请问什么时候发货？');

    const quarantine = (await readFile(files['quarantine.jsonl'], 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { reason: string; record: string });
    expect(quarantine.map((q) => q.reason)).toEqual(['duplicate-exact']);
    expect(quarantine[0].record).toContain('"zh-2"');
    expect(report.languages).toEqual({ zh: 1 });
  });
});
