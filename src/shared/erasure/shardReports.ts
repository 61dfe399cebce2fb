import type { Runtime } from '../composition/runtime';
import { estimateTrainingCost } from '../dataset/cost';
import { percentile, type PreprocessReport, type ReportErasure } from '../dataset/preprocessReport';
import { isStatus } from '../errors';
import { CONTAINERS } from '../storage/names';

interface CuratedFields {
  conversation_id?: unknown;
  kind?: unknown;
  split?: unknown;
  tokens?: unknown;
  issue_type?: unknown;
  language?: unknown;
  session?: unknown;
  source?: { line?: unknown };
}

interface Amendment {
  removedLines: CuratedFields[];
  /** The shard's lines now, when the shard was rewritten (tokens and cost are counted again from them). */
  keptLines?: CuratedFields[];
  quarantined: number;
  quarantineReasons: Record<string, number>;
  /** Quarantine lines of sessions left out of used chats (`session` set): not records. */
  sessions: number;
  sessionReasons: Record<string, number>;
  feedback: number;
}

/**
 * The `.report.json` next to each curated shard (`curated/<blob>/<etag hash>.report.json`) after an
 * erasure rewrote that blob version's shard, quarantine or feedback: its counts follow the files
 * as they are now (as a dataset version's manifest does), and `erasures` says what each request
 * took out. A reader holding the report beside the shard finds the same numbers in both; the
 * audit of what was there before is the `erasures` entry. Counters only the run itself knew
 * (`quality`, `timings_ms`, `warnings`, `feedback.joined`, `set_aside`) describe the run as it was.
 * What an erasure took out of each blob version's outputs is gathered here while it rewrites them,
 * then written into the reports.
 */
export class ShardReportAmendments {
  private readonly byBase = new Map<string, Amendment>();

  /** A curated shard (`<base>.jsonl`) was rewritten (or deleted, `kept` empty). */
  curated(shardName: string, removed: readonly string[], kept: readonly string[]): void {
    const amendment = this.of(shardName);
    amendment.removedLines.push(...removed.flatMap(parse));
    amendment.keptLines = kept.flatMap(parse);
  }

  /** A quarantine file (`<base>.jsonl`, the same base as its shard) lost these lines. */
  quarantine(fileName: string, removed: readonly string[]): void {
    const amendment = this.of(fileName);
    for (const line of removed) {
      const [fields] = parse(line);
      const { reason, session } = (fields as { reason?: unknown; session?: unknown } | undefined) ?? {};
      if (typeof session === 'number') {
        amendment.sessions++;
        if (typeof reason === 'string') amendment.sessionReasons[reason] = (amendment.sessionReasons[reason] ?? 0) + 1;
        continue;
      }
      amendment.quarantined++;
      if (typeof reason === 'string') amendment.quarantineReasons[reason] = (amendment.quarantineReasons[reason] ?? 0) + 1;
    }
  }

  /** Feedback records taken out of the raw blob version whose report is `reportName`. */
  feedback(reportName: string, count: number): void {
    if (count > 0) this.of(reportName.replace(/\.report\.json$/, '.jsonl')).feedback += count;
  }

  /** Rewrites every affected report that exists; a blob version without one (never processed) has nothing to amend. */
  async write(runtime: Runtime, requestId: string, at: Date, signal?: AbortSignal): Promise<void> {
    const container = runtime.storage.container(CONTAINERS.curated);
    for (const [base, amendment] of this.byBase) {
      const blob = container.getBlockBlobClient(`${base}.report.json`);
      let report: PreprocessReport;
      try {
        report = JSON.parse((await blob.downloadToBuffer(0, undefined, { abortSignal: signal })).toString('utf8')) as typeof report;
      } catch (err) {
        if (isStatus(err, 404)) continue;
        throw err;
      }
      amend(report, amendment, { request_id: requestId, at: at.toISOString() });
      const text = JSON.stringify(report, null, 2) + '\n';
      await blob.upload(text, Buffer.byteLength(text), { blobHTTPHeaders: { blobContentType: 'application/json' }, abortSignal: signal });
    }
  }

  private of(name: string): Amendment {
    const base = name.replace(/\.jsonl$/, '');
    let amendment = this.byBase.get(base);
    if (!amendment)
      this.byBase.set(
        base,
        (amendment = { removedLines: [], quarantined: 0, quarantineReasons: {}, sessions: 0, sessionReasons: {}, feedback: 0 }),
      );
    return amendment;
  }
}

