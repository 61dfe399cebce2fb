import { TuneloopError } from '../errors';
/**
 * BLEU exactly as sacreBLEU 2.x computes it (Post, 2018, "A Call for Clarity in Reporting BLEU
 * Scores"; https://github.com/mjpost/sacrebleu, Apache-2.0). Re-implemented from the algorithm's
 * description, not copied: tokenizers `13a` (default), `none`, `intl`, `char`, `zh` (./bleuTokenizers.ts); smoothing `exp`
 * (default), `floor`, `add-k`, `none`; corpus BLEU over reference streams; sentence BLEU with
 * effective order. test/shared/evaluation/bleu.test.ts pins it to sacreBLEU's own test vectors.
 */

import { tokenizeZh } from './bleuTokenizers';

export type BleuTokenizer = '13a' | 'none' | 'intl' | 'char' | 'zh';
export type BleuSmoothing = 'exp' | 'floor' | 'add-k' | 'none';

export interface BleuOptions {
  /** Tokenizer applied to hypotheses and references (default `13a`, as mteval-v13a.pl). */
  tokenize?: BleuTokenizer;
  smoothMethod?: BleuSmoothing;
  /** `floor` default 0.1, `add-k` default 1; ignored by `exp` and `none`. */
  smoothValue?: number;
  lowercase?: boolean;
  /** Highest n-gram order (default 4). */
  maxNgramOrder?: number;
  /** Average only over the n-gram orders the hypothesis has (sentence BLEU turns this on). */
  effectiveOrder?: boolean;
}

/** Sufficient statistics: everything corpus BLEU needs, summable over segments. */
export interface BleuStatistics {
  sysLen: number;
  refLen: number;
  /** Matched (clipped) n-gram counts for orders 1..maxNgramOrder. */
  counts: number[];
  /** Hypothesis n-gram totals for orders 1..maxNgramOrder. */
  totals: number[];
}

export interface BleuScore extends BleuStatistics {
  /** 0–100, like sacreBLEU. */
  score: number;
  /** n-gram precisions in percent. */
  precisions: number[];
  brevityPenalty: number;
  /** sys_len / ref_len. */
  ratio: number;
  /** sacreBLEU's signature, e.g. `nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0`. */
  signature: string;
  /** sacreBLEU's one-line format: `BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)`. */
  formatted: string;
}

/** The sacreBLEU release whose behaviour (and test vectors) this implementation reproduces. */
export const SACREBLEU_VERSION = '2.6.0';

const SMOOTH_DEFAULTS: Record<BleuSmoothing, number | undefined> = {
  none: undefined,
  floor: 0.1,
  'add-k': 1,
  exp: undefined,
};

/** Python's `str.split()` whitespace (Unicode White_Space plus the \x1c–\x1f separators). */
const PY_WHITESPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_SPLIT = new RegExp(`[${PY_WHITESPACE}]+`);
const PY_TRAILING = new RegExp(`[${PY_WHITESPACE}]+$`);

/** `str.split()` without arguments: split on runs of whitespace, drop empty strings. */
export function pySplit(text: string): string[] {
  return text.split(PY_SPLIT).filter((t) => t.length > 0);
}

