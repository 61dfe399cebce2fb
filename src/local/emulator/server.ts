import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EmulatorHttpError } from './errors';
import { FaultPlan, FaultSyntaxError, parseFaults, type Fault } from './faults';
import type { EmulatorService } from './service';

export interface RequestHandlerOptions {
  service: EmulatorService;
  faults: FaultPlan;
  /** Data-plane api-versions accepted (`?api-version=`). */
  apiVersions: readonly string[];
  /** ARM api-versions accepted for deployments. */
  armApiVersions: readonly string[];
  region: string;
  /** Largest request body accepted (bytes). */
  maxBodyBytes: number;
  /** Called with the emulator's own failures (bugs), which answer 500. */
  onError?: (err: unknown) => void;
  /** Called once per answered request (tests check what clients sent). */
  onRequest?: (request: RecordedRequest) => void;
}

/** One request as the emulator saw it, with the status it answered. */
export interface RecordedRequest {
  plane: 'data' | 'arm';
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body; for uploads `{purpose, filename, bytes, expires_after_seconds?}`; absent without a body. */
  body?: unknown;
  status: number;
}

type Plane = 'data' | 'arm';

interface Context {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  plane: Plane;
  headers: Record<string, string>;
  requestBody?: unknown;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const ARM_DEPLOYMENTS =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.CognitiveServices\/accounts\/([^/]+)\/deployments(?:\/([^/]+))?\/?$/i;

function send(ctx: Context, status: number, body?: unknown, extraHeaders: Record<string, string> = {}): void {
  const headers: Record<string, string> = { ...ctx.headers, ...extraHeaders };
  if (body === undefined) {
    ctx.res.writeHead(status, headers);
    ctx.res.end();
    return;
  }
  if (Buffer.isBuffer(body)) {
    ctx.res.writeHead(status, { 'content-type': 'application/octet-stream', 'content-length': String(body.length), ...headers });
    ctx.res.end(body);
    return;
  }
  const text = JSON.stringify(body);
  ctx.res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  ctx.res.end(text);
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new EmulatorHttpError(413, 'invalidPayload', `The request body is larger than ${maxBytes} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const raw = await readBody(req, maxBytes);
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new EmulatorHttpError(400, 'invalidPayload', `The request body is not valid JSON: ${(err as Error).message}`);
  }
}

function intQuery(url: URL, name: string): number | undefined {
  const value = url.searchParams.get(name);
  if (value === null || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new EmulatorHttpError(
      400,
      'invalidPayload',
      `Query parameter '${name}' must be a positive integer (got '${value}').`,
      {},
      { param: name },
    );
  return n;
}

/**
 * The node:http request listener: common headers, auth, api-version, faults, then routing to
 * the data plane (`/openai/...`) or the ARM deployments (`/subscriptions/...`).
 */
export function createRequestHandler(options: RequestHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { service } = options;

  async function handle(ctx: Context): Promise<void> {
    const { req, url } = ctx;
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const auth = req.headers.authorization;
    const bearer = typeof auth === 'string' && /^Bearer\s+\S+/i.test(auth);

    if (ctx.plane === 'arm') {
      if (!bearer) {
        throw new EmulatorHttpError(
          401,
          'AuthenticationFailed',
          "Authentication failed. The 'Authorization' header is missing or is not a Bearer token.",
          {
            'www-authenticate': 'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token"',
          },
        );
      }
      const version = url.searchParams.get('api-version');
      if (!version) {
        throw new EmulatorHttpError(
          400,
          'MissingApiVersionParameter',
          'The api-version query parameter (?api-version=) is required for all requests.',
        );
      }
      if (!options.armApiVersions.includes(version)) {
        throw new EmulatorHttpError(
          400,
          'InvalidApiVersionParameter',
          `The api-version '${version}' is invalid. The supported versions are '${options.armApiVersions.join(',')}'.`,
        );
      }
    } else {
      const key = req.headers['api-key'];
      if (!bearer && !(typeof key === 'string' && key.trim())) {
        throw new EmulatorHttpError(
          401,
          '401',
          'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
        );
      }
      const version = url.searchParams.get('api-version');
      if (!version || !options.apiVersions.includes(version)) {
        // Azure's exact body for an unknown version (observed): {"error":{"code":"BadRequest","message":"API version not supported"}}.
        throw new EmulatorHttpError(400, 'BadRequest', version ? 'API version not supported' : 'Missing API version parameter.');
      }
    }

    // Faults come after authentication, like throttling at the real service's gateway.
    let faults: Fault[] = options.faults.take(method, path);
    const header = req.headers['x-emulator-fault'];
    if (typeof header === 'string' && header.trim()) {
      try {
        faults = [...faults, ...parseFaults(header)];
      } catch (err) {
        if (err instanceof FaultSyntaxError) throw new EmulatorHttpError(400, 'invalidPayload', `x-emulator-fault: ${err.message}`);
        throw err;
      }
    }
    const slow = faults.reduce((ms, f) => (f.kind === 'slow' ? ms + f.delayMs : ms), 0);
    if (slow > 0) await sleep(slow);
    for (const fault of faults) {
      if (fault.kind === 'throttle') {
        const headers: Record<string, string> = { 'retry-after': String(fault.retryAfterSeconds) };
        if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
        throw new EmulatorHttpError(
          429,
          ctx.plane === 'arm' ? 'TooManyRequests' : '429',
          ctx.plane === 'arm'
            ? `The request was throttled. Please retry after ${fault.retryAfterSeconds} seconds.`
            : `Requests to the ${method} ${path} Operation under Azure OpenAI API version ${String(url.searchParams.get('api-version'))} have exceeded the rate limit of your current tier. Please retry after ${fault.retryAfterSeconds} seconds.`,
          headers,
        );
      }
      if (fault.kind === 'error') {
        throw new EmulatorHttpError(
          fault.status,
          fault.status === 503 ? 'serviceUnavailable' : 'InternalServerError',
          fault.status === 503
            ? 'The service is temporarily unavailable. Please retry later.'
            : 'The server had an error while processing your request. Sorry about that!',
        );
      }
    }
    const failJob = faults.some((f) => f.kind === 'job-fail');

    if (ctx.plane === 'arm') return handleArm(ctx, method);
    return handleData(ctx, method, path.slice('/openai'.length) || '/', failJob);
  }

  async function handleArm(ctx: Context, method: string): Promise<void> {
    const m = ARM_DEPLOYMENTS.exec(ctx.url.pathname);
    ctx.headers['x-ms-ratelimit-remaining-subscription-reads'] = '11999';
    if (!m)
      throw new EmulatorHttpError(
        404,
        'InvalidResourceType',
        `The resource type could not be found in the namespace 'Microsoft.CognitiveServices' for path '${ctx.url.pathname}'.`,
      );
    const [, sub, rg, account, name] = m;
    const resourceId = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.CognitiveServices/accounts/${account}`;
    if (!name) {
      if (method !== 'GET')
        throw new EmulatorHttpError(405, 'MethodNotAllowed', `The method '${method}' is not allowed on a deployments collection.`);
      send(ctx, 200, { value: service.listDeployments() });
      return;
    }
    const deploymentName = decodeURIComponent(name);
    if (method === 'GET') {
      send(ctx, 200, service.getDeployment(deploymentName));
      return;
    }
    if (method === 'PUT') {
      const body = (ctx.requestBody = await readJson(ctx.req, options.maxBodyBytes));
      const { created, resource } = service.putDeployment(resourceId, deploymentName, body);
      send(ctx, created ? 201 : 200, resource);
      return;
    }
    if (method === 'DELETE') {
      send(ctx, service.deleteDeployment(deploymentName) ? 200 : 204);
      return;
    }
    throw new EmulatorHttpError(405, 'MethodNotAllowed', `The method '${method}' is not allowed on a deployment.`);
  }

  async function handleData(ctx: Context, method: string, path: string, failJob: boolean): Promise<void> {
    const { url, req } = ctx;
    const base = `${url.protocol}//${req.headers.host ?? url.host}/openai`;
    const apiVersion = url.searchParams.get('api-version');
    const seg = path.split('/').filter(Boolean).map(decodeURIComponent);
    const route = dataRoute(method, seg);
    const limit = () => intQuery(url, 'limit');
    const after = () => url.searchParams.get('after') ?? undefined;

    switch (route) {
      case 'POST /files': {
        const { purpose, filename, content, expiresAfter } = await readUpload(req, url, options.maxBodyBytes);
        ctx.requestBody = {
          purpose,
          filename,
          bytes: content.length,
          ...(expiresAfter !== undefined ? { expires_after_seconds: expiresAfter } : {}),
        };
        const file = service.uploadFile(purpose, filename, content, expiresAfter);
        send(ctx, 201, file, { location: `${base}/files/${file.id}?api-version=${String(apiVersion)}` });
        return;
      }
      case 'GET /files':
        send(
          ctx,
          200,
          service.listFiles({
            purpose: url.searchParams.get('purpose') ?? undefined,
            order: url.searchParams.get('order') ?? undefined,
            limit: limit(),
            after: after(),
          }),
        );
        return;
      case 'GET /files/{id}':
        send(ctx, 200, service.getFile(seg[1]));
        return;
      case 'DELETE /files/{id}':
        send(ctx, 200, service.deleteFile(seg[1]));
        return;
      case 'GET /files/{id}/content':
        send(ctx, 200, service.fileContent(seg[1]));
        return;
      case 'POST /fine_tuning/jobs': {
        const body = (ctx.requestBody = await readJson(req, options.maxBodyBytes));
        const job = service.createJob(body, { failOnRun: failJob });
        send(ctx, 201, job, { location: `${base}/fine_tuning/jobs/${job.id}?api-version=${String(apiVersion)}` });
        return;
      }
      case 'GET /fine_tuning/jobs':
        send(ctx, 200, service.listJobs({ limit: limit(), after: after() }));
        return;
      case 'GET /fine_tuning/jobs/{id}':
        send(ctx, 200, service.getJob(seg[2]));
        return;
      case 'DELETE /fine_tuning/jobs/{id}':
        service.deleteJob(seg[2]);
        send(ctx, 204);
        return;
      case 'POST /fine_tuning/jobs/{id}/cancel':
        send(ctx, 200, service.cancelJob(seg[2]));
        return;
      case 'GET /fine_tuning/jobs/{id}/events':
        send(ctx, 200, service.listEvents(seg[2], { limit: limit(), after: after() }));
        return;
      case 'GET /fine_tuning/jobs/{id}/checkpoints':
        send(ctx, 200, service.listCheckpoints(seg[2], { limit: limit(), after: after() }));
        return;
      case 'POST /fine_tuning/jobs/{id}/pause':
      case 'POST /fine_tuning/jobs/{id}/resume':
        // Pause and resume exist only in the preview api-versions (CONTRACT.md §4).
        if (!apiVersion?.endsWith('-preview')) throw new EmulatorHttpError(404, '404', 'Resource not found');
        send(ctx, 200, route.endsWith('/pause') ? service.pauseJob(seg[2]) : service.resumeJob(seg[2]));
        return;
      case 'GET /models':
        send(ctx, 200, service.listModels());
        return;
      case 'GET /models/{id}':
        send(ctx, 200, service.getModel(seg.slice(1).join('/')));
        return;
      case 'POST /deployments/{id}/chat/completions': {
        const body = (ctx.requestBody = await readJson(req, options.maxBodyBytes));
        const result = service.chatCompletion(seg[1], body);
        if (result.latencyMs > 0) await sleep(result.latencyMs);
        send(ctx, 200, result.body, {
          'x-ratelimit-remaining-requests': '999',
          'x-ratelimit-remaining-tokens': '999000',
          'x-emulator-reply-kind': result.reply.kind,
        });
        return;
      }
      default:
        throw new EmulatorHttpError(404, '404', 'Resource not found');
    }
  }

  return (req, res) => {
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const plane: Plane = url.pathname.toLowerCase().startsWith('/subscriptions/') ? 'arm' : 'data';
    const clientRequestId = req.headers['x-ms-client-request-id'];
    const headers: Record<string, string> =
      plane === 'arm'
        ? {
            'x-ms-request-id': requestId,
            'x-ms-correlation-request-id': typeof clientRequestId === 'string' ? clientRequestId : requestId,
            'x-ms-routing-request-id': `LOCAL:${requestId}`,
          }
        : { 'apim-request-id': requestId, 'x-request-id': requestId, 'x-ms-region': options.region };
    if (typeof clientRequestId === 'string') headers['x-ms-client-request-id'] = clientRequestId;
    const ctx: Context = { req, res, url, plane, headers };
    if (options.onRequest) {
      const onRequest = options.onRequest;
      res.once('finish', () =>
        onRequest({
          plane,
          method: req.method ?? 'GET',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: req.headers,
          ...(ctx.requestBody !== undefined ? { body: ctx.requestBody } : {}),
          status: res.statusCode,
        }),
      );
    }
    if (plane === 'data' && !url.pathname.startsWith('/openai/')) {
      send(ctx, 404, { error: { code: '404', message: 'Resource not found' } });
      return;
    }
    handle(ctx).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof EmulatorHttpError) {
        // Drain what the client still sends so it sees the answer instead of a reset connection.
        req.resume();
        send(ctx, err.status, err.body, err.headers);
        return;
      }
      options.onError?.(err);
      req.resume();
      send(ctx, 500, {
        error: { code: 'internalFailure', message: `The emulator failed: ${err instanceof Error ? err.message : String(err)}` },
      });
    });
  };
}

