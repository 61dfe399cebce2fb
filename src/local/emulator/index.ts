import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { FaultPlan, type FaultRule } from './faults';
import { createRequestHandler, type RecordedRequest } from './server';
import { EmulatorService, type ContentFilterRule } from './service';
import { createSelfSignedCertificate } from './tls';
import { PortInUseError } from '../azurite';
import { TuneloopError } from '../../shared/errors';

export { BASE_DURATIONS_MS, BASE_MODELS, type ContentFilterRule, type ContentFilterCategory } from './service';
export type { RecordedRequest } from './server';
export { parseFaults, FaultSyntaxError, type Fault, type FaultRule } from './faults';

/** Data-plane api-versions the emulator answers by default. */
export const DEFAULT_API_VERSIONS = [
  '2024-10-21',
  '2025-04-01-preview',
  '2024-06-01',
  '2024-08-01-preview',
  '2024-12-01-preview',
  '2025-01-01-preview',
  '2025-03-01-preview',
];
/** ARM api-versions accepted for `Microsoft.CognitiveServices/accounts/deployments`. */
export const DEFAULT_ARM_API_VERSIONS = ['2024-10-01', '2025-06-01', '2025-09-01'];

export interface EmulatorOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /**
   * Time scale: every emulated duration (file processing 1 s, job queued 2 s, 1.5 s per epoch,
   * deployment 1.5 s at speed 1) is divided by it. 1 suits a demo; tests use 50–200.
   */
  speed?: number;
  /** Faults applied to matching requests (same syntax as the `x-emulator-fault` header). */
  faults?: FaultRule[];
  /** Keep files, jobs and deployments in this folder across restarts (default: in memory only). */
  dataDir?: string;
  /** Accepted data-plane api-versions (default DEFAULT_API_VERSIONS). */
  apiVersions?: readonly string[];
  /** Accepted ARM api-versions (default DEFAULT_ARM_API_VERSIONS). */
  armApiVersions?: readonly string[];
  /** Azure's quota on fine-tuning jobs per resource (default 1 running + 20 queued). */
  jobQuota?: { running: number; queued: number };
  /** Fine-tuned deployments allowed per resource (default 5). */
  maxFineTunedDeployments?: number;
  /**
   * The region's Tokens Per Minute quota (thousands) that deployments' `sku.capacity` draws from,
   * summed over the resource's deployments (default 1000: no deployment of the defaults hits it).
   */
  tokensPerMinuteQuota?: number;
  /** Retrieval similarity under which a question is declined as out of scope (default 0.2). */
  outOfScopeThreshold?: number;
  /** Continued fine-tuning: share of an ancestor's training a continuation still remembers, per continuation (default 0.5). */
  continuedTrainingRetention?: number;
  /** Extra latency per chat completion, e.g. to make p95 differ between models (not scaled by speed). */
  latencyMs?: number | ((target: { deployment: string; model: string; fineTuned: boolean }) => number);
  /** Make the content filter flag or withhold matching replies or prompts (default: everything "safe"). */
  contentFilter?: readonly ContentFilterRule[];
  /** Value of the `x-ms-region` header (default "East US"). */
  region?: string;
  /**
   * Also accept TLS on the same port (default true): Azure SDK clients send bearer tokens only
   * over https, so ARM clients use `httpsUrl` and trust `certificate`.
   */
  https?: boolean;
  /** Largest request body (default 512 MiB, Azure's file limit). */
  maxBodyBytes?: number;
  /** Emulator failures (bugs) are reported here; default: console.error. */
  onError?: (err: unknown) => void;
  /** Called once per answered request, with its parsed body and the status answered (tests). */
  onRequest?: (request: RecordedRequest) => void;
}

export interface RunningEmulator {
  /** `http://host:port` — the data plane is under `${url}/openai`, ARM under `${url}/subscriptions`. */
  readonly url: string;
  /** `https://host:port` on the same port, when https is on. */
  readonly httpsUrl?: string;
  /** PEM of the self-signed certificate behind httpsUrl (trust it as a CA). */
  readonly certificate?: string;
  readonly port: number;
  /** Adds a fault rule while running (tests). */
  injectFault(rule: FaultRule): void;
  clearFaults(): void;
  close(): Promise<void>;
}

/** Raised when the emulator cannot listen; says what to do. */
export class EmulatorStartError extends TuneloopError {}

/**
 * Starts tuneloop's emulator of the Azure OpenAI fine-tuning API and of the ARM deployment
 * calls, on one port that speaks http and (by default) https.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const speed = options.speed ?? 1;
  if (!(speed > 0)) throw new RangeError(`speed must be a positive number (got ${speed})`);
  const latency = options.latencyMs;
  const service = new EmulatorService({
    speed,
    quota: options.jobQuota ?? { running: 1, queued: 20 },
    maxFineTunedDeployments: options.maxFineTunedDeployments ?? 5,
    tokensPerMinuteQuota: options.tokensPerMinuteQuota ?? 1000,
    outOfScopeThreshold: options.outOfScopeThreshold,
    continuedTrainingRetention: options.continuedTrainingRetention,
    dataDir: options.dataDir,
    latencyMs: typeof latency === 'number' ? () => latency : latency,
    contentFilter: options.contentFilter,
  });
  const faults = new FaultPlan(options.faults);
  const handler = createRequestHandler({
    service,
    faults,
    apiVersions: options.apiVersions ?? DEFAULT_API_VERSIONS,
    armApiVersions: options.armApiVersions ?? DEFAULT_ARM_API_VERSIONS,
    region: options.region ?? 'East US',
    maxBodyBytes: options.maxBodyBytes ?? 512 * 1024 * 1024,
    onError: options.onError ?? ((err) => console.error('[emulator]', err)),
    onRequest: options.onRequest,
  });
  const httpServer = http.createServer(handler);
  const certificate = options.https === false ? undefined : await createSelfSignedCertificate(host);
  const httpsServer = certificate ? https.createServer({ cert: certificate.cert, key: certificate.key }, handler) : undefined;
  const sockets = new Set<net.Socket>();
  // One port for both protocols: a TLS connection starts with a handshake record (0x16).
  const tcp = net.createServer({ pauseOnConnect: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.once('readable', () => {
      const first = socket.read(1) as Buffer | null;
      if (first === null) {
        socket.resume();
        return;
      }
      socket.unshift(first);
      const target = first[0] === 0x16 && httpsServer ? httpsServer : httpServer;
      target.emit('connection', socket);
      socket.resume();
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    tcp.once('error', (err: NodeJS.ErrnoException) => {
      service.close();
      if (err.code === 'EADDRINUSE') reject(new PortInUseError(options.port ?? 0, 'Azure OpenAI emulator'));
      else reject(new EmulatorStartError(`the emulator could not listen on ${host}:${options.port ?? 0}: ${err.message}`, { cause: err }));
    });
    tcp.listen(options.port ?? 0, host, () => resolve((tcp.address() as net.AddressInfo).port));
  });
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  let closed = false;
  return {
    url: `http://${hostInUrl}:${port}`,
    httpsUrl: httpsServer ? `https://${hostInUrl}:${port}` : undefined,
    certificate: certificate?.cert,
    port,
    injectFault: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    async close() {
      if (closed) return;
      closed = true;
      service.close();
      await new Promise<void>((resolve) => {
        tcp.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      httpServer.close();
      httpsServer?.close();
    },
  };
}
