import { recordPlace } from '../ingest/records';
import type { SourceRef } from '../ingest/types';
import { SIGNATURE_BANDING, messageText } from '../quality/dedup';
import { OnePermutationHasher, bandKeys, exactHash, normaliseText } from '../quality/minhash';
import { identityLabel } from './conversationIdentity';
import type { AssemblyStage, StageDecision } from './assemblyStages';
import { HashPartitions, LineWriter, readFileLines } from './spill';

export interface AssemblyDedupOptions {
  /** Estimated Jaccard similarity at or above which a later conversation is a near duplicate (TUNELOOP_DEDUP_THRESHOLD). */
  threshold: number;
  /**
   * Conversations per scratch partition (bounds what one step holds in memory). Default 1,000:
   * each conversation puts 21 keys (20 bands and its exact hash) into the band step's map, so
   * 1,000 conversations are about 21,000 entries (a few MB), which fits a 64 MB heap beside the
   * rest of the assembly.
   */
  conversationsPerPartition?: number;
  /** Each conversation of a band bucket is compared with at most this many of the bucket's earliest members. Default 3. */
  maxEarlierPerBucket?: number;
  /** Texts with fewer 5-character shingles than this are matched exactly only. Default 3. */
  minShingles?: number;
}

/** What the scan found, for the manifest and tests. */
export interface AssemblyDedupSummary {
  scanned: number;
  candidatePairs: number;
  exact: number;
  near: number;
  partitions: number;
}

/**
 * The cross-file, cross-day duplicate search of the nightly assembly. The blob path removes
 * exact and near duplicates within a blob only (`WindowedSignatureStore`); this stage compares every conversation the assembly is about to use with every other,
 * and leaves out each one that has an earlier-seen near (or exact) duplicate: the conversation
 * first seen (oldest shard, then lowest line) is kept.
 *
 * It works in bounded memory whatever the number of conversations, with hash-partitioned scratch
 * files like the rest of the assembly:
 * 1. every conversation's MinHash signature is computed from its example text and written to a
 *    signature file (in identity-hash order, as the assembly reads them), and its 20 LSH band
 *    keys plus its exact-text key to band partitions;
 * 2. per band partition, the members of each bucket are ordered by first sight and each later
 *    member becomes a candidate pair with the earliest members (at most `maxEarlierPerBucket`);
 * 3. the pairs are joined with the later conversation's signature (pairs partitioned by the later
 *    hash, the signature file read alongside), then with the earlier one's (partitioned by the
 *    earlier hash), and verified against the threshold;
 * 4. verdicts go to partitions by the later conversation's hash, which `decide` reads one at a
 *    time as the assembly walks the conversations in hash order.
 *
 * Deterministic: the same shards give the same first-seen order and the same verdicts. A
 * conversation is left out when any earlier-seen conversation is similar enough, whether or not
 * that one is left out itself (in a chain A ≈ B ≈ C with A and C apart, only A stays; the blob
 * path's online search compares with kept conversations only and would keep C).
 */
