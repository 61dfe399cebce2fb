import type { RoleMapper } from '../roles';
import type { IngestItem, SourceRef } from '../types';
import { isChatTemplatePair, isChatTemplateText, mayHoldChatTemplate, parseChatTemplateRecord } from './chatTemplate';
import { isDialogueTurns, parseDialogueTurns } from './dialogueTurns';
import { isFreshdeskConversation, isFreshdeskTicket, parseFreshdeskConversation, parseFreshdeskTicket } from './freshdesk';
import { isInstructionPair, parseInstructionPair } from './instruction';
import { isGorgiasTicket, parseGorgiasTicket } from './gorgias';
import { isFreshchatMessages, parseFreshchatMessages } from './freshchat';
import { isHubSpotMessages, parseHubSpotMessages } from './hubspot';
import { isFrontComments, isFrontMessages, parseFrontComments, parseFrontMessages } from './front';
import { isCrispMessages, parseCrispMessages } from './crisp';
import { isZohoDeskThreads, parseZohoDeskThreads } from './zohodesk';
import { isHelpScoutConversation, isHelpScoutPage, parseHelpScoutConversation, parseHelpScoutPage } from './helpscout';
import { isLiveChatChat, parseLiveChatChat } from './livechat';
import { isIntercomConversation, parseIntercomConversation } from './intercom';
import { isShareGpt, parseShareGpt } from './sharegpt';
import { isTelegramChat, parseTelegramChat } from './telegram';
import { isMessengerThread, parseMessengerThread } from './messenger';
import { isDiscordExport, parseDiscordExport } from './discord';
import { isAmazonConnectContact, parseAmazonConnectContact } from './amazonConnect';
import { isSunshineMessages, parseSunshineMessages } from './sunshine';
import { isCcaiConversation, parseCcaiConversation } from './ccaiInsights';
import { isGenesysTranscript, parseGenesysTranscript } from './genesys';
import { isTwilioMessages, parseTwilioMessages } from './twilio';
import { isLivePersonConversation, parseLivePersonConversation } from './liveperson';
import { isSalesforceConversationEntries, parseSalesforceConversationEntries } from './salesforceMessaging';
import { isTranscribeOutput, parseTranscribeOutput } from './transcribe';
import { isServiceNowRecord, parseServiceNowRecord } from './serviceNow';
import { mayHoldTranscript, parseTranscriptRecord, transcriptKeyOf } from './transcript';
import { isZendeskTicket, isZendeskTicketEvent, parseZendeskTicket, parseZendeskTicketEvent } from './zendesk';
import type { JsonObject } from './common';

/** JSON record layouts of other tools and public datasets, detected by their keys. */
export type ForeignFamily =
  | 'zendesk'
  | 'zendesk-events'
  | 'freshdesk'
  | 'freshdesk-conversation'
  | 'helpscout'
  | 'helpscout-page'
  | 'gorgias'
  | 'freshchat'
  | 'hubspot'
  | 'front'
  | 'front-comments'
  | 'crisp'
  | 'zohodesk'
  | 'servicenow'
  | 'livechat'
  | 'telegram'
  | 'messenger'
  | 'discord'
  | 'amazon-connect'
  | 'sunshine'
  | 'ccai'
  | 'genesys'
  | 'twilio'
  | 'liveperson'
  | 'salesforce-messaging'
  | 'transcribe'
  | 'intercom'
  | 'sharegpt'
  | 'dialogue-turns'
  | 'instruction'
  | 'chat-template'
  | 'transcript';

