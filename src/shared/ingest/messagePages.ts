import { crispConversationOf, parseCrispPages } from './formats/crisp';
import { freshchatConversationOf, parseFreshchatPages } from './formats/freshchat';
import { frontConversationOf, parseFrontPages } from './formats/front';
import { hubSpotThreadOf, parseHubSpotPages } from './formats/hubspot';
import { parseSalesforcePages, salesforceConversationOf } from './formats/salesforceMessaging';
import { parseSunshinePages, sunshineConversationOf } from './formats/sunshine';
import { parseTwilioPages, twilioConversationOf } from './formats/twilio';
import type { JsonObject } from './formats/common';
import type { MessagePage } from './formats/pages';
import { isJsonObject, jsonFamily, type JsonFamily } from './jsonl';
import { groupMessageRows, type MessageRow } from './messageCsv';
import type { RoleMapper } from './roles';
import type { IngestItem, SourceRef } from './types';

/** The families whose records are pages of one conversation's messages, grouped by conversation in a file. */
export type PagedFamily = 'freshchat' | 'hubspot' | 'front' | 'crisp' | 'sunshine' | 'twilio' | 'salesforce-messaging';

/** Per family: the conversation a page belongs to, and how the pages of one are read. */
const PAGED: Record<
  PagedFamily,
  {
    conversationOf: (record: JsonObject) => string | undefined;
    read: (source: SourceRef, pages: MessagePage[], roles: RoleMapper) => IngestItem;
  }
> = {
  freshchat: { conversationOf: freshchatConversationOf, read: parseFreshchatPages },
  hubspot: { conversationOf: hubSpotThreadOf, read: parseHubSpotPages },
  front: { conversationOf: frontConversationOf, read: parseFrontPages },
  crisp: { conversationOf: crispConversationOf, read: parseCrispPages },
  sunshine: { conversationOf: sunshineConversationOf, read: parseSunshinePages },
  twilio: { conversationOf: twilioConversationOf, read: parseTwilioPages },
  'salesforce-messaging': { conversationOf: salesforceConversationOf, read: parseSalesforcePages },
};

export function isPagedFamily(family: JsonFamily): family is PagedFamily {
  return Object.hasOwn(PAGED, family);
}

/**
 * The row a page is grouped as, or undefined when the value is no page of `family` or names no
 * usable conversation (it is then read alone, as before pages were grouped).
 */
export function messagePageRow(value: unknown, line: number, raw: string, family: PagedFamily): MessageRow | undefined {
  if (!isJsonObject(value) || jsonFamily(value) !== family) return undefined;
  const conversationId = PAGED[family].conversationOf(value);
  return conversationId === undefined ? undefined : { conversationId, line, raw, speaker: '', text: '' };
}

export interface MessagePageOptions {
  file: string;
  family: PagedFamily;
  roles: RoleMapper;
  tempDir?: string;
  signal?: AbortSignal;
  /** Characters of pages held in memory before they are spilled (default: the message CSV's budget; 0 spills at once). */
  memoryBudgetChars?: number;
  /** The pages are elements of a JSON document, not lines: each conversation names where its pages start (`SourceRef.elements`). */
  elements?: boolean;
}

/**
 * A JSON lines file of message pages (Freshchat `GET /v2/conversations/{id}/messages`, at most 50
 * messages a page; HubSpot thread messages; Front conversation messages; Crisp conversation messages) → one item per conversation. Teams save a long
 * conversation's pages one per line, so a page alone is often half a conversation (one side only,
 * or no context before a reply). The pages are grouped by their conversation with the
 * message-per-row CSV's grouping (ingest/messageCsv), as Zendesk ticket events are: held in memory
 * up to its budget, then spilled to temp files by a hash of the conversation id, so memory stays
 * flat. A file grouped in memory gives its conversations in the order of their first page (as
 * before pages were grouped), a spilled one bucket by bucket. Each page is one row whose `raw` is its line; the conversation is read from its pages'
 * texts when its group is complete, its record every page's line (the erasure removes them all).
 * Pages of one conversation in two files are not merged. Items of lines that are no groupable page
 * are passed through. The pages may also be the elements of a JSON document (`elements`): a script
 * that saves every page of the API in one array.
 */
export function groupMessagePages(entries: AsyncIterable<MessageRow | IngestItem>, options: MessagePageOptions): AsyncIterable<IngestItem> {
  const { file, family } = options;
  return groupMessageRows(entries, {
    file,
    roles: options.roles,
    tempDir: options.tempDir,
    signal: options.signal,
    ...(options.memoryBudgetChars !== undefined ? { memoryBudgetChars: options.memoryBudgetChars } : {}),
    inFileOrder: true,
    conversationOf: (rows) => {
      const source: SourceRef = {
        file,
        line: rows[0].line,
        record: rows.map((row) => row.raw).join('\n'),
        ...(options.elements ? { elements: rows.map((row) => ({ line: row.line, text: row.raw })) } : {}),
      };
      // Parsed once already (it was grouped by its conversation), so it is a JSON object.
      const pages: MessagePage[] = rows.map((row) => ({ record: JSON.parse(row.raw) as MessagePage['record'], line: row.line }));
      return PAGED[family].read(source, pages, options.roles);
    },
  });
}