export function nearDuplicateAssemblyStage(options: AssemblyDedupOptions): AssemblyStage & { summary(): AssemblyDedupSummary } {
  const threshold = options.threshold;
  if (!(threshold > 0 && threshold <= 1)) throw new Error(`assembly dedup threshold must be in (0, 1], got ${threshold}`);
  const perPartition = Math.max(1, options.conversationsPerPartition ?? 1000);
  const maxEarlier = Math.max(1, options.maxEarlierPerBucket ?? 3);
  const minShingles = options.minShingles ?? 3;
  const hasher = new OnePermutationHasher(SIGNATURE_BANDING.bands * SIGNATURE_BANDING.rows);
  const summary: AssemblyDedupSummary = { scanned: 0, candidatePairs: 0, exact: 0, near: 0, partitions: 0 };
  let verdicts: HashPartitions | undefined;
  let loaded = -1;
  let current = new Map<string, StageDecision>();

  return {
    name: 'duplicates',
    summary: () => ({ ...summary }),
    async scan(conversations, { scratch, expectedConversations, signal }) {
      const count = Math.max(1, Math.min(4096, Math.ceil(expectedConversations / perPartition)));
      summary.partitions = count;
      const sigFile = scratch.file('dedup-signatures.txt');
      const signatures = new LineWriter(sigFile);
      const bands = new HashPartitions(scratch, count, 'dedup-bands');
      // 1. signatures (identity-hash order) and band keys.
      for await (const conversation of conversations) {
        signal?.throwIfAborted();
        summary.scanned++;
        const normalised = normaliseText(assemblyText(conversation));
        const exact = exactHash(normalised);
        const signature = hasher.signatureOfText(normalised, minShingles);
        const first = conversation.records[0];
        await signatures.write(
          [
            conversation.hash,
            conversation.firstSeen,
            exact,
            oneField(identityLabel(conversation.identity)),
            oneField(first.source.file),
            first.source.line,
            signature ? compactSignature(signature) : '',
            placeField(first.source as { unit?: unknown; part?: unknown }),
          ].join('\t'),
        );
        const keys = [`e-${exact}`, ...(signature ? bandKeys(signature, SIGNATURE_BANDING) : [])];
        for (const key of keys)
          await bands.write(key.slice(key.indexOf('-') + 1), `${key}\t${conversation.firstSeen}\t${conversation.hash}`);
      }
      await Promise.all([signatures.close(), bands.close()]);

      // 2. candidate pairs per bucket, partitioned by the later conversation. Two passes over a
      // band partition: the earliest members of each bucket, then every member against them, so a
      // bucket of a million near-identical conversations costs memory for `maxEarlier` of them.
      const pairs = new HashPartitions(scratch, count, 'dedup-pairs');
      for (let p = 0; p < count; p++) {
        signal?.throwIfAborted();
        const earliest = new Map<string, Member[]>();
        for await (const line of bands.read(p)) {
          const [key, firstSeen, hash] = line.split('\t');
          const member = { firstSeen, hash };
          const list = earliest.get(key);
          if (!list) earliest.set(key, [member]);
          else if (list.length < maxEarlier || before(member, list[list.length - 1])) {
            list.push(member);
            list.sort(compareMembers);
            if (list.length > maxEarlier) list.pop();
          }
        }
        for await (const line of bands.read(p)) {
          const [key, firstSeen, hash] = line.split('\t');
          const member = { firstSeen, hash };
          for (const e of earliest.get(key) ?? []) if (before(e, member)) await pairs.write(hash, `${hash}\t${e.hash}`);
        }
        await bands.remove(p);
      }
      await pairs.close();

      // 3a. join each pair with the later conversation's signature; partition by the earlier one.
      const joined = new HashPartitions(scratch, count, 'dedup-joined');
      const laterSigs = new SignatureReader(sigFile, pairs);
      for (let p = 0; p < count; p++) {
        signal?.throwIfAborted();
        const earlierOf = new Map<string, Set<string>>();
        for await (const line of pairs.read(p)) {
          const [later, earlier] = line.split('\t');
          const set = earlierOf.get(later);
          if (set) set.add(earlier);
          else earlierOf.set(later, new Set([earlier]));
        }
        await pairs.remove(p);
        for await (const sig of laterSigs.partition(p)) {
          const earlier = earlierOf.get(sig.hash);
          if (!earlier) continue;
          for (const e of earlier) {
            summary.candidatePairs++;
            await joined.write(e, `${e}\t${sig.hash}\t${sig.exact}\t${sig.signature}`);
          }
        }
      }
      await joined.close();

      // 3b. verify against the earlier conversation's signature (this partition's signatures in
      // memory, the joined pairs streamed: an original with a million copies costs nothing more);
      // verdicts by the later conversation.
      verdicts = new HashPartitions(scratch, count, 'dedup-verdicts');
      const earlierSigs = new SignatureReader(sigFile, joined);
      for (let q = 0; q < count; q++) {
        signal?.throwIfAborted();
        const sigs = new Map<string, SignatureLine>();
        for await (const sig of earlierSigs.partition(q)) sigs.set(sig.hash, sig);
        for await (const line of joined.read(q)) {
          const [earlier, later, exact, signature] = line.split('\t');
          const sig = sigs.get(earlier);
          if (!sig) continue;
          const similarity = exact === sig.exact ? 1 : sig.signature && signature ? compactSimilarity(sig.signature, signature) : 0;
          if (similarity < threshold) continue;
          await verdicts.write(
            later,
            [later, sig.firstSeen, sig.hash, similarity.toFixed(2), sig.label, sig.file, sig.line, sig.unit].join('\t'),
          );
        }
        await joined.remove(q);
      }
      await verdicts.close();
      loaded = -1;
    },
    async decide(conversation) {
      if (!verdicts) return undefined;
      const p = verdicts.partitionOf(conversation.hash);
      if (p !== loaded) {
        current = await loadVerdicts(verdicts, p);
        loaded = p;
      }
      const decision = current.get(conversation.hash);
      if (decision) {
        current.delete(conversation.hash);
        if (decision.reason === 'duplicate-exact') summary.exact++;
        else summary.near++;
      }
      return decision;
    },
  };
}

