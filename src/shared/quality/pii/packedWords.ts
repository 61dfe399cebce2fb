import { fnv1a } from '../minhash';

/** What the name detector asks of a word list: whether it holds a (lower-case) word. */
export interface WordLookup {
  has(word: string): boolean;
}

const SEPARATOR = 0x0a;

/**
 * A large fixed list of words in one string, found through an open-addressing table of their
 * offsets. English's 85k ordinary words as a `Set` held 85k strings and the set's table, about
 * 5.4 MB of heap in every thread that redacts names (each pool worker its own), and every major
 * collection marked them all; packed they take about 2 MB in two objects. A lookup hashes the word
 * and compares characters in place, without making a string.
 */
export class PackedWordSet implements WordLookup {
  /** The words, each followed by a line feed. */
  private readonly text: string;
  /** Offset of a word in `text` plus one per slot; 0 for an empty slot. */
  private readonly slots: Int32Array;
  private readonly mask: number;
  readonly size: number;

  /** Words with a line feed in them cannot be packed and are left out; repeats count once. */
  constructor(words: Iterable<string>) {
    const unique = [...new Set(words)].filter((w) => !w.includes('\n'));
    this.text = unique.length ? `${unique.join('\n')}\n` : '';
    let capacity = 16;
    while (capacity < unique.length * 2) capacity *= 2;
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.size = unique.length;
    let at = 0;
    for (const word of unique) {
      let slot = fnv1a(word) & this.mask;
      while (this.slots[slot]) slot = (slot + 1) & this.mask;
      this.slots[slot] = at + 1;
      at += word.length + 1;
    }
  }

  has(word: string): boolean {
    // A line feed would let a word match several packed words in a row ("cat\ndog").
    if (word.includes('\n')) return false;
    let slot = fnv1a(word) & this.mask;
    for (let held = this.slots[slot]; held; held = this.slots[slot]) {
      if (this.matches(held - 1, word)) return true;
      slot = (slot + 1) & this.mask;
    }
    return false;
  }

  private matches(start: number, word: string): boolean {
    const text = this.text;
    const length = word.length;
    if (start + length >= text.length || text.charCodeAt(start + length) !== SEPARATOR) return false;
    for (let i = 0; i < length; i++) if (text.charCodeAt(start + i) !== word.charCodeAt(i)) return false;
    return true;
  }
}
