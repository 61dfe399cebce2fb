import { conversationLine } from '../ingest/helpers';
import type { Runtime } from '../../../src/shared/composition/runtime';
import { preprocessBlob } from '../../../src/shared/dataset/blobPreprocess';
import { forget, matchTarget } from '../../../src/shared/erasure';
import { CONTAINERS } from '../../../src/shared/storage/names';
import { startErasureRuntime, type ErasureRuntime } from './erasureRuntime';

/**
 * A JSON line holding several records (files joined without a line break, `{...}{...}`) is read
 * record by record (src/shared/ingest/jsonLine.ts): erasing one of them must cut it out of that
 * line of the raw blob and leave the others on it, and leave a quarantined neighbour's entry alone.
 */
describe('forget a record joined on a line with others (private Azurite)', () => {
  let stack: ErasureRuntime;
  let azurite: ErasureRuntime['azurite'];
  let runtime: Runtime;
  const EMAIL = 'ines.moreau@example.org';

  beforeAll(async () => {
    stack = await startErasureRuntime('tuneloop-forget-joined-');
    ({ azurite, runtime } = stack);
  }, 60_000);

  afterAll(async () => {
    await stack.stop();
  });

  async function text(container: string): Promise<string> {
    let out = '';
    for await (const b of azurite.storage.container(container).listBlobsFlat())
      out += (await azurite.storage.container(container).getBlobClient(b.name).downloadToBuffer()).toString('utf8') + '\n';
    return out;
  }

  it('the erased record goes from its line; the records beside it, and the quarantine entry of one, stay', async () => {
    const record = conversationLine;
    const first = record('j1', 'Can I pay by invoice?', 'Yes, invoices are due within 30 days.');
    const erased = record('j2', `Please write to ${EMAIL} about my refund.`, 'I have sent the refund confirmation there.');
    const kept = record('j3', 'Do you deliver to Norway?', 'Yes, in four to six working days.');
    const unusable = JSON.stringify({ conversation_id: 'j4', messages: [] });
    const name = 'shop/joined.jsonl';
    const body = Buffer.from(`${first}\n${erased}${unusable} ${kept}\n`);
    await azurite.storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(body, body.length);
    expect((await preprocessBlob(runtime, name)).status).toBe('processed');
    const curated = await text(CONTAINERS.curated);
    for (const id of ['j1', 'j2', 'j3']) expect(curated).toContain(`"conversation_id":"${id}"`);
    expect(curated).toContain('"source":{"file":"shop/joined.jsonl","line":2,"part":{"index":3,"of":3}}');
    expect(await text(CONTAINERS.quarantine)).toContain('line 2, record 2 of 3: ');

    const report = await forget(runtime, matchTarget(EMAIL));
    expect(report.found.find((f) => f.location === 'raw-logs' && f.name === name)).toMatchObject({ action: 'removed', records: 1 });
    const left = (await azurite.storage.container(CONTAINERS.raw).getBlobClient(name).downloadToBuffer()).toString('utf8');
    expect(left).toBe(`${first}\n${unusable}${kept}\n`);
    const curatedAfter = await text(CONTAINERS.curated);
    expect(curatedAfter).not.toContain(EMAIL);
    expect(curatedAfter).toContain('"conversation_id":"j3"');
    // The quarantined record shares the erased one's line, not its content.
    expect(await text(CONTAINERS.quarantine)).toContain(unusable.replace(/"/g, '\\"'));
  }, 60_000);
});
