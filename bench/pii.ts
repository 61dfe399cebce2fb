import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark, BenchResult } from './harness';
import { median } from './harness';
import {
  CORPUS_LABELS,
  STRUCTURED_TYPES,
  countWords,
  loadLabelledText,
  loadPresidioCorpus,
  presidioSplit,
  scoreCorpus,
  type CorpusItem,
  type TypeScore,
} from '../src/shared/quality/pii/corpus';
import { createLocalDetector, createRedactionStage, detectLocal, type LocalDetectorOptions } from '../src/shared/quality/pii/redact';
import type { Conversation } from '../src/shared/ingest/types';
import { detectStructured } from '../src/shared/quality/pii/structured';
import { NAME_DETECTOR_LANGUAGES } from '../src/shared/quality/pii/names';
import { isClearlyEnglish } from '../src/shared/quality/pii/englishCheck';
import type { PiiSpan } from '../src/shared/quality/pii/types';
import { detectLanguage } from '../src/shared/language/detect';
import { writeStarJsonl } from './starCorpus';

/**
 * PII redaction: quality and speed of each local name recogniser in one run.
 * - presidio synthetic corpus: recall / precision per type, for the whole corpus and for the
 *   held-out half (template ids the gazetteer rules were not tuned on);
 * - speed of the redaction stage on real conversation text (STAR dialogues) and on dense PII,
 *   MB/s, against a plain regex pass and the structured-only detector measured in the same rounds
 *   (modes interleaved per round);
 * - hand-labelled text in de/fr/es/it/pt/nl: recall / precision and false placeholders per 1,000
 *   words of name-free text, with each language's rules and (for contrast) with the English ones.
 */
const ROOT = join(__dirname, '..', '..');
const CORPORA = join(ROOT, 'test', 'fixtures', 'corpora');
const PII_CORPUS = join(CORPORA, 'presidio_synth_pii', 'synth_dataset_v2.json');
const MULTILINGUAL = join(CORPORA, 'pii_multilingual');
const STAR = join(CORPORA, 'star_dialogues', 'dialogues');

type Mode = { name: string; detect: (text: string) => PiiSpan[] };

const MODES: Mode[] = [
  { name: 'structured only (baseline)', detect: (t) => detectStructured(t) },
  { name: 'local: gazetteer (default)', detect: (t) => detectLocal(t, { language: 'en' }) },
  { name: 'local: hybrid (wink + compromise, before)', detect: (t) => detectLocal(t, { names: 'hybrid' }) },
  { name: 'local: wink-nlp only', detect: (t) => detectLocal(t, { names: 'wink' }) },
  { name: 'local: compromise only', detect: (t) => detectLocal(t, { names: 'compromise' }) },
];

const cell = (s: TypeScore) => `${s.recall.toFixed(3)} / ${s.precision.toFixed(3)}`;

function presidioSection(lines: string[], items: CorpusItem[]): void {
  const types = [...new Set(Object.values(CORPUS_LABELS))];
  const heldOut = items.map((item, i) => (presidioSplit(item) === 'held-out' ? i : -1)).filter((i) => i >= 0);
  lines.push(`Presidio synthetic corpus: ${items.length} sentences (held-out half: ${heldOut.length}).`);
  lines.push('');
  lines.push('| mode | ' + types.map((t) => `${t} R / P`).join(' | ') + ' | PERSON R / P held-out | ADDRESS R / P held-out |');
  lines.push('|---|' + types.map(() => '---').join('|') + '|---|---|');
  for (const mode of MODES) {
    const spans = items.map((item) => mode.detect(item.full_text));
    const all = scoreCorpus(items, spans);
    const held = scoreCorpus(
      heldOut.map((i) => items[i]),
      heldOut.map((i) => spans[i]),
    );
    const structuredOnly = mode.name.startsWith('structured');
    const cells = types.map((t) => (structuredOnly && !STRUCTURED_TYPES.includes(t) ? '–' : cell(all[t])));
    lines.push(
      `| ${mode.name} | ${cells.join(' | ')} | ${structuredOnly ? '–' : cell(held.PERSON)} | ${structuredOnly ? '–' : cell(held.ADDRESS)} |`,
    );
  }
}

function starConversations(): Conversation[] {
  if (!existsSync(STAR)) return [];
  return readdirSync(STAR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const d = JSON.parse(readFileSync(join(STAR, file), 'utf8')) as { Events: { Agent: string; Text?: string; Action: string }[] };
      const turns = d.Events.flatMap((e) =>
        e.Text && (e.Action === 'utter' || e.Action === 'pick_suggestion')
          ? [{ role: e.Agent === 'User' ? ('user' as const) : ('assistant' as const), content: e.Text }]
          : [],
      );
      return { kind: 'conversation' as const, conversationId: file, turns, source: { file, line: 1, record: '' } };
    });
}

