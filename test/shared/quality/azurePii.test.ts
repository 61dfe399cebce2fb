import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { AzurePiiError, createAzurePiiDetector } from '../../../src/shared/quality/pii/azure';
import { createRedactionStage } from '../../../src/shared/quality/pii/redact';
import { conversation } from './helpers';

/**
 * Azure AI Language cannot run on this machine, so these tests run the real detector (HTTP, auth
 * header, batching, offsets, error handling) against a local HTTP server that speaks the
 * analyze-text REST shape (PiiEntityRecognition, api-version 2023-04-01). The server's "model" is
 * a fixed list of names and a street pattern — a stand-in, not Azure's recognition quality.
 * The credential is a test double returning a fixed bearer token (no real identity exists here).
 */
const credential: TokenCredential = {
  async getToken(scopes): Promise<AccessToken> {
    expect(scopes).toBe('https://cognitiveservices.azure.com/.default');
    return { token: 'test-token', expiresOnTimestamp: Date.now() + 60_000 };
  },
};

interface Seen {
  url: string;
  auth?: string;
  documents: { id: string; text: string; language: string }[];
  kind: string;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

async function startLanguageServer(options: { status?: number } = {}): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = JSON.parse(await readBody(req)) as { kind: string; analysisInput: { documents: Seen['documents'] } };
    seen.push({ url: req.url ?? '', auth: req.headers.authorization, documents: body.analysisInput.documents, kind: body.kind });
    res.setHeader('content-type', 'application/json');
    if (options.status) {
      res.statusCode = options.status;
      res.end(JSON.stringify({ error: { code: 'PermissionDenied', message: 'principal lacks role' } }));
      return;
    }
    if (body.analysisInput.documents.length > 5) {
      res.statusCode = 400;
      res.end(JSON.stringify({ error: { code: 'InvalidDocumentBatch', message: 'too many documents' } }));
      return;
    }
    const documents = body.analysisInput.documents.map((d) => {
      const entities: { text: string; category: string; offset: number; length: number; confidenceScore: number }[] = [];
      for (const m of d.text.matchAll(/Ana Souza|Jürgen Weiß|\d+ Rua Augusta/g)) {
        entities.push({
          text: m[0],
          category: /Rua/.test(m[0]) ? 'Address' : 'Person',
          offset: m.index,
          length: m[0].length,
          confidenceScore: 0.9,
        });
      }
      for (const m of d.text.matchAll(/Contoso/g)) {
        entities.push({ text: m[0], category: 'Organization', offset: m.index, length: m[0].length, confidenceScore: 0.8 });
      }
      return { id: d.id, entities, warnings: [], redactedText: d.text };
    });
    res.end(JSON.stringify({ kind: 'PiiEntityRecognitionResults', results: { documents, errors: [], modelVersion: '2023-09-01' } }));
  };
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

describe('Azure AI Language PII mode', () => {
  it('sends batches of at most 5 documents with a bearer token and redacts what the service finds, plus local structured types', async () => {
    const { url, seen, server } = await startLanguageServer();
    try {
      const stage = createRedactionStage({ detector: createAzurePiiDetector({ endpoint: url + '/', credential }) });
      const turns: ['user' | 'assistant', string][] = [
        ['user', 'Hi, this is Ana Souza from Contoso, card 4111 1111 1111 1111.'],
        ['assistant', 'Hello Ana Souza, I see your address 120 Rua Augusta.'],
        ['user', 'Also my colleague Jürgen Weiß needs access.'],
        ['assistant', 'Sure.'],
        ['user', 'ok'],
        ['assistant', 'Anything else, Ana Souza?'],
      ];
      const result = await stage.apply(conversation('az1', turns));
      expect(result.action).toBe('keep');
      if (result.action !== 'keep') return;
      expect(result.conversation.turns.map((t) => t.content)).toEqual([
        'Hi, this is [PERSON_1] from Contoso, card [CARD_1].',
        'Hello [PERSON_1], I see your address [ADDRESS_1].',
        'Also my colleague [PERSON_2] needs access.',
        'Sure.',
        'ok',
        'Anything else, [PERSON_1]?',
      ]);
      expect(seen.map((s) => s.documents.length)).toEqual([5, 1]);
      expect(seen[0].auth).toBe('Bearer test-token');
      expect(seen[0].kind).toBe('PiiEntityRecognition');
      expect(seen[0].url).toBe('/language/:analyze-text?api-version=2023-04-01&stringIndexType=Utf16CodeUnit');
      expect(stage.summary!()).toMatchObject({ detector: 'azure', redactions: { PERSON: 4, CARD: 1, ADDRESS: 1 } });
    } finally {
      server.close();
    }
  });

  it('sends Hindi in Latin letters as English (the service has no code for it and reads Hindi in Devanagari)', async () => {
    const { url, seen, server } = await startLanguageServer();
    try {
      await createAzurePiiDetector({ endpoint: url, credential }).detect(['mera naam Ana Souza hai'], undefined, { language: 'hi-Latn' });
      await createAzurePiiDetector({ endpoint: url, credential }).detect(['मेरा नाम अना है'], undefined, { language: 'hi' });
      expect(seen.map((s) => s.documents[0].language)).toEqual(['en', 'hi']);
    } finally {
      server.close();
    }
  });

  it('fails with an error that says which role is missing', async () => {
    const { url, server } = await startLanguageServer({ status: 403 });
    try {
      const detector = createAzurePiiDetector({ endpoint: url, credential });
      await expect(detector.detect(['hello Ana Souza'])).rejects.toThrow(AzurePiiError);
      await expect(detector.detect(['hello Ana Souza'])).rejects.toThrow(/HTTP 403 PermissionDenied.*Cognitive Services User/);
    } finally {
      server.close();
    }
  });

  it('splits long texts into documents under the service limit and maps offsets back', async () => {
    const { url, seen, server } = await startLanguageServer();
    try {
      // "Ana Souza" straddles character 5000, where a blind cut would split it.
      const long = 'We checked the account. '.repeat(208) + 'Ana Souza called back.';
      const [spans] = await createAzurePiiDetector({ endpoint: url, credential }).detect([long]);
      expect(seen[0].documents.every((d) => d.text.length <= 5120)).toBe(true);
      expect(seen[0].documents).toHaveLength(2);
      expect(spans.map((s) => long.slice(s.start, s.end))).toEqual(['Ana Souza']);
    } finally {
      server.close();
    }
  });
});
