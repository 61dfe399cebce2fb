import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareDataset } from '../../../src/shared/dataset/prepare';
import { offlineSettings, preprocessConfig } from '../../../src/shared/composition/config';

const questions = ['Why was I charged twice', 'How do I get an invoice', 'Can I change my card', 'Where is my refund'];

function chat(id: string, issue: string, i: number): string {
  return JSON.stringify({
    conversation_id: id,
    issue_type: issue,
    messages: [
      { role: 'customer', text: `${questions[i % questions.length]} for ${issue} case number ${i} of ${id}?` },
      { role: 'agent', text: `For ${issue} case ${i}: open Account, choose ${issue} and follow step ${i} to finish it.` },
    ],
  });
}

describe('tuneloop prepare applies issue-type balance to the training split', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-balance-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('caps the largest type, quarantines whole conversations with reason balance-cap and keeps records in = used + quarantined', async () => {
    const lines = [
      ...Array.from({ length: 12 }, (_, i) => chat(`b${i}`, 'billing', i)),
      ...Array.from({ length: 3 }, (_, i) => chat(`s${i}`, 'shipping', i)),
      ...Array.from({ length: 3 }, (_, i) => chat(`r${i}`, 'returns', i)),
    ];
    await writeFile(join(dir, 'chats.jsonl'), lines.join('\n') + '\n');
    const settings = offlineSettings({ TUNELOOP_SPLIT_VALIDATION: '0', TUNELOOP_SPLIT_HOLDOUT: '0', TUNELOOP_BALANCE_MAX_SHARE: '0.4' });
    const { report, files } = await prepareDataset({
      inputs: ['chats.jsonl'],
      outDir: 'out',
      cwd: dir,
      config: preprocessConfig(settings),
    });

    const quarantine = (await readFile(files['quarantine.jsonl'], 'utf8'))
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const capped = quarantine.filter((q) => q.reason === 'balance-cap');
    // billing may have at most 40%: 4 of 10 conversations (each has a conversation and an intent example).
    expect(capped).toHaveLength(8);
    expect(capped[0].detail).toMatch(/issue type "billing" had 66.7% of the training split, above TUNELOOP_BALANCE_MAX_SHARE=0.4/);
    expect(report.records_in).toBe(18);
    expect(report.records_used + report.records_quarantined).toBe(report.records_in);

    const train = (await readFile(files['train.jsonl'], 'utf8')).trim().split('\n');
    const billing = train.filter((l) => l.includes('billing case')).length;
    expect(billing / train.length).toBeLessThanOrEqual(0.4);
    const balance = (report as unknown as { quality: { balance: { before: Record<string, number>; after: Record<string, number> } } })
      .quality.balance;
    expect(balance.before.billing).toBe(24);
    expect(balance.after.billing).toBe(8);
  });
});
