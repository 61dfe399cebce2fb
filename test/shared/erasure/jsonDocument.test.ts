import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Runtime } from '../../../src/shared/composition/runtime';
import { preprocessBlob } from '../../../src/shared/dataset/blobPreprocess';
import { conversationTarget, forget, matchTarget } from '../../../src/shared/erasure';
import { CONTAINERS } from '../../../src/shared/storage/names';
import { zip } from '../ingest/xlsxFiles';
import { startErasureRuntime, type ErasureRuntime } from './erasureRuntime';

/**
 * A pretty-printed JSON document (a Zendesk `{"tickets": [...]}` export) holding the erased
 * customer's ticket and another customer's: the erasure takes out that ticket only, and the
 * rest of the document stays valid JSON with the other ticket whole (removing the erased
 * record's lines wherever the same text stood, `},` or `"type": "Comment",`, broke it).
 */
describe('forget in a pretty-printed JSON document and in multi-row records (private Azurite)', () => {
  let stack: ErasureRuntime;
  let azurite: ErasureRuntime['azurite'];
  let runtime: Runtime;
  const EMAIL = 'janet.okberg@example.org';

  const ticket = (id: number, requester: number, first: string, reply: string) => ({
    id,
    subject: first.slice(0, 30),
    status: 'solved',
    requester_id: requester,
    assignee_id: 7000001,
    via: { channel: 'email' },
    tags: ['shipping'],
    created_at: '2026-01-11T08:00:00Z',
    comments: [
      { id: id * 10 + 1, type: 'Comment', author_id: requester, public: true, created_at: '2026-01-11T08:00:00Z', plain_body: first },
      { id: id * 10 + 2, type: 'Comment', author_id: 7000001, public: true, created_at: '2026-01-11T08:01:00Z', plain_body: reply },
      {
        id: id * 10 + 3,
        type: 'Comment',
        author_id: requester,
        public: true,
        created_at: '2026-01-11T08:02:00Z',
        plain_body: 'Thank you.',
      },
      {
        id: id * 10 + 4,
        type: 'Comment',
        author_id: 7000001,
        public: true,
        created_at: '2026-01-11T08:03:00Z',
        plain_body: 'Have a good day.',
      },
    ],
  });
  const erased = ticket(
    52001,
    880001,
    `Hi, it is ${EMAIL} again, the courier left my parcel at the wrong house.`,
    'I have arranged a new delivery.',
  );
  const other = ticket(52002, 880002, 'Can I get my order gift wrapped please?', 'Yes, gift wrapping is available for 3 pounds.');
  const last = ticket(52003, 880003, `Please send the invoice to ${EMAIL} as well.`, 'Done, the invoice is on its way.');

  beforeAll(async () => {
    stack = await startErasureRuntime('tuneloop-forget-doc-');
    ({ azurite, runtime } = stack);
  }, 60_000);

  afterAll(async () => {
    await stack.stop();
  });

  it.each([
    ['an object holding an array', 'helpdesk/tickets.json', (t: unknown[]) => ({ tickets: t, count: t.length })],
    ['a top-level array', 'helpdesk/tickets-array.json', (t: unknown[]) => t],
  ])(
    '%s: only the erased tickets go, the document stays valid',
    async (_label, name, wrap) => {
      const body = JSON.stringify(wrap([erased, other, last]), null, 2) + '\n';
      await azurite.storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(body, Buffer.byteLength(body));
      expect((await preprocessBlob(runtime, name)).status).toBe('processed');

      const report = await forget(runtime, matchTarget(EMAIL));
      // Two tickets (records), not the 80-odd lines they spanned.
      expect(report.found.find((f) => f.location === 'raw-logs' && f.name === name)).toMatchObject({ records: 2, action: 'removed' });

      const left = (await azurite.storage.container(CONTAINERS.raw).getBlobClient(name).downloadToBuffer()).toString('utf8');
      expect(left.toLowerCase()).not.toContain(EMAIL);
      expect(JSON.parse(left)).toEqual(wrap([other]) instanceof Array ? [other] : { tickets: [other], count: 3 });

      // One ticket by its id: one record.
      const one = await forget(runtime, conversationTarget(`${name}/${other.id}`));
      expect(one.found.find((f) => f.location === 'raw-logs' && f.name === name)).toMatchObject({ records: 1, action: 'removed' });
      const none = (await azurite.storage.container(CONTAINERS.raw).getBlobClient(name).downloadToBuffer()).toString('utf8');
      expect(JSON.parse(none)).toEqual(wrap([]) instanceof Array ? [] : { tickets: [], count: 3 });
    },
    60_000,
  );

  it("a Telegram account export: the customer's chat goes from chats.list, the document stays valid", async () => {
    const name = 'telegram/DataExport/result.json';
    const fixture = join(__dirname, '..', '..', 'fixtures', 'formats', 'telegram', 'account-result.json');
    const body = readFileSync(fixture, 'utf8');
    await azurite.storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(body, Buffer.byteLength(body));
    expect((await preprocessBlob(runtime, name)).status).toBe('processed');
    const report = await forget(runtime, conversationTarget(`${name}/telegram-5234567890`));
    expect(report.found.find((f) => f.location === 'raw-logs' && f.name === name)).toMatchObject({ records: 1, action: 'removed' });
    const left = JSON.parse((await azurite.storage.container(CONTAINERS.raw).getBlobClient(name).downloadToBuffer()).toString('utf8')) as {
      chats: { list: { id: number }[] };
    };
    const before = JSON.parse(body) as typeof left;
    expect(left.chats.list).toEqual(before.chats.list.filter((c) => c.id !== 5234567890));
    expect({ ...left, chats: undefined }).toEqual({ ...before, chats: undefined });
  }, 60_000);

  it('a Slack export: a thread across day files is one record, its rows taken out of the joined blob', async () => {
    const root = join(__dirname, '..', '..', 'fixtures', 'formats', 'slack', 'export');
    const paths = ['users.json', 'channels.json', 'acme-support/2026-11-30.json', 'acme-support/2026-12-01.json', 'help/2026-12-01.json'];
    const archive = zip(paths.map((p): [string, Buffer] => [p, readFileSync(join(root, p))]));
    await azurite.storage.container(CONTAINERS.raw).getBlockBlobClient('slack/export.zip').upload(archive, archive.length);
    expect((await preprocessBlob(runtime, 'slack/export.zip')).status).toBe('processed');
    const name = 'slack/export.zip/slack-messages.jsonl';
    const before = (await azurite.storage.container(CONTAINERS.raw).getBlobClient(name).downloadToBuffer()).toString('utf8');
    expect((await preprocessBlob(runtime, name)).status).toBe('processed');
    const report = await forget(runtime, matchTarget('billing@acme.example'));
    expect(report.found.find((f) => f.location === 'raw-logs' && f.name === name)).toMatchObject({ records: 1, action: 'removed' });
    const left = (await azurite.storage.container(CONTAINERS.raw).getBlobClient(name).downloadToBuffer()).toString('utf8');
    const thread = (line: string) => line.includes('"conversation_id":"slack-acme-support-1796027400.000100"');
    expect(before.split('\n').filter(thread)).toHaveLength(4);
    expect(left.split('\n')).toEqual(before.split('\n').filter((l) => !thread(l)));
  }, 60_000);

  it('message-per-row CSV: a conversation of several rows is one record', async () => {
    const name = 'helpdesk/messages.csv';
    const body = [
      'conversation_id,timestamp,speaker,text',
      `m-1,2026-01-11T08:00:00Z,customer,"My parcel went to the wrong house, write to ${EMAIL}"`,
      'm-1,2026-01-11T08:01:00Z,agent,I have arranged a new delivery for tomorrow morning.',
      'm-1,2026-01-11T08:02:00Z,customer,Thank you very much.',
      'm-2,2026-01-11T09:00:00Z,customer,Can I get my order gift wrapped please?',
      'm-2,2026-01-11T09:01:00Z,agent,"Yes, gift wrapping is available for 3 pounds."',
    ].join('\n');
    await azurite.storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(body, Buffer.byteLength(body));
    expect((await preprocessBlob(runtime, name)).status).toBe('processed');
    const report = await forget(runtime, conversationTarget(`${name}/m-1`));
    expect(report.found.find((f) => f.location === 'raw-logs' && f.name === name)).toMatchObject({ records: 1, action: 'removed' });
    const left = (await azurite.storage.container(CONTAINERS.raw).getBlobClient(name).downloadToBuffer()).toString('utf8');
    expect(left.split('\n')).toEqual([body.split('\n')[0], ...body.split('\n').slice(4)]);
  }, 60_000);
});
