import { BEFORE_TUNELOOP, csatByModel, loadCsatByModel, ratingFromRow } from '../../../src/shared/evaluation/csat';
import { switchProduction } from '../../../src/shared/deployments/registry';
import { TableFeedbackStore } from '../../../src/shared/dataset/feedbackStore';
import type { StorageClients } from '../../../src/shared/storage/clients';
import { TABLES } from '../../../src/shared/storage/names';
import { testStorage, uniqueName } from '../../setup/storage';

describe('CSAT per model version', () => {
  const promotions = [
    { sequence: 1, jobKey: 'a', deploymentName: 'dep-a', fineTunedModel: 'm-a', datasetVersion: 'v1', promotedAt: '2026-02-01T00:00:00.000Z' },
    { sequence: 2, jobKey: 'b', deploymentName: 'dep-b', fineTunedModel: 'm-b', datasetVersion: 'v2', promotedAt: '2026-02-10T00:00:00.000Z' },
  ];

  it('attributes each rating to the model in production at its time', () => {
    const at = (iso: string, rating: number) => ({ rating, at: new Date(iso) });
    const r = csatByModel([at('2026-01-15T00:00:00Z', 2), at('2026-02-02T00:00:00Z', 3), at('2026-02-05T00:00:00Z', 4), at('2026-02-11T00:00:00Z', 5)], promotions);
    expect(r).toEqual([
      { jobKey: BEFORE_TUNELOOP, from: '', ratings: 1, meanCsat: 2, attributedByLog: 0, attributedByTime: 1 },
      { jobKey: 'a', deploymentName: 'dep-a', from: promotions[0].promotedAt, ratings: 2, meanCsat: 3.5, attributedByLog: 0, attributedByTime: 2, interval: { low: 3, high: 4 } },
      { jobKey: 'b', deploymentName: 'dep-b', from: promotions[1].promotedAt, ratings: 1, meanCsat: 5, attributedByLog: 0, attributedByTime: 1 },
    ]);
  });

  it('credits a rating to the model the log names, before the time of the rating', () => {
    const at = (iso: string, rating: number, model?: string) => ({ rating, at: new Date(iso), ...(model ? { model } : {}) });
    // Rated while b was in production, but the conversation says dep-a answered it (e.g. a slow feedback file).
    const r = csatByModel([at('2026-02-11T00:00:00Z', 1, 'dep-a'), at('2026-02-12T00:00:00Z', 5, 'm-b'), at('2026-02-12T00:00:00Z', 3), at('2026-02-13T00:00:00Z', 4, 'gpt-4o-prod')], promotions);
    expect(r.find((c) => c.jobKey === 'a')).toMatchObject({ ratings: 1, meanCsat: 1, attributedByLog: 1, attributedByTime: 0 });
    expect(r.find((c) => c.jobKey === 'b')).toMatchObject({ ratings: 2, meanCsat: 4, attributedByLog: 1, attributedByTime: 1 });
    expect(r.find((c) => c.jobKey === 'gpt-4o-prod')).toMatchObject({ ratings: 1, attributedByLog: 1, from: '' });
    expect(ratingFromRow({ rating: 4, receivedAt: '2026-03-01T00:00:00Z', deployment: 'dep-b' })).toMatchObject({ model: 'dep-b' });
  });

  it('prefers the conversation time, ignores rows without a usable rating', () => {
    expect(ratingFromRow({ rating: 4, conversationAt: '2026-01-01T00:00:00Z', receivedAt: '2026-03-01T00:00:00Z' })!.at.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(ratingFromRow({ rating: 9, receivedAt: '2026-03-01T00:00:00Z' })).toBeUndefined();
    expect(ratingFromRow({ rating: 3 })).toBeUndefined();
  });

  it('reads feedback rows written by preprocessing (newest rating per conversation) from Azurite', async () => {
    const base = testStorage();
    const feedbackTable = uniqueName('feedback');
    const modelsTable = uniqueName('models');
    await base.table(feedbackTable).createTable();
    await base.table(modelsTable).createTable();
    const storage: StorageClients = {
      ...base,
      table: (n) => base.table(n === TABLES.feedback ? feedbackTable : n === TABLES.models ? modelsTable : n),
    };
    let clock = new Date('2026-02-02T00:00:00Z');
    const store = new TableFeedbackStore(storage.table(TABLES.feedback), () => clock);
    const source = (line: number) => ({ file: 'feedback.csv', line, record: '' });
    await store.put({ conversationId: 'c1', rating: 2, source: source(2) });
    clock = new Date('2026-02-03T00:00:00Z');
    await store.put({ conversationId: 'c1', rating: 4, source: source(3) });
    await store.put({ conversationId: 'c2', rating: 5, source: source(4) });
    // A feedback record that names the answering model (JSONL `model`/`deployment`) is credited to it.
    await store.put({ conversationId: 'c3', rating: 1, model: 'legacy-bot', source: source(5) });
    await switchProduction(storage, { jobKey: 'a', deploymentName: 'dep-a', fineTunedModel: 'm-a', datasetVersion: 'v1' }, { expected: undefined, now: new Date('2026-02-01T00:00:00Z') });
    expect(await loadCsatByModel(storage)).toEqual([
      { jobKey: 'a', deploymentName: 'dep-a', from: '2026-02-01T00:00:00.000Z', ratings: 2, meanCsat: 4.5, attributedByLog: 0, attributedByTime: 2, interval: { low: 4, high: 5 } },
      { jobKey: 'legacy-bot', from: '', ratings: 1, meanCsat: 1, attributedByLog: 1, attributedByTime: 0 },
    ]);
  });
});
