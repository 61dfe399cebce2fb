import { createReadStream, createWriteStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { seededRandom } from '../src/shared/random/seeded';
import { writeGenerated } from './inputFiles';

/**
 * Conversation JSONL of any size from real STAR dialogue turns (Rasa, MIT;
 * test/fixtures/corpora/star_dialogues/SOURCE.md). Each synthetic conversation follows one STAR
 * dialogue (its turns, roles and domain as issue type) and appends to every turn one more real
 * turn of the same role drawn at random, so texts do not repeat across the file (PII detection
 * cannot live off its per-text cache, and duplicate removal keeps nearly everything), while every
 * word is from real chats.
 */
const STAR_PATH = ['test', 'fixtures', 'corpora', 'star_dialogues', 'dialogues'];
/** From bench/ (ts-jest) or dist/bench/ (npm run bench). */
export const STAR_DIR =
  [join(__dirname, '..', ...STAR_PATH), join(__dirname, '..', '..', ...STAR_PATH)].find((p) => existsSync(p)) ??
  join(__dirname, '..', ...STAR_PATH);

interface Dialogue {
  domain: string;
  messages: { role: 'customer' | 'agent'; text: string }[];
}

function loadDialogues(): Dialogue[] {
  return readdirSync(STAR_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const d = JSON.parse(readFileSync(join(STAR_DIR, f), 'utf8')) as {
        Scenario: { Domains: string[] };
        Events: { Agent: string; Action: string; Text?: string }[];
      };
      const messages = d.Events.flatMap((e) =>
        e.Text &&
        ((e.Agent === 'User' && e.Action === 'utter') || (e.Agent === 'Wizard' && (e.Action === 'utter' || e.Action === 'pick_suggestion')))
          ? [{ role: e.Agent === 'User' ? ('customer' as const) : ('agent' as const), text: e.Text }]
          : [],
      );
      return { domain: d.Scenario.Domains[0], messages };
    })
    .filter((d) => d.messages.some((m) => m.role === 'agent'));
}

/** Writes about `bytes` bytes of conversation JSONL (gzip-compressed when `gzip`); returns lines and bytes written (uncompressed). */
export async function writeStarJsonl(
  path: string,
  bytes: number,
  options: { seed?: number; gzip?: boolean } = {},
): Promise<{ lines: number; bytes: number }> {
  const dialogues = loadDialogues();
  const pools = {
    customer: dialogues.flatMap((d) => d.messages.filter((m) => m.role === 'customer').map((m) => m.text)),
    agent: dialogues.flatMap((d) => d.messages.filter((m) => m.role === 'agent').map((m) => m.text)),
  };
  const random = seededRandom(options.seed ?? 7);
  const written = await writeGenerated(
    path,
    bytes,
    (line) => {
      const d = dialogues[line % dialogues.length];
      const messages = d.messages.map((m) => {
        const pool = pools[m.role];
        return { role: m.role, text: `${m.text} ${pool[Math.floor(random() * pool.length)]}` };
      });
      return JSON.stringify({ conversation_id: `star-${line}`, issue_type: d.domain, messages }) + '\n';
    },
    { gzip: options.gzip },
  );
  return { lines: written.pieces, bytes: written.bytes };
}

/**
 * The same conversations as message-per-row CSV (conversation_id, timestamp, speaker, text,
 * issue_type; one row per turn, rows of a conversation together, timestamps 7 s apart), the
 * layout of Zendesk- or Intercom-style message exports; returns rows and bytes written.
 */
export async function writeStarMessageCsv(jsonlPath: string, csvPath: string): Promise<{ rows: number; bytes: number }> {
  const quote = (text: string) => (/[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const out = createWriteStream(csvPath);
  let rows = 0;
  let bytes = 0;
  let at = Date.UTC(2026, 0, 1);
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('conversation_id,timestamp,speaker,text,issue_type\n');
  for await (const line of createInterface({ input: createReadStream(jsonlPath), crlfDelay: Infinity })) {
    if (!line) continue;
    const c = JSON.parse(line) as { conversation_id: string; issue_type: string; messages: { role: string; text: string }[] };
    let block = '';
    for (const m of c.messages) {
      at += 7000;
      block += `${c.conversation_id},${new Date(at).toISOString()},${m.role},${quote(m.text)},${quote(c.issue_type)}\n`;
      rows++;
    }
    await write(block);
  }
  out.end();
  await once(out, 'finish');
  return { rows, bytes };
}
