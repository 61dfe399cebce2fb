import { readFileSync } from 'node:fs';

/**
 * tinyld's *normal* language model (1.3.x) as typed arrays: about 1.2 MB, built once per process
 * (about 0.1 s of CPU) from the data tinyld bundles in its own module, where loading tinyld costs
 * every thread that uses it 0.2–0.5 s of CPU and ~38 MB of RSS (it expands the same data into an
 * object per n-gram; `npm run bench -- language`). Backed by SharedArrayBuffers when asked, so the
 * worker threads of a process read the coordinating thread's model in place, as they do the token
 * rank tables.
 *
 * Every n-gram the model knows is one entry of an open-addressing hash table (FNV-1a over its
 * UTF-16 code units, linear probing). An entry carries both of tinyld's uses of a gram: the one
 * language the gram alone identifies (tinyld's `uniques`), and the per-language scores of a gram
 * shared by several languages (its `multiples`), as a run in `scoreLanguage` / `scoreValue`.
 */
export interface LanguageModel {
  /** The code tinyld answers with (ISO 639-1, or its own `ber`, `tlh`) of each language, in tinyld's order: ties go to the earlier one. */
  readonly languages: readonly string[];
  /** Code units of every entry's gram, back to back. */
  readonly keyUnits: Uint16Array;
  /** `keyOffsets[e]`..`keyOffsets[e + 1]` are the code units of entry e. */
  readonly keyOffsets: Uint32Array;
  /** Hash slots: entry + 1, or 0 when empty; length is a power of two. */
  readonly slots: Int32Array;
  /**
   * Per entry: the index of the language the gram alone identifies; `NOT_UNIQUE` when it is not
   * one of tinyld's unique grams; `UNIQUE_WITHOUT_LANGUAGE` when it is one but names no language
   * tinyld knows (tinyld then stops looking for unique grams with no answer).
   */
  readonly uniqueLanguage: Int8Array;
  /** `scoreOffsets[e]`..`scoreOffsets[e + 1]` are entry e's (language, score) pairs, one per language. */
  readonly scoreOffsets: Uint32Array;
  readonly scoreLanguage: Uint8Array;
  readonly scoreValue: Uint16Array;
}

export const NOT_UNIQUE = -1;
export const UNIQUE_WITHOUT_LANGUAGE = -2;

/** Raised when tinyld's module is not laid out as this reader expects (another tinyld version): the message says where. */
export class LanguageModelSourceError extends Error {
  constructor(file: string, at: number, reason: string) {
    super(
      `tinyld's bundled model in ${file} is not in the form tuneloop reads (tinyld 1.3, normal model): ${reason} at character ${at}. ` +
        'Pin tinyld to ^1.3.4 or update src/shared/language/model.ts for the new layout.',
    );
    this.name = 'LanguageModelSourceError';
  }
}

let model: LanguageModel | undefined;

/**
 * The language model for this thread: the one installed with `useLanguageModel` (a shared model
 * from the coordinating thread), else built once from tinyld's module (in shared memory when
 * `shared`, to hand to worker threads).
 */
export function languageModel(options: { shared?: boolean } = {}): LanguageModel {
  if (!model || (options.shared && !isShared(model))) {
    const file = tinyldModuleFile();
    model = buildLanguageModel(readFileSync(file, 'utf8'), { file, shared: options.shared ?? false });
  }
  return model;
}

/** Use a model built elsewhere (a worker thread gets its coordinator's shared model this way). */
export function useLanguageModel(shared: LanguageModel): void {
  model = shared;
}

function isShared(m: LanguageModel): boolean {
  return m.keyUnits.buffer instanceof SharedArrayBuffer;
}

/** tinyld's CommonJS build of the normal model (what `require('tinyld')` loads). */
export function tinyldModuleFile(): string {
  return require.resolve('tinyld');
}

/** The markers of the parts of tinyld's bundle that hold data (not code). */
const CONFIG_MARK = 'var m={TINYLD_CONFIG:"normal"}';
const LANGUAGES_START = ',u={';
const LANGUAGES_END = '},g=new Set(';
const DICTIONARY_START = 'X={id:"tinyld-dict",multiples:{';
const UNIQUES_START = ',uniques:{';

/** The error to throw for a layout this reader does not know, at a character of the source. */
type Fail = (at: number, reason: string) => LanguageModelSourceError;

/**
 * Reads tinyld's language list and n-gram dictionary out of the source of its module (object
 * literals there, not exported) without evaluating it, and builds the model's arrays. The
 * dictionary is read in one pass straight into typed arrays: no string or object per gram, so
 * the build costs little more than reading the file. Throws `LanguageModelSourceError` when the
 * source is not laid out as tinyld 1.3's.
 */
