import { reject, show } from '../records';
import { parseTimestamp } from '../turns';
import type { IngestItem, SourceRef } from '../types';
import { finish, idOf, inTimeOrder, isObject, setAsideCounts, type JsonObject, type TimedTurn } from './common';
import { pageMessages, pagesNamed, unorderedPages, type MessagePage } from './pages';

/**
 * A Zendesk messaging conversation as Sunshine Conversations' API v2 lists its messages (`GET
 * /v2/apps/{app}/conversations/{id}/messages`: `{"messages": [...], "meta": …, "links": …}`), the
 * export teams on Zendesk's messaging (web widget, WhatsApp, Messenger through Zendesk) have. Each
 * message has `author` (`type` "user" or "business", `subtypes`, `displayName`), `content` (`type`
 * "text" with `text`, or image, file, carousel, list, location, form, formResponse, template),
 * `received` and `source` (`type`: "web", "whatsapp", "zd:agentWorkspace", …).
 *
 * The end user is the user; the business answers (agents, flows). A business message marked as made
 * by AI (`author.subtypes` holding "AI": Zendesk's AI agents) is set aside (`bot-message`): a model
 * is not to learn from another model's replies. Content other than text is set aside
 * (`media-omitted`), an image's or file's caption being its text. The response names no
 * conversation: the id is `conversation.id` when the file holds it, else the one the page links
 * name, else one made from the content. Pages of one conversation (by that id) in a file of JSON
 * lines are one conversation (../messagePages.ts).
 */
export function isSunshineMessages(record: JsonObject): boolean {
  const messages = record.messages;
  if (!Array.isArray(messages) || messages.length === 0) return false;
  const first: unknown = messages[0];
  return isObject(first) && isObject(first.author) && isObject(first.content) && typeof first.author.type === 'string';
}

const ROLES: Record<string, 'user' | 'assistant'> = { user: 'user', business: 'assistant' };

/**
 * The conversation a page belongs to: `conversation.id` when the file holds it, else the one its
 * page links name (`links.prev`/`links.next`: `…/conversations/{id}/messages?page[before]=…`, on
 * every page of a conversation that has several); else the page is read alone.
 */
export function sunshineConversationOf(record: JsonObject): string | undefined {
  const id = isObject(record.conversation) ? idOf(record.conversation.id) : undefined;
  if (typeof id === 'string') return id;
  if (id === null || !isObject(record.links)) return undefined;
  for (const link of [record.links.prev, record.links.next]) {
    const linked = typeof link === 'string' ? PAGE_LINK.exec(link)?.[1] : undefined;
    if (linked) return decodedSegment(linked);
  }
  return undefined;
}

const PAGE_LINK = /\/conversations\/([^/?#]+)\/messages(?:[?#]|$)/;

/** A URL path segment decoded; as written when its escapes are broken (the link is still the conversation's). */
function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function parseSunshineMessages(source: SourceRef, record: JsonObject): IngestItem {
  return parseSunshinePages(source, [{ record, line: source.line }]);
}

/**
 * The pages of one conversation (the API gives at most 100 messages a page, `meta.hasMore` saying
 * there are more), in file order, as one conversation; a message an earlier page held is read once.
 */
export function parseSunshinePages(source: SourceRef, pages: readonly MessagePage[]): IngestItem {
  const timed: TimedTurn[] = [];
  let bots = 0;
  let media = 0;
  for (const { message, n, order } of pageMessages(pages, 'messages')) {
    if (!isObject(message)) return reject(source, 'invalid-field:messages', `${n} must be an object, got ${show(message)}`);
    if (message.deleted === true) continue;
    const author = isObject(message.author) ? message.author : undefined;
    const role = typeof author?.type === 'string' ? ROLES[author.type.toLowerCase()] : undefined;
    if (!role)
      return reject(
        source,
        'unknown-speaker',
        `${n} has "author.type" ${show(author?.type)}; Sunshine Conversations' are user and business`,
      );
    if (role === 'assistant' && Array.isArray(author?.subtypes) && author.subtypes.includes('AI')) {
      bots++;
      continue;
    }
    const content = isObject(message.content) ? message.content : {};
    const text = typeof content.text === 'string' && content.text.trim() ? content.text : undefined;
    if (content.type !== 'text' && !(text && (content.type === 'image' || content.type === 'file'))) {
      media++;
      continue;
    }
    if (!text) continue;
    timed.push({ turn: { role, text, timestamp: parseTimestamp(message.received) }, order });
  }
  const first = pages[0].record;
  const conversation = isObject(first.conversation) ? first.conversation : undefined;
  if (idOf(conversation?.id) === null)
    return reject(source, 'invalid-field:conversation.id', `"conversation.id" must be a string, got ${show(conversation?.id)}`);
  const id = sunshineConversationOf(first);
  const unordered = unorderedPages(pages, timed, 'received');
  if (unordered) return reject(source, 'invalid-field:received', `conversation ${id ?? '(no id)'}: ${unordered}`);
  return finish({
    source,
    id: id === undefined ? undefined : `sunshine-${id}`,
    idPrefix: 'sunshine',
    raw: inTimeOrder(timed),
    channel: 'messaging',
    setAside: setAsideCounts({ 'bot-message': bots, 'media-omitted': media }),
    needBothSides: `${id === undefined ? 'the messaging conversation' : `the messaging conversation ${show(id)}`}${pagesNamed(pages)}`,
  });
}
