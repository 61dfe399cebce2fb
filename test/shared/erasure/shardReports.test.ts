import type { Runtime } from '../../../src/shared/composition/runtime';
import { blobOutputNames, preprocessBlob } from '../../../src/shared/dataset/blobPreprocess';
import type { PreprocessReport } from '../../../src/shared/dataset/preprocessReport';
import { forget, matchTarget } from '../../../src/shared/erasure';
import { CONTAINERS } from '../../../src/shared/storage/names';
import { startErasureRuntime, type ErasureRuntime } from './erasureRuntime';
import { conversationLine, conversationsJsonl } from '../dataset/fixtures';

type Report = PreprocessReport & { blob: string; etag: string };

/** The counts of a report that describe the files (not the run's own counters, timings or warnings). */
function counts(report: Report) {
  return {
    records_in: report.records_in,
    records_used: report.records_used,
    records_quarantined: report.records_quarantined,
    quarantine_reasons: report.quarantine_reasons,
    examples: report.examples,
    examples_by_kind: report.examples_by_kind,
    tokens: report.tokens,
    issue_types: report.issue_types,
    languages: report.languages,
    feedback_stored: report.feedback.stored,
    conversations_split: report.conversations_split,
    training_tokens: report.training_tokens,
    estimated_cost_usd: report.estimated_cost_usd,
  };
}

/**
 * A shard's `.report.json` after `forget` rewrote the shard, its quarantine file and the raw
 * feedback: its counts are what preprocessing the rewritten blob says (measured by preprocessing a
 * copy of it), and `erasures` says what the request took out.
 */
describe("forget amends the shard's report (private Azurite)", () => {
  let stack: ErasureRuntime;
  let azurite: ErasureRuntime['azurite'];
  let runtime: Runtime;
  const EMAIL = 'maren.holt@example.net';
  const chats =
    conversationsJsonl(8, 'c') +
    conversationLine('c-mail', {
      issue: 'account',
      turns: [
        ['customer', `Please change the e-mail on my account to ${EMAIL} before my renewal next week.`],
        ['agent', 'Done: the address on your account is updated and a confirmation goes out today.'],
      ],
    }) +
    '\n' +
    // Cut off, so quarantined (invalid-json), and holding the e-mail.
    `{"conversation_id": "broken", "messages": [{"role": "customer", "text": "write to ${EMAIL}"}\n`;
  const ratings =
    [
      JSON.stringify({ conversation_id: 'c-mail', rating: 5, comment: 'quick, thanks' }),
      JSON.stringify({ conversation_id: 'c-2', rating: 4 }),
    ].join('\n') + '\n';

  async function upload(name: string, body: string): Promise<string> {
    const result = await azurite.storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(body, Buffer.byteLength(body));
    return result.etag!;
  }
  async function report(name: string, etag: string): Promise<Report> {
    const blob = azurite.storage.container(CONTAINERS.curated).getBlobClient(blobOutputNames(name, etag).report);
    return JSON.parse((await blob.downloadToBuffer()).toString('utf8')) as Report;
  }
  async function raw(name: string): Promise<string> {
    return (await azurite.storage.container(CONTAINERS.raw).getBlobClient(name).downloadToBuffer()).toString('utf8');
  }

  beforeAll(async () => {
    stack = await startErasureRuntime('tuneloop-forget-report-');
    ({ azurite, runtime } = stack);
  }, 60_000);

  afterAll(async () => {
    await stack.stop();
  });

  it('the counts follow the rewritten shard, quarantine and feedback, and the report says what the erasure removed', async () => {
    const chatsEtag = await upload('chats/day-1.jsonl', chats);
    const ratingsEtag = await upload('feedback/ratings.jsonl', ratings);
    expect((await preprocessBlob(runtime, 'chats/day-1.jsonl')).status).toBe('processed');
    expect((await preprocessBlob(runtime, 'feedback/ratings.jsonl')).status).toBe('processed');
    const before = await report('chats/day-1.jsonl', chatsEtag);
    expect(before).toMatchObject({ records_in: 10, records_used: 9, records_quarantined: 1, quarantine_reasons: { 'invalid-json': 1 } });

    const at = new Date('2026-12-01T10:00:00Z');
    await forget(runtime, matchTarget(EMAIL), { requestId: 'req-report', now: at });

    // What preprocessing the rewritten blobs says, measured on copies (the rewritten blobs themselves are marked as done).
    const chatsCopy = await upload('copies/day-1.jsonl', await raw('chats/day-1.jsonl'));
    const ratingsCopy = await upload('copies/ratings.jsonl', await raw('feedback/ratings.jsonl'));
    expect((await preprocessBlob(runtime, 'copies/day-1.jsonl')).status).toBe('processed');
    expect((await preprocessBlob(runtime, 'copies/ratings.jsonl')).status).toBe('processed');

    const after = await report('chats/day-1.jsonl', chatsEtag);
    expect(counts(after)).toEqual(counts(await report('copies/day-1.jsonl', chatsCopy)));
    expect(counts(after)).not.toEqual(counts(before));
    expect(after.records_in).toBe(after.records_used + after.records_quarantined);
    expect(after.erasures).toEqual([
      {
        request_id: 'req-report',
        at: at.toISOString(),
        // c-mail (a conversation and its intent example) and the cut-off line.
        removed: { records: 2, records_used: 1, records_quarantined: 1, examples: 2, feedback: 0 },
      },
    ]);
    // The run's own counters stay as they were.
    expect(after.quality).toEqual(before.quality);

    const feedbackAfter = await report('feedback/ratings.jsonl', ratingsEtag);
    expect(counts(feedbackAfter)).toEqual(counts(await report('copies/ratings.jsonl', ratingsCopy)));
    expect(feedbackAfter.erasures).toEqual([
      expect.objectContaining({ removed: { records: 1, records_used: 1, records_quarantined: 0, examples: 0, feedback: 1 } }),
    ]);

    // Idempotent: the same request again finds nothing and adds no entry.
    await forget(runtime, matchTarget(EMAIL), { requestId: 'req-report', now: at });
    expect(await report('chats/day-1.jsonl', chatsEtag)).toEqual(after);
  }, 120_000);
});
