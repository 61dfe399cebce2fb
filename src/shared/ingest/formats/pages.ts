import { linePlace } from '../records';
import type { JsonObject, TimedTurn } from './common';

/**
 * One page of a conversation's messages as a help desk API returns it (Freshchat's
 * `{"messages": [...]}`, HubSpot's `{"results": [...]}`) and the line it was read from. The pages of
 * one conversation in a file are read together as one conversation (ingest/messagePages.ts).
 */
export interface MessagePage {
  record: JsonObject;
  line: number;
}

/**
 * The messages of a conversation's pages (in file order), each with how a rejection names it
 * ("message 3", or "message 3 of line 7" when there are several pages) and its place across the
 * pages. A message whose id (`idField`: `id`, Crisp's `fingerprint`) an earlier page already held is passed over: overlapping page dumps
 * (a page saved twice, pages fetched again after new messages) repeat whole messages, and read
 * twice every repeated message would be said twice. Within one page nothing is passed over, as
 * before pages were grouped.
 */
export function* pageMessages(
  pages: readonly MessagePage[],
  key: string,
  idField = 'id',
): Iterable<{ message: unknown; n: string; order: number }> {
  const several = pages.length > 1;
  const earlier = new Set<string>();
  let order = 0;
  for (const { record, line } of pages) {
    const messages = Array.isArray(record[key]) ? (record[key] as unknown[]) : [];
    const here: string[] = [];
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i];
      const id = several ? messageId(message, idField) : undefined;
      if (id !== undefined) {
        if (earlier.has(id)) continue;
        here.push(id);
      }
      yield { message, n: several ? `message ${i + 1} of ${linePlace(line)}` : `message ${i + 1}`, order: order++ };
    }
    for (const id of here) earlier.add(id);
  }
}

function messageId(message: unknown, idField: string): string | undefined {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return undefined;
  const id = (message as JsonObject)[idField];
  return typeof id === 'string' && id.trim() !== '' ? id : typeof id === 'number' && Number.isFinite(id) ? String(id) : undefined;
}

/** The pages' lines, for a rejection of a conversation read from several: "" for one page (worded as before). */
export function pagesNamed(pages: readonly MessagePage[]): string {
  return pages.length < 2 ? '' : ` (its ${pages.length} pages in this file: ${pageLines(pages)})`;
}

function pageLines(pages: readonly MessagePage[]): string {
  const shown = pages.slice(0, 5).map((p) => linePlace(p.line));
  return `${shown.join(', ')}${pages.length > shown.length ? ', …' : ''}`;
}

/**
 * Why the turns of several pages cannot be put in time order, or undefined when they can: pages
 * may be saved in any order (the APIs list the newest first), so only the messages' times order
 * them, and a turn without one has no place. One page keeps its listed order, as before.
 */
export function unorderedPages(pages: readonly MessagePage[], turns: readonly TimedTurn[], field: string): string | undefined {
  if (pages.length < 2) return undefined;
  const untimed = turns.filter((t) => !t.turn.timestamp).length;
  if (!untimed) return undefined;
  return `${untimed} of its messages have no "${field}" that is a date/time, so the messages of its ${pages.length} pages in this file (${pageLines(pages)}) cannot be put in time order; export the messages with their "${field}", or join the pages' messages into one record in time order`;
}
