import { getEncoding } from 'js-tiktoken';
import { countTokens as gptTokenizerCount, encode as gptTokenizerEncode } from 'gpt-tokenizer/cjs/encoding/o200k_base';
import { countMessagesTokens, countTextTokens } from '../src/shared/dataset/tokens';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timeMedian, type Benchmark } from './harness';
import { writeStarJsonl } from './starCorpus';

/** One line of the generated chat JSONL, as far as the tokenizer comparison reads it. */
interface ChatLine {
  messages: { content: string }[];
}

/**
 * o200k_base throughput of tuneloop's own counter (src/shared/tokenizer, what preprocessing uses)
 * against gpt-tokenizer (encode, and countTokens which builds no array) and js-tiktoken on
 * chat-like JSONL, against a JSON.parse-only pass over the same bytes (the floor every
 * preprocessing run pays). All must agree on the count, or the comparison is void.
 */
function corpus(lines: number): { jsonl: string; texts: string[]; examples: { role: string; content: string }[][] } {
  // Deterministic pseudo-random support chat text (xorshift), with digits, punctuation and some non-ASCII.
  let x = 2463534242;
  const rand = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  const words = [
    'order',
    'refund',
    'parcel',
    'delivery',
    'account',
    'password',
    'invoice',
    'charged',
    'twice',
    'please',
    'thanks',
    'tracking',
    'number',
    'café',
    'Größe',
    'naïve',
    'subscription',
    'cancel',
    'upgrade',
    'I',
    'you',
    'the',
    'a',
    'to',
    'my',
    'is',
    'was',
    'not',
    'can',
    'help',
    'with',
    '—',
    '😊',
  ];
  const sentence = () => {
    const n = 6 + Math.floor(rand() * 14);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(rand() < 0.08 ? String(Math.floor(rand() * 100000)) : words[Math.floor(rand() * words.length)]);
    return parts.join(' ') + (rand() < 0.3 ? '?' : '.');
  };
  const examples: { role: string; content: string }[][] = [];
  for (let i = 0; i < lines; i++) {
    const turns: { role: string; content: string }[] = [{ role: 'system', content: 'You are a helpful customer service assistant.' }];
    const n = 2 + 2 * Math.floor(rand() * 3);
    for (let t = 0; t < n; t++)
      turns.push({ role: t % 2 ? 'assistant' : 'user', content: Array.from({ length: 1 + Math.floor(rand() * 3) }, sentence).join(' ') });
    examples.push(turns);
  }
  const jsonl = examples.map((messages) => JSON.stringify({ messages })).join('\n');
  const texts = examples.flatMap((m) => m.map((t) => t.content));
  return { jsonl, texts, examples };
}

