import { Readable } from 'node:stream';
import {
  attributionTotals,
  BEFORE_TUNELOOP,
  csatByModel,
  loadCsatByModel,
  ratingFromRow,
  readRatings,
} from '../../../src/shared/evaluation/csat';
import { loadSettings } from '../../../src/shared/config/settings';
import { preprocessStream } from '../../../src/shared/dataset/preprocess';
import { preprocessStages } from '../../../src/shared/dataset/pipelineStages';
import { MemorySignatureStore } from '../../../src/shared/quality/dedup';
import { switchProduction } from '../../../src/shared/deployments/registry';
import { TableFeedbackStore } from '../../../src/shared/dataset/feedbackStore';
import { TABLES } from '../../../src/shared/storage/names';
import { tableKey } from '../../../src/shared/dataset/keys';
import { storageWithPrivateTables } from '../../setup/storage';
import { qualityConfig } from '../../../src/shared/composition/config';

describe('CSAT per model version', () => {
  const promotions = [
    {
      sequence: 1,
      jobKey: 'a',
      deploymentName: 'dep-a',
      fineTunedModel: 'm-a',
      datasetVersion: 'v1',
      promotedAt: '2026-02-01T00:00:00.000Z',
    },
    {
      sequence: 2,
      jobKey: 'b',
      deploymentName: 'dep-b',
      fineTunedModel: 'm-b',
      datasetVersion: 'v2',
      promotedAt: '2026-02-10T00:00:00.000Z',
    },
  ];

  it('attributes each rating to the model in production at its time', () => {
    const at = (iso: string, rating: number) => ({ rating, at: new Date(iso) });
    const r = csatByModel(
      [at('2026-01-15T00:00:00Z', 2), at('2026-02-02T00:00:00Z', 3), at('2026-02-05T00:00:00Z', 4), at('2026-02-11T00:00:00Z', 5)],
      promotions,
    );
    expect(r).toEqual([
      {
        jobKey: BEFORE_TUNELOOP,
        from: '',
        ratings: 1,
        meanCsat: 2,
        attributedByConversation: 0,
        attributedByFeedback: 0,
        attributedByTime: 1,
      },
      {
        jobKey: 'a',
        deploymentName: 'dep-a',
        from: promotions[0].promotedAt,
        ratings: 2,
        meanCsat: 3.5,
        attributedByConversation: 0,
        attributedByFeedback: 0,
        attributedByTime: 2,
        interval: { low: 3, high: 4 },
      },
      {
        jobKey: 'b',
        deploymentName: 'dep-b',
        from: promotions[1].promotedAt,
        ratings: 1,
        meanCsat: 5,
        attributedByConversation: 0,
        attributedByFeedback: 0,
        attributedByTime: 1,
      },
    ]);
  });

  it('credits a rating to the model the log names, before the time of the rating', () => {
    const at = (iso: string, rating: number, model?: string) => ({ rating, at: new Date(iso), ...(model ? { model } : {}) });
    // Rated while b was in production, but the conversation says dep-a answered it (e.g. a slow feedback file).
    const r = csatByModel(
      [
        at('2026-02-11T00:00:00Z', 1, 'dep-a'),
        at('2026-02-12T00:00:00Z', 5, 'm-b'),
        at('2026-02-12T00:00:00Z', 3),
        at('2026-02-13T00:00:00Z', 4, 'gpt-4o-prod'),
      ],
      promotions,
    );
    expect(r.find((c) => c.jobKey === 'a')).toMatchObject({ ratings: 1, meanCsat: 1, attributedByFeedback: 1, attributedByTime: 0 });
    expect(r.find((c) => c.jobKey === 'b')).toMatchObject({ ratings: 2, meanCsat: 4, attributedByFeedback: 1, attributedByTime: 1 });
    expect(r.find((c) => c.jobKey === 'gpt-4o-prod')).toMatchObject({ ratings: 1, attributedByFeedback: 1, from: '' });
    expect(ratingFromRow({ rating: 4, receivedAt: '2026-03-01T00:00:00Z', deployment: 'dep-b' })).toMatchObject({ model: 'dep-b' });
  });

  it('prefers the conversation time, ignores rows without a usable rating', () => {
    expect(ratingFromRow({ rating: 4, conversationAt: '2026-01-01T00:00:00Z', receivedAt: '2026-03-01T00:00:00Z' })!.at.toISOString()).toBe(
      '2026-01-01T00:00:00.000Z',
    );
    expect(ratingFromRow({ rating: 9, receivedAt: '2026-03-01T00:00:00Z' })).toBeUndefined();
    expect(ratingFromRow({ rating: 3 })).toBeUndefined();
  });

  it('reads feedback rows written by preprocessing (newest rating per conversation) from Azurite', async () => {
    const storage = await storageWithPrivateTables([TABLES.feedback, TABLES.answeredBy, TABLES.rated, TABLES.models]);
    let clock = new Date('2026-02-02T00:00:00Z');
    const store = new TableFeedbackStore(storage.table(TABLES.feedback), {
      answered: storage.table(TABLES.answeredBy),
      rated: storage.table(TABLES.rated),
      now: () => clock,
    });
    const source = (line: number) => ({ file: 'feedback.csv', line, record: '' });
    await store.put({ conversationId: 'c1', rating: 2, source: source(2) });
    clock = new Date('2026-02-03T00:00:00Z');
    await store.put({ conversationId: 'c1', rating: 4, source: source(3) });
    await store.put({ conversationId: 'c2', rating: 5, source: source(4) });
    // A feedback record that names the answering model (JSONL `model`/`deployment`) is credited to it.
    await store.put({ conversationId: 'c3', rating: 1, model: 'legacy-bot', source: source(5) });
    await switchProduction(
      storage,
      { jobKey: 'a', deploymentName: 'dep-a', fineTunedModel: 'm-a', datasetVersion: 'v1' },
      { expected: undefined, now: new Date('2026-02-01T00:00:00Z') },
    );
    expect(await loadCsatByModel(storage)).toEqual([
      {
        jobKey: 'a',
        deploymentName: 'dep-a',
        from: '2026-02-01T00:00:00.000Z',
        ratings: 2,
        meanCsat: 4.5,
        attributedByConversation: 0,
        attributedByFeedback: 0,
        attributedByTime: 2,
        interval: { low: 4, high: 5 },
      },
      {
        jobKey: 'legacy-bot',
        from: '',
        ratings: 1,
        meanCsat: 1,
        attributedByConversation: 0,
        attributedByFeedback: 1,
        attributedByTime: 0,
      },
    ]);
  });
  it('credits the model the rated conversation names before the feedback row and the production time', () => {
    const r = csatByModel(
      [
        // Rated while b was in production; the conversation says dep-a answered, the feedback row says m-b.
        { rating: 1, at: new Date('2026-02-11T00:00:00Z'), conversationModel: 'dep-a', model: 'm-b' },
        { rating: 5, at: new Date('2026-02-12T00:00:00Z'), model: 'm-b' },
        { rating: 3, at: new Date('2026-02-12T00:00:00Z') },
      ],
      promotions,
    );
    expect(r.find((c) => c.jobKey === 'a')).toMatchObject({
      ratings: 1,
      meanCsat: 1,
      attributedByConversation: 1,
      attributedByFeedback: 0,
      attributedByTime: 0,
    });
    expect(r.find((c) => c.jobKey === 'b')).toMatchObject({
      ratings: 2,
      meanCsat: 4,
      attributedByConversation: 0,
      attributedByFeedback: 1,
      attributedByTime: 1,
    });
    expect(attributionTotals(r)).toEqual({ conversation: 1, feedback: 1, time: 1 });
  });

  it('end to end: a chat log naming its model, preprocessed into Azurite, beats the production-at-the-time fallback', async () => {
    const storage = await storageWithPrivateTables([TABLES.feedback, TABLES.answeredBy, TABLES.rated, TABLES.models]);
    // a was promoted on Feb 1, b on Feb 10; every rating below is received on Feb 12 (b in production).
    const first = await switchProduction(
      storage,
      { jobKey: 'a', deploymentName: 'dep-a', fineTunedModel: 'm-a', datasetVersion: 'v1' },
      { expected: undefined, now: new Date('2026-02-01T00:00:00Z') },
    );
    await switchProduction(
      storage,
      { jobKey: 'b', deploymentName: 'dep-b', fineTunedModel: 'm-b', datasetVersion: 'v2' },
      { expected: first, now: new Date('2026-02-10T00:00:00Z') },
    );
    const store = new TableFeedbackStore(storage.table(TABLES.feedback), {
      answered: storage.table(TABLES.answeredBy),
      rated: storage.table(TABLES.rated),
      now: () => new Date('2026-02-12T00:00:00Z'),
    });
    const settings = loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true' });
    const customer = 'Hello, my parcel for order 5521 has not arrived yet, can you check it?';
    const agent = 'Sorry about the wait! Order 5521 left our warehouse yesterday and arrives tomorrow.';
    const lines = [
      // Answered by dep-a (a conversation from before the switch whose rating came late).
      JSON.stringify({
        conversation_id: 'late',
        messages: [
          { role: 'customer', text: customer },
          { role: 'agent', text: agent, model: 'dep-a' },
        ],
      }),
      JSON.stringify({
        conversation_id: 'plain',
        messages: [
          { role: 'customer', text: 'Can I pay invoice 8812 by bank transfer?' },
          { role: 'agent', text: 'Yes, the bank details are on the invoice.' },
        ],
      }),
      JSON.stringify({ conversation_id: 'late', rating: 2 }),
      JSON.stringify({ conversation_id: 'plain', rating: 5 }),
      '{"conversation_id": "broken", "rating": ',
    ];
    const stats = await preprocessStream(Readable.from([Buffer.from(lines.join('\n') + '\n')]), {
      fileName: 'chats-and-ratings.jsonl',
      model: 'gpt-4o-mini-2024-07-18',
      systemPrompt: '',
      shares: { validation: 0.1, holdout: 0.1 },
      stages: preprocessStages({ quality: qualityConfig(settings), signatures: new MemorySignatureStore() }),
      feedback: store,
      sink: { curated: () => undefined, quarantine: () => undefined },
    });
    expect(stats.records_in).toBe(5);
    expect(stats.records_in).toBe(stats.records_used + stats.records_quarantined);
    expect(stats.records_quarantined).toBe(1);
    // The answered-by row is no rating: the feedback lookup for the conversation is unaffected.
    expect(await store.latest('late')).toMatchObject({ rating: 2 });
    // It is kept in its own table: table feedback holds the two ratings only (a log naming its
    // model on every conversation must not make every rating lookup scan a row per conversation).
    const rowsOf = async (name: string) => {
      const rows: Record<string, unknown>[] = [];
      for await (const row of storage.table(name).listEntities()) rows.push(row);
      return rows;
    };
    expect((await rowsOf(TABLES.feedback)).map((r) => r.rating).sort()).toEqual([2, 5]);
    expect((await rowsOf(TABLES.answeredBy)).map((r) => [r.conversationId, r.answeringModel])).toEqual([['late', 'dep-a']]);
    const csat = await loadCsatByModel(storage);
    expect(csat.find((c) => c.jobKey === 'a')).toMatchObject({ ratings: 1, meanCsat: 2, attributedByConversation: 1, attributedByTime: 0 });
    expect(csat.find((c) => c.jobKey === 'b')).toMatchObject({ ratings: 1, meanCsat: 5, attributedByConversation: 0, attributedByTime: 1 });
  });

  it('still credits answered-by rows that earlier versions wrote into table feedback', async () => {
    // No answeredby table at all (a deployment from before it existed): read as empty.
    const storage = await storageWithPrivateTables([TABLES.feedback, TABLES.models], [TABLES.answeredBy, TABLES.rated]);
    const feedback = storage.table(TABLES.feedback);
    await feedback.createEntity({
      partitionKey: tableKey('old'),
      rowKey: tableKey('answered-by#chats.jsonl#1'),
      conversationId: 'old',
      answeringModel: 'dep-a',
      file: 'chats.jsonl',
      line: 1,
      receivedAt: '2026-02-11T00:00:00.000Z',
    });
    const store = new TableFeedbackStore(feedback, {
      answered: storage.table(TABLES.answeredBy),
      rated: storage.table(TABLES.rated),
      now: () => new Date('2026-02-12T00:00:00Z'),
    });
    await store.put({ conversationId: 'old', rating: 3, source: { file: 'ratings.jsonl', line: 1, record: '' } });
    expect(await store.latest('old')).toMatchObject({ rating: 3 });
    expect(await readRatings(storage)).toEqual([expect.objectContaining({ rating: 3, conversationModel: 'dep-a' })]);
  });
});