/** Bytes of STAR-based conversation JSONL for the larger speed set (the pipeline bench's input). */
const STAR_JSONL_BYTES = 2_000_000;

/**
 * Conversations as bench/starCorpus.ts writes them for the pipeline benches (every turn a real STAR
 * turn plus another one, so texts do not repeat and the detector's per-text cache never helps).
 */
async function starJsonlConversations(bytes: number): Promise<Conversation[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tuneloop-bench-pii-'));
  try {
    const path = join(dir, 'star.jsonl');
    await writeStarJsonl(path, bytes);
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line, i) => {
        const record = JSON.parse(line) as { conversation_id: string; messages: { role: string; text: string }[] };
        return {
          kind: 'conversation' as const,
          conversationId: record.conversation_id,
          turns: record.messages.map((m) => ({
            role: m.role === 'customer' ? ('user' as const) : ('assistant' as const),
            content: m.text,
          })),
          source: { file: 'star.jsonl', line: i + 1, record: '' },
        };
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type StageMode = { name: string; run: (conversations: Conversation[]) => Promise<void>; slow?: boolean };

/** A fresh stage per round: the detector's per-run cache must not carry over between rounds. */
function stageMode(name: string, options: LocalDetectorOptions, language?: string): StageMode {
  return {
    name,
    async run(conversations) {
      const stage = createRedactionStage({ detector: createLocalDetector(options) });
      for (const c of conversations) await stage.apply(language ? { ...c, language } : c);
    },
  };
}

async function speedSection(lines: string[], presidio: string[]): Promise<void> {
  const conversations = starConversations();
  if (!conversations.length) {
    lines.push(`(skipped speed: ${STAR} not found)`);
    return;
  }
  const words = /[\p{L}\p{N}]+/gu;
  const regexPass: StageMode = {
    name: 'regex pass: find every word (baseline)',
    async run(cs) {
      for (const c of cs) {
        for (const t of c.turns) {
          words.lastIndex = 0;
          while (words.exec(t.content));
        }
      }
    },
  };
  const modes: StageMode[] = [
    regexPass,
    stageMode('redaction stage, structured types only', { names: false, addresses: false }, 'en'),
    stageMode('redaction stage, gazetteer names + addresses (default; language on the record)', {}, 'en'),
    stageMode('redaction stage, default, language found by the stage (clearly-English check, else tinyld on 300 characters)', {}),
    { ...stageMode('redaction stage, hybrid wink + compromise names (before)', { names: 'hybrid' }, 'en'), slow: true },
  ];
  const asTexts = (texts: string[]) =>
    texts.map((t, i) => ({
      kind: 'conversation' as const,
      conversationId: `p${i}`,
      turns: [{ role: 'user' as const, content: t }],
      source: { file: 'presidio', line: i + 1, record: '' },
    }));
  const sets = [
    { name: 'STAR dialogues (real English conversation text, little PII)', conversations, allModes: true },
    {
      name: `STAR-based conversation JSONL as the pipeline benches write it (bench/starCorpus.ts; no text repeats; the hybrid tagger left out, it would take minutes)`,
      conversations: await starJsonlConversations(STAR_JSONL_BYTES),
      allModes: false,
    },
    { name: 'presidio sentences as one-turn conversations (dense PII)', conversations: asTexts(presidio), allModes: true },
  ];
  const shortcut = conversations.filter((c) =>
    isClearlyEnglish(
      c.turns
        .filter((t) => t.role === 'user')
        .map((t) => t.content)
        .join('\n')
        .slice(0, 300),
    ),
  ).length;
  lines.push('');
  lines.push(
    `Language of the STAR conversations without a hint: the clearly-English check decides ${shortcut} of ${conversations.length}; tinyld the rest.`,
  );
  for (const set of sets) {
    const setModes = set.allModes ? modes : modes.filter((m) => !m.slow);
    const bytes = set.conversations.reduce((n, c) => n + c.turns.reduce((m, t) => m + Buffer.byteLength(t.content), 0), 0);
    lines.push('');
    lines.push(
      `Speed on ${set.name}: ${set.conversations.length} conversations, ${(bytes / 1e6).toFixed(2)} MB of turn text; one core; modes interleaved, median of 3 rounds after a warm-up round.`,
    );
    lines.push(
      'CPU time of this process (user + system) is the figure to compare on a shared machine, where wall time includes waiting for a core.',
    );
    lines.push('');
    lines.push('| mode | CPU ms | wall ms | MB/s per CPU second | × regex pass (CPU) | × structured only (CPU) | warm-up round CPU ms |');
    lines.push('|---|---|---|---|---|---|---|');
    const cpu = setModes.map(() => [] as number[]);
    const wall = setModes.map(() => [] as number[]);
    // The first round includes the JIT's warm-up (what a single pass over a file also pays).
    const warmUp = setModes.map(() => 0);
    for (let round = 0; round < 4; round++) {
      for (const [i, mode] of setModes.entries()) {
        const started = process.hrtime.bigint();
        const cpuStarted = process.cpuUsage();
        await mode.run(set.conversations);
        const used = process.cpuUsage(cpuStarted);
        if (round === 0) warmUp[i] = (used.user + used.system) / 1000;
        else {
          cpu[i].push((used.user + used.system) / 1000);
          wall[i].push(Number(process.hrtime.bigint() - started) / 1e6);
        }
      }
    }
    const ms = cpu.map(median);
    setModes.forEach((mode, i) => {
      lines.push(
        `| ${mode.name} | ${ms[i].toFixed(0)} | ${median(wall[i]).toFixed(0)} | ${(bytes / 1e6 / (ms[i] / 1000)).toFixed(1)} | ${(ms[i] / ms[0]).toFixed(1)} | ${(ms[i] / ms[1]).toFixed(1)} | ${warmUp[i].toFixed(0)} |`,
      );
    });
  }
}

async function multilingualSection(lines: string[]): Promise<void> {
  if (!existsSync(MULTILINGUAL)) {
    lines.push(`(skipped languages: ${MULTILINGUAL} not found)`);
    return;
  }
  lines.push('');
  lines.push('Hand-labelled text per language (test/fixtures/corpora/pii_multilingual; language given as the hint):');
  lines.push('');
  lines.push(
    '| language | PERSON R / P | ADDRESS R / P | structured R / P | name-free words | false placeholders per 1,000 words | same with English rules | tinyld right per line |',
  );
  lines.push('|---|---|---|---|---|---|---|---|');
  for (const language of NAME_DETECTOR_LANGUAGES.filter((l) => l !== 'en')) {
    const text = await loadLabelledText(join(MULTILINGUAL, `${language}.txt`));
    const score = scoreCorpus(
      text.labelled,
      text.labelled.map((item) => detectLocal(item.full_text, { language })),
    );
    const structured = STRUCTURED_TYPES.reduce(
      (acc, t) => ({
        gold: acc.gold + score[t].gold,
        found: acc.found + score[t].found,
        predicted: acc.predicted + score[t].predicted,
        correct: acc.correct + score[t].correct,
      }),
      { gold: 0, found: 0, predicted: 0, correct: 0 },
    );
    const wordCount = text.nameFree.reduce((n, t) => n + countWords(t), 0);
    const falseOwn = text.nameFree.reduce((n, t) => n + detectLocal(t, { language }).length, 0);
    const falseEnglish = text.nameFree.reduce((n, t) => n + detectLocal(t, { language: 'en' }).length, 0);
    const all = [...text.nameFree, ...text.labelled.map((i) => i.full_text)];
    const detected = all.filter((t) => detectLanguage(t).code === language).length;
    lines.push(
      `| ${language} | ${cell(score.PERSON)} | ${cell(score.ADDRESS)} | ${(structured.found / structured.gold).toFixed(3)} / ${(structured.correct / Math.max(1, structured.predicted)).toFixed(3)} | ${wordCount} | ${((falseOwn * 1000) / wordCount).toFixed(1)} | ${((falseEnglish * 1000) / wordCount).toFixed(1)} | ${detected}/${all.length} |`,
    );
  }
}

export async function piiBenchLines(): Promise<string[]> {
  const lines: string[] = [];
  if (!existsSync(PII_CORPUS)) return [`(skipped PII: ${PII_CORPUS} not found)`];
  const items = await loadPresidioCorpus(PII_CORPUS);
  presidioSection(lines, items);
  await speedSection(
    lines,
    items.map((i) => i.full_text),
  );
  await multilingualSection(lines);
  return lines;
}

export const piiBenchmark: Benchmark = {
  name: 'pii',
  async run(): Promise<BenchResult> {
    return { name: 'pii', lines: await piiBenchLines() };
  },
};
