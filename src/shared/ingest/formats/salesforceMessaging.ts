import { reject, show } from '../records';
import type { IngestItem, SourceRef } from '../types';
import { finish, idOf, inTimeOrder, isObject, setAsideCounts, type JsonObject, type TimedTurn } from './common';
import { pageMessages, pagesNamed, unorderedPages, type MessagePage } from './pages';

/**
 * A Salesforce messaging session as the Connect REST API returns its conversation entries (`GET
 * /services/data/vXX.X/connect/conversation/{conversationIdentifier}/entries`: `{"conversationEntries":
 * [...]}`), the transcript of Messaging for In-App and Web and of the other enhanced channels
 * (WhatsApp, SMS, Messenger), which replaced Salesforce's legacy chat (its `LiveChatTranscript` is
 * read as a transcript, ./transcript.ts). Enhanced channels keep no message text in the
 * `ConversationEntry` object, so this API is where a team's Salesforce messaging history is. Each
 * entry has `identifier`, `messageText`, `clientTimestamp` (milliseconds), `sender` (`role`,
 * `appType`, `subject`) and `relatedRecords`.
 *
 * The end user (`EndUser`) asks; agents and supervisors answer. Bots' entries (`Chatbot`, `Bot`:
 * Einstein bots and Agentforce agents) and the channel's automatic ones (`System`, `Router`) are
 * scripted or generated, not an agent's reply, and are set aside (`bot-message`), as in the
 * contact-centre formats; an entry without text (a file, a card, a form) is `media-omitted`.
 * Any other role is `unknown-speaker`, naming the entry.
 *
 * The response names no conversation: the id is the `conversationIdentifier` a saving script adds
 * beside the entries, else the messaging session (`0Mw…`) or voice call (`0LQ…`) its earliest
 * entry's `relatedRecords` name (a conversation reopened later lists every session's entries: one
 * response is one conversation, named by its first session, so a later export keeps the id), else
 * one made from the content. Pages saved as JSON lines whose earliest entries are of one session
 * are one conversation (../messagePages.ts).
 */
export function isSalesforceConversationEntries(record: JsonObject): boolean {
  const entries = record.conversationEntries;
  if (!Array.isArray(entries) || entries.length === 0) return false;
  const first: unknown = entries[0];
  return isObject(first) && isObject(first.sender) && ('messageText' in first || 'identifier' in first);
}

type EntrySide = 'user' | 'assistant' | 'automated';

const SIDES: Record<string, EntrySide> = {
  enduser: 'user',
  agent: 'assistant',
  supervisor: 'assistant',
  chatbot: 'automated',
  bot: 'automated',
  system: 'automated',
  router: 'automated',
};

/** Key prefixes of the records a conversation's entries relate to: MessagingSession, VoiceCall. */
const SESSION_RECORD = /^(?:0Mw|0LQ)[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/;

/** The conversation a page belongs to (see the reader's comment), or undefined when it names none. */
export function salesforceConversationOf(record: JsonObject): string | undefined {
  const own = idOf(record.conversationIdentifier ?? record.conversationId);
  if (typeof own === 'string') return own;
  if (own === null) return undefined;
  // The earliest entry's session: the API lists from the end by default, and a conversation reopened
  // later (persistent messaging) lists every session's entries, so the first listed is the newest.
  const entries = Array.isArray(record.conversationEntries) ? (record.conversationEntries as unknown[]) : [];
  let earliest: { session: string; at: number } | undefined;
  for (const entry of entries) {
    if (!isObject(entry) || !Array.isArray(entry.relatedRecords)) continue;
    const session = (entry.relatedRecords as unknown[]).find((id): id is string => typeof id === 'string' && SESSION_RECORD.test(id));
    if (!session) continue;
    const at = epochMs(entry.clientTimestamp) ?? epochMs(entry.serverReceivedTimestamp) ?? Number.POSITIVE_INFINITY;
    if (!earliest || at < earliest.at) earliest = { session, at };
  }
  return earliest?.session;
}

export function parseSalesforceConversationEntries(source: SourceRef, record: JsonObject): IngestItem {
  return parseSalesforcePages(source, [{ record, line: source.line }]);
}

/** The pages of one conversation, in file order, as one conversation; an entry an earlier page held (`identifier`) is read once. */
export function parseSalesforcePages(source: SourceRef, pages: readonly MessagePage[]): IngestItem {
  const first = pages[0].record;
  const ownId = idOf(first.conversationIdentifier ?? first.conversationId);
  if (ownId === null)
    return reject(
      source,
      'invalid-field:conversationIdentifier',
      `"conversationIdentifier" must be a string, got ${show(first.conversationIdentifier ?? first.conversationId)}`,
    );
  const id = salesforceConversationOf(first);
  const timed: TimedTurn[] = [];
  let automated = 0;
  let media = 0;
  for (const { message: entry, n, order } of pageMessages(pages, 'conversationEntries', 'identifier')) {
    const named = n.replace(/^message/, 'entry');
    if (!isObject(entry)) return reject(source, 'invalid-field:conversationEntries', `${named} must be an object, got ${show(entry)}`);
    const sender = isObject(entry.sender) ? entry.sender : undefined;
    const side = typeof sender?.role === 'string' ? SIDES[sender.role.toLowerCase()] : undefined;
    if (!side)
      return reject(
        source,
        'unknown-speaker',
        `${named} has "sender.role" ${show(sender?.role)}; Salesforce's are EndUser, Agent, Supervisor, Chatbot, System and Router`,
      );
    if (side === 'automated') {
      automated++;
      continue;
    }
    const text = typeof entry.messageText === 'string' ? entry.messageText : '';
    if (!text.trim()) {
      media++;
      continue;
    }
    const at = timeOf(entry.clientTimestamp) ?? timeOf(entry.serverReceivedTimestamp);
    timed.push({ turn: at ? { role: side, text, timestamp: at } : { role: side, text }, order });
  }
  const unordered = unorderedPages(pages, timed, 'clientTimestamp');
  if (unordered) return reject(source, 'invalid-field:clientTimestamp', `conversation ${id ?? '(no id)'}: ${unordered}`);
  return finish({
    source,
    id: id === undefined ? undefined : `salesforce-${id}`,
    idPrefix: 'salesforce',
    raw: inTimeOrder(timed),
    channel: 'messaging',
    setAside: setAsideCounts({ 'bot-message': automated, 'media-omitted': media }),
    needBothSides: `${id === undefined ? 'the Salesforce messaging session' : `the Salesforce messaging session ${show(id)}`}${pagesNamed(pages)}`,
  });
}

/** Epoch milliseconds as the API writes them (a number or its digits); undefined for none or 0. */
function epochMs(value: unknown): number | undefined {
  const ms = typeof value === 'number' ? value : typeof value === 'string' && /^\d{10,16}$/.test(value) ? Number(value) : Number.NaN;
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

function timeOf(value: unknown): string | undefined {
  const ms = epochMs(value);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}
