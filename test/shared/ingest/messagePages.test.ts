import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRoleMapper } from '../../../src/shared/ingest/roles';
import { groupMessagePages, messagePageRow } from '../../../src/shared/ingest/messagePages';
import type { IngestItem } from '../../../src/shared/ingest/types';
import { conversations, freshchatMessage, freshchatPage, FRESHCHAT_PAGES, jsonl, parseAll, rejections } from './helpers';

const reasons = (items: IngestItem[]) => items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type));
const said = (items: IngestItem[]) => conversations(items).map((c) => c.turns.map((t) => `${t.role}: ${t.content}`));

const fc = freshchatMessage;
const fcPage = freshchatPage;

/** A HubSpot thread message as the Conversations API v3 lists it. */
const hs = (id: string, thread: string, direction: string, at: string, text: string, type = 'MESSAGE') => ({
  type,
  id,
  conversationsThreadId: thread,
  createdAt: at,
  text,
  direction,
  ...(type === 'MESSAGE' ? { truncationStatus: 'NOT_TRUNCATED' } : {}),
});
const hsPage = (...results: object[]) => ({ results, paging: { next: { after: 'MjA%3D', link: '' } } });

/**
 * Help desk APIs page a conversation's messages (Freshchat at most 50 a page); teams save the pages
 * one per line. The pages of one conversation in a file are one conversation.
 */
