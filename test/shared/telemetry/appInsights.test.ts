import tls from 'node:tls';
import { loadSettings } from '../../../src/shared/config/settings';
import { createTelemetry } from '../../../src/shared/telemetry/createTelemetry';
import { AppInsightsTelemetry } from '../../../src/shared/telemetry/appInsights';
import { parseAuthenticationString } from '../../../src/shared/telemetry/authenticationString';
import { capturedMetrics, startCaptureServer, type CaptureServer } from './captureServer';
import { recordingCredential } from '../../setup/credential';
import { telemetryConfig } from '../../../src/shared/composition/config';

/**
 * The real Application Insights exporter (applicationinsights v3 → Azure Monitor OpenTelemetry
 * exporter) sends to a local HTTPS ingestion endpoint with a certificate made at test time.
 * Node's supported way to trust it in this process is tls.setDefaultCACertificates (Node ≥ 22.19);
 * the original CA list is restored afterwards.
 */
describe('Application Insights telemetry (real exporter, local HTTPS ingestion)', () => {
  let capture: CaptureServer;
  const originalCas = tls.getCACertificates('default');
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    capture = await startCaptureServer();
    tls.setDefaultCACertificates([...originalCas, capture.certificate]);
    // Statsbeat (the SDK's own usage telemetry) would call a public Azure endpoint; this machine has no network.
    process.env.APPLICATIONINSIGHTS_STATSBEAT_DISABLED = 'true';
    process.env.APPLICATION_INSIGHTS_NO_STATSBEAT = 'true';
  });

  afterAll(async () => {
    tls.setDefaultCACertificates(originalCas);
    process.env = savedEnv;
    await capture.close();
  });

  const connectionString = () =>
    `InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=${capture.url};LiveEndpoint=${capture.url}`;

  it('sends custom metrics and events with names, values and dimensions, and flush delivers them', async () => {
    const settings = loadSettings({
      TUNELOOP_STORAGE: 'UseDevelopmentStorage=true',
      APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString(),
    });
    const telemetry = createTelemetry(telemetryConfig(settings));
    expect(telemetry).toBeInstanceOf(AppInsightsTelemetry);
    telemetry.trackMetric('tuneloop.drift.issue_type_psi', 0.4375, { model: 'ft-model-1', dataset_version: 'v20260101', window_hours: 24 });
    telemetry.trackMetric('tuneloop.eval.bleu', 31.25, { model: 'ft-model-1', issue_type: 'billing' });
    telemetry.trackEvent('tuneloop.model.promoted', { model: 'ft-model-1', dataset_version: 'v20260101' });
    await telemetry.flush();
    await capture.waitFor((all) => capturedMetrics(all).length >= 2 && all.some((e) => e.data.baseType === 'EventData'));

    const metrics = capturedMetrics(capture.envelopes);
    const psi = metrics.find((m) => m.name === 'tuneloop.drift.issue_type_psi');
    expect(psi).toMatchObject({ value: 0.4375, count: 1 });
    expect(psi?.properties).toMatchObject({ model: 'ft-model-1', dataset_version: 'v20260101', window_hours: '24' });
    const bleu = metrics.find((m) => m.name === 'tuneloop.eval.bleu');
    expect(bleu).toMatchObject({ value: 31.25 });
    expect(bleu?.properties).toMatchObject({ issue_type: 'billing' });

    const metricEnvelope = capture.envelopes.find((e) => e.data.baseType === 'MetricData');
    expect(metricEnvelope?.name).toBe('Microsoft.ApplicationInsights.Metric');
    const event = capture.envelopes.find((e) => e.data.baseType === 'EventData');
    expect(event?.name).toBe('Microsoft.ApplicationInsights.Event');
    expect(event?.data.baseData).toMatchObject({
      name: 'tuneloop.model.promoted',
      properties: { model: 'ft-model-1', dataset_version: 'v20260101' },
    });
    expect(capture.requests.some((r) => r.path.startsWith('/v2.1/track'))).toBe(true);
    await (telemetry as AppInsightsTelemetry).shutdown();
  });

  it('authenticates ingestion with an Entra ID bearer token when given a credential (keyless)', async () => {
    // The credential is a stand-in (see recordingCredential): the test checks that the exporter asks
    // for the Azure Monitor scope and sends the token.
    const { credential, scopes } = recordingCredential();
    const telemetry = new AppInsightsTelemetry({ connectionString: connectionString(), credential });
    const before = capture.requests.length;
    telemetry.trackEvent('tuneloop.job.state_changed', { job: 'job-1', state: 'succeeded' });
    await telemetry.flush();
    await capture.waitFor(() => capture.requests.length > before);
    expect(capture.requests.slice(before).some((r) => r.headers.authorization === 'Bearer local-test-token')).toBe(true);
    expect(scopes.some((s) => s.startsWith('https://monitor.azure.com'))).toBe(true);
    await telemetry.shutdown();
  });

  it('rejects a non-finite metric value instead of sending garbage', () => {
    const telemetry = new AppInsightsTelemetry({ connectionString: connectionString() });
    expect(() => telemetry.trackMetric('tuneloop.eval.bleu', Number.NaN)).toThrow(/tuneloop.eval.bleu.*finite/);
  });
});

describe('parseAuthenticationString', () => {
  it('reads the Functions-style Entra ID authentication string', () => {
    expect(parseAuthenticationString(undefined)).toBeUndefined();
    expect(parseAuthenticationString('Authorization=AAD')).toEqual({});
    expect(parseAuthenticationString('Authorization=AAD;ClientId=1111-2222')).toEqual({ clientId: '1111-2222' });
  });
  it('refuses anything but Entra ID', () => {
    expect(() => parseAuthenticationString('Authorization=Key')).toThrow(/Authorization=AAD/);
    expect(() => parseAuthenticationString('garbage')).toThrow(/not key=value/);
  });
});

describe('APPLICATIONINSIGHTS_AUTHENTICATION_STRING setting', () => {
  it('is validated when settings load, naming the setting', () => {
    const load = loadSettings;
    expect(
      load({
        TUNELOOP_STORAGE: 'UseDevelopmentStorage=true',
        APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=abc-123',
      }).APPLICATIONINSIGHTS_AUTHENTICATION_STRING,
    ).toBe('Authorization=AAD;ClientId=abc-123');
    expect(() =>
      load({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true', APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'InstrumentationKey=secret' }),
    ).toThrow(/APPLICATIONINSIGHTS_AUTHENTICATION_STRING: invalid value .*Authorization=AAD/);
  });
});
