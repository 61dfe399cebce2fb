import { APIConnectionError, APIError } from 'openai';
import { RestError } from '@azure/core-rest-pipeline';
import { FineTuneServiceError, retryAfterMs, toFineTuneError } from '../../../src/shared/finetune/errors';
import { backoffDelaySeconds, sleep } from '../../../src/shared/finetune/backoff';
import { deploymentNameFor } from '../../../src/shared/deployments/armDeployments';
import { jobPhase } from '../../../src/shared/finetune/client';

// APIError.generate is what the openai client itself calls on an error response.
const apiError = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  APIError.generate(status, body as object, undefined, new Headers(headers));

describe('toFineTuneError', () => {
  it('reads the Azure error shape and retry-after on 429', () => {
    const e = toFineTuneError(
      apiError(
        429,
        { error: { code: '429', message: 'Requests have exceeded the rate limit. Please retry after 3 seconds.' } },
        { 'retry-after': '3' },
      ),
      'create job',
    );
    expect(e).toMatchObject({ kind: 'transient', status: 429, code: '429', retryAfterMs: 3000, operation: 'create job' });
    expect(e.retryable).toBe(true);
  });

  it('reads the OpenAI error shape', () => {
    const e = toFineTuneError(
      apiError(400, {
        error: { message: 'invalid training file', type: 'invalid_request_error', param: 'training_file', code: 'invalid_file' },
      }),
      'create job',
    );
    expect(e).toMatchObject({ kind: 'invalid-request', status: 400, code: 'invalid_file' });
    expect(e.message).toContain('invalid training file');
  });

  it('tells quota apart from rate limiting, and auth from everything', () => {
    expect(toFineTuneError(apiError(429, { error: { code: 'quotaExceeded', message: 'at most 1 running and 20 queued' } }), 'x').kind).toBe(
      'quota',
    );
    const auth = toFineTuneError(apiError(401, { error: { code: '401', message: 'Access denied' } }), 'x');
    expect(auth.kind).toBe('auth');
    expect(auth.message).toMatch(/Cognitive Services OpenAI Contributor/);
    expect(toFineTuneError(apiError(503, { error: { code: 'serviceUnavailable', message: 'down' } }), 'x').kind).toBe('transient');
    expect(toFineTuneError(new APIConnectionError({ message: 'socket hang up' }), 'x').kind).toBe('transient');
    // Azure: a deployment created minutes ago may still answer 404 DeploymentNotFound.
    expect(toFineTuneError(apiError(404, { error: { code: 'DeploymentNotFound', message: 'wait a moment' } }), 'x').kind).toBe('transient');
    expect(toFineTuneError(apiError(404, { error: { code: 'notFound', message: 'no such job' } }), 'x').kind).toBe('invalid-request');
  });

  it('classifies ARM RestErrors from their status and body', () => {
    const err = new RestError('QuotaExceeded', { statusCode: 400, code: 'QuotaExceeded' });
    expect(toFineTuneError(err, 'deploy')).toMatchObject({ kind: 'quota', status: 400 });
    expect(toFineTuneError(err, 'deploy').message).toMatch(/at most 5 fine-tuned deployments/);
    expect(toFineTuneError(new RestError('nope', { statusCode: 403, code: 'AuthorizationFailed' }), 'deploy').kind).toBe('auth');
  });

  it("a deployment's capacity over the region's Tokens Per Minute quota names TUNELOOP_DEPLOYMENT_CAPACITY; over the whole quota it is not retried", () => {
    const refusal = (message: string) => new RestError(message, { statusCode: 400, code: 'InsufficientQuota' });
    // The quota is smaller than the capacity asked: no retry can help (ARM's wording, as seen in the field).
    const never = toFineTuneError(
      refusal(
        'This operation require 10 new capacity in quota Tokens Per Minute (thousands) - gpt-4o, which is bigger than the current available capacity 8. The current quota usage is 0 and the quota limit is 8 for quota Tokens Per Minute (thousands) - gpt-4o.',
      ),
      'deploy',
    );
    expect(never).toMatchObject({ kind: 'invalid-request', retryable: false });
    expect(never.message).toMatch(/set TUNELOOP_DEPLOYMENT_CAPACITY to at most 8/);
    // Other deployments hold the capacity: retried, and the advice says what frees it.
    const later = toFineTuneError(
      refusal(
        'This operation require 10 new capacity in quota Tokens Per Minute (thousands) - gpt-4o-mini FineTune, which is bigger than the current available capacity 4. The current quota usage is 26 and the quota limit is 30 for quota Tokens Per Minute (thousands) - gpt-4o-mini FineTune.',
      ),
      'deploy',
    );
    expect(later).toMatchObject({ kind: 'quota', retryable: true });
    expect(later.message).toMatch(/only 4 of the quota .* is free.*TUNELOOP_DEPLOYMENT_CAPACITY/);
    // The older wording, without the limit.
    const specified = toFineTuneError(
      refusal(
        "The specified capacity '120' of account deployment is bigger than available capacity '99' for UsageName 'Tokens Per Minute (thousands) - GPT-35-Turbo'.",
      ),
      'deploy',
    );
    expect(specified).toMatchObject({ kind: 'quota' });
    expect(specified.message).toMatch(/asks for 120 capacity units \(TUNELOOP_DEPLOYMENT_CAPACITY\) and only 99/);
  });

  it('rethrows what is not a service error (bugs must not be swallowed)', () => {
    const bug = new TypeError('x is undefined');
    expect(() => toFineTuneError(bug, 'x')).toThrow(bug);
    const already = new FineTuneServiceError('m', { kind: 'quota', operation: 'o' });
    expect(toFineTuneError(already, 'x')).toBe(already);
  });
});