export function buildLanguageModel(source: string, options: { file: string; shared: boolean }): LanguageModel {
  const fail: Fail = (at, reason) => new LanguageModelSourceError(options.file, at, reason);
  if (!source.includes(CONFIG_MARK)) throw fail(0, `no ${CONFIG_MARK}`);
  const languages = readLanguages(source, fail);
  const dictionaryAt = source.indexOf(DICTIONARY_START);
  if (dictionaryAt < 0) throw fail(0, `no ${DICTIONARY_START}`);
  const reader = new DictionaryReader(source, dictionaryAt + DICTIONARY_START.length, languages.length, fail);
  reader.pairs(() => reader.scores());
  reader.expect(UNIQUES_START);
  reader.pairs(() => reader.uniqueLanguage());
  reader.expect('}');
  return reader.model(languages, options.shared);
}

/**
 * tinyld's language table (`u`), in its order: `iso3:{code:"xx",…}` entries, one level deep. The
 * normal model uses every language of it; the answers are the `code`s, which must be distinct
 * (tinyld adds up scores by code).
 */
function readLanguages(source: string, fail: Fail): string[] {
  const start = source.indexOf(LANGUAGES_START);
  const end = source.indexOf(LANGUAGES_END, start);
  if (start < 0 || end < 0) throw fail(0, `no language table (${LANGUAGES_START}…${LANGUAGES_END})`);
  const table = source.slice(start + LANGUAGES_START.length, end);
  const entry = /([a-z]{3}):\{([^{}]*)\}(,|$)/y;
  const codes: string[] = [];
  while (entry.lastIndex < table.length) {
    const at = entry.lastIndex;
    const match = entry.exec(table);
    const code = match ? /(?:^|,)code:"([a-z]+)"/.exec(match[2])?.[1] : undefined;
    if (!code) throw fail(start + LANGUAGES_START.length + at, 'a language without a code');
    codes.push(code);
  }
  if (codes.length === 0 || codes.length > 127) throw fail(start, `${codes.length} languages`);
  if (new Set(codes).size !== codes.length) throw fail(start, 'two languages with the same code');
  return codes;
}

/**
 * Reads tinyld's dictionary, two flat object literals as esbuild prints them (`key:value` pairs
 * separated by commas, keys quoted or bare), into growing typed arrays. Keys go into one pool of
 * code units and an open-addressing table as they come; a key seen before (a repeated property
 * in a literal) keeps its entry and takes the later value, as in JavaScript.
 */
class DictionaryReader {
  private at: number;
  private readonly units: Uint16Array;
  private unitCount = 0;
  private readonly keyOffsets: Uint32Array;
  private entryCount = 0;
  private readonly slots: Int32Array;
  /** Per entry: where its (language, score) pairs are in `pairLanguage` / `pairScore`. */
  private readonly runFrom: Int32Array;
  private readonly runTo: Int32Array;
  private readonly pairLanguage: Uint8Array;
  private readonly pairScore: Uint16Array;
  private pairCount = 0;
  private readonly unique: Int8Array;
  private entry = -1;

  constructor(
    private readonly text: string,
    start: number,
    private readonly languageCount: number,
    private readonly fail: Fail,
  ) {
    this.at = start;
    // Upper bounds from the source: every pair has a colon, every key unit and every pair of
    // scores at least one character of it.
    let colons = 0;
    for (let i = text.indexOf(':', start); i !== -1; i = text.indexOf(':', i + 1)) colons++;
    const rest = text.length - start;
    this.units = new Uint16Array(rest);
    this.keyOffsets = new Uint32Array(colons + 1);
    let capacity = 1;
    while (capacity < colons * 2) capacity <<= 1;
    this.slots = new Int32Array(capacity);
    this.runFrom = new Int32Array(colons);
    this.runTo = new Int32Array(colons);
    this.pairLanguage = new Uint8Array(rest >> 2);
    this.pairScore = new Uint16Array(rest >> 2);
    this.unique = new Int8Array(colons).fill(NOT_UNIQUE);
  }

  expect(literal: string): void {
    if (!this.text.startsWith(literal, this.at)) throw this.fail(this.at, `expected ${literal}`);
    this.at += literal.length;
  }

  /** Reads `key:value` pairs up to and including the closing brace; `value` reads each value for `this.entry`. */
  pairs(value: () => void): void {
    if (this.text.charCodeAt(this.at) === 0x7d /* } */) {
      this.at++;
      return;
    }
    for (;;) {
      this.entry = this.key();
      if (this.text.charCodeAt(this.at++) !== 0x3a /* : */) throw this.fail(this.at - 1, 'expected :');
      value();
      const next = this.text.charCodeAt(this.at++);
      if (next === 0x7d /* } */) return;
      if (next !== 0x2c /* , */) throw this.fail(this.at - 1, 'expected , or }');
    }
  }