interface Member {
  firstSeen: string;
  hash: string;
}

function compareMembers(a: Member, b: Member): number {
  return a.firstSeen < b.firstSeen ? -1 : a.firstSeen > b.firstSeen ? 1 : a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0;
}

function before(a: Member, b: Member): boolean {
  return compareMembers(a, b) < 0;
}

/**
 * The low 16 bits of each MinHash value, base64 (240 bytes for 120 values instead of 480): two
 * different values agree by chance with probability 1/65,536, which moves an estimated
 * similarity by well under 0.01, and the signatures travel through the scratch files once per
 * candidate pair.
 */
export function compactSignature(signature: Uint32Array): string {
  const out = Buffer.alloc(signature.length * 2);
  for (let i = 0; i < signature.length; i++) out.writeUInt16LE(signature[i] & 0xffff, i * 2);
  return out.toString('base64');
}

/** Share of equal positions of two compact signatures (the MinHash estimate of Jaccard similarity). */
export function compactSimilarity(a: string, b: string): number {
  const x = Buffer.from(a, 'base64');
  const y = Buffer.from(b, 'base64');
  if (x.length !== y.length || !x.length) return 0;
  let same = 0;
  for (let i = 0; i < x.length; i += 2) if (x[i] === y[i] && x[i + 1] === y[i + 1]) same++;
  return same / (x.length / 2);
}

/** A name as one field of a scratch line (tabs and line breaks would split it). */
function oneField(text: string): string {
  return text.replace(/[\t\r\n]/g, ' ');
}

/** The text compared: the conversation example's non-system messages (else the first record's). */
export function assemblyText(conversation: { records: { kind: string; example: { messages: Record<string, unknown>[] } }[] }): string {
  const record = conversation.records.find((r) => r.kind === 'conversation') ?? conversation.records[0];
  return record.example.messages
    .filter((m) => m.role !== 'system')
    .map(messageText)
    .join('\n');
}

