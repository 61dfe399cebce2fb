import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobService, JOB_DURATION_METRIC, JOB_STATE_EVENT, MAX_JOB_TEXT } from '../../../src/shared/finetune/jobService';
import { JobConcurrencyError, type JobRecord } from '../../../src/shared/finetune/jobStore';
import { EVENT_TYPES, LocalEventSink } from '../../../src/shared/telemetry/events';
import { LocalJsonlTelemetry } from '../../../src/shared/telemetry/localSink';
import { readTelemetryRecords } from '../../../src/shared/telemetry/readSink';
import { TABLES } from '../../../src/shared/storage/names';
import { isolatedStorage } from '../dataset/isolatedStorage';

/** The one writer of table finetunejobs, against real Azurite and the local telemetry and event sinks. */
describe('JobService', () => {
  let dir: string;
  let service: JobService;
  let telemetry: LocalJsonlTelemetry;
  let telemetryPath: string;
  let eventsPath: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneloop-jobservice-'));
    const storage = isolatedStorage();
    await storage.table(TABLES.jobs).createTable();
    telemetryPath = join(dir, 'telemetry.jsonl');
    eventsPath = join(dir, 'events.jsonl');
    telemetry = new LocalJsonlTelemetry({ path: telemetryPath });
    service = new JobService({ storage, telemetry, events: new LocalEventSink(eventsPath) });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  function record(jobKey: string): JobRecord {
    const at = '2026-05-01T00:00:00.000Z';
    return {
      jobKey,
      datasetVersion: 'v1',
      state: 'queued',
      baseModel: 'gpt-4o-mini-2024-07-18',
      pollCount: 0,
      retries: 0,
      quotaWaits: 0,
      createdAt: at,
      updatedAt: at,
      history: [{ state: 'queued', at }],
    };
  }

  async function stateEvents() {
    await telemetry.flush();
    const { records } = await readTelemetryRecords(telemetryPath);
    return records.filter((r) => r.kind === 'event' && r.name === JOB_STATE_EVENT).map((r) => (r.kind === 'event' ? r.properties : {}));
  }

  it('creates once, and records every state change in the row, its history and telemetry', async () => {
    const created = await service.create(record('job-a'));
    expect(created).toBeDefined();
    expect(await service.create(record('job-a'))).toBeUndefined();
    const uploading = await service.transition(created!, 'uploading', { trainingFileId: 'file-1' }, 'two files');
    const stored = (await service.get('job-a'))!.record;
    expect(stored).toMatchObject({ state: 'uploading', detail: 'two files', trainingFileId: 'file-1' });
    expect(stored.history.map((h) => [h.state, h.detail])).toEqual([
      ['queued', undefined],
      ['uploading', 'two files'],
    ]);
    expect(uploading.record).toEqual(stored);
    expect((await stateEvents()).map((p) => [p.job_key, p.from, p.to])).toEqual([
      ['job-a', 'none', 'queued'],
      ['job-a', 'queued', 'uploading'],
    ]);
  });

  it('writes only on the ETag it read: a change made meanwhile wins', async () => {
    const created = (await service.create(record('job-b')))!;
    await service.update(created, { retries: 1 });
    await expect(service.transition(created, 'uploading')).rejects.toBeInstanceOf(JobConcurrencyError);
    expect((await service.get('job-b'))!.record).toMatchObject({ state: 'queued', retries: 1 });
  });

  it('fails a job the same way for every caller: truncated error, no expected message, duration metric, JobFailed event', async () => {
    let job = (await service.create(record('job-c')))!;
    job = await service.update(job, { expectedKind: 'poll', expectedToken: 'token-1', submittedAt: '2026-05-01T00:10:00.000Z' });
    const when = new Date('2026-05-01T01:10:00.000Z');
    const { job: failed, notified } = await service.fail(job, 'x'.repeat(MAX_JOB_TEXT + 100), { detail: 'given up', when });
    expect(notified.delivered).toBe(true);
    expect(failed.record).toMatchObject({ state: 'failed', finishedAt: when.toISOString(), detail: 'given up' });
    expect(failed.record.error).toHaveLength(MAX_JOB_TEXT);
    expect(failed.record.expectedKind).toBeUndefined();
    expect(failed.record.history.at(-1)).toEqual({ state: 'failed', at: when.toISOString(), detail: 'given up' });
    await telemetry.flush();
    const { records } = await readTelemetryRecords(telemetryPath);
    const duration = records.find((r) => r.kind === 'metric' && r.name === JOB_DURATION_METRIC);
    expect(duration).toMatchObject({ value: 3600, dimensions: { outcome: 'failed' } });
    const events = (await readFile(eventsPath, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; subject: string });
    expect(events.map((e) => e.subject)).toEqual(['jobs/job-c']);
    expect(events[0].type).toBe(EVENT_TYPES.jobFailed);
  });
});
