import { isStatus, TuneloopError } from '../../src/shared/errors';
import { JobConcurrencyError } from '../../src/shared/finetune/jobStore';
import { SettingsError } from '../../src/shared/config/settings';
import { FineTuneServiceError } from '../../src/shared/finetune/errors';
import { IngestError } from '../../src/shared/ingest/errors';

describe('TuneloopError', () => {
  it('gives every error a stable code, a retryable flag and its class name', () => {
    const conflict = new JobConcurrencyError('job-1');
    expect(conflict).toBeInstanceOf(TuneloopError);
    expect(conflict).toMatchObject({ name: 'JobConcurrencyError', code: 'job-concurrency', retryable: true });
    const settings = new SettingsError([{ setting: 'TUNELOOP_X', message: 'bad' }]);
    expect(settings).toMatchObject({ name: 'SettingsError', code: 'settings', retryable: false });
  });

  it('keeps a service code where the service sent one and derives retryable from the kind', () => {
    expect(new FineTuneServiceError('x', { kind: 'transient', operation: 'op', code: '429' })).toMatchObject({
      code: '429',
      retryable: true,
    });
    expect(new FineTuneServiceError('x', { kind: 'invalid-request', operation: 'op' })).toMatchObject({
      code: 'fine-tune-invalid-request',
      retryable: false,
    });
    expect(new IngestError('gzip-corrupt', 'a.gz', 'bad', { retriable: false })).toMatchObject({
      code: 'gzip-corrupt',
      retryable: false,
      name: 'IngestError',
    });
  });
});

describe('isStatus', () => {
  it('reads statusCode (Azure SDKs) and status (openai, fetch)', () => {
    expect(isStatus({ statusCode: 404 }, 404)).toBe(true);
    expect(isStatus({ status: 409 }, 409)).toBe(true);
    expect(isStatus({ statusCode: 500 }, 404)).toBe(false);
    expect(isStatus(undefined, 404)).toBe(false);
    expect(isStatus('404', 404)).toBe(false);
  });
});
