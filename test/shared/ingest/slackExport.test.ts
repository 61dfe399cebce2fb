import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { slackText, slackPeople } from '../../../src/shared/ingest/slackExport';
import { conversations, outline, parseAll, rejections } from './helpers';
import { zip } from './xlsxFiles';

/**
 * Slack's workspace export (hand-written, test/fixtures/formats/slack/SOURCE.md), zipped here as
 * Slack's "Export data" delivers it. Before, each day file was read on its own and rejected
 * (`unknown-format`: a JSON array of objects of no known format), and a thread's replies written on
 * a later day stood in another file anyway.
 */
const EXPORT = join(__dirname, '..', '..', 'fixtures', 'formats', 'slack', 'export');

function files(dir: string): [string, Buffer][] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : [[relative(EXPORT, path), readFileSync(path)] as [string, Buffer]];
    });
}

describe("Slack's workspace export", () => {
  test('a thread across day files is one conversation, a channel day outside threads another; the customer is the other team', async () => {
    const notices: string[] = [];
    const items = await parseAll(zip(files(EXPORT)), { fileName: 'Kedai Slack export.zip', onNotice: (m) => notices.push(m) }, 4096);
    expect(outline(items).sort()).toEqual([
      'Kedai Slack export.zip/slack-messages.jsonl: slack-acme-support-1796027400.000100',
      'Kedai Slack export.zip/slack-messages.jsonl: slack-acme-support-2026-11-30',
      'Kedai Slack export.zip/slack-messages.jsonl: slack-acme-support-2026-12-01',
      'Kedai Slack export.zip/slack-messages.jsonl: slack-help-2026-12-01',
    ]);
    const byId = new Map(conversations(items).map((c) => [c.conversationId, c]));
    const thread = byId.get('slack-acme-support-1796027400.000100')!;
    const day = byId.get('slack-acme-support-2026-11-30')!;
    expect(thread.turns.map((t) => `${t.role}: ${t.content}`)).toEqual([
      'user: Hi team, our invoices for November show the wrong VAT number. Can you fix it?',
      'assistant: Sorry about that, Dana. I have corrected the VAT number on both November invoices and re-sent them to billing@acme.example.',
      'user: Thanks, received them. Will the December invoice be right too?',
      "assistant: Yes, the fix applies to every future invoice of @Dana Lee's account.",
    ]);
    expect(thread.turns[0].timestamp).toBe('2026-11-30T08:30:00.000Z');
    expect(thread.channel).toBe('slack');
    // The join notice is Slack's, not the customer's; markup and entities as the reader saw them.
    expect(day.turns.map((t) => `${t.role}: ${t.content}`)).toEqual([
      'system: @Dana Lee has joined the channel',
      'user: Is the API down? We get 502 errors & timeouts since 10:00.',
      'assistant: We had a short outage of the EU gateway; it is fixed since 10:25. Details on our status page (https://status.kedai.example/incidents/42).',
    ]);
    // An app's post alone on a day is Slack's too, and an internal channel has no customer: no
    // conversation to learn from, quarantined by the pipeline (test/functions/preprocess.formats.test.ts).
    expect(byId.get('slack-acme-support-2026-12-01')!.turns.map((t) => t.role)).toEqual(['system']);
    expect(byId.get('slack-help-2026-12-01')!.turns.map((t) => t.role)).toEqual(['assistant']);
    expect(notices).toContainEqual(
      expect.stringMatching(
        /a Slack export, its 3 day file\(s\) of 2 channel\(s\) joined as Kedai Slack export\.zip\/slack-messages\.jsonl, one message row per line \(.*users\.json read for names and teams, not stored\)/,
      ),
    );
  });

  test("TUNELOOP_SPEAKER_ROLES decides first: an internal help channel's askers mapped as customers", async () => {
    const items = await parseAll(zip(files(EXPORT)), { fileName: 'export.zip', speakerRoles: { 'Priya Nair': 'user' } }, 4096);
    const help = conversations(items).find((c) => c.conversationId === 'slack-help-2026-12-01');
    expect(help?.turns.map((t) => t.role)).toEqual(['user', 'assistant']);
  });

  test('a day file that is not JSON is a rejection naming it; the other days are read', async () => {
    const broken = files(EXPORT).map(([name, bytes]): [string, Buffer] => [
      name,
      name === 'help/2026-12-01.json' ? Buffer.from('[{"type": "message",') : bytes,
    ]);
    const items = await parseAll(zip(broken), { fileName: 'export.zip' }, 4096);
    // Its text is a line of the joined file (the blob path keeps it there), rejected naming the day file.
    const [rejected] = rejections(items);
    expect(rejected).toMatchObject({ file: 'export.zip/slack-messages.jsonl', reason: 'invalid-json' });
    expect(rejected.detail).toMatch(/^help\/2026-12-01\.json: the Slack day file is not valid JSON: /);
    expect(JSON.parse(rejected.record)).toMatchObject({ slack_text: '[{"type": "message",' });
    expect(
      conversations(items)
        .map((c) => c.conversationId)
        .sort(),
    ).toEqual(['slack-acme-support-1796027400.000100', 'slack-acme-support-2026-11-30', 'slack-acme-support-2026-12-01']);
  });

  test('a day file on its own is rejected with what to give instead', async () => {
    const [rejected] = rejections(
      await parseAll(readFileSync(join(EXPORT, 'acme-support', '2026-11-30.json')), { fileName: 'acme-support/2026-11-30.json' }),
    );
    expect(rejected.reason).toBe('unknown-format');
    expect(rejected.detail).toMatch(/day file of a Slack export.*give the export's ZIP/);
  });

  test("Slack's markup: mentions, channels, links and entities", () => {
    const people = slackPeople([{ id: 'U1', team_id: 'T1', profile: { real_name: 'Ana Souza' } }]);
    expect(people.home).toBe('T1');
    expect(slackText('<@U1> see <#C1|billing> and <https://x.example/a|the guide>, <!here> &lt;3', people)).toBe(
      '@Ana Souza see #billing and the guide (https://x.example/a), @here <3',
    );
    expect(slackText('<https://x.example> <mailto:a@b.example|a@b.example> <!subteam^S1|@support>', people)).toBe(
      'https://x.example a@b.example @support',
    );
  });
});