// Path shapes of the data plane; `{id}` stands for one segment.
const DATA_ROUTES = [
  '/files',
  '/files/{id}',
  '/files/{id}/content',
  '/fine_tuning/jobs',
  '/fine_tuning/jobs/{id}',
  '/fine_tuning/jobs/{id}/cancel',
  '/fine_tuning/jobs/{id}/events',
  '/fine_tuning/jobs/{id}/checkpoints',
  '/fine_tuning/jobs/{id}/pause',
  '/fine_tuning/jobs/{id}/resume',
  '/models',
  '/models/{id}',
  '/deployments/{id}/chat/completions',
].map((shape) => ({ shape, parts: shape.split('/').filter(Boolean) }));

function dataRoute(method: string, seg: string[]): string {
  const match = DATA_ROUTES.find(({ parts }) => parts.length === seg.length && parts.every((p, i) => p === '{id}' || p === seg[i]));
  return match ? `${method} ${match.shape}` : `${method} ?`;
}

/** Multipart upload with Node's own WHATWG `Request#formData()` (no parser dependency). */
async function readUpload(
  req: IncomingMessage,
  url: URL,
  maxBytes: number,
): Promise<{ purpose: string; filename: string; content: Buffer; expiresAfter?: number }> {
  const type = req.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('multipart/form-data')) {
    throw new EmulatorHttpError(
      400,
      'invalidPayload',
      `Uploads must be multipart/form-data with fields 'purpose' and 'file' (got content-type '${type}').`,
    );
  }
  const body = await readBody(req, maxBytes);
  let form: FormData;
  try {
    form = await new Request(url, { method: 'POST', headers: { 'content-type': type }, body: new Uint8Array(body) }).formData();
  } catch (err) {
    throw new EmulatorHttpError(400, 'invalidPayload', `The multipart body could not be parsed: ${(err as Error).message}`);
  }
  const purpose = form.get('purpose');
  if (typeof purpose !== 'string' || !purpose)
    throw new EmulatorHttpError(400, 'invalidPayload', "The form field 'purpose' is required.", {}, { param: 'purpose' });
  const file = form.get('file');
  if (!file || typeof file === 'string')
    throw new EmulatorHttpError(400, 'invalidPayload', "The form field 'file' is required and must be a file.", {}, { param: 'file' });
  // The npm client writes nested objects as `expires_after[seconds]`; the spec names `expires_after.seconds`.
  const seconds = form.get('expires_after[seconds]') ?? form.get('expires_after.seconds');
  const expiresAfter = typeof seconds === 'string' && seconds ? Number(seconds) : undefined;
  return { purpose, filename: file.name, content: Buffer.from(await file.arrayBuffer()), expiresAfter };
}
