import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../src/cli/main';
import { progressLine } from '../../src/cli/commands/prepare';
import { captureIo } from '../setup/cli';
import { mergeSummary, summaryDelta } from '../../src/shared/dataset/conversationWork';

/**
 * Real public data: STAR dialogues (Rasa, MIT; test/fixtures/corpora/star_dialogues/SOURCE.md),
 * with exact and near duplicates, broken lines, late feedback, an FAQ file and an issue type big
 * enough for the balance cap: the worker pool must not change a byte of any output. The pool runs
 * the compiled worker script (npm run build, as `npm test` does first).
 */
describe('tuneloop prepare with a worker pool', () => {
  const starDir = resolve(__dirname, '../fixtures/corpora/star_dialogues/dialogues');
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-workers-'));
    const files = readdirSync(starDir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .slice(0, 70);
    const lines: string[] = [];
    for (const f of files) {
      const d = JSON.parse(readFileSync(join(starDir, f), 'utf8'));
      const messages = (d.Events as { Agent: string; Action: string; Text?: string }[])
        .filter(
          (e) =>
            e.Text &&
            ((e.Agent === 'User' && e.Action === 'utter') ||
              (e.Agent === 'Wizard' && (e.Action === 'utter' || e.Action === 'pick_suggestion'))),
        )
        .map((e) => ({ role: e.Agent === 'User' ? 'customer' : 'agent', text: e.Text }));
      lines.push(JSON.stringify({ conversation_id: `star-${String(d.DialogueID)}`, issue_type: d.Scenario.Domains[0], messages }));
    }
    // An exact duplicate under another id, a near duplicate (one turn changed), broken lines.
    const copy = JSON.parse(lines[3]);
    lines.push(JSON.stringify({ ...copy, conversation_id: 'copy-1' }));
    const near = JSON.parse(lines[5]);
    near.conversation_id = 'near-1';
    near.messages[near.messages.length - 1].text += ' Thanks again.';
    lines.push(JSON.stringify(near));
    lines.splice(10, 0, '{"conversation_id": "broken", "messages": [', '"just a string"');
    await writeFile(join(dir, 'star.jsonl'), lines.join('\n') + '\n');
    await writeFile(
      join(dir, 'faq.jsonl'),
      JSON.stringify({ question: 'Do you ship to Norway?', answer: 'Yes, delivery to Norway takes 3 to 5 working days.' }) + '\n',
    );
    await writeFile(
      join(dir, 'z-feedback.csv'),
      `conversation_id,rating,comment\n${String(JSON.parse(lines[1]).conversation_id)},1,slow\n${String(JSON.parse(lines[2]).conversation_id)},5,great\n`,
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const outputs = ['train.jsonl', 'validation.jsonl', 'holdout.jsonl', 'quarantine.jsonl', 'report.json'];
  const env = { TUNELOOP_BALANCE_MAX_SHARE: '0.15', TUNELOOP_BALANCE_MIN_SHARE: '0.05' };
  /** Every output file (or those in `names`) of run `actual` equals the one of run `expected`, byte for byte. */
  const expectSameOutputs = async (actual: string, expected: string, names: readonly string[] = outputs) => {
    for (const name of names) {
      expect({ name, text: await readFile(join(dir, actual, name), 'utf8') }).toEqual({
        name,
        text: await readFile(join(dir, expected, name), 'utf8'),
      });
    }
  };

  it('writes byte-identical outputs with 1 and 3 workers, and accounts for every record', async () => {
    const one = captureIo(dir, { env });
    expect(await runCli(['prepare', 'star.jsonl', 'faq.jsonl', 'z-feedback.csv', '--out', 'one', '--workers', '1'], one)).toBe(0);
    const three = captureIo(dir, { env: { ...env, TUNELOOP_PREPROCESS_WORKERS: '3' } });
    expect(await runCli(['prepare', 'star.jsonl', 'faq.jsonl', 'z-feedback.csv', '--out', 'three'], three)).toBe(0);
    await expectSameOutputs('three', 'one');
    const report = JSON.parse(await readFile(join(dir, 'one', 'report.json'), 'utf8'));
    expect(report.records_in).toBe(report.records_used + report.records_quarantined);
    expect(report.quarantine_reasons).toMatchObject({ 'duplicate-exact': 1, 'duplicate-near': 1 });
    expect(report.quarantine_reasons['balance-cap']).toBeGreaterThan(0);
    expect(report.feedback.joined).toBe(2);
    expect(report.quality['pii-redaction'].conversations).toBeGreaterThan(60);
    // No scratch files left behind.
    expect(readdirSync(join(dir, 'one')).sort()).toEqual([...outputs].sort());
  });

  it('parses one JSONL file on the workers with the same outputs, feedback in it joined wherever it is', async () => {
    // One file with ratings in it: they are stored before the main pass (issue: a rating after its
    // conversation was stored but never joined), so both join their conversations, and this
    // thread parses the lines itself (no pool parsing with feedback stored). Blank, broken and
    // non-UTF-8 lines keep their line numbers; a conversation that quotes a rating is no feedback.
    const lines = (await readFile(join(dir, 'star.jsonl'), 'utf8')).trimEnd().split('\n');
    const idOf = (i: number) => String(JSON.parse(lines[i]).conversation_id);
    const quoting = JSON.parse(lines[12]);
    quoting.conversation_id = 'quotes-a-rating';
    quoting.messages[0].text = 'My review said {"rating": 1} and "rating" : 2, can you fix it?';
    const copy7 = JSON.stringify({ ...JSON.parse(lines[7]), conversation_id: 'copy-7' });
    const mixed = [
      ...lines.slice(0, 40),
      '',
      '   ',
      JSON.stringify(quoting),
      ...lines.slice(40, 45),
      JSON.stringify({ conversation_id: idOf(50), rating: 1, comment: 'ahead of its conversation' }),
      ...lines.slice(45, 60),
      JSON.stringify({ conversation_id: idOf(1), rating: 2, comment: 'after its conversation' }),
      ...lines.slice(60),
    ].join('\n');
    await writeFile(
      join(dir, 'mixed.jsonl'),
      Buffer.concat([Buffer.from(mixed + '\n'), Buffer.from([0x7b, 0x81, 0x7d, 0x0a]), Buffer.from(copy7 + '\n')]),
    );
    const one = captureIo(dir, { env });
    expect(await runCli(['prepare', 'mixed.jsonl', '--out', 'mixed-one', '--workers', '1'], one)).toBe(0);
    const two = captureIo(dir, { env });
    expect(await runCli(['prepare', 'mixed.jsonl', '--out', 'mixed-two', '--workers', '2'], two)).toBe(0);
    await expectSameOutputs('mixed-two', 'mixed-one');
    const report = JSON.parse(await readFile(join(dir, 'mixed-one', 'report.json'), 'utf8'));
    expect(report.records_in).toBe(report.records_used + report.records_quarantined);
    expect(report.records_in).toBe(lines.length + 5);
    expect(report.feedback).toEqual({ stored: 2, joined: 2 });
    expect(report.quality['reply-rules'].downWeightedTurns['low-csat']).toBeGreaterThan(0);
    const quarantine = (await readFile(join(dir, 'mixed-one', 'quarantine.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { line: number; reason: string; record: string });
    const total = mixed.split('\n').length;
    expect(quarantine.filter((q) => q.reason === 'invalid-encoding').map((q) => q.line)).toEqual([total + 1]);
    expect(quarantine.find((q) => q.reason === 'invalid-json')).toMatchObject({ line: 11, record: lines[10] });
    expect(quarantine.find((q) => q.line === total + 2)).toMatchObject({ reason: 'duplicate-exact', record: copy7 });
  });

  it('writes the same files with per-step timings on (TUNELOOP_DEBUG_TIMINGS) as without', async () => {
    // Timing wraps every stage; the wrapped duplicate stage must still get the fingerprint the
    // workers prepared for conversations whose text stayed on them (it once lost it, and every
    // conversation after the first became an exact duplicate).
    const plain = captureIo(dir, { env });
    expect(await runCli(['prepare', 'star.jsonl', 'faq.jsonl', '--out', 'untimed', '--workers', '2'], plain)).toBe(0);
    const timed = captureIo(dir, { env: { ...env, TUNELOOP_DEBUG_TIMINGS: 'true' } });
    expect(await runCli(['prepare', 'star.jsonl', 'faq.jsonl', '--out', 'timed', '--workers', '2'], timed)).toBe(0);
    await expectSameOutputs(
      'timed',
      'untimed',
      outputs.filter((n) => n !== 'report.json'),
    );
    const report = JSON.parse(await readFile(join(dir, 'timed', 'report.json'), 'utf8'));
    expect(report.quarantine_reasons['duplicate-exact']).toBe(1);
    expect(Object.keys(report.timings_ms)).toEqual(expect.arrayContaining(['stage:dedup', 'examples']));
  });

  it('shows records, MB/s and the time taken on a terminal', async () => {
    const io = captureIo(dir, { isTty: true, env });
    expect(await runCli(['prepare', 'faq.jsonl', '--out', 'tty', '--workers', '2'], io)).toBe(0);
    expect(io.err).toMatch(/prepare: faq\.jsonl: 1 records, [\d.]+ MB\/s, 100% of 1 kB, done in \d+s\n$/);
  });

  it('rejects a bad --workers value as a usage error', async () => {
    const io = captureIo(dir);
    expect(await runCli(['prepare', 'faq.jsonl', '--out', 'bad', '--workers', '0'], io)).toBe(2);
    expect(io.err).toContain('--workers must be a positive integer');
  });
});

describe('progressLine', () => {
  it('says records, rate, share read and the time left', () => {
    expect(progressLine({ file: 'big.jsonl.gz', records: 123456, bytesRead: 250e6, totalBytes: 1e9, elapsedMs: 50_000, done: false })).toBe(
      'big.jsonl.gz: 123,456 records, 5.0 MB/s, 25% of 1.0 GB, ETA 2m 30s',
    );
  });
});

describe('worker counters', () => {
  it('merged per-batch deltas in input order equal one thread counting everything, key order included', () => {
    const fresh = () => ({ detector: 'local', conversations: 0, redactions: { EMAIL: 0 } as Record<string, number>, seen: [] as string[] });
    const events = [['PHONE'], ['EMAIL', 'IBAN'], ['PERSON'], ['IBAN', 'PHONE'], ['URL']];
    const single = fresh();
    for (const batch of events) {
      for (const type of batch) single.redactions[type] = (single.redactions[type] ?? 0) + 1;
      single.conversations++;
      single.seen.push(batch.join('+'));
    }
    // Two workers take alternate batches; each reports the change of its own counters per batch.
    const workers = [fresh(), fresh()];
    const last = workers.map((w) => JSON.parse(JSON.stringify(w)));
    let merged: unknown = fresh();
    events.forEach((batch, i) => {
      const w = workers[i % 2];
      for (const type of batch) w.redactions[type] = (w.redactions[type] ?? 0) + 1;
      w.conversations++;
      w.seen.push(batch.join('+'));
      const now = JSON.parse(JSON.stringify(w));
      merged = mergeSummary(merged, summaryDelta(now, last[i % 2]));
      last[i % 2] = now;
    });
    expect(JSON.stringify(merged)).toBe(JSON.stringify(single));
  });
});