/** The verdicts of one partition: per later conversation, the earliest-seen similar one (ties: higher similarity, lower hash). */
async function loadVerdicts(verdicts: HashPartitions, p: number): Promise<Map<string, StageDecision>> {
  const best = new Map<
    string,
    { firstSeen: string; hash: string; similarity: number; label: string; file: string; line: string; unit: string }
  >();
  for await (const line of verdicts.read(p)) {
    const [later, firstSeen, hash, similarity, label, file, at, unit] = line.split('\t');
    const candidate = { firstSeen, hash, similarity: Number(similarity), label, file, line: at, unit };
    const seen = best.get(later);
    const better =
      !seen ||
      candidate.firstSeen < seen.firstSeen ||
      (candidate.firstSeen === seen.firstSeen &&
        (candidate.similarity > seen.similarity || (candidate.similarity === seen.similarity && candidate.hash < seen.hash)));
    if (better) best.set(later, candidate);
  }
  const out = new Map<string, StageDecision>();
  for (const [later, of] of best) {
    const exact = of.similarity >= 1;
    out.set(later, {
      reason: exact ? 'duplicate-exact' : 'duplicate-near',
      detail: `${exact ? 'exact duplicate' : `near duplicate (estimated Jaccard ${of.similarity.toFixed(2)})`} of conversation ${of.label} (${recordPlace({ file: of.file, line: Number(of.line), ...placeOfField(of.unit) })}), seen earlier`,
    });
  }
  return out;
}

interface SignatureLine {
  hash: string;
  firstSeen: string;
  exact: string;
  label: string;
  file: string;
  line: string;
  signature: string;
  /** What `line` counts and which record of the line it is (`placeField`). */
  unit: string;
}

/**
 * Where a curated record came from besides file and line, as one field of a scratch line: what
 * `line` counts (`unitField`), then `#<index>/<of>` when the record was one of several on its line
 * (`SourceRef.part`), so a duplicate's detail names "line 2, record 2 of 2" as the rejections do.
 */
function placeField(source: { unit?: unknown; part?: unknown }): string {
  const part = source.part as { index?: unknown; of?: unknown } | undefined;
  const suffix = part && Number.isInteger(part.index) && Number.isInteger(part.of) ? `#${String(part.index)}/${String(part.of)}` : '';
  return unitField(source.unit) + suffix;
}

function placeOfField(field: string | undefined): Pick<SourceRef, 'unit' | 'part'> {
  const part = field ? /#(\d+)\/(\d+)$/.exec(field) : null;
  const unit = unitOfField(part ? field?.slice(0, part.index) : field);
  return {
    ...(unit === undefined ? {} : { unit }),
    ...(part ? { part: { index: Number(part[1]), of: Number(part[2]) } } : {}),
  };
}

/**
 * `SourceRef.unit` as one field of a scratch line: empty for a line, `csv-row`, or `sheet:<name>`.
 * Curated records carry it since preprocessing writes it; older shards have none and say "line".
 */
function unitField(unit: unknown): string {
  if (unit === 'csv-row') return unit;
  if (typeof unit === 'object' && unit !== null && typeof (unit as { sheet?: unknown }).sheet === 'string')
    return `sheet:${oneField((unit as { sheet: string }).sheet)}`;
  return '';
}

function unitOfField(field: string | undefined): SourceRef['unit'] {
  if (field === 'csv-row') return 'csv-row';
  if (field?.startsWith('sheet:')) return { sheet: field.slice('sheet:'.length) };
  return undefined;
}

/**
 * Reads the signature file (identity-hash order) partition by partition, in partition order: the
 * lines of partition p are exactly the hashes `partitions.partitionOf` puts in p, as both use the
 * same hash ranges.
 */
class SignatureReader {
  private readonly lines: AsyncIterator<string>;
  private pending: SignatureLine | undefined;
  private done = false;

  constructor(
    file: string,
    private readonly partitions: HashPartitions,
  ) {
    this.lines = readFileLines(file)[Symbol.asyncIterator]();
  }

  async *partition(p: number): AsyncIterable<SignatureLine> {
    for (;;) {
      if (!this.pending) {
        if (this.done) return;
        const next = await this.lines.next();
        if (next.done) {
          this.done = true;
          return;
        }
        const [hash, firstSeen, exact, label, file, line, signature, unit] = next.value.split('\t');
        this.pending = { hash, firstSeen, exact, label, file, line, signature, unit };
      }
      const at = this.partitions.partitionOf(this.pending.hash);
      if (at < p) {
        this.pending = undefined;
        continue;
      }
      if (at > p) return;
      const out = this.pending;
      this.pending = undefined;
      yield out;
    }
  }
}
