import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