  /**
   * A value of tinyld's multiples: `"LLSS…"`, pairs of a base-36 language id (1-based, in the
   * order of the language list) and a base-36 score. An id outside the list is a language tinyld
   * never scores, and a repeated id keeps its last score (tinyld builds an object from the pairs).
   */
  scores(): void {
    const start = this.at;
    const end = this.text.indexOf('"', start + 1);
    if (this.text[start] !== '"' || end < 0 || (end - start - 1) % 4 !== 0)
      throw this.fail(start, 'expected a string of base-36 language ids and scores');
    const from = this.pairCount;
    for (let i = start + 1; i < end; i += 4) {
      const id = this.base36(i, i + 2);
      const score = this.base36(i + 2, i + 4);
      if (id < 1 || id > this.languageCount) continue;
      let k = from;
      while (k < this.pairCount && this.pairLanguage[k] !== id - 1) k++;
      this.pairLanguage[k] = id - 1;
      this.pairScore[k] = score;
      if (k === this.pairCount) this.pairCount++;
    }
    this.runFrom[this.entry] = from;
    this.runTo[this.entry] = this.pairCount;
    this.at = end + 1;
  }

  /**
   * A value of tinyld's uniques: the base-36 id of the one language the gram identifies, quoted
   * or as a bare number (esbuild prints `"15"` as `15`; tinyld reads either with `toString`).
   */
  uniqueLanguage(): void {
    const quoted = this.text[this.at] === '"';
    const start = quoted ? this.at + 1 : this.at;
    let end = start;
    while (end < this.text.length && digit36(this.text.charCodeAt(end)) >= 0) end++;
    if (end === start || (quoted ? this.text[end] !== '"' : /^0\d|[a-z]/i.test(this.text.slice(start, end))))
      throw this.fail(this.at, 'expected a base-36 language id');
    const id = this.base36(start, end);
    this.unique[this.entry] = id >= 1 && id <= this.languageCount ? id - 1 : UNIQUE_WITHOUT_LANGUAGE;
    this.at = quoted ? end + 1 : end;
  }

  private base36(start: number, end: number): number {
    let value = 0;
    for (let i = start; i < end; i++) {
      const d = digit36(this.text.charCodeAt(i));
      if (d < 0) throw this.fail(i, 'expected a base-36 digit');
      value = value * 36 + d;
    }
    return value;
  }

  /** Reads a key into the pool; its entry, new or (for a repeated key) the earlier one. */
  private key(): number {
    const from = this.unitCount;
    if (this.text.charCodeAt(this.at) === 0x22 /* " */) this.quotedKey();
    else this.bareKey();
    const units = this.units;
    const to = this.unitCount;
    let h = 0x811c9dc5;
    for (let i = from; i < to; i++) h = Math.imul(h ^ units[i], 0x01000193);
    const mask = this.slots.length - 1;
    let slot = (h >>> 0) & mask;
    for (; this.slots[slot] !== 0; slot = (slot + 1) & mask) {
      const e = this.slots[slot] - 1;
      const start = this.keyOffsets[e];
      if (this.keyOffsets[e + 1] - start !== to - from) continue;
      let i = 0;
      while (i < to - from && units[start + i] === units[from + i]) i++;
      if (i === to - from) {
        this.unitCount = from;
        return e;
      }
    }
    const e = this.entryCount++;
    this.keyOffsets[e + 1] = to;
    this.slots[slot] = e + 1;
    return e;
  }

