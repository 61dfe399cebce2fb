import { loadSettings } from '../../src/shared/config/settings';
import { createRuntime } from '../../src/shared/composition/runtime';
import { preprocessBlob } from '../../src/shared/dataset/blobPreprocess';
import { CONTAINERS } from '../../src/shared/storage/names';
import { isolatedStorage } from '../shared/dataset/isolatedStorage';
import { testStorageConnectionString } from '../setup/storage';

/**
 * The blob path against real Azurite: a raw blob declares the zone of its zone-less timestamps in
 * its metadata `timezone` (`az storage blob upload --metadata timezone=Europe/Berlin`), over
 * TUNELOOP_INPUT_TIMEZONE.
 */
describe('preprocess blobs with a declared time zone', () => {
  async function setup(env: Record<string, string> = {}) {
    const storage = isolatedStorage();
    await storage.ensureResources();
    const runtime = createRuntime(
      loadSettings({ TUNELOOP_STORAGE: testStorageConnectionString(), TUNELOOP_MAX_BLOB_ATTEMPTS: '3', ...env }),
      {
        storage,
      },
    );
    const upload = async (name: string, body: string, metadata?: Record<string, string>) => {
      await storage.container(CONTAINERS.raw).getBlockBlobClient(name).upload(body, Buffer.byteLength(body), { metadata });
      return preprocessBlob(runtime, name);
    };
    const curated = async (name: string) =>
      (await storage.container(CONTAINERS.curated).getBlobClient(name).downloadToBuffer()).toString('utf8');
    return { upload, curated };
  }

  // A customer's local 10:05 (Berlin, summer: 08:05Z) and the agent's reply from the API at 08:20Z.
  const csv = [
    'conversation_id,timestamp,speaker,text',
    'z1,2026-07-15 10:05,Customer,Where is my parcel?',
    'z1,2026-07-15T08:20:00Z,Agent,It ships today.',
  ].join('\n');
  const roles = (shard: string) =>
    shard
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { kind: string; example: { messages: { role: string }[] } })
      .filter((r) => r.kind === 'conversation')
      .map((r) => r.example.messages.map((m) => m.role));

  it('metadata `timezone` reads zone-less times in that zone, and the report records it', async () => {
    const { upload, curated } = await setup();
    const outcome = await upload('de/chats.csv', csv, { timezone: 'Europe/Berlin' });
    if (outcome.status !== 'processed') throw new Error(JSON.stringify(outcome));
    expect(outcome.report.records_quarantined).toBe(0);
    expect(outcome.report.time_zones).toEqual({ 'de/chats.csv': "Europe/Berlin (declared by the blob's metadata timezone)" });
    expect(roles(await curated(outcome.outputs.curated))).toEqual([['system', 'user', 'assistant']]);

    // Without a declaration (TUNELOOP_INPUT_TIMEZONE defaults to UTC): read as UTC, no time_zones field.
    const plain = await upload('de/plain.csv', csv);
    if (plain.status !== 'processed') throw new Error(JSON.stringify(plain));
    expect(Object.keys(plain.report)).not.toContain('time_zones');
    expect(roles(await curated(plain.outputs.curated))).not.toEqual([['system', 'user', 'assistant']]);
  }, 60_000);

  it('TUNELOOP_INPUT_TIMEZONE is the default; metadata decides over it', async () => {
    const { upload } = await setup({ TUNELOOP_INPUT_TIMEZONE: 'Europe/Berlin' });
    const byDefault = await upload('de/default.csv', csv);
    if (byDefault.status !== 'processed') throw new Error(JSON.stringify(byDefault));
    expect(byDefault.report.time_zones).toEqual({ 'de/default.csv': 'Europe/Berlin (declared by TUNELOOP_INPUT_TIMEZONE)' });
    const declared = await upload('us/chats.csv', csv, { TimeZone: 'America/New_York' });
    if (declared.status !== 'processed') throw new Error(JSON.stringify(declared));
    expect(declared.report.time_zones).toEqual({ 'us/chats.csv': "America/New_York (declared by the blob's metadata timezone)" });
    const utc = await upload('uk/chats.csv', csv, { timezone: 'UTC' });
    if (utc.status !== 'processed') throw new Error(JSON.stringify(utc));
    expect(Object.keys(utc.report)).not.toContain('time_zones');
  }, 60_000);

  it('an unknown metadata timezone quarantines the blob at once, naming the value', async () => {
    const { upload } = await setup();
    const outcome = await upload('de/bad.csv', csv, { timezone: 'CET+1' });
    expect(outcome.status).toBe('quarantined');
    if (outcome.status === 'quarantined') {
      expect(outcome.attempts).toBe(1);
      expect(outcome.error).toMatch(/the blob's metadata timezone: unknown time zone "CET\+1".*IANA/);
    }
  }, 60_000);
});