describe('message pages of one conversation on several lines', () => {
  // fc-1: four messages over two pages; the newer page saved first (the API lists the newest first).
  const { newer, older, other } = FRESHCHAT_PAGES;

  test('Freshchat: pages in any order, other conversations between them, become one conversation in time order; its record is every page', async () => {
    const text = jsonl(newer, other, older);
    const items = await parseAll(text, { fileName: 'fc.jsonl' });
    expect(reasons(items)).toEqual(['conversation', 'conversation']);
    expect(said(items)).toEqual([
      [
        'user: I was charged twice.',
        'assistant: Sorry to hear that! Which order?',
        'user: It is order 5521.',
        'assistant: Done: the duplicate charge is voided.',
      ],
      ['user: When does my parcel ship?', 'assistant: It ships tomorrow.'],
    ]);
    const [first, second] = conversations(items);
    const lines = text.trim().split('\n');
    // Named by its first page's line; the record is what the erasure removes: both pages' lines.
    expect(first.source).toEqual({ file: 'fc.jsonl', line: 1, record: `${lines[0]}\n${lines[2]}` });
    expect(first.conversationId).toBe('fc-1');
    expect(second.source).toEqual({ file: 'fc.jsonl', line: 2, record: lines[1] });
  });

  test('Freshchat: a page saved twice and overlapping pages repeat messages; each message id is read once, private notes counted once', async () => {
    const note = fc('m-2b', 'fc-1', 'agent', '2026-03-02T09:02:00Z', 'Repeat complainer.', { message_type: 'private' });
    const overlap = fcPage(newer.messages[1], note, older.messages[0]);
    const olderWithNote = fcPage(note, ...older.messages);
    const items = await parseAll(jsonl(newer, olderWithNote, overlap, newer), { fileName: 'fc.jsonl' });
    expect(reasons(items)).toEqual(['conversation']);
    expect(said(items)[0]).toEqual([
      'user: I was charged twice.',
      'assistant: Sorry to hear that! Which order?',
      'user: It is order 5521.',
      'assistant: Done: the duplicate charge is voided.',
    ]);
    expect(conversations(items)[0].setAside).toEqual({ 'private-message': 1 });
    expect(conversations(items)[0].source.record.split('\n')).toHaveLength(4);
  });

  test('Freshchat: a rejection of a conversation read from several pages names the message by its line, the sides by the pages', async () => {
    const bad = fcPage(fc('k-2', 'fc-3', 'robot', '2026-03-02T09:01:00Z', 'Beep.'));
    const start = fcPage(fc('k-1', 'fc-3', 'user', '2026-03-02T09:00:00Z', 'Hello?'));
    const lonely = fcPage(fc('u-1', 'fc-4', 'user', '2026-03-02T09:00:00Z', 'Anyone there?'));
    const lonelyToo = fcPage(fc('u-2', 'fc-4', 'user', '2026-03-02T09:05:00Z', 'Hello??'));
    const items = await parseAll(jsonl(start, lonely, bad, lonelyToo), { fileName: 'fc.jsonl' });
    expect(rejections(items).map((r) => [r.line, r.reason, r.detail])).toEqual([
      [
        'fc.jsonl',
        1,
        'unknown-speaker',
        'message 1 of line 3 has "actor_type" "robot"; Freshchat\'s are user, agent, bot and system',
      ].slice(1),
      [
        2,
        'one-sided-conversation',
        'conversation fc-4 (its 2 pages in this file: line 2, line 4) has no reply from the support side, so there is nothing to learn from it',
      ],
    ]);
    expect(rejections(items)[1].record.split('\n')).toHaveLength(2);
  });

  test('Freshchat: pages whose messages have no time cannot be put in order: rejected saying so (one such page is read as before)', async () => {
    const untimed = (m: object) => ({ ...m, created_time: undefined });
    const items = await parseAll(jsonl(fcPage(...newer.messages.map(untimed)), fcPage(...older.messages.map(untimed))), {
      fileName: 'fc.jsonl',
    });
    expect(rejections(items).map((r) => [r.reason, r.detail])).toEqual([
      [
        'invalid-field:created_time',
        expect.stringMatching(
          /^conversation fc-1: 4 of its messages have no "created_time" .* 2 pages in this file \(line 1, line 2\) cannot be put in time order/,
        ),
      ],
    ]);
    const one = await parseAll(jsonl(fcPage(...[...newer.messages, ...older.messages].map(untimed))), { fileName: 'fc.jsonl' });
    expect(said(one)).toEqual([
      [
        'user: I was charged twice.',
        'assistant: Sorry to hear that! Which order?',
        'user: It is order 5521.',
        'assistant: Done: the duplicate charge is voided.',
      ],
    ]);
  });

  test('HubSpot: a thread over two pages is one conversation (every message names the thread); comments counted once', async () => {
    const comment = hs('c-1', '8801', 'OUTGOING', '2026-03-02T09:01:30Z', '@Jonas replacement ok?', 'COMMENT');
    const first = hsPage(
      hs('w-1', '8801', 'OUTGOING', '2026-03-02T09:00:00Z', 'Hi there!', 'WELCOME_MESSAGE'),
      hs('m-1', '8801', 'INCOMING', '2026-03-02T09:00:20Z', 'My order arrived with a broken lid.'),
      comment,
    );
    const second = hsPage(comment, hs('m-2', '8801', 'OUTGOING', '2026-03-02T09:02:00Z', 'A replacement is on its way.'));
    const other = hsPage(
      hs('x-1', '9902', 'INCOMING', '2026-03-02T10:00:00Z', 'Do you ship to Ireland?'),
      hs('x-2', '9902', 'OUTGOING', '2026-03-02T10:01:00Z', 'Yes, in 3 to 5 days.'),
    );
    const items = await parseAll(jsonl(second, other, first), { fileName: 'hubspot.jsonl' });
    expect(reasons(items)).toEqual(['conversation', 'conversation']);
    expect(conversations(items).map((c) => [c.conversationId, c.source.line, c.setAside])).toEqual([
      ['8801', 1, { 'internal-comment': 1 }],
      ['9902', 2, undefined],
    ]);
    expect(said(items)[0]).toEqual(['user: My order arrived with a broken lid.', 'assistant: A replacement is on its way.']);
  });

  test('Front and Crisp: the fixture conversation split over two pages saved in any order, with a repeated message, is one conversation', async () => {
    for (const [file, key] of [
      ['front_messages.jsonl', '_results'],
      ['crisp_messages.jsonl', 'data'],
    ] as const) {
      const line = readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', file), 'utf8').split('\n')[0];
      const page = JSON.parse(line) as Record<string, unknown[]>;
      const messages = page[key];
      const half = Math.ceil(messages.length / 2);
      // The second page repeats the first page's last message (an overlapping dump), and is saved first.
      const split = jsonl({ ...page, [key]: messages.slice(half - 1) }, { ...page, [key]: messages.slice(0, half) });
      const whole = await parseAll(`${line}\n`, { fileName: file });
      const paged = await parseAll(split, { fileName: file });
      expect({ file, reasons: reasons(paged) }).toEqual({ file, reasons: ['conversation'] });
      expect({ file, said: said(paged) }).toEqual({ file, said: said(whole) });
      expect(conversations(paged)[0].setAside).toEqual(conversations(whole)[0].setAside);
      expect(conversations(paged)[0].source.record.split('\n')).toHaveLength(2);
    }
  });

  test('a page that names no conversation, a broken line: each read alone as it is read, the grouped conversations after them', async () => {
    const noId = fcPage(
      fc('a-2', '', 'agent', '2026-03-02T09:01:00Z', 'Happy to help.', { conversation_id: undefined }),
      fc('a-1', '', 'user', '2026-03-02T09:00:00Z', 'Thanks!', { conversation_id: undefined }),
    );
    const items = await parseAll(jsonl(newer, noId, '{"messages": [', older), { fileName: 'fc.jsonl' });
    expect(reasons(items)).toEqual(['conversation', 'invalid-json', 'conversation']);
    expect(conversations(items).map((c) => [c.source.line, c.turns.length, c.conversationId.startsWith('freshchat')])).toEqual([
      [2, 2, true],
      [1, 4, false],
    ]);
    expect(rejections(items)[0].line).toBe(3);
  });

  test('spilled to temp files (no memory budget), the pages give the same conversations as grouped in memory', async () => {
    const roles = createRoleMapper();
    const pages = [newer, other, older, fcPage(fc('z-1', 'fc-9', 'user', '2026-03-04T08:00:00Z', 'Hi'))];
    async function* rows() {
      for (const [i, page] of pages.entries()) {
        const row = messagePageRow(page, i + 1, JSON.stringify(page), 'freshchat');
        if (row) yield row;
      }
    }
    const collect = async (memoryBudgetChars: number) => {
      const items: IngestItem[] = [];
      for await (const item of groupMessagePages(rows(), { file: 'fc.jsonl', family: 'freshchat', roles, memoryBudgetChars }))
        items.push(item);
      return items;
    };
    const lineOf = (item: IngestItem) =>
      item.type === 'conversation' ? item.conversation.source.line : item.type === 'rejected' ? item.rejection.line : 0;
    const byLine = (items: IngestItem[]) => [...items].sort((a, b) => lineOf(a) - lineOf(b));
    const spilled = await collect(0);
    expect(byLine(spilled)).toEqual(await collect(Number.MAX_SAFE_INTEGER));
    expect(said(byLine(spilled))).toHaveLength(2);
    expect(reasons(spilled).sort()).toEqual(['conversation', 'conversation', 'one-sided-conversation']);
  });

  test('the fixture split into two pages is one conversation, as the fixture line is', async () => {
    const line = readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', 'freshchat_messages.jsonl'), 'utf8').split('\n')[0];
    const page = JSON.parse(line) as { messages: unknown[] };
    const split = jsonl({ ...page, messages: page.messages.slice(2) }, { ...page, messages: page.messages.slice(0, 2) });
    const whole = conversations(await parseAll(line + '\n'));
    const joined = conversations(await parseAll(split));
    expect(joined.map((c) => [c.conversationId, c.turns, c.setAside])).toEqual(whole.map((c) => [c.conversationId, c.turns, c.setAside]));
  });
});