export const FOREIGN_FAMILY_NAMES: Record<ForeignFamily, string> = {
  zendesk: 'Zendesk ticket ("requester_id", "comments")',
  'zendesk-events': 'Zendesk ticket event ("ticket_id", "child_events")',
  freshdesk: 'Freshdesk ticket ("requester_id", "conversations")',
  'freshdesk-conversation': 'Freshdesk conversation without its ticket ("ticket_id", "incoming", "private")',
  helpscout: 'Help Scout conversation ("_embedded.threads")',
  'helpscout-page': 'Help Scout page of conversations ("_embedded.conversations")',
  gorgias: 'Gorgias ticket ("messages" with "from_agent")',
  freshchat: 'Freshchat conversation messages ("messages" with "actor_type", "message_parts")',
  hubspot: 'HubSpot thread messages ("results" with "conversationsThreadId", "direction")',
  front: 'Front conversation messages ("_results" with "is_inbound")',
  'front-comments': 'Front conversation comments ("_results" with "posted_at")',
  crisp: 'Crisp conversation messages ("data" with "session_id", "from")',
  zohodesk: 'Zoho Desk ticket threads ("data" with "direction", "visibility")',
  servicenow: 'ServiceNow incident or case ("number", a caller, "comments_and_work_notes")',
  livechat: 'LiveChat chat ("users", "thread" of "events")',
  telegram: 'Telegram chat export ("type": "personal_chat", "messages" with "from_id")',
  messenger: 'Messenger thread export ("participants", "messages" with "sender_name", "timestamp_ms")',
  discord: 'Discord channel exported by DiscordChatExporter ("guild", "channel", "messages" with "author")',
  'amazon-connect': 'Amazon Connect chat transcript or Contact Lens output ("Participants", "Transcript" with "ParticipantId")',
  sunshine: 'Zendesk messaging (Sunshine Conversations) messages ("messages" with "author.type", "content")',
  ccai: 'Google Contact Center AI Insights conversation ("entries" of "role"/"text"/"user_id", or "transcript.transcriptSegments")',
  genesys: 'Genesys Cloud transcript ("conversationId", "transcripts" of "phrases" with "participantPurpose")',
  twilio: 'Twilio Conversations messages ("messages" with "conversation_sid", "author", "body")',
  liveperson: 'LivePerson conversation ("info", "messageRecords" with "sentBy")',
  transcribe: 'Amazon Transcribe output ("jobName", "results" with "transcripts" and "items")',
  'salesforce-messaging': 'Salesforce messaging session\'s conversation entries ("conversationEntries" with "sender.role", "messageText")',
  intercom: 'Intercom conversation ("source", "conversation_parts")',
  sharegpt: 'ShareGPT ("conversations" of "from"/"value")',
  'dialogue-turns': 'dialogue ("turns"/"utterances" of "speaker"+"utterance")',
  instruction: 'instruction/response ("instruction", "output"/"response"...)',
  'chat-template':
    'chat rendered with a chat template (a "text", or a "prompt" + "completion", in ChatML, Llama 3, Llama 2 / Mistral or Gemma markup, or an Alpaca, Guanaco or Vicuna prompt)',
  transcript:
    'chat transcript (the whole chat as one text: "transcript"/"chat_transcript", a "conversation"/"chat" text, or Salesforce\'s LiveChatTranscript "Body")',
};

/**
 * Order matters: a ticket or Intercom conversation is recognised before looser pair keys, and a
 * Freshdesk ticket (its `conversations` hold replies) before ShareGPT (its `conversations` hold turns),
 * and a transcript (whose check reads the keys, and for some the text) only when nothing else matched.
 */
export function foreignFamily(record: JsonObject): ForeignFamily | undefined {
  if (isZendeskTicket(record)) return 'zendesk';
  if (isZendeskTicketEvent(record)) return 'zendesk-events';
  if (isFreshdeskTicket(record)) return 'freshdesk';
  if (isFreshdeskConversation(record)) return 'freshdesk-conversation';
  if (isHelpScoutConversation(record)) return 'helpscout';
  if (isHelpScoutPage(record)) return 'helpscout-page';
  if (isHubSpotMessages(record)) return 'hubspot';
  if (isFrontMessages(record)) return 'front';
  if (isFrontComments(record)) return 'front-comments';
  if (isCrispMessages(record)) return 'crisp';
  if (isZohoDeskThreads(record)) return 'zohodesk';
  if (isServiceNowRecord(record)) return 'servicenow';
  if (isLiveChatChat(record)) return 'livechat';
  if (isTelegramChat(record)) return 'telegram';
  if (isMessengerThread(record)) return 'messenger';
  if (isDiscordExport(record)) return 'discord';
  if (isAmazonConnectContact(record)) return 'amazon-connect';
  if (isSunshineMessages(record)) return 'sunshine';
  if (isCcaiConversation(record)) return 'ccai';
  if (isGenesysTranscript(record)) return 'genesys';
  if (isTwilioMessages(record)) return 'twilio';
  if (isLivePersonConversation(record)) return 'liveperson';
  if (isSalesforceConversationEntries(record)) return 'salesforce-messaging';
  if (isTranscribeOutput(record)) return 'transcribe';
  if (isIntercomConversation(record)) return 'intercom';
  if (isShareGpt(record)) return 'sharegpt';
  if (isDialogueTurns(record)) return 'dialogue-turns';
  // A template prompt with its completion is one chat, not an instruction pair of template tokens; a
  // template `text` beside an instruction pair (Alpaca's own dataset) is the pair rendered, read as the pair.
  if (isChatTemplatePair(record)) return 'chat-template';
  if (isInstructionPair(record)) return 'instruction';
  if (isChatTemplateText(record)) return 'chat-template';
  if (transcriptKeyOf(record) !== undefined) return 'transcript';
  return undefined;
}