export const tokensBenchmark: Benchmark = {
  name: 'tokens',
  async run() {
    const { jsonl, texts, examples } = corpus(4000);
    const mb = Buffer.byteLength(jsonl) / 1e6;
    const tiktoken = getEncoding('o200k_base');
    let a = 0;
    let b = 0;
    for (const t of texts) {
      a += gptTokenizerEncode(t).length;
      b += tiktoken.encode(t).length;
    }
    const plain = { disallowedSpecial: new Set<string>() };
    const c = texts.reduce((sum, t) => sum + countTextTokens(t, 'o200k_base'), 0);
    if (a !== b || a !== c) throw new Error(`tokenizers disagree on the corpus: gpt-tokenizer ${a}, js-tiktoken ${b}, tuneloop ${c}`);

    const parseOnly = await timeMedian(() => {
      for (const line of jsonl.split('\n')) JSON.parse(line);
    });
    const withGptTokenizer = await timeMedian(() => {
      let n = 0;
      for (const line of jsonl.split('\n'))
        for (const m of (JSON.parse(line) as ChatLine).messages) n += gptTokenizerEncode(m.content).length;
      return n;
    });
    const withGptTokenizerCount = await timeMedian(() => {
      let n = 0;
      for (const line of jsonl.split('\n'))
        for (const m of (JSON.parse(line) as ChatLine).messages) n += gptTokenizerCount(m.content, plain);
      return n;
    });
    const withTuneloop = await timeMedian(() => {
      let n = 0;
      for (const line of jsonl.split('\n'))
        for (const m of (JSON.parse(line) as ChatLine).messages) n += countTextTokens(m.content, 'o200k_base');
      return n;
    });
    const withTiktoken = await timeMedian(() => {
      let n = 0;
      for (const line of jsonl.split('\n')) for (const m of (JSON.parse(line) as ChatLine).messages) n += tiktoken.encode(m.content).length;
      return n;
    });
    const chatCount = await timeMedian(() => {
      let n = 0;
      for (const e of examples) n += countMessagesTokens(e, 'o200k_base');
      return n;
    });
    const rate = (ms: number) => `${(mb / (ms / 1000)).toFixed(1)} MB/s`;
    // Real support-chat text as well: the synthetic corpus repeats 33 words, which flatters a
    // tokenizer whose lookups are a Map of strings (a hot, tiny working set).
    const dir = mkdtempSync(join(tmpdir(), 'tuneloop-bench-tokens-'));
    let star: { turns: number; mb: number; gpt: number; ours: number };
    try {
      const file = join(dir, 'star.jsonl');
      await writeStarJsonl(file, 5e6);
      const turns = readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .flatMap((line) => (JSON.parse(line) as { messages: { text: string }[] }).messages.map((m) => m.text));
      const starMb = turns.reduce((sum, t) => sum + Buffer.byteLength(t), 0) / 1e6;
      const gptCount = turns.reduce((sum, t) => sum + gptTokenizerCount(t, plain), 0);
      const ourCount = turns.reduce((sum, t) => sum + countTextTokens(t, 'o200k_base'), 0);
      if (gptCount !== ourCount) throw new Error(`tokenizers disagree on STAR turns: gpt-tokenizer ${gptCount}, tuneloop ${ourCount}`);
      star = {
        turns: turns.length,
        mb: starMb,
        gpt: await timeMedian(() => turns.reduce((sum, t) => sum + gptTokenizerCount(t, plain), 0)),
        ours: await timeMedian(() => turns.reduce((sum, t) => sum + countTextTokens(t, 'o200k_base'), 0)),
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const textRate = (ms: number) => `${(star.mb / (ms / 1000)).toFixed(1)} MB/s of text`;
    return {
      name: 'tokens',
      lines: [
        `corpus: ${examples.length} chat examples, ${mb.toFixed(2)} MB of JSONL, ${a} o200k_base tokens (all three agree)`,
        `JSON.parse only (baseline):        median ${parseOnly.toFixed(1)} ms  ${rate(parseOnly)}`,
        `parse + gpt-tokenizer:             median ${withGptTokenizer.toFixed(1)} ms  ${rate(withGptTokenizer)}  (${(withGptTokenizer / parseOnly).toFixed(1)}x baseline)`,
        `parse + gpt-tokenizer countTokens: median ${withGptTokenizerCount.toFixed(1)} ms  ${rate(withGptTokenizerCount)}  (${(withGptTokenizerCount / parseOnly).toFixed(1)}x baseline)`,
        `parse + tuneloop counter:          median ${withTuneloop.toFixed(1)} ms  ${rate(withTuneloop)}  (${(withTuneloop / parseOnly).toFixed(1)}x baseline; ${(withGptTokenizerCount / withTuneloop).toFixed(2)}x as fast as gpt-tokenizer countTokens)`,
        `parse + js-tiktoken:               median ${withTiktoken.toFixed(1)} ms  ${rate(withTiktoken)}  (${(withTiktoken / parseOnly).toFixed(1)}x baseline)`,
        `countMessagesTokens (chat framing): median ${chatCount.toFixed(1)} ms  ${rate(chatCount)}`,
        `gpt-tokenizer is ${(withTiktoken / withGptTokenizer).toFixed(2)}x as fast as js-tiktoken here (median of 5 runs each)`,
        `STAR turns (real support chat, ${star.turns} turns, ${star.mb.toFixed(2)} MB of text, same counts): gpt-tokenizer countTokens ${textRate(star.gpt)}, tuneloop counter ${textRate(star.ours)} (${(star.gpt / star.ours).toFixed(2)}x as fast)`,
      ],
    };
  },
};
