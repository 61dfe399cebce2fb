import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Benchmark, BenchResult } from './harness';
import { median, timeMedian } from './harness';
import { parseInput } from '../src/shared/ingest/parse';
import type { Conversation } from '../src/shared/ingest/types';
import { runStages } from '../src/shared/dataset/stages';
import { loadSettings } from '../src/shared/config/settings';
import { MemorySignatureStore, createDedupStage, conversationText } from '../src/shared/quality/dedup';
import { OnePermutationHasher, estimateJaccard, exactHash, exactJaccard, normaliseText, shingles } from '../src/shared/quality/minhash';
import { configuredQualityStages, qualitySummary } from '../src/shared/quality/stages';
import { qualityConfig } from '../src/shared/composition/config';

/**
 * Data quality: PII recall/precision per type on the presidio synthetic corpus for each local
 * name recogniser (and their speed against structured-only detection as the same-run baseline),
 * redactions per type, duplicate rates on the demo data (two files, two "days") and on STAR
 * dialogues, near-duplicate recall on perturbed copies, and dedup speed.
 */
const ROOT = join(__dirname, '..', '..');
const CORPORA = join(ROOT, 'test', 'fixtures', 'corpora');
const STAR = join(CORPORA, 'star_dialogues', 'dialogues');
const DEMO = join(ROOT, 'demo', 'data');

const pct = (x: number) => (x * 100).toFixed(1).padStart(5) + '%';

async function piiSection(lines: string[]): Promise<void> {
  // PII quality and speed have their own benchmark (bench/pii.ts), measured in one run.
  lines.push('PII recall / precision and speed per name recogniser: `npm run bench -- pii`.');
}

async function readConversations(path: string): Promise<Conversation[]> {
  const out: Conversation[] = [];
  for await (const item of parseInput(createReadStream(path), { fileName: basename(path) })) {
    if (item.type === 'conversation') out.push(item.conversation);
  }
  return out;
}

async function demoSection(lines: string[]): Promise<void> {
  const files = ['chat-logs.jsonl', 'chat-logs-week2.jsonl.gz'].map((f) => join(DEMO, f)).filter(existsSync);
  if (!files.length) {
    lines.push(`(skipped demo data: nothing in ${DEMO})`);
    return;
  }
  const settings = loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true' });
  // One signature store across both files: the second file ("next week") is compared with the first.
  const stages = configuredQualityStages(qualityConfig(settings), { signatures: new MemorySignatureStore() });
  lines.push('');
  lines.push('Default quality stages over the demo data (one signature store across both files):');
  for (const file of files) {
    const conversations = await readConversations(file);
    const reasons: Record<string, number> = {};
    const started = process.hrtime.bigint();
    for (const c of conversations) {
      const r = await runStages(stages, c);
      const key = r.action === 'drop' ? r.reason : 'kept';
      reasons[key] = (reasons[key] ?? 0) + 1;
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    lines.push(
      `- ${String(file.split('/').pop())}: ${conversations.length} conversations, ${(ms / Math.max(1, conversations.length)).toFixed(2)} ms each; ` +
        Object.entries(reasons)
          .sort()
          .map(([k, n]) => `${k} ${n} (${pct(n / conversations.length).trim()})`)
          .join(', '),
    );
  }
  const summary = qualitySummary(stages) as Record<string, Record<string, unknown>>;
  lines.push(`- reply rules: ${JSON.stringify(summary['reply-rules'])}`);
  lines.push(`- redactions: ${JSON.stringify((summary['pii-redaction'] as { redactions: unknown }).redactions)}`);
  const dedup = summary.dedup as { checked: number; exact: number; near: number };
  lines.push(`- duplicates: ${dedup.exact} exact, ${dedup.near} near of ${dedup.checked} checked`);
}

function starConversations(): Conversation[] {
  if (!existsSync(STAR)) return [];
  return readdirSync(STAR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const d = JSON.parse(readFileSync(join(STAR, f), 'utf8')) as { Events: { Agent: string; Text?: string; Action: string }[] };
      const turns = d.Events.flatMap((e) =>
        e.Text && (e.Action === 'utter' || e.Action === 'pick_suggestion')
          ? [{ role: e.Agent === 'User' ? ('user' as const) : ('assistant' as const), content: e.Text }]
          : [],
      );
      return { kind: 'conversation' as const, conversationId: f, turns, source: { file: f, line: 1, record: '' } };
    });
}