// Gorgias tickets hold `messages`, the key of tuneloop's own lines, so jsonFamily tells them apart first.
export { isGorgiasTicket, isFreshchatMessages, isTelegramChat, isMessengerThread, isDiscordExport, isSunshineMessages, isTwilioMessages };

/** The keys holding the turn list, for the families whose records are told apart by their first turn. */
const TURN_LISTS: ReadonlyArray<[ForeignFamily, readonly string[]]> = [
  ['sharegpt', ['conversations']],
  ['dialogue-turns', ['turns', 'utterances']],
];

/**
 * The family a record that `foreignFamily` did not recognise still belongs to in a file of
 * `fileFamily` records: it holds the family's turn list, but an empty one or one whose first turn
 * lacks a key; in a transcript file, a record with a transcript-like key whose text did not look like
 * one. Parsing it then names what is wrong (empty conversation, missing field, the line without a
 * speaker) instead of calling it none of the formats.
 */
export function turnListFamily(record: JsonObject, fileFamily: string): ForeignFamily | undefined {
  if (fileFamily === 'transcript') return mayHoldTranscript(record) ? 'transcript' : undefined;
  if (fileFamily === 'chat-template') return mayHoldChatTemplate(record) ? 'chat-template' : undefined;
  const entry = TURN_LISTS.find(([family]) => family === fileFamily);
  return entry?.[1].some((key) => Array.isArray(record[key])) ? entry[0] : undefined;
}

export function parseForeign(
  source: SourceRef,
  record: JsonObject,
  family: ForeignFamily,
  roles: RoleMapper,
  timeZone?: string,
): IngestItem {
  switch (family) {
    case 'zendesk':
      return parseZendeskTicket(source, record);
    case 'zendesk-events':
      // A file of events is grouped by ticket (ingest/zendeskEvents); an event read alone is rejected.
      return parseZendeskTicketEvent(source, record);
    case 'freshdesk':
      return parseFreshdeskTicket(source, record);
    case 'freshdesk-conversation':
      return parseFreshdeskConversation(source, record);
    case 'helpscout':
      return parseHelpScoutConversation(source, record);
    case 'helpscout-page':
      return parseHelpScoutPage(source, record);
    case 'hubspot':
      return parseHubSpotMessages(source, record);
    case 'freshchat':
      return parseFreshchatMessages(source, record);
    case 'front':
      return parseFrontMessages(source, record);
    case 'front-comments':
      return parseFrontComments(source, record);
    case 'crisp':
      return parseCrispMessages(source, record);
    case 'zohodesk':
      return parseZohoDeskThreads(source, record);
    case 'servicenow':
      return parseServiceNowRecord(source, record, roles, timeZone);
    case 'gorgias':
      return parseGorgiasTicket(source, record);
    case 'livechat':
      return parseLiveChatChat(source, record);
    case 'telegram':
      return parseTelegramChat(source, record, roles);
    case 'messenger':
      return parseMessengerThread(source, record, roles);
    case 'discord':
      return parseDiscordExport(source, record, roles);
    case 'amazon-connect':
      return parseAmazonConnectContact(source, record);
    case 'sunshine':
      return parseSunshineMessages(source, record);
    case 'ccai':
      return parseCcaiConversation(source, record);
    case 'genesys':
      return parseGenesysTranscript(source, record);
    case 'twilio':
      return parseTwilioMessages(source, record, roles);
    case 'liveperson':
      return parseLivePersonConversation(source, record);
    case 'salesforce-messaging':
      return parseSalesforceConversationEntries(source, record);
    case 'transcribe':
      return parseTranscribeOutput(source, record, roles);
    case 'intercom':
      return parseIntercomConversation(source, record);
    case 'sharegpt':
      return parseShareGpt(source, record, roles);
    case 'dialogue-turns':
      return parseDialogueTurns(source, record, roles);
    case 'instruction':
      return parseInstructionPair(source, record);
    case 'chat-template':
      return parseChatTemplateRecord(source, record, roles);
    case 'transcript':
      return parseTranscriptRecord(source, record, roles);
  }
}
