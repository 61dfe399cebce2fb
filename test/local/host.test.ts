import { InvocationContext } from '@azure/functions';
import { LocalHost, decodeQueueMessage, type InvocationRecord } from '../../src/local/host';
import type { FunctionDefinition } from '../../src/functions/definition';
import { testStorage, uniqueName } from '../setup/storage';

/** The host against real Azurite, with small test handlers standing in for tuneloop's functions. */
describe('local Functions host', () => {
  const storage = testStorage();

  it('dispatches each new or changed blob once, with its name in the trigger metadata', async () => {
    const container = uniqueName('blobs');
    await storage.container(container).create();
    const seen: string[] = [];
    const def: FunctionDefinition = {
      name: uniqueName('fn'),
      summary: 'test',
      trigger: { type: 'blob', path: `${container}/{name}`, connection: 'TUNELOOP_STORAGE', source: 'EventGrid' },
      handler: async (input, context: InvocationContext) => {
        seen.push(String(context.triggerMetadata?.name));
        expect(input).toEqual({ kind: 'blob-reference', connection: 'TUNELOOP_STORAGE', containerName: container, blobName: 'a.jsonl' });
      },
    };
    const lines: string[] = [];
    const host = new LocalHost({ definitions: [def], storage, print: (l) => lines.push(l) });
    await storage.table('localhostreceipts').createTable();
    const blob = storage.container(container).getBlockBlobClient('a.jsonl');
    await blob.upload('one', 3);
    await host.drain();
    await host.drain();
    expect(seen).toEqual(['a.jsonl']);
    await blob.upload('two', 3);
    await host.drain();
    expect(seen).toEqual(['a.jsonl', 'a.jsonl']);
    expect(lines.some((l) => l.includes(`${def.name} succeeded`))).toBe(true);

    // A second host (a restart) does not dispatch what the first one finished.
    const again = new LocalHost({ definitions: [def], storage, print: () => undefined });
    await again.drain();
    expect(seen).toHaveLength(2);
  });

  it('gives a failing blob a bounded number of attempts', async () => {
    const container = uniqueName('bad');
    await storage.container(container).create();
    let calls = 0;
    const def: FunctionDefinition = {
      name: uniqueName('fn'),
      summary: 'test',
      trigger: { type: 'blob', path: `${container}/{name}`, connection: 'TUNELOOP_STORAGE', source: 'EventGrid' },
      handler: async () => {
        calls++;
        throw new Error('boom');
      },
    };
    const host = new LocalHost({ definitions: [def], storage, print: () => undefined, maxBlobAttempts: 3 });
    await storage.container(container).getBlockBlobClient('x.csv').upload('x', 1);
    for (let i = 0; i < 6; i++) await host.drain();
    expect(calls).toBe(3);
  });

  it('deletes handled queue messages and moves a message that keeps failing to the poison queue', async () => {
    const queueName = uniqueName('q');
    const queue = storage.queue(queueName);
    await queue.create();
    const bodies: unknown[] = [];
    const records: InvocationRecord[] = [];
    const def: FunctionDefinition = {
      name: uniqueName('fn'),
      summary: 'test',
      trigger: { type: 'storageQueue', queueName, connection: 'TUNELOOP_STORAGE' },
      handler: async (input) => {
        bodies.push(input);
        if ((input as { fail?: boolean }).fail) throw new Error('always fails');
      },
    };
    const host = new LocalHost({
      definitions: [def],
      storage,
      print: () => undefined,
      maxDequeueCount: 2,
      onInvocation: (r) => records.push(r),
    });
    await queue.sendMessage(Buffer.from(JSON.stringify({ ok: 1 })).toString('base64'));
    await queue.sendMessage(JSON.stringify({ fail: true }));
    for (let i = 0; i < 8 && records.filter((r) => r.outcome === 'failed').length < 2; i++) {
      await host.drain();
      await new Promise((r) => setTimeout(r, 1100));
    }
    expect(bodies).toContainEqual({ ok: 1 });
    expect(records.filter((r) => r.outcome === 'failed')).toHaveLength(2);
    const poison = await storage.queue(`${queueName}-poison`).peekMessages();
    expect(poison.peekedMessageItems.map((m) => JSON.parse(m.messageText))).toEqual([{ fail: true }]);
    const left = await queue.getProperties();
    expect(left.approximateMessagesCount).toBe(0);
  });

  it('fires timers on their NCRONTAB schedule', async () => {
    let fired = 0;
    const def: FunctionDefinition = {
      name: 'tick',
      summary: 'test',
      trigger: { type: 'timer', schedule: '%TICK%' },
      handler: async (timer) => {
        expect(timer).toHaveProperty('isPastDue', false);
        fired++;
      },
    };
    const host = new LocalHost({ definitions: [def], storage, env: { TICK: '* * * * * *' }, print: () => undefined });
    await host.start();
    await new Promise((r) => setTimeout(r, 2600));
    await host.stop();
    expect(fired).toBeGreaterThanOrEqual(2);
  });

  it('reads base64 (Azure default) and plain JSON queue messages', () => {
    expect(decodeQueueMessage(Buffer.from('{"a":1}').toString('base64'))).toEqual({ a: 1 });
    expect(decodeQueueMessage('{"a":2}')).toEqual({ a: 2 });
    expect(decodeQueueMessage('plain text')).toBe('plain text');
  });
});
