import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { once } from 'node:events';

/**
 * Local scratch files for work that needs the whole dataset (newest per conversation, split
 * counts, the balance cap) without holding it in memory: lines are spilled to disk and read back
 * in bounded chunks. On Azure Functions the temp folder is the instance's local disk.
 */
export class ScratchDir {
  private constructor(readonly dir: string) {}

  static async create(parent: string = os.tmpdir(), prefix = 'tuneloop-assembly-'): Promise<ScratchDir> {
    await fs.promises.mkdir(parent, { recursive: true });
    return new ScratchDir(await fs.promises.mkdtemp(path.join(parent, prefix)));
  }

  file(name: string): string {
    return path.join(this.dir, name);
  }

  async dispose(): Promise<void> {
    await fs.promises.rm(this.dir, { recursive: true, force: true });
  }
}

/** An append-only text file with backpressure, so a fast producer never buffers the file in memory. */
export class LineWriter {
  private readonly stream: fs.WriteStream;
  private failure: Error | undefined;
  bytes = 0;
  lines = 0;

  constructor(readonly file: string) {
    this.stream = fs.createWriteStream(file, { flags: 'a', highWaterMark: 256 * 1024 });
    this.stream.on('error', (err) => (this.failure = err));
  }

  async write(line: string): Promise<void> {
    this.throwIfFailed();
    this.bytes += Buffer.byteLength(line) + 1;
    this.lines++;
    if (!this.stream.write(line + '\n')) await once(this.stream, 'drain');
  }

  /** Reads the field through a call: the stream's error handler sets it while we await. */
  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    this.throwIfFailed();
    if (this.stream.closed) return;
    this.stream.end();
    await once(this.stream, 'close');
    this.throwIfFailed();
  }
}

/** Lines of a local file, streamed. A missing file reads as empty. */
export async function* readFileLines(file: string): AsyncIterable<string> {
  let input: fs.ReadStream;
  try {
    await fs.promises.access(file);
    input = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  } catch {
    return;
  }
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of rl) if (line) yield line;
  } finally {
    rl.close();
    input.destroy();
  }
}

/**
 * Lines spread over `count` files by a hex hash: partition i holds the hash range
 * [i/count, (i+1)/count), so reading the partitions in order and sorting each by hash yields the
 * lines sorted by hash, whatever `count` is.
 */
export class HashPartitions {
  private readonly writers: LineWriter[];

  constructor(
    private readonly scratch: ScratchDir,
    readonly count: number,
    private readonly name = 'part',
  ) {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`partition count must be a positive integer, got ${count}`);
    this.writers = Array.from({ length: count }, (_, i) => new LineWriter(scratch.file(`${name}-${i}.txt`)));
  }

  partitionOf(hexHash: string): number {
    // 32 bits of the hash: enough resolution for any sensible partition count.
    return Math.min(this.count - 1, Math.floor((parseInt(hexHash.slice(0, 8), 16) / 2 ** 32) * this.count));
  }

  async write(hexHash: string, line: string): Promise<void> {
    await this.writers[this.partitionOf(hexHash)].write(line);
  }

  async close(): Promise<void> {
    await Promise.all(this.writers.map((w) => w.close()));
  }

  read(partition: number): AsyncIterable<string> {
    return readFileLines(this.scratch.file(`${this.name}-${partition}.txt`));
  }

  async remove(partition: number): Promise<void> {
    await fs.promises.rm(this.scratch.file(`${this.name}-${partition}.txt`), { force: true });
  }
}
