/**
 * Parsing real public chat data (test/fixtures/corpora, see each folder's SOURCE.md): STAR
 * (Rasa, MIT) and the ABCD sample (ASAPP, MIT), converted here into tuneloop's input formats.
 * The same dialogues go through the conversation-JSONL path and the message-CSV path (rows
 * shuffled across the file), and both must give the same conversations.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Conversation } from '../../../src/shared/ingest/types';
import { conversations, feedbacks, gzip, jsonl, parseAll, rejections } from './helpers';

const corpora = resolve(__dirname, '../../fixtures/corpora');

interface StarEvent {
  Agent: string;
  Action: string;
  Text?: string;
  UnixTime: number;
}
interface StarDialogue {
  DialogueID: number;
  Scenario: { Domains: string[] };
  Events: StarEvent[];
  UserQuestionnaire?: { Question: string; Answer: boolean }[];
}

function loadStar(): StarDialogue[] {
  const dir = join(corpora, 'star_dialogues', 'dialogues');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as StarDialogue);
}

/** The chat as the user saw it (SOURCE.md: User/utter, Wizard/pick_suggestion + Wizard/utter). */
function starMessages(d: StarDialogue): { speaker: string; text: string; ms: number }[] {
  return d.Events.filter(
    (e) =>
      (e.Agent === 'User' && e.Action === 'utter') || (e.Agent === 'Wizard' && (e.Action === 'utter' || e.Action === 'pick_suggestion')),
  ).map(
    // Events share seconds; the event index as milliseconds keeps their order once rows are shuffled.
    (e, i) => ({ speaker: e.Agent, text: e.Text ?? '', ms: e.UnixTime * 1000 + i }),
  );
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

let tempDir: string;
beforeAll(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'ingest-corpora-'));
});
afterAll(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

describe('STAR dialogues', () => {
  const dialogues = loadStar();

  test('the trimmed corpus is there (300 dialogues)', () => {
    expect(dialogues).toHaveLength(300);
  });

  test('conversation JSONL and shuffled message CSV of the same dialogues parse to the same conversations', async () => {
    const lines = dialogues.map((d) => ({
      conversation_id: `star-${d.DialogueID}`,
      issue_type: d.Scenario.Domains[0],
      channel: 'chat',
      messages: starMessages(d).map((m) => ({ role: m.speaker, text: m.text, timestamp: new Date(m.ms).toISOString() })),
    }));
    const fromJsonl = await parseAll(gzip(jsonl(...lines)), { fileName: 'star.jsonl.gz' }, 65536);

    // One item per dialogue; the only rejections are dialogues with no chat messages at all.
    expect(fromJsonl).toHaveLength(dialogues.length);
    const empty = dialogues.filter((d) => starMessages(d).every((m) => !m.text.trim())).length;
    expect(rejections(fromJsonl).map((r) => r.reason)).toEqual(Array(empty).fill('empty-conversation'));
    expect(empty).toBeGreaterThan(0);

    const jsonlById = new Map(conversations(fromJsonl).map((c) => [c.conversationId, c]));
    for (const c of jsonlById.values()) {
      expect(c.turns.length).toBeGreaterThan(0);
      c.turns.forEach((t, i) => {
        expect(t.content).toBe(t.content.trim());
        expect(t.content).not.toMatch(/ {2}|\n\n/);
        if (i > 0) expect(t.role).not.toBe(c.turns[i - 1].role);
      });
    }
    // Spot check one dialogue against its file, read independently.
    const d10 = dialogues.find((d) => d.DialogueID === 10)!;
    const c10 = jsonlById.get('star-10')!;
    expect(c10.issueType).toBe(d10.Scenario.Domains[0]);
    expect(c10.turns[0]).toMatchObject({ role: 'user', content: 'Hello!' });
    expect(c10.turns[1]).toMatchObject({ role: 'assistant', content: 'Hello, how can I help?' });

    // Message-per-row CSV: every row of every dialogue, shuffled across the whole file.
    const rows: string[] = [];
    for (const d of dialogues) {
      for (const m of starMessages(d)) {
        rows.push(
          [`star-${d.DialogueID}`, new Date(m.ms).toISOString(), m.speaker, csvField(m.text), d.Scenario.Domains[0], 'chat'].join(','),
        );
      }
    }
    let seed = 2026;
    for (let i = rows.length - 1; i > 0; i--) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const j = seed % (i + 1);
      [rows[i], rows[j]] = [rows[j], rows[i]];
    }
    const csv = ['conversation_id,timestamp,speaker,text,issue_type,channel', ...rows].join('\r\n');
    const fromCsv = await parseAll(csv, { fileName: 'star.csv', tempDir }, 65536);
    expect(
      rejections(fromCsv)
        .map((r) => r.reason)
        .filter((r) => r !== 'empty-conversation'),
    ).toEqual([]);
    const strip = (c: Conversation) => ({ id: c.conversationId, issueType: c.issueType, channel: c.channel, turns: c.turns });
    const csvConversations = conversations(fromCsv);
    expect(csvConversations).toHaveLength(jsonlById.size);
    for (const c of csvConversations) expect(strip(c)).toEqual(strip(jsonlById.get(c.conversationId)!));
  });

  test('the post-chat questionnaire becomes feedback (JSONL and CSV)', async () => {
    const answers = dialogues.flatMap((d) => {
      const q = d.UserQuestionnaire?.find((x) => /calm and helpful/i.test(x.Question));
      return q ? [{ conversation_id: `star-${d.DialogueID}`, rating: q.Answer ? 5 : 1, comment: q.Question }] : [];
    });
    expect(answers.length).toBeGreaterThan(250);
    const fromJsonl = feedbacks(await parseAll(jsonl(...answers), {}, 65536));
    const fromCsv = feedbacks(
      await parseAll(
        ['conversation_id,rating,comment', ...answers.map((a) => `${a.conversation_id},${a.rating},${csvField(a.comment)}`)].join('\n'),
        {},
        65536,
      ),
    );
    expect(fromJsonl.map((f) => [f.conversationId, f.rating])).toEqual(answers.map((a) => [a.conversation_id, a.rating]));
    expect(fromCsv.map((f) => [f.conversationId, f.rating, f.comment])).toEqual(
      fromJsonl.map((f) => [f.conversationId, f.rating, f.comment]),
    );
    expect(fromJsonl.filter((f) => f.rating === 1).length).toBeGreaterThanOrEqual(60);
  });
});

