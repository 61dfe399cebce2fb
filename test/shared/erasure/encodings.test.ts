import type { Runtime } from '../../../src/shared/composition/runtime';
import { preprocessBlob } from '../../../src/shared/dataset/blobPreprocess';
import { forget, matchTarget } from '../../../src/shared/erasure';
import { CONTAINERS } from '../../../src/shared/storage/names';
import { startErasureRuntime, type ErasureRuntime } from './erasureRuntime';

/**
 * Raw files that are not UTF-8 (UTF-16 with a byte-order mark, a Windows-1252 CSV from Excel)
 * are read as what they are; the erasure must find the erased customer's record in them the same
 * way, or it would report it found and leave it in the raw file.
 */
describe('forget in raw files that are not UTF-8 (private Azurite)', () => {
  let stack: ErasureRuntime;
  let azurite: ErasureRuntime['azurite'];
  let runtime: Runtime;
  const EMAIL = 'renee.lefevre@example.org';

  beforeAll(async () => {
    stack = await startErasureRuntime('tuneloop-forget-enc-');
    ({ azurite, runtime } = stack);
  }, 60_000);

  afterAll(async () => {
    await stack.stop();
  });

  const upload = async (name: string, body: Buffer) => {
    await azurite.storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(body, body.length);
    expect((await preprocessBlob(runtime, name)).status).toBe('processed');
  };
  const download = async (name: string) => azurite.storage.container(CONTAINERS.raw).getBlobClient(name).downloadToBuffer();

  it('UTF-16: the erased conversation goes, the file stays UTF-16 with its byte-order mark', async () => {
    const line = (id: string, question: string) =>
      JSON.stringify({
        conversation_id: id,
        messages: [
          { role: 'user', content: question },
          { role: 'assistant', content: 'Je vérifie votre commande tout de suite.' },
        ],
      });
    const kept = line('k1', 'Où en est ma commande numéro 4471 ?');
    const text = `${line('e1', `Bonjour, je suis ${EMAIL}, où est mon colis ?`)}\r\n${kept}\r\n`;
    const name = 'excel/unicode-text.jsonl';
    await upload(name, Buffer.from(`\ufeff${text}`, 'utf16le'));

    const report = await forget(runtime, matchTarget(EMAIL));
    expect(report.found.find((f) => f.location === 'raw-logs' && f.name === name)?.action).toBe('removed');
    const left = await download(name);
    expect([left[0], left[1]]).toEqual([0xff, 0xfe]);
    expect(left.subarray(2).toString('utf16le')).toBe(`${kept}\r\n`);
  }, 60_000);

  it('Windows-1252 CSV: the erased rows go, the other rows stay (written back as UTF-8)', async () => {
    // Latin-1 and Windows-1252 agree on these accents.
    const cp1252 = (s: string) => Buffer.from(s, 'latin1');
    const rows = [
      'conversation_id,speaker,text',
      `e2,customer,"Mon adresse est ${EMAIL}, le colis n'est pas arrivé"`,
      'e2,agent,"Je vérifie tout de suite."',
      'k2,customer,"Pouvez-vous changer la date de livraison ?"',
      'k2,agent,"Bien sûr, c\'est fait."',
    ];
    const name = 'excel/western.csv';
    await upload(name, cp1252(rows.join('\r\n') + '\r\n'));

    const report = await forget(runtime, matchTarget(EMAIL));
    expect(report.found.find((f) => f.location === 'raw-logs' && f.name === name)?.action).toBe('removed');
    expect((await download(name)).toString('utf8')).toBe([rows[0], rows[3], rows[4]].join('\r\n') + '\r\n');
  }, 60_000);
});
