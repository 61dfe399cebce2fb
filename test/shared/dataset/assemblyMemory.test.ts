import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { CONTAINERS } from '../../../src/shared/storage/names';
import { startPrivateAzurite } from '../../setup/storage';

const run = promisify(execFile);
// About 1.6 KB per conversation, like a real support chat: 40 MB of shards in all.
// Each conversation gets its own filler, drawn from a word list: the nightly duplicate search runs
// too, and templated texts that differ only in numbers would all be near duplicates of the first.
const WORDS = (
  'order parcel courier tracking refund invoice account address payment card delivery warehouse label ' +
  'return exchange voucher discount subscription renewal receipt basket checkout postcode driver depot ' +
  'damaged missing late early broken wrong size colour model battery charger screen cable adapter manual ' +
  'monday tuesday wednesday thursday friday saturday sunday morning evening weekend holiday yesterday ' +
  'neighbour reception locker office apartment garage garden door window letterbox balcony hallway'
).split(' ');
function filler(seed: number): string {
  const words: string[] = [];
  for (let k = 0; k < 110; k++) {
    // A stateless mix of (seed, position): an LCG's sequences for nearby seeds are shifted copies of each other.
    let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(k + 1, 0xc2b2ae35);
    h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
    h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
    words.push(WORDS[((h ^ (h >>> 16)) >>> 0) % WORDS.length]);
  }
  return words.join(' ') + '.';
}
const root = path.resolve(__dirname, '..', '..', '..');
// The built probe (npm test builds dist/ first), so the heap limit applies to plain node.
const probe = path.join(root, 'dist', 'bench', 'assemblyProbe.js');

/**
 * Bounded memory of the nightly assembly: 24,000 curated conversations (≈40 MB of shards)
 * assembled in a process whose V8 heap is capped at 64 MB. The assembly that held every record
 * as an object grew by about 200 MB per 10,000 conversations (issue #10); this one only finishes
 * under the cap because it works in bounded chunks.
 */
describe('nightly assembly in bounded memory (private Azurite, built probe)', () => {
  let azurite: Awaited<ReturnType<typeof startPrivateAzurite>>;
  let dir: string;

  beforeAll(async () => {
    azurite = await startPrivateAzurite();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneloop-assembly-memory-'));
  });
  afterAll(async () => {
    await azurite.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('assembles 24,000 conversations with a 64 MB heap', async () => {
    const container = azurite.storage.container(CONTAINERS.curated);
    await container.createIfNotExists();
    for (let shard = 0; shard < 4; shard++) {
      async function* lines(): AsyncIterable<Buffer> {
        for (let i = shard * 6000; i < (shard + 1) * 6000; i++) {
          const record = {
            conversation_id: `c-${i}`,
            kind: 'conversation',
            issue_type: ['billing', 'shipping', 'returns'][i % 3],
            split: i % 10 === 0 ? 'holdout' : 'train',
            tokens: 50,
            source: { file: `crm/day-${shard}.jsonl`, line: i + 1 },
            example: {
              messages: [
                {
                  role: 'user',
                  content: `My order ${i * 7919} has not arrived and the tracking page has shown the same status for a week now. ${filler(i * 2)}`,
                },
                {
                  role: 'assistant',
                  content: `I am sorry for the wait on order ${i * 7919}. The courier confirmed it ships today; you will get the tracking email tonight. ${filler(i * 2 + 1)}`,
                },
              ],
            },
          };
          yield Buffer.from(JSON.stringify(record) + '\n');
        }
      }
      await container.getBlockBlobClient(`crm/day-${shard}.jsonl`).uploadStream(Readable.from(lines()), 1024 * 1024, 2);
    }
    expect(fs.existsSync(probe)).toBe(true);
    const { stdout } = await run(process.execPath, ['--max-old-space-size=64', probe, '--partition-bytes', String(1024 * 1024)], {
      env: {
        ...process.env,
        TUNELOOP_STORAGE: azurite.connectionString,
        TUNELOOP_LOCAL_DIR: dir,
        TUNELOOP_ASSEMBLY_TEMP_DIR: path.join(dir, 'scratch'),
        TUNELOOP_BALANCE_MAX_SHARE: '1',
      },
      maxBuffer: 1024 * 1024,
      timeout: 240_000,
    });
    const result = JSON.parse(stdout) as { outcome: string; conversationsIn: number; used: number; train: number; sources: string };
    expect(result).toMatchObject({ outcome: 'submitted', conversationsIn: 24_000, used: 24_000, train: 21_600 });
    // sources.jsonl was written under the same heap cap: one line per train example (no validation here).
    const sources = await azurite.storage.container(CONTAINERS.datasets).getBlobClient(result.sources).downloadToBuffer();
    expect(sources.toString('utf8').trim().split('\n')).toHaveLength(21_600);
  }, 300_000);
});
