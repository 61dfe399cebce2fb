/**
 * A small seeded generator (xoshiro128**, Blackman & Vigna) for resampling: repeatable runs from a
 * seed, fast enough to draw 10⁸ indices in a second or two. Not numpy's PCG64: with the same seed
 * sacreBLEU and tuneloop draw different resamples, so their results agree within Monte-Carlo error,
 * not digit for digit.
 */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // splitmix32 spreads any seed (0 included) over the four words of state.
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1;
  }

  /** Uniform on 0 … 2³²−1. */
  uint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform on [0, 1), 53 bits. */
  float(): number {
    return ((this.uint32() >>> 5) * 67108864 + (this.uint32() >>> 6)) / 9007199254740992;
  }

  /** Uniform integer on 0 … n−1, unbiased (Lemire's multiply-and-reject for n < 2²¹, 53-bit floats above). */
  below(n: number): number {
    if (n <= 0x200000) {
      for (;;) {
        const m = this.uint32() * n;
        const high = Math.floor(m * 2.3283064365386963e-10);
        const low = m - high * 4294967296;
        if (low >= n || low >= (4294967296 - n) % n) return high;
      }
    }
    return Math.floor(this.float() * n);
  }

  /**
   * Draws `draws` indices on 0 … n−1 (as `below(n)` would, in the same order) and counts each one
   * in `counts[index]`. The generator's state lives in locals for the whole loop: a bootstrap of
   * 1000 resamples of 100,000 segments is 10⁸ draws, and property loads and stores per draw were
   * half of its time.
   */
  addDraws(n: number, draws: number, counts: Int32Array): void {
    if (n > 0x200000 || n <= 0) {
      for (let i = 0; i < draws; i++) counts[this.below(n)]++;
      return;
    }
    let a = this.a;
    let b = this.b;
    let c = this.c;
    let d = this.d;
    const threshold = (4294967296 - n) % n;
    for (let i = 0; i < draws;) {
      const x = Math.imul(b, 5);
      const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = (d << 11) | (d >>> 21);
      const m = result * n;
      const high = Math.floor(m * 2.3283064365386963e-10);
      const low = m - high * 4294967296;
      if (low >= n || low >= threshold) {
        counts[high]++;
        i++;
      }
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }

  /** `count` indices drawn with replacement from 0 … n−1 (one bootstrap resample). */
  resample(n: number, count = n, out: Int32Array = new Int32Array(count)): Int32Array {
    for (let i = 0; i < count; i++) out[i] = this.below(n);
    return out;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
