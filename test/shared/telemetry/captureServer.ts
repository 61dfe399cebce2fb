import { createServer, type Server } from 'node:https';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

/** One telemetry item as Application Insights' ingestion (Breeze) receives it. */
export interface CapturedEnvelope {
  name: string;
  time: string;
  iKey?: string;
  instrumentationKey?: string;
  data: { baseType: string; baseData: Record<string, unknown> & { properties?: Record<string, string> } };
  [key: string]: unknown;
}

export interface CaptureServer {
  /** https://127.0.0.1:<port>/ — put it in the connection string's IngestionEndpoint. */
  readonly url: string;
  /** PEM of the self-signed certificate the server presents (made at test time). */
  readonly certificate: string;
  readonly envelopes: CapturedEnvelope[];
  /** Every request (any path), body decoded; POSTs to other paths than /v2.1/track get 200 (e.g. Event Grid's /api/events). */
  readonly requests: { path: string; headers: IncomingMessage['headers']; body: string }[];
  /** Resolves once `predicate` holds for the captured envelopes (polls; rejects after timeoutMs). */
  waitFor(predicate: (envelopes: CapturedEnvelope[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Self-signed certificate for 127.0.0.1 and localhost, valid for a day. */
export async function makeLocalCertificate(): Promise<{ key: string; cert: string }> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    notAfterDate: new Date(Date.now() + 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

/**
 * A local HTTPS endpoint that speaks enough of Application Insights' ingestion API
 * (`POST /v2.1/track`, answered with itemsReceived/itemsAccepted) for the real exporter to send
 * to it. It records every envelope, gzip bodies decoded; JSON arrays and newline-delimited JSON
 * are both accepted.
 */
export async function startCaptureServer(): Promise<CaptureServer> {
  const { key, cert } = await makeLocalCertificate();
  const envelopes: CapturedEnvelope[] = [];
  const requests: { path: string; headers: IncomingMessage['headers']; body: string }[] = [];
  const server: Server = createServer({ key, cert }, (req, res) => {
    void (async () => {
      const body = (await readBody(req)).toString('utf8');
      requests.push({ path: req.url ?? '', headers: req.headers, body });
      if (req.method !== 'POST') {
        res.writeHead(404).end();
        return;
      }
      if (!req.url?.includes('/track')) {
        res.writeHead(200).end();
        return;
      }
      const trimmed = body.trim();
      const items: CapturedEnvelope[] = trimmed.startsWith('[')
        ? JSON.parse(trimmed)
        : trimmed
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line));
      envelopes.push(...items);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ itemsReceived: items.length, itemsAccepted: items.length, errors: [] }));
    })().catch((err: unknown) => {
      res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}/`,
    certificate: cert,
    envelopes,
    requests,
    async waitFor(predicate, timeoutMs = 20000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(envelopes)) {
        if (Date.now() > deadline)
          throw new Error(
            `capture server: condition not met within ${timeoutMs} ms; got ${envelopes.length} envelopes: ${envelopes.map((e) => e.name).join(', ')}`,
          );
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets of the exporter / fetch would hold the test process open.
        server.closeAllConnections();
      }),
  };
}

/** Plain HTTP server that records POSTed requests (the CloudEvents webhook target in tests). */
export async function startWebhookServer(status = 200): Promise<{
  url: string;
  received: { headers: IncomingMessage['headers']; body: string }[];
  close(): Promise<void>;
}> {
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  const server: HttpServer = createHttpServer((req, res) => {
    void readBody(req).then((body) => {
      received.push({ headers: req.headers, body: body.toString('utf8') });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks/tuneloop`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets of the exporter / fetch would hold the test process open.
        server.closeAllConnections();
      }),
  };
}

/** Metric envelopes flattened to {name, value, count, properties}. */
export function capturedMetrics(
  envelopes: CapturedEnvelope[],
): { name: string; value: number; count?: number; properties: Record<string, string> }[] {
  return envelopes
    .filter((e) => e.data.baseType === 'MetricData')
    .flatMap((e) =>
      ((e.data.baseData.metrics as { name: string; value: number; count?: number }[] | undefined) ?? []).map((m) => ({
        name: m.name,
        value: m.value,
        count: m.count,
        properties: e.data.baseData.properties ?? {},
      })),
    );
}