// mteval-v13a.pl's language-dependent part (Western languages), in sacreBLEU's order.
const RE_13A: [RegExp, string][] = [
  [/([{-~[-` -&(-+:-@\/])/g, ' $1 '],
  // period and comma unless preceded by a digit
  [/([^0-9])([.,])/g, '$1 $2 '],
  // period and comma unless followed by a digit
  [/([.,])([^0-9])/g, ' $1 $2'],
  // dash when preceded by a digit
  [/([0-9])(-)/g, '$1 $2 '],
];

const RE_INTL: [RegExp, string][] = [
  [/(\P{N})(\p{P})/gu, '$1 $2 '],
  [/(\p{P})(\P{N})/gu, ' $1 $2'],
  [/(\p{S})/gu, ' $1 '],
];

function applyRules(line: string, rules: [RegExp, string][]): string {
  for (const [re, replacement] of rules) line = line.replace(re, replacement);
  return pySplit(line).join(' ');
}

export function tokenize13a(line: string): string {
  line = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  if (line.includes('&')) {
    line = line.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  }
  return applyRules(` ${line} `, RE_13A);
}

export function tokenizeIntl(line: string): string {
  return applyRules(line, RE_INTL);
}

export function tokenizeChar(line: string): string {
  return Array.from(line).join(' ');
}

export function bleuTokenizer(name: BleuTokenizer): (line: string) => string {
  switch (name) {
    case '13a':
      return tokenize13a;
    case 'intl':
      return tokenizeIntl;
    case 'char':
      return tokenizeChar;
    case 'zh':
      return tokenizeZh;
    case 'none':
      return (line) => line;
    default:
      throw new BleuOptionError(`unknown BLEU tokenizer "${String(name)}"; use one of 13a, none, intl, char, zh`);
  }
}

/** An option bag that sacreBLEU would refuse. */
export class BleuOptionError extends TuneloopError {
  constructor(message: string) {
    super(message);
  }
}

interface ResolvedOptions {
  tokenize: BleuTokenizer;
  smoothMethod: BleuSmoothing;
  smoothValue: number | undefined;
  lowercase: boolean;
  maxNgramOrder: number;
  effectiveOrder: boolean;
}

function resolve(options: BleuOptions, effectiveOrderDefault: boolean): ResolvedOptions {
  const smoothMethod = options.smoothMethod ?? 'exp';
  if (!(smoothMethod in SMOOTH_DEFAULTS)) {
    throw new BleuOptionError(`unknown BLEU smoothing "${smoothMethod}"; use one of exp, floor, add-k, none`);
  }
  const maxNgramOrder = options.maxNgramOrder ?? 4;
  if (!Number.isInteger(maxNgramOrder) || maxNgramOrder < 1) {
    throw new BleuOptionError(`maxNgramOrder must be a positive integer, got ${maxNgramOrder}`);
  }
  const tokenize = options.tokenize ?? '13a';
  bleuTokenizer(tokenize);
  return {
    tokenize,
    smoothMethod,
    smoothValue: options.smoothValue ?? SMOOTH_DEFAULTS[smoothMethod],
    lowercase: options.lowercase ?? false,
    maxNgramOrder,
    effectiveOrder: options.effectiveOrder ?? effectiveOrderDefault,
  };
}

type NgramCounts = Map<string, number>;

/**
 * All n-grams of orders 1..maxOrder of a tokenized line, keyed by their tokens joined with a space.
 * Tokens never contain whitespace, so a key also tells its order and keys of different orders
 * cannot collide; keys grow one token at a time instead of slicing and joining per n-gram.
 */
function extractNgrams(tokens: string[], maxOrder: number): NgramCounts {
  const ngrams: NgramCounts = new Map();
  for (let i = 0; i < tokens.length; i++) {
    let key = tokens[i];
    const last = Math.min(tokens.length, i + maxOrder);
    for (let j = i; ; ) {
      ngrams.set(key, (ngrams.get(key) ?? 0) + 1);
      if (++j >= last) break;
      key += ' ' + tokens[j];
    }
  }
  return ngrams;
}

/** sacreBLEU's reference length choice: the closest, the shorter one on a tie. */
function closestRefLen(hypLen: number, refLens: number[]): number {
  let closestDiff = -1;
  let closestLen = -1;
  for (const refLen of refLens) {
    const diff = Math.abs(hypLen - refLen);
    if (closestDiff === -1 || diff < closestDiff) {
      closestDiff = diff;
      closestLen = refLen;
    } else if (diff === closestDiff && refLen < closestLen) {
      closestLen = refLen;
    }
  }
  return closestLen;
}

function preprocess(line: string, o: ResolvedOptions, tokenizer: (s: string) => string): string[] {
  let text = o.lowercase ? line.toLowerCase() : line;
  text = text.replace(PY_TRAILING, '');
  return pySplit(tokenizer(text));
}

interface ReferenceSide {
  ngrams: NgramCounts;
  lens: number[];
}

function referenceSide(references: string[], o: ResolvedOptions, tokenizer: (s: string) => string): ReferenceSide {
  const ngrams: NgramCounts = new Map();
  const lens: number[] = [];
  for (const ref of references) {
    const tokens = preprocess(ref, o, tokenizer);
    lens.push(tokens.length);
    for (const [ngram, count] of extractNgrams(tokens, o.maxNgramOrder)) {
      const seen = ngrams.get(ngram);
      if (seen === undefined || count > seen) ngrams.set(ngram, count);
    }
  }
  return { ngrams, lens };
}

function hypothesisStatistics(hypothesis: string, ref: ReferenceSide, o: ResolvedOptions, tokenizer: (s: string) => string): BleuStatistics {
  const refNgrams = ref.ngrams;
  const hypTokens = preprocess(hypothesis, o, tokenizer);
  const counts = new Array<number>(o.maxNgramOrder).fill(0);
  const totals = new Array<number>(o.maxNgramOrder).fill(0);
  // Clipped matches in one pass over the hypothesis: an occurrence counts while the n-gram has been
  // matched fewer times than the reference allows (= Σ min(hyp count, max ref count)).
  const used: NgramCounts = new Map();
  for (let i = 0; i < hypTokens.length; i++) {
    let key = hypTokens[i];
    const last = Math.min(hypTokens.length, i + o.maxNgramOrder);
    for (let j = i, n = 0; ; n++) {
      totals[n]++;
      const allowed = refNgrams.get(key);
      if (allowed !== undefined) {
        const u = used.get(key) ?? 0;
        if (u < allowed) {
          counts[n]++;
          used.set(key, u + 1);
        }
      }
      if (++j >= last) break;
      key += ' ' + hypTokens[j];
    }
  }
  return { sysLen: hypTokens.length, refLen: closestRefLen(hypTokens.length, ref.lens), counts, totals };
}

function segmentStatistics(hypothesis: string, references: string[], o: ResolvedOptions, tokenizer: (s: string) => string): BleuStatistics {
  return hypothesisStatistics(hypothesis, referenceSide(references, o, tokenizer), o, tokenizer);
}

/** Mirrors sacreBLEU's `my_log`: log(0) is a huge negative number, so the score becomes exactly 0. */
function safeLog(x: number): number {
  return x === 0 ? -9999999999 : Math.log(x);
}

/** BLEU (0–100) from sufficient statistics, as sacreBLEU's `BLEU.compute_bleu`. */
export function bleuFromStatistics(
  stats: BleuStatistics,
  options: Pick<BleuOptions, 'smoothMethod' | 'smoothValue' | 'effectiveOrder' | 'maxNgramOrder'> = {},
): { score: number; precisions: number[]; brevityPenalty: number } {
  const smoothMethod = options.smoothMethod ?? 'none';
  if (!(smoothMethod in SMOOTH_DEFAULTS)) throw new BleuOptionError(`unknown BLEU smoothing "${smoothMethod}"`);
  const smoothValue = options.smoothValue ?? SMOOTH_DEFAULTS[smoothMethod] ?? 0;
  const maxOrder = options.maxNgramOrder ?? stats.counts.length;
  const correct = stats.counts.slice(0, maxOrder);
  const total = stats.totals.slice(0, maxOrder);
  const { sysLen, refLen } = stats;

  let brevityPenalty = 1;
  if (sysLen < refLen) brevityPenalty = sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0;

  const precisions = new Array<number>(maxOrder).fill(0);
  // No match at all is 0 under every smoothing (sacreBLEU issue #141).
  if (!correct.some((c) => c !== 0)) return { score: 0, precisions, brevityPenalty };

  let smoothMteval = 1;
  let effOrder = maxOrder;
  for (let n = 1; n <= maxOrder; n++) {
    if (smoothMethod === 'add-k' && n > 1) {
      correct[n - 1] += smoothValue;
      total[n - 1] += smoothValue;
    }
    if (total[n - 1] === 0) break;
    if (options.effectiveOrder) effOrder = n;
    if (correct[n - 1] === 0) {
      if (smoothMethod === 'exp') {
        smoothMteval *= 2;
        precisions[n - 1] = 100 / (smoothMteval * total[n - 1]);
      } else if (smoothMethod === 'floor') {
        precisions[n - 1] = (100 * smoothValue) / total[n - 1];
      }
    } else {
      precisions[n - 1] = (100 * correct[n - 1]) / total[n - 1];
    }
  }
  let logSum = 0;
  for (let i = 0; i < effOrder; i++) logSum += safeLog(precisions[i]);
  return { score: brevityPenalty * Math.exp(logSum / effOrder), precisions, brevityPenalty };
}

export function bleuSignature(options: BleuOptions & { nrefs: number | 'var' }, effectiveOrderDefault = false): string {
  const o = resolve(options, effectiveOrderDefault);
  let smooth: string = o.smoothMethod;
  if (SMOOTH_DEFAULTS[o.smoothMethod] !== undefined) smooth += `[${(o.smoothValue as number).toFixed(2)}]`;
  const parts: [string, string | number][] = [
    ['nrefs', options.nrefs],
    ['case', o.lowercase ? 'lc' : 'mixed'],
    ['eff', o.effectiveOrder ? 'yes' : 'no'],
    ['tok', o.tokenize],
    ['smooth', smooth],
    ['version', SACREBLEU_VERSION],
  ];
  return parts.map(([k, v]) => `${k}:${v}`).join('|');
}

function finish(stats: BleuStatistics, o: ResolvedOptions, signature: string): BleuScore {
  const { score, precisions, brevityPenalty } = bleuFromStatistics(
    { ...stats, counts: [...stats.counts], totals: [...stats.totals] },
    o,
  );
  const ratio = stats.refLen > 0 ? stats.sysLen / stats.refLen : 0;
  const formatted =
    `BLEU = ${score.toFixed(2)} ${precisions.map((p) => p.toFixed(1)).join('/')} ` +
    `(BP = ${brevityPenalty.toFixed(3)} ratio = ${ratio.toFixed(3)} hyp_len = ${stats.sysLen} ref_len = ${stats.refLen})`;
  return { ...stats, score, precisions, brevityPenalty, ratio, signature, formatted };
}

/**
 * Corpus BLEU. `referenceStreams[k][i]` is the k-th reference of hypothesis i (sacreBLEU's layout);
 * a reference may be missing (`undefined`/`null`) for some hypotheses when their number varies.
 */
export function corpusBleu(
  hypotheses: readonly string[],
  referenceStreams: readonly (readonly (string | null | undefined)[])[],
  options: BleuOptions = {},
): BleuScore {
  const o = resolve(options, false);
  if (referenceStreams.length === 0) throw new BleuOptionError('corpus BLEU needs at least one reference stream');
  for (const [k, stream] of referenceStreams.entries()) {
    if (stream.length !== hypotheses.length) {
      throw new BleuOptionError(
        `reference stream ${k + 1} has ${stream.length} lines but there are ${hypotheses.length} hypotheses; every stream needs one line per hypothesis`,
      );
    }
  }
  const tokenizer = bleuTokenizer(o.tokenize);
  const sum: BleuStatistics = {
    sysLen: 0,
    refLen: 0,
    counts: new Array<number>(o.maxNgramOrder).fill(0),
    totals: new Array<number>(o.maxNgramOrder).fill(0),
  };
  let variable = false;
  hypotheses.forEach((hyp, i) => {
    const refs = referenceStreams.map((s) => s[i]).filter((r): r is string => typeof r === 'string');
    if (refs.length !== referenceStreams.length) variable = true;
    if (refs.length === 0) throw new BleuOptionError(`hypothesis ${i + 1} has no reference`);
    const s = segmentStatistics(hyp, refs, o, tokenizer);
    sum.sysLen += s.sysLen;
    sum.refLen += s.refLen;
    for (let n = 0; n < o.maxNgramOrder; n++) {
      sum.counts[n] += s.counts[n];
      sum.totals[n] += s.totals[n];
    }
  });
  return finish(sum, o, bleuSignature({ ...o, nrefs: variable ? 'var' : referenceStreams.length }));
}

/** Sentence BLEU (sacreBLEU's `sentence_bleu`): effective order on by default. */
export function sentenceBleu(hypothesis: string, references: readonly string[], options: BleuOptions = {}): BleuScore {
  const o = resolve(options, true);
  if (references.length === 0) throw new BleuOptionError('sentence BLEU needs at least one reference');
  const stats = segmentStatistics(hypothesis, [...references], o, bleuTokenizer(o.tokenize));
  return finish(stats, o, bleuSignature({ ...o, nrefs: references.length }, true));
}

/**
 * Per-segment sufficient statistics, sacreBLEU's layout: row i is
 * `[sys_len, ref_len, correct_1..correct_N, total_1..total_N]` of segment i, flat in one array.
 * Significance tests resample these rows instead of re-tokenising anything.
 */
export interface SegmentStatisticsTable {
  /** Row-major, `segments × width`; whole numbers. */
  rows: Float64Array;
  segments: number;
  /** 2 + 2 × maxNgramOrder. */
  width: number;
  maxNgramOrder: number;
  /** The options the statistics were computed with (scores from rows must use the same smoothing). */
  options: Required<Pick<BleuOptions, 'smoothMethod' | 'effectiveOrder' | 'maxNgramOrder'>> & Pick<BleuOptions, 'smoothValue'>;
  signature: string;
}

export function segmentStatisticsTable(
  hypotheses: readonly string[],
  referenceStreams: readonly (readonly (string | null | undefined)[])[],
  options: BleuOptions = {},
): SegmentStatisticsTable {
  return segmentStatisticsTables([hypotheses], referenceStreams, options)[0];
}

/**
 * One table per system over the same references, segment by segment: each reference is tokenised
 * and counted once for all systems.
 */
export function segmentStatisticsTables(
  systems: readonly (readonly string[])[],
  referenceStreams: readonly (readonly (string | null | undefined)[])[],
  options: BleuOptions = {},
): SegmentStatisticsTable[] {
  const o = resolve(options, false);
  if (referenceStreams.length === 0) throw new BleuOptionError('corpus BLEU needs at least one reference stream');
  const segments = systems[0]?.length ?? 0;
  for (const [k, hypotheses] of systems.entries()) {
    if (hypotheses.length !== segments) {
      throw new BleuOptionError(`system ${k + 1} has ${hypotheses.length} lines but system 1 has ${segments}; every system needs one line per segment`);
    }
  }
  for (const [k, stream] of referenceStreams.entries()) {
    if (stream.length !== segments) {
      throw new BleuOptionError(
        `reference stream ${k + 1} has ${stream.length} lines but there are ${segments} hypotheses; every stream needs one line per hypothesis`,
      );
    }
  }
  const tokenizer = bleuTokenizer(o.tokenize);
  const order = o.maxNgramOrder;
  const width = 2 + 2 * order;
  const tables = systems.map(() => new Float64Array(segments * width));
  let variable = false;
  for (let i = 0; i < segments; i++) {
    const refs = referenceStreams.map((s) => s[i]).filter((r): r is string => typeof r === 'string');
    if (refs.length !== referenceStreams.length) variable = true;
    if (refs.length === 0) throw new BleuOptionError(`hypothesis ${i + 1} has no reference`);
    const ref = referenceSide(refs, o, tokenizer);
    const at = i * width;
    for (let k = 0; k < systems.length; k++) {
      const s = hypothesisStatistics(systems[k][i], ref, o, tokenizer);
      const rows = tables[k];
      rows[at] = s.sysLen;
      rows[at + 1] = s.refLen;
      for (let n = 0; n < order; n++) {
        rows[at + 2 + n] = s.counts[n];
        rows[at + 2 + order + n] = s.totals[n];
      }
    }
  }
  const signature = bleuSignature({ ...o, nrefs: variable ? 'var' : referenceStreams.length });
  return tables.map((rows) => ({
    rows,
    segments,
    width,
    maxNgramOrder: order,
    options: { smoothMethod: o.smoothMethod, smoothValue: o.smoothValue, effectiveOrder: o.effectiveOrder, maxNgramOrder: order },
    signature,
  }));
}

/** Corpus BLEU (0–100) of summed statistics in the table layout (`sums.length === width`). */
export function bleuFromSummedRow(sums: ArrayLike<number>, table: Pick<SegmentStatisticsTable, 'maxNgramOrder' | 'options'>): number {
  const order = table.maxNgramOrder;
  const counts = new Array<number>(order);
  const totals = new Array<number>(order);
  for (let n = 0; n < order; n++) {
    counts[n] = sums[2 + n];
    totals[n] = sums[2 + order + n];
  }
  return bleuFromStatistics({ sysLen: sums[0], refLen: sums[1], counts, totals }, table.options).score;
}
