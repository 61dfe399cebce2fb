import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestItem } from '../../../src/shared/ingest/types';
import { conversations, freshchatMessage as fc, freshchatPage, FRESHCHAT_PAGES, jsonl, parseAll, rejections } from './helpers';

/**
 * A script that pages through a help desk's API often saves every page in one JSON document (an
 * array, or an object wrapping the array) instead of one page per line. The pages of one
 * conversation there are one conversation too, read exactly as from JSON lines; before, each page
 * was read as a conversation of its own (half a chat, or quarantined as one-sided).
 */
const reasons = (items: IngestItem[]) => items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type));
const said = (items: IngestItem[]) =>
  conversations(items).map((c) => [c.conversationId, c.setAside, ...c.turns.map((t) => `${t.role}: ${t.content}`)]);

const fcPage = freshchatPage;
const { newer, older, other } = FRESHCHAT_PAGES;

describe('message pages in a JSON document', () => {
  const pages = [newer, other, older];
  const documents: [string, string][] = [
    ['a pretty-printed array', JSON.stringify(pages, null, 2)],
    ['a compact array', JSON.stringify(pages)],
    ['a wrapper object', JSON.stringify({ pages, count: 3 }, null, 2)],
  ];

  test.each(documents)('Freshchat, %s: grouped by conversation as on JSON lines', async (_layout, document) => {
    const lines = await parseAll(jsonl(...pages), { fileName: 'fc.jsonl' });
    const items = await parseAll(document, { fileName: 'fc.json' });
    expect(reasons(items)).toEqual(['conversation', 'conversation']);
    expect(said(items)).toEqual(said(lines));
    expect(said(items)[0]).toEqual([
      'fc-1',
      undefined,
      'user: I was charged twice.',
      'assistant: Sorry to hear that! Which order?',
      'user: It is order 5521.',
      'assistant: Done: the duplicate charge is voided.',
    ]);
  });

  test('each conversation names where its pages start in the document, and its record is their texts', async () => {
    const document = JSON.stringify(pages, null, 2);
    const [first, second] = conversations(await parseAll(document, { fileName: 'fc.json' }));
    const starts = first.source.elements!.map((e) => e.line);
    expect(starts).toHaveLength(2);
    // Each element's text begins on its line of the document.
    const docLines = document.split('\n');
    for (const element of first.source.elements!) expect(docLines[element.line - 1].trim()).toBe(element.text.split('\n')[0].trim());
    expect(first.source.line).toBe(starts[0]);
    expect(first.source.record).toBe(first.source.elements!.map((e) => e.text).join('\n'));
    expect(second.source.elements).toHaveLength(1);
    // On JSON lines the line is the place: no elements.
    expect(conversations(await parseAll(jsonl(...pages), { fileName: 'fc.jsonl' }))[0].source.elements).toBeUndefined();
  });

  test('Front: the fixture conversation split over two pages of an array, one message repeated, is the fixture conversation', async () => {
    const line = readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', 'front_messages.jsonl'), 'utf8').split('\n')[0];
    const page = JSON.parse(line) as Record<string, unknown[]>;
    const messages = page._results;
    const half = Math.ceil(messages.length / 2);
    const split = [
      { ...page, _results: messages.slice(half - 1) },
      { ...page, _results: messages.slice(0, half) },
    ];
    const whole = await parseAll(`${line}\n`, { fileName: 'front.jsonl' });
    const paged = await parseAll(JSON.stringify(split, null, 2), { fileName: 'front.json' });
    expect(reasons(paged)).toEqual(['conversation']);
    expect(said(paged)).toEqual(said(whole));
  });

  test('an element that is no page, or names no conversation, is read alone as before; the grouped conversations after it', async () => {
    const noId = fcPage(
      fc('a-2', '', 'agent', '2026-03-02T09:01:00Z', 'Happy to help.', { conversation_id: undefined }),
      fc('a-1', '', 'user', '2026-03-02T09:00:00Z', 'Thanks!', { conversation_id: undefined }),
    );
    const items = await parseAll(JSON.stringify([newer, noId, 42, older], null, 2), { fileName: 'fc.json' });
    // The page without a conversation id is read alone (a content id), the number rejected, then fc-1 of two pages.
    expect(reasons(items)).toEqual(['conversation', 'invalid-record', 'conversation']);
    expect(conversations(items).map((c) => [c.turns.length, c.conversationId.startsWith('freshchat'), c.source.elements?.length])).toEqual([
      [2, true, undefined],
      [4, false, 2],
    ]);
    expect(rejections(items)[0].detail).toContain('element 2');
  });
});
