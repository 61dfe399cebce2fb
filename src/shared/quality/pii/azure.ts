import { isRomanizedLanguage } from '../../language/romanized';
import type { TokenCredential } from '@azure/identity';
import { detectStructured, type StructuredOptions } from './structured';
import { resolveOverlaps } from './redact';
import type { PiiDetector, PiiSpan, PiiType } from './types';
import { TuneloopError } from '../../errors';
import { ownValue } from '../../lookup';

/**
 * PII detection by Azure AI Language (`PiiEntityRecognition` of the analyze-text REST API),
 * keyless: a bearer token for https://cognitiveservices.azure.com from the given credential
 * (DefaultAzureCredential / managed identity in Azure). Validated local patterns still run for the
 * structured types (and are the only source of [URL] and [ID]); Azure adds names, addresses and
 * the structured values its models find.
 */
export interface AzurePiiOptions extends StructuredOptions {
  /** The Language resource endpoint, e.g. https://<resource>.cognitiveservices.azure.com. */
  endpoint: string;
  credential: TokenCredential;
  apiVersion?: string;
  language?: string;
  /** Documents per request (the synchronous API accepts at most 5). */
  batchSize?: number;
  fetch?: typeof fetch;
}

export const AZURE_CATEGORY_MAP: Record<string, PiiType> = {
  Person: 'PERSON',
  PhoneNumber: 'PHONE',
  Email: 'EMAIL',
  Address: 'ADDRESS',
  IPAddress: 'IP',
  CreditCardNumber: 'CARD',
  InternationalBankingAccountNumber: 'IBAN',
  USSocialSecurityNumber: 'SSN',
  USBankAccountNumber: 'ID',
  USDriversLicenseNumber: 'ID',
  USUKPassportNumber: 'ID',
};

const SCOPE = 'https://cognitiveservices.azure.com/.default';
// A document may hold at most 5,120 characters; longer turns are sent in chunks.
const MAX_DOCUMENT_CHARS = 5000;

export class AzurePiiError extends TuneloopError {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message, { retryable: status === undefined || status === 429 || status >= 500 });
  }
}

interface AnalyzeResponse {
  results?: {
    documents?: { id: string; entities: { text: string; category: string; offset: number; length: number }[] }[];
    errors?: { id: string; error: { code?: string; message?: string } }[];
  };
  error?: { code?: string; message?: string };
}

export function createAzurePiiDetector(options: AzurePiiOptions): PiiDetector {
  const endpoint = options.endpoint.replace(/\/+$/, '');
  const apiVersion = options.apiVersion ?? '2023-04-01';
  const batchSize = Math.min(options.batchSize ?? 5, 5);
  const doFetch = options.fetch ?? fetch;

  async function analyze(
    documents: { id: string; text: string }[],
    language: string,
    signal?: AbortSignal,
  ): Promise<Map<string, PiiSpan[]>> {
    const token = await options.credential.getToken(SCOPE, { abortSignal: signal });
    if (!token) throw new AzurePiiError(`no token for ${SCOPE}: check the Function App's managed identity`);
    const url = `${endpoint}/language/:analyze-text?api-version=${apiVersion}&stringIndexType=Utf16CodeUnit`;
    const response = await doFetch(url, {
      method: 'POST',
      signal,
      headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'PiiEntityRecognition',
        parameters: { modelVersion: 'latest', stringIndexType: 'Utf16CodeUnit' },
        analysisInput: {
          documents: documents.map((d) => ({ id: d.id, language, text: d.text })),
        },
      }),
    });
    const body = (await response.json().catch(() => ({}))) as AnalyzeResponse;
    if (!response.ok) {
      const hint =
        response.status === 401 || response.status === 403
          ? ' (give the identity the "Cognitive Services User" role on the Language resource)'
          : '';
      throw new AzurePiiError(
        `Azure AI Language PII detection failed: HTTP ${response.status} ${body.error?.code ?? ''} ${body.error?.message ?? ''}${hint}`.trim(),
        response.status,
      );
    }
    const failed = body.results?.errors?.[0];
    if (failed) {
      throw new AzurePiiError(
        `Azure AI Language rejected document ${failed.id}: ${String(failed.error.code)} ${String(failed.error.message)}`,
      );
    }
    const out = new Map<string, PiiSpan[]>();
    for (const doc of body.results?.documents ?? []) {
      out.set(
        doc.id,
        doc.entities.flatMap((e) => {
          // Categories tuneloop does not map (Azure has dozens) are left out.
          const type = ownValue(AZURE_CATEGORY_MAP, e.category);
          return type ? [{ type, start: e.offset, end: e.offset + e.length, value: e.text, source: 'azure' as const }] : [];
        }),
      );
    }
    return out;
  }

  return {
    name: 'azure',
    async detect(texts, signal, hint) {
      // Hindi or Arabic in Latin letters goes as English: Azure's Hindi and Arabic models read
      // their own scripts, and its language codes have no script.
      const asked = options.language ?? hint?.language ?? 'en';
      const language = isRomanizedLanguage(asked) ? 'en' : asked;
      const chunks: { id: string; text: string; index: number; offset: number }[] = [];
      texts.forEach((text, index) => {
        // Cut at a line or sentence end (else at a space) so a name or address is not split
        // between two documents.
        let offset = 0;
        while (offset < text.length) {
          let end = Math.min(text.length, offset + MAX_DOCUMENT_CHARS);
          if (end < text.length) end = cutPoint(text, offset + MAX_DOCUMENT_CHARS / 2, end);
          chunks.push({ id: String(chunks.length), text: text.slice(offset, end), index, offset });
          offset = end;
        }
      });
      const found: PiiSpan[][] = texts.map((text) => detectStructured(text, options));
      for (let i = 0; i < chunks.length; i += batchSize) {
        const batch = chunks.slice(i, i + batchSize);
        const results = await analyze(batch, language, signal);
        for (const chunk of batch) {
          for (const span of results.get(chunk.id) ?? []) {
            found[chunk.index].push({ ...span, start: span.start + chunk.offset, end: span.end + chunk.offset });
          }
        }
      }
      return found.map(resolveOverlaps);
    },
  };
}

function cutPoint(text: string, from: number, to: number): number {
  const window = text.slice(from, to);
  let best = -1;
  for (const m of window.matchAll(/\n|[.!?]\s/g)) best = m.index + m[0].length;
  if (best < 0) best = window.lastIndexOf(' ') + 1;
  return best > 0 ? from + best : to;
}
