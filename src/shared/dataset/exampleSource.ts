import { createHash } from 'node:crypto';
import type { StorageClients } from '../storage/clients';
import { CONTAINERS } from '../storage/names';
import { derivedBlobBase } from '../storage/blobNames';
import { recordPlace } from '../ingest/records';
import { TuneloopError } from '../errors';
import { readLines } from './blobLines';
import { DatasetNotFoundError, readManifest } from './lineage';

/** One line of `<version>/sources.jsonl` (written by the assembly, see `sourceLine`). */
export interface SourceLine {
  split: 'train' | 'validation';
  example_sha256: string;
  conversation_id: string;
  source: { file: string; line: number; part?: { index: number; of: number }; system?: string };
}

/** Where one train or validation example of a dataset version came from. */
export interface ExampleSource {
  version: string;
  split: 'train' | 'validation';
  /** 1-based line of `<version>/<split>.jsonl`. */
  line: number;
  /** The blob the example is on (container `datasets`). */
  file: string;
  exampleSha256: string;
  /**
   * Every `sources.jsonl` line with the example's hash and split: one as a rule; more when
   * conversations wrote byte-identical examples. Empty: the version predates sources.jsonl, or
   * an erasure removed the conversation (its lines go from both files together).
   */
  sources: (SourceLine & { shards: string[] })[];
  /** False when the version has no sources.jsonl (assembled before it was written). */
  sourcesFile: boolean;
}

export class ExampleNotFoundError extends TuneloopError {}

/** `12`, `train:12` or `validation:12` → split and 1-based line. */
export function parseExampleRef(ref: string): { split: 'train' | 'validation'; line: number } {
  const m = /^(?:(train|validation):)?([0-9]+)$/.exec(ref.trim());
  const line = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(line) || line < 1)
    throw new ExampleNotFoundError(
      `--example takes a 1-based line of train.jsonl (<n>) or validation.jsonl (validation:<n>), got "${ref}"`,
    );
  return { split: (m[1] as 'train' | 'validation' | undefined) ?? 'train', line };
}

function isNotFound(err: unknown): boolean {
  return (err as { statusCode?: number }).statusCode === 404;
}

/**
 * Reads line `n` of a version's train.jsonl or validation.jsonl, hashes it, and finds its
 * `sources.jsonl` lines: the raw-logs blob and line, the conversation, and the curated shards of
 * that raw blob the manifest lists (preprocessing names a blob's shards `<blob>/<etag hash>.jsonl`).
 * Both files are streamed; nothing is held but the matches.
 */
export async function exampleSource(storage: StorageClients, version: string, ref: string, signal?: AbortSignal): Promise<ExampleSource> {
  const { split, line } = parseExampleRef(ref);
  const manifest = await readManifest(storage, version);
  if (!manifest) throw new DatasetNotFoundError(version);
  const container = storage.container(CONTAINERS.datasets);
  const files = (manifest.files ?? {}) as Partial<Record<string, string>>;
  const file = files[split] ?? `${version}/${split}.jsonl`;
  let text: string | undefined;
  let seen = 0;
  try {
    for await (const l of readLines(container.getBlobClient(file), signal)) {
      if (++seen === line) {
        text = l;
        break;
      }
    }
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  if (text === undefined) throw new ExampleNotFoundError(`${CONTAINERS.datasets}/${file} has ${seen} lines; there is no line ${line}`);
  const exampleSha256 = createHash('sha256').update(text).digest('hex');
  const shardNames = (Array.isArray(manifest.shards) ? manifest.shards : []).map((s) => s.name);
  const sources: ExampleSource['sources'] = [];
  let sourcesFile = true;
  try {
    for await (const l of readLines(container.getBlobClient(files.sources ?? `${version}/sources.jsonl`), signal)) {
      if (!l.includes(exampleSha256)) continue;
      const s = JSON.parse(l) as SourceLine;
      if (s.example_sha256 !== exampleSha256 || s.split !== split) continue;
      const prefix = `${derivedBlobBase(s.source.file)}/`;
      sources.push({ ...s, shards: shardNames.filter((n) => n.startsWith(prefix)) });
    }
  } catch (err) {
    if (!isNotFound(err)) throw err;
    sourcesFile = false;
  }
  return { version, split, line, file, exampleSha256, sources, sourcesFile };
}

export function formatExampleSource(e: ExampleSource): string {
  const out = [`Example ${e.split}:${e.line} of ${e.version} (${CONTAINERS.datasets}/${e.file}, sha256 ${e.exampleSha256})`];
  if (!e.sourcesFile) {
    out.push(`  ${e.version} has no sources.jsonl (assembled before sources were recorded); match its content against the curated shards`);
    return out.join('\n');
  }
  if (e.sources.length === 0) out.push('  no sources.jsonl line has this example (its conversation may have been erased)');
  for (const s of e.sources) {
    out.push(`  conversation ${s.conversation_id}${s.source.system ? ` (source ${s.source.system})` : ''}`);
    out.push(`    raw-logs: ${recordPlace({ file: `${CONTAINERS.raw}/${s.source.file}`, line: s.source.line, part: s.source.part })}`);
    out.push(
      s.shards.length
        ? `    curated shard${s.shards.length > 1 ? 's' : ''}: ${s.shards.map((n) => `${CONTAINERS.curated}/${n}`).join(', ')}`
        : '    curated shard: none of the manifest lists is named after that raw blob',
    );
  }
  return out.join('\n');
}
