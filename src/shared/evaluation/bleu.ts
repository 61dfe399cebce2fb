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
// The first rule pads sacreBLEU's class ({-~ [-` space-& (-+ :-@ /) minus the space itself: padding a
// space with spaces cannot change the tokens, and it was most of the replacements on ordinary text.
const RE_13A: [RegExp, string][] = [
  [/([{-~[-`!-&(-+:-@\/])/g, ' $1 '],
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
  return pySplit(applyRulesOnly(line, rules)).join(' ');
}

function applyRulesOnly(line: string, rules: [RegExp, string][]): string {
  for (const [re, replacement] of rules) line = line.replace(re, replacement);
  return line;
}

/** 13a tokens of a line (what `tokenize13a` joins with spaces). */
function tokens13a(line: string): string[] {
  if (line.includes('<skipped>')) line = line.replaceAll('<skipped>', '');
  if (line.includes('\n')) line = line.replaceAll('-\n', '').replaceAll('\n', ' ');
  if (line.includes('&')) {
    line = line.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  }
  return pySplit(applyRulesOnly(` ${line} `, RE_13A));
}

export function tokenize13a(line: string): string {
  return tokens13a(line).join(' ');
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
export class BleuOptionError extends TuneloopError {}

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
    for (let j = i; ;) {
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

type Splitter = (line: string) => string[];

/** Tokens of a line for the chosen tokenizer: 13a yields its tokens directly (no join and split again). */
function tokenSplitter(name: BleuTokenizer): Splitter {
  if (name === '13a') return tokens13a;
  const tokenizer = bleuTokenizer(name);
  return (line) => pySplit(tokenizer(line));
}

function preprocess(line: string, o: ResolvedOptions, split: Splitter): string[] {
  let text = o.lowercase ? line.toLowerCase() : line;
  text = text.replace(PY_TRAILING, '');
  return split(text);
}

/**
 * Tokens as small integers, so short segments compare n-grams id by id instead of building a key
 * string per n-gram and hashing it (what dominated the time on 100,000-pair files).
 */
class Vocabulary {
  private readonly ids = new Map<string, number>();

  idsOf(tokens: readonly string[]): Int32Array {
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      let id = this.ids.get(tokens[i]);
      if (id === undefined) {
        id = this.ids.size;
        this.ids.set(tokens[i], id);
      }
      out[i] = id;
    }
    return out;
  }
}

interface ReferenceSide {
  tokens: string[][];
  ids: Int32Array[];
  lens: number[];
  longest: number;
  /** Max count of each n-gram over the references; built only when a long hypothesis needs it. */
  ngrams?: NgramCounts;
}

function referenceSide(references: readonly string[], o: ResolvedOptions, split: Splitter, vocabulary: Vocabulary): ReferenceSide {
  const tokens = references.map((ref) => preprocess(ref, o, split));
  const ids = tokens.map((t) => vocabulary.idsOf(t));
  const lens = tokens.map((t) => t.length);
  return { tokens, ids, lens, longest: Math.max(0, ...lens) };
}

function referenceNgrams(ref: ReferenceSide, maxOrder: number): NgramCounts {
  if (ref.ngrams) return ref.ngrams;
  const ngrams: NgramCounts = new Map();
  for (const tokens of ref.tokens) {
    for (const [ngram, count] of extractNgrams(tokens, maxOrder)) {
      const seen = ngrams.get(ngram);
      if (seen === undefined || count > seen) ngrams.set(ngram, count);
    }
  }
  ref.ngrams = ngrams;
  return ngrams;
}

// Up to this many id comparisons per n-gram order (hypothesis length × (longest reference +
// hypothesis length)) a segment is matched by comparing ids directly, with no map; replies are
// short, so nearly every segment takes this path. Longer ones use n-gram maps (linear, not quadratic).
const DIRECT_MATCH_LIMIT = 2048;

/** How often the n-gram `b[at … at+n)` occurs in `a[0 … end)` (n-gram starts below end − n + 1). */
function occurrences(a: Int32Array, end: number, b: Int32Array, at: number, n: number): number {
  let found = 0;
  const first = b[at];
  for (let j = 0; j + n <= end; j++) {
    if (a[j] !== first) continue;
    let k = 1;
    while (k < n && a[j + k] === b[at + k]) k++;
    if (k === n) found++;
  }
  return found;
}

/**
 * One segment's statistics into `out` at `at`, the table layout
 * `[sys_len, ref_len, correct_1..correct_N, total_1..total_N]`. Clipped matches: an occurrence of an
 * n-gram counts while the hypothesis has used it fewer times than the most generous reference allows
 * (= Σ min(hyp count, max ref count), sacreBLEU's definition).
 */
function hypothesisStatistics(
  hypothesis: string,
  ref: ReferenceSide,
  o: ResolvedOptions,
  split: Splitter,
  vocabulary: Vocabulary,
  out: Float64Array,
  at: number,
): void {
  const order = o.maxNgramOrder;
  const hypTokens = preprocess(hypothesis, o, split);
  const h = hypTokens.length;
  out[at] = h;
  out[at + 1] = closestRefLen(h, ref.lens);
  for (let n = 0; n < order; n++) {
    out[at + 2 + n] = 0;
    out[at + 2 + order + n] = Math.max(0, h - n);
  }
  if (h === 0) return;
  if (h * (ref.longest + h) <= DIRECT_MATCH_LIMIT) {
    const hypIds = vocabulary.idsOf(hypTokens);
    for (let n = 1; n <= order && n <= h; n++) {
      let matched = 0;
      for (let i = 0; i + n <= h; i++) {
        let allowed = 0;
        for (const refIds of ref.ids) {
          const c = occurrences(refIds, refIds.length, hypIds, i, n);
          if (c > allowed) allowed = c;
        }
        if (allowed === 0) continue;
        if (occurrences(hypIds, i + n - 1, hypIds, i, n) < allowed) matched++;
      }
      out[at + 1 + n] = matched;
    }
    return;
  }
  const refNgrams = referenceNgrams(ref, order);
  const used: NgramCounts = new Map();
  for (let i = 0; i < h; i++) {
    let key = hypTokens[i];
    const last = Math.min(h, i + order);
    for (let j = i, n = 0; ; n++) {
      const allowed = refNgrams.get(key);
      if (allowed !== undefined) {
        const u = used.get(key) ?? 0;
        if (u < allowed) {
          out[at + 2 + n]++;
          used.set(key, u + 1);
        }
      }
      if (++j >= last) break;
      key += ' ' + hypTokens[j];
    }
  }
}

function statisticsOfRow(row: Float64Array, order: number): BleuStatistics {
  return {
    sysLen: row[0],
    refLen: row[1],
    counts: Array.from(row.subarray(2, 2 + order)),
    totals: Array.from(row.subarray(2 + order, 2 + 2 * order)),
  };
}

function segmentStatistics(hypothesis: string, references: string[], o: ResolvedOptions, split: Splitter): BleuStatistics {
  const row = new Float64Array(2 + 2 * o.maxNgramOrder);
  const vocabulary = new Vocabulary();
  hypothesisStatistics(hypothesis, referenceSide(references, o, split, vocabulary), o, split, vocabulary, row, 0);
  return statisticsOfRow(row, o.maxNgramOrder);
}

/** The references of hypothesis i (a missing one is skipped: sacreBLEU's variable number of references). */
function referencesOf(referenceStreams: readonly (readonly (string | null | undefined)[])[], i: number): string[] {
  const refs: string[] = [];
  for (const stream of referenceStreams) {
    const r = stream[i];
    if (typeof r === 'string') refs.push(r);
  }
  if (refs.length === 0) throw new BleuOptionError(`hypothesis ${i + 1} has no reference`);
  return refs;
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
  const { score, precisions, brevityPenalty } = bleuFromStatistics({ ...stats, counts: [...stats.counts], totals: [...stats.totals] }, o);
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
  const split = tokenSplitter(o.tokenize);
  const vocabulary = new Vocabulary();
  const order = o.maxNgramOrder;
  const row = new Float64Array(2 + 2 * order);
  const sums = new Float64Array(2 + 2 * order);
  let variable = false;
  for (let i = 0; i < hypotheses.length; i++) {
    const refs = referencesOf(referenceStreams, i);
    if (refs.length !== referenceStreams.length) variable = true;
    hypothesisStatistics(hypotheses[i], referenceSide(refs, o, split, vocabulary), o, split, vocabulary, row, 0);
    for (let k = 0; k < row.length; k++) sums[k] += row[k];
  }
  const sum = statisticsOfRow(sums, order);
  return finish(sum, o, bleuSignature({ ...o, nrefs: variable ? 'var' : referenceStreams.length }));
}

/** Sentence BLEU (sacreBLEU's `sentence_bleu`): effective order on by default. */
export function sentenceBleu(hypothesis: string, references: readonly string[], options: BleuOptions = {}): BleuScore {
  const o = resolve(options, true);
  if (references.length === 0) throw new BleuOptionError('sentence BLEU needs at least one reference');
  const stats = segmentStatistics(hypothesis, [...references], o, tokenSplitter(o.tokenize));
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
      throw new BleuOptionError(
        `system ${k + 1} has ${hypotheses.length} lines but system 1 has ${segments}; every system needs one line per segment`,
      );
    }
  }
  for (const [k, stream] of referenceStreams.entries()) {
    if (stream.length !== segments) {
      throw new BleuOptionError(
        `reference stream ${k + 1} has ${stream.length} lines but there are ${segments} hypotheses; every stream needs one line per hypothesis`,
      );
    }
  }
  const split = tokenSplitter(o.tokenize);
  const vocabulary = new Vocabulary();
  const order = o.maxNgramOrder;
  const width = 2 + 2 * order;
  const tables = systems.map(() => new Float64Array(segments * width));
  let variable = false;
  for (let i = 0; i < segments; i++) {
    const refs = referencesOf(referenceStreams, i);
    if (refs.length !== referenceStreams.length) variable = true;
    const ref = referenceSide(refs, o, split, vocabulary);
    for (let k = 0; k < systems.length; k++) hypothesisStatistics(systems[k][i], ref, o, split, vocabulary, tables[k], i * width);
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