function parse(line: string): CuratedFields[] {
  if (!line.trim()) return [];
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === 'object' ? [value] : [];
  } catch {
    return [];
  }
}

function amend(report: PreprocessReport, amendment: Amendment, request: Pick<ReportErasure, 'request_id' | 'at'>): void {
  // A used conversation is one input record however many examples it gave (split parts, intent).
  const conversations = new Map<string, CuratedFields[]>();
  for (const line of amendment.removedLines) {
    const key = `${String(line.conversation_id)}\u0000${String(line.source?.line)}`;
    conversations.set(key, [...(conversations.get(key) ?? []), line]);
  }
  const examples = report.examples as Record<string, number>;
  for (const line of amendment.removedLines) {
    if (typeof line.split === 'string' && typeof examples[line.split] === 'number') examples[line.split] = down(examples[line.split], 1);
    if (typeof line.kind === 'string' && typeof report.examples_by_kind[line.kind] === 'number')
      report.examples_by_kind[line.kind] = down(report.examples_by_kind[line.kind], 1);
  }
  for (const lines of conversations.values()) {
    const [first] = lines;
    if (typeof first.issue_type === 'string') decrement(report.issue_types, first.issue_type);
    if (typeof first.language === 'string') decrement(report.languages, first.language);
    // A chat cut into sessions has an example per session: split only when one session has more.
    const perSession = new Map<unknown, number>();
    for (const l of lines) if (l.kind !== 'intent') perSession.set(l.session, (perSession.get(l.session) ?? 0) + 1);
    if ([...perSession.values()].some((n) => n > 1)) report.conversations_split = down(report.conversations_split, 1);
  }
  if (amendment.keptLines) {
    const tokens = amendment.keptLines.map((l) => (typeof l.tokens === 'number' ? l.tokens : 0));
    const counts = new Map<number, number>();
    for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    const histogram = [...counts.entries()].sort(([a], [b]) => a - b);
    report.tokens = {
      total: tokens.reduce((sum, t) => sum + t, 0),
      p50: percentile(histogram, 0.5),
      p95: percentile(histogram, 0.95),
      max: histogram.length ? histogram[histogram.length - 1][0] : 0,
    };
    const trainTokens = amendment.keptLines.reduce(
      (sum, l) => sum + (l.split === 'train' && typeof l.tokens === 'number' ? l.tokens : 0),
      0,
    );
    const cost = estimateTrainingCost({ model: report.model, fileTokens: trainTokens, epochs: report.epochs });
    report.training_tokens = cost.training_tokens;
    report.estimated_cost_usd = cost.estimated_cost_usd;
  }
  const used = conversations.size + amendment.feedback;
  report.records_used = down(report.records_used, used);
  report.feedback.stored = down(report.feedback.stored, amendment.feedback);
  report.records_quarantined = down(report.records_quarantined, amendment.quarantined);
  for (const [reason, n] of Object.entries(amendment.quarantineReasons)) decrement(report.quarantine_reasons, reason, n);
  if (amendment.sessions && report.sessions_quarantined !== undefined) {
    report.sessions_quarantined = down(report.sessions_quarantined, amendment.sessions);
    for (const [reason, n] of Object.entries(amendment.sessionReasons)) decrement(report.session_quarantine_reasons ?? {}, reason, n);
  }
  // Records in = used + quarantined held before; it still does.
  report.records_in = down(report.records_in, used + amendment.quarantined);
  report.erasures = [
    ...(report.erasures ?? []),
    {
      ...request,
      removed: {
        records: used + amendment.quarantined,
        records_used: used,
        records_quarantined: amendment.quarantined,
        examples: amendment.removedLines.length,
        feedback: amendment.feedback,
        ...(amendment.sessions ? { sessions_quarantined: amendment.sessions } : {}),
      },
    },
  ];
}

function down(value: number, by: number): number {
  return Math.max(0, value - by);
}

/** A count map as the report writes it: a key with nothing left goes. */
function decrement(map: Record<string, number>, key: string, by = 1): void {
  if (typeof map[key] !== 'number') return;
  const left = map[key] - by;
  if (left > 0) map[key] = left;
  else Reflect.deleteProperty(map, key);
}
