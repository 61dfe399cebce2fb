import type { Runtime } from '../../../src/shared/composition/runtime';
import { preprocessBlob } from '../../../src/shared/dataset/blobPreprocess';
import { forget, matchTarget } from '../../../src/shared/erasure';
import { CONTAINERS } from '../../../src/shared/storage/names';
import { encodeLegacy } from '../ingest/legacyBytes';
import { startErasureRuntime, type ErasureRuntime } from './erasureRuntime';

/**
 * Raw blobs in a legacy encoding their uploader declared (Content-Type charset, as `az storage
 * blob upload --content-type` and Storage Explorer set it, or metadata `encoding`): preprocessing
 * reads them in it, and an erasure finds the erased records in them and leaves the rest as it was.
 */
describe('blobs with a declared encoding (private Azurite)', () => {
  let stack: ErasureRuntime;
  let azurite: ErasureRuntime['azurite'];
  let runtime: Runtime;
  const EMAIL = 'yamada.taro@example.jp';

  beforeAll(async () => {
    stack = await startErasureRuntime('tuneloop-declared-enc-');
    ({ azurite, runtime } = stack);
  }, 60_000);

  afterAll(async () => {
    await stack.stop();
  });

  const raw = (name: string) => azurite.storage.container(CONTAINERS.raw).getBlockBlobClient(name);
  const upload = async (name: string, body: Buffer, contentType: string, metadata?: Record<string, string>) => {
    await raw(name).upload(body, body.length, { blobHTTPHeaders: { blobContentType: contentType }, metadata });
    return preprocessBlob(runtime, name);
  };
  const curated = async (name: string) =>
    (await azurite.storage.container(CONTAINERS.curated).getBlobClient(name).downloadToBuffer()).toString('utf8');
  const chatLine = (id: string, question: string, reply: string) =>
    JSON.stringify({
      conversation_id: id,
      messages: [
        { role: 'customer', text: question },
        { role: 'agent', text: reply },
      ],
    });

  it('a Shift_JIS CSV with charset=shift_jis in its Content-Type is read as Japanese, and the report says so', async () => {
    const csv = [
      'conversation_id,speaker,text',
      'j1,Customer,荷物がまだ届きません。表示も変わりません。',
      'j1,Agent,ご迷惑をおかけしております。本日発送いたしました。',
    ].join('\r\n');
    const outcome = await upload('jp/chats.csv', encodeLegacy(csv + '\r\n', 'shift_jis'), 'text/csv; charset=Shift_JIS');
    if (outcome.status !== 'processed') throw new Error(JSON.stringify(outcome));
    expect(outcome.report.records_quarantined).toBe(0);
    expect(outcome.report.encodings).toEqual({ 'jp/chats.csv': "shift_jis (declared by the blob's Content-Type charset)" });
    expect(await curated(outcome.outputs.curated)).toContain('荷物がまだ届きません。表示も変わりません。');
  }, 60_000);

  it('metadata `encoding` declares it too; an unknown label quarantines the blob saying which', async () => {
    const body = encodeLegacy(chatLine('r1', 'Где мой заказ?', 'Он приедет завтра.') + '\n', 'windows-1251');
    const outcome = await upload('ru/chats.jsonl', body, 'application/x-ndjson', { encoding: 'windows-1251' });
    if (outcome.status !== 'processed') throw new Error(JSON.stringify(outcome));
    expect(outcome.report.records_used).toBe(1);
    expect(await curated(outcome.outputs.curated)).toContain('Где мой заказ?');

    const unknown = await upload('ru/other.jsonl', body, 'application/x-ndjson; charset=klingon');
    expect(unknown.status).toBe('quarantined');
    if (unknown.status === 'quarantined') expect(unknown.error).toMatch(/unknown encoding "klingon".*encoding\.spec\.whatwg\.org/);
  }, 60_000);

  it('forget finds the erased record in a Shift_JIS blob and writes the rest back in Shift_JIS, byte for byte', async () => {
    const erased = chatLine('e1', `${EMAIL}です。荷物はどこですか？`, '確認いたします。');
    const kept = [chatLine('k1', 'パスワードを忘れました', 'リンクを送りました。'), chatLine('k2', '返品したいです', '承知しました。')];
    const name = 'jp/erase.jsonl';
    const outcome = await upload(
      name,
      encodeLegacy([kept[0], erased, kept[1], ''].join('\r\n'), 'shift_jis'),
      'application/x-ndjson; charset=shift_jis',
    );
    expect(outcome.status).toBe('processed');

    const report = await forget(runtime, matchTarget(EMAIL));
    expect(report.found.find((f) => f.location === 'raw-logs' && f.name === name)).toMatchObject({ action: 'removed', records: 1 });
    expect(await raw(name).downloadToBuffer()).toEqual(encodeLegacy([kept[0], kept[1], ''].join('\r\n'), 'shift_jis'));
    expect((await raw(name).getProperties()).contentType).toBe('application/x-ndjson; charset=shift_jis');
  }, 60_000);

  it('forget in a Windows-1251 CSV declared by metadata: the erased rows go, the others stay Windows-1251', async () => {
    const rows = [
      'conversation_id,speaker,text',
      'k3,customer,Хочу изменить адрес доставки',
      'k3,agent,Готово.',
      `e3,customer,Моя почта ${EMAIL}`,
      'e3,agent,Спасибо.',
    ];
    const name = 'ru/erase.csv';
    const outcome = await upload(name, encodeLegacy(rows.join('\n') + '\n', 'windows-1251'), 'text/csv', { encoding: 'cp1251' });
    expect(outcome.status).toBe('processed');

    await forget(runtime, matchTarget(EMAIL));
    expect(await raw(name).downloadToBuffer()).toEqual(encodeLegacy(rows.slice(0, 3).join('\n') + '\n', 'windows-1251'));
  }, 60_000);
});