  /**
   * An identifier key, taken as written, or a numeric one when it is its own string (`15`; not
   * `1e3` or `.5`, whose property names differ from their spelling).
   */
  private bareKey(): void {
    const text = this.text;
    const start = this.at;
    let i = start;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x3a /* : */) break;
      if (c === 0x22 || c === 0x27 || c === 0x60 || c === 0x2c || c === 0x7b || c === 0x7d || c === 0x5c || c <= 0x20)
        throw this.fail(i, 'expected a key');
      this.units[this.unitCount++] = c;
    }
    const first = text.charCodeAt(start);
    if (i === start || i === text.length) throw this.fail(start, 'expected a key');
    if (((first >= 0x30 && first <= 0x39) || first === 0x2e) && !/^(0|[1-9]\d{0,14})$/.test(text.slice(start, i)))
      throw this.fail(start, 'a numeric key whose property name differs from its spelling');
    this.at = i;
  }

  private quotedKey(): void {
    const text = this.text;
    let i = this.at + 1;
    for (;;) {
      if (i >= text.length) throw this.fail(this.at, 'an unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22 /* " */) break;
      if (c === 0x5c /* \ */) {
        const [decoded, next] = this.escaped(i);
        for (let k = 0; k < decoded.length; k++) this.units[this.unitCount++] = decoded.charCodeAt(k);
        i = next;
        continue;
      }
      this.units[this.unitCount++] = c;
      i++;
    }
    this.at = i + 1;
  }

  /** The characters of the escape at `at` (JavaScript's escapes) and where the string goes on. */
  private escaped(at: number): [string, number] {
    const c = this.text[at + 1];
    const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v', '0': '\0', '\n': '' };
    let hex: RegExpExecArray | null = null;
    if (c === 'x') hex = /^[0-9a-fA-F]{2}$/.exec(this.text.slice(at + 2, at + 4));
    else if (c === 'u' && this.text[at + 2] === '{') hex = /^\{([0-9a-fA-F]{1,6})\}/.exec(this.text.slice(at + 2, at + 11));
    else if (c === 'u') hex = /^[0-9a-fA-F]{4}$/.exec(this.text.slice(at + 2, at + 6));
    if (hex) return [String.fromCodePoint(parseInt(hex[0].startsWith('{') ? hex[1] : hex[0], 16)), at + 2 + hex[0].length];
    if (c === 'x' || c === 'u' || at + 1 >= this.text.length || /[1-9]/.test(c)) throw this.fail(at, 'an escape this reader does not know');
    return [simple[c] ?? c, at + 2];
  }

  /** The model's arrays, exactly sized (in shared memory when `shared`), pairs in entry order. */
  model(languages: string[], shared: boolean): LanguageModel {
    const count = this.entryCount;
    let pairs = 0;
    for (let e = 0; e < count; e++) pairs += this.runTo[e] - this.runFrom[e];
    const alloc = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    const keyUnits = new Uint16Array(alloc(this.unitCount * 2));
    keyUnits.set(this.units.subarray(0, this.unitCount));
    const keyOffsets = new Uint32Array(alloc((count + 1) * 4));
    keyOffsets.set(this.keyOffsets.subarray(0, count + 1));
    const uniqueLanguage = new Int8Array(alloc(count));
    uniqueLanguage.set(this.unique.subarray(0, count));
    let capacity = 1;
    while (capacity < count * 2) capacity <<= 1;
    const slots = new Int32Array(alloc(capacity * 4));
    // The reading table serves as is when it has the size the entries call for (it was sized
    // for the colons of the bundle, an upper bound); else the keys are hashed again.
    if (capacity === this.slots.length) slots.set(this.slots);
    else {
      const mask = capacity - 1;
      for (let e = 0; e < count; e++) {
        let h = 0x811c9dc5;
        for (let i = keyOffsets[e]; i < keyOffsets[e + 1]; i++) h = Math.imul(h ^ keyUnits[i], 0x01000193);
        let slot = (h >>> 0) & mask;
        while (slots[slot] !== 0) slot = (slot + 1) & mask;
        slots[slot] = e + 1;
      }
    }
    const scoreOffsets = new Uint32Array(alloc((count + 1) * 4));
    const scoreLanguage = new Uint8Array(alloc(pairs));
    const scoreValue = new Uint16Array(alloc(pairs * 2));
    let at = 0;
    for (let e = 0; e < count; e++) {
      scoreOffsets[e] = at;
      for (let k = this.runFrom[e]; k < this.runTo[e]; k++) {
        scoreLanguage[at] = this.pairLanguage[k];
        scoreValue[at++] = this.pairScore[k];
      }
    }
    scoreOffsets[count] = at;
    return { languages, keyUnits, keyOffsets, slots, uniqueLanguage, scoreOffsets, scoreLanguage, scoreValue };
  }
}

/** Value of a base-36 digit (either case, as `parseInt(…, 36)` reads them), or -1. */
function digit36(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 90) return c - 55;
  if (c >= 97 && c <= 122) return c - 87;
  return -1;
}

/**
 * Entry of the gram `text[start..start + length)`, or -1 when the model does not know it. The
 * hash is the build's (FNV-1a over UTF-16 code units), computed on the text in place.
 */
export function findGram(m: LanguageModel, text: string, start: number, length: number): number {
  const { slots, keyOffsets, keyUnits } = m;
  const mask = slots.length - 1;
  let h = 0x811c9dc5;
  for (let i = start; i < start + length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  for (let slot = (h >>> 0) & mask; ; slot = (slot + 1) & mask) {
    const e = slots[slot] - 1;
    if (e < 0) return -1;
    const from = keyOffsets[e];
    if (keyOffsets[e + 1] - from !== length) continue;
    let i = 0;
    while (i < length && keyUnits[from + i] === text.charCodeAt(start + i)) i++;
    if (i === length) return e;
  }
}