describe('retryAfterMs', () => {
  it('prefers retry-after-ms, accepts seconds and HTTP dates', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMs(new Headers({}))).toBeUndefined();
  });
});

describe('backoff', () => {
  it('grows by the factor and stops at the cap', () => {
    const policy = { startSeconds: 30, factor: 2, capSeconds: 600 };
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelaySeconds(policy, n))).toEqual([30, 60, 120, 240, 480, 600, 600]);
    expect(backoffDelaySeconds(policy, 5000)).toBe(600);
  });

  it('sleep rejects with an AbortError when aborted', async () => {
    const controller = new AbortController();
    const p = sleep(60_000, controller.signal);
    controller.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('deploymentNameFor', () => {
  it('is deterministic, valid for ARM, and at most 64 characters', () => {
    expect(deploymentNameFor('nightly-2026-11-26')).toBe('tuneloop-nightly-2026-11-26');
    expect(deploymentNameFor('a:b')).toBe('tuneloop-a-b');
    const long = 'x'.repeat(200);
    expect(deploymentNameFor(long)).toBe(deploymentNameFor(long));
    expect(deploymentNameFor(long).length).toBeLessThanOrEqual(64);
    expect(deploymentNameFor(long)).not.toBe(deploymentNameFor('x'.repeat(199)));
    expect(deploymentNameFor(long)).toMatch(/^[A-Za-z0-9._-]{2,64}$/);
  });
});

describe('jobPhase', () => {
  it('knows the final states of both APIs and treats everything else as in progress', () => {
    expect(['succeeded', 'failed', 'cancelled', 'paused'].map(jobPhase)).toEqual(['succeeded', 'failed', 'cancelled', 'paused']);
    // Azure (created, pending, pausing, resuming), OpenAI (validating_files, queued) and unknown future states.
    expect(['created', 'pending', 'running', 'pausing', 'resuming', 'validating_files', 'queued', 'provisioning'].map(jobPhase)).toEqual(
      Array(8).fill('in-progress'),
    );
  });
});