async function dedupSection(lines: string[]): Promise<void> {
  const conversations = starConversations();
  if (!conversations.length) {
    lines.push(`(skipped dedup: ${STAR} not found)`);
    return;
  }
  lines.push('');
  const stage = createDedupStage({ store: new MemorySignatureStore(), threshold: 0.8 });
  let exact = 0;
  let near = 0;
  for (const c of conversations) {
    const r = await stage.apply(c);
    if (r.action === 'drop') {
      if (r.reason === 'duplicate-exact') exact++;
      else near++;
    }
  }
  lines.push(
    `STAR dialogues (${conversations.length}, threshold 0.8): ${exact} exact (${pct(exact / conversations.length).trim()}), ${near} near (${pct(near / conversations.length).trim()}) duplicates`,
  );

  // Near-duplicate recall: copies with a share of words replaced, compared with their original.
  // The estimator the dedup stage uses (the 120-permutation one it replaced: `npm run bench -- dedupFingerprint`).
  const hasher = new OnePermutationHasher(120);
  const originals = conversations.slice(0, 300).map((c) => normaliseText(conversationText(c)));
  let above = 0;
  let aboveFlagged = 0;
  let below = 0;
  let belowFlagged = 0;
  const belowFlaggedJaccards: number[] = [];
  for (const replaced of [0.02, 0.05, 0.1, 0.2]) {
    const store = new MemorySignatureStore();
    const seed = createDedupStage({ store, threshold: 0.8 });
    for (const [i, text] of originals.entries()) await seed.apply(convoOf(`o${i}`, text));
    const probe = createDedupStage({ store, threshold: 0.8 });
    let found = 0;
    const jaccards: number[] = [];
    for (const [i, text] of originals.entries()) {
      const words = text.split(' ');
      const changed = words.map((w, j) => (hashUnit(`${replaced}:${i}:${j}`) < replaced ? `zz${j}` : w)).join(' ');
      const jaccard = exactJaccard(shingles(text), shingles(changed));
      jaccards.push(jaccard);
      const flagged = (await probe.apply(convoOf(`p${i}`, changed, 'other.jsonl'))).action === 'drop';
      if (flagged) found++;
      if (jaccard >= 0.8) {
        above++;
        if (flagged) aboveFlagged++;
      } else {
        below++;
        if (flagged) {
          belowFlagged++;
          belowFlaggedJaccards.push(jaccard);
        }
      }
    }
    lines.push(
      `- ${pct(replaced).trim()} of words replaced: median true Jaccard (5-character shingles) ${median(jaccards).toFixed(2)}, flagged ${pct(found / originals.length).trim()}`,
    );
  }
  lines.push(
    `- over all perturbed copies: true Jaccard ≥ 0.8 flagged ${pct(aboveFlagged / Math.max(1, above)).trim()} (${above} pairs); below 0.8 flagged ${pct(belowFlagged / Math.max(1, below)).trim()} (${below} pairs; their median true Jaccard ${belowFlaggedJaccards.length ? median(belowFlaggedJaccards).toFixed(2) : '–'})`,
  );

  const texts = conversations.map((c) => normaliseText(conversationText(c)));
  const hashMs = await timeMedian(() => texts.map((t) => exactHash(t)), 3);
  const sigMs = await timeMedian(() => texts.map((t) => hasher.signatureOfText(t)), 3);
  const estimateErr = median(
    texts.slice(1, 200).map((t, i) => {
      const estimate = estimateJaccard(
        hasher.signatureOfText(texts[i], 0) ?? new Uint32Array(),
        hasher.signatureOfText(t, 0) ?? new Uint32Array(),
      );
      return Math.abs(estimate - exactJaccard(shingles(texts[i]), shingles(t)));
    }),
  );
  lines.push(
    `Speed over ${texts.length} dialogues: exact hash ${hashMs.toFixed(1)} ms (baseline), MinHash signatures (one permutation, 120 bins) ${sigMs.toFixed(1)} ms (${(sigMs / hashMs).toFixed(1)}× baseline); median |estimated − true Jaccard| ${estimateErr.toFixed(3)}`,
  );
}

function convoOf(id: string, text: string, file = 'base.jsonl'): Conversation {
  return { kind: 'conversation', conversationId: id, turns: [{ role: 'user', content: text }], source: { file, line: 1, record: '' } };
}

function hashUnit(key: string): number {
  return createHash('sha1').update(key).digest().readUInt32BE(0) / 2 ** 32;
}

export const qualityBenchmark: Benchmark = {
  name: 'quality',
  async run(): Promise<BenchResult> {
    const lines: string[] = [];
    await piiSection(lines);
    await demoSection(lines);
    await dedupSection(lines);
    return { name: 'quality', lines };
  },
};