describe('ABCD sample', () => {
  interface Abcd {
    convo_id: number;
    scenario: { personal: { customer_name: string; email: string }; flow: string; subflow: string };
    original: [string, string][];
  }
  const sample = JSON.parse(readFileSync(join(corpora, 'abcd_sample', 'abcd_sample.json'), 'utf8')) as Abcd[];

  test('"action" turns (agent button clicks) are an unknown speaker unless mapped', async () => {
    const lines = sample.map((c) => ({
      conversation_id: String(c.convo_id),
      issue_type: c.scenario.flow,
      messages: c.original.map(([speaker, text]) => ({ role: speaker, text })),
    }));
    const plain = await parseAll(jsonl(...lines), { fileName: 'abcd.jsonl' });
    expect(rejections(plain).map((r) => [r.line, r.reason])).toEqual([
      [1, 'unknown-speaker'],
      [2, 'unknown-speaker'],
      [3, 'unknown-speaker'],
    ]);
    expect(rejections(plain)[0].detail).toContain('"action"');

    const mapped = conversations(await parseAll(jsonl(...lines), { fileName: 'abcd.jsonl', speakerRoles: { action: 'system' } }));
    expect(mapped.map((c) => [c.conversationId, c.issueType])).toEqual(sample.map((c) => [String(c.convo_id), c.scenario.flow]));
    const first = mapped[0];
    // "Hi!" + "How can I help you?" from the agent merge into one turn.
    expect(first.turns[0]).toEqual({ role: 'assistant', content: 'Hi!\nHow can I help you?' });
    expect(first.turns.some((t) => t.role === 'system' && t.content.startsWith('Account has been pulled up'))).toBe(true);
    // Ingest does not redact: the fictional e-mail is still there for the quality stage to catch.
    expect(first.turns.some((t) => t.content.includes(sample[0].scenario.personal.email))).toBe(true);
  });

  test('a CSV export with the customer named and the agent as "Agent" maps the name to the user', async () => {
    const rows: string[] = ['Chat ID;Sender;Message;Intent'];
    for (const c of sample) {
      const name = c.scenario.personal.customer_name.replace(/\b\w/g, (x) => x.toUpperCase());
      for (const [speaker, text] of c.original) {
        if (speaker === 'action') continue;
        rows.push([c.convo_id, speaker === 'agent' ? 'Agent' : name, `"${text.replace(/"/g, '""')}"`, c.scenario.subflow].join(';'));
      }
    }
    const items = await parseAll(rows.join('\n'), { fileName: 'abcd.csv', tempDir });
    expect(rejections(items)).toEqual([]);
    const byId = new Map(conversations(items).map((c) => [c.conversationId, c]));
    for (const c of sample) {
      const parsed = byId.get(String(c.convo_id))!;
      expect(parsed.issueType).toBe(c.scenario.subflow);
      const expectedCustomerTexts = c.original.filter(([s]) => s === 'customer').map(([, t]) => t.trim());
      const userText = parsed.turns
        .filter((t) => t.role === 'user')
        .map((t) => t.content)
        .join('\n');
      expect(userText.split('\n')).toEqual(expectedCustomerTexts);
    }
  });
});
