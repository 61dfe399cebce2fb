import { reject, show } from '../records';
import type { ChatRole, IngestItem, SourceRef } from '../types';
import { finish, idOf, inTimeOrder, isObject, setAsideCounts, type JsonObject, type TimedTurn } from './common';

/**
 * Amazon Connect's contacts, in the two JSON files a contact centre on AWS has of each:
 * - the **chat transcript** Connect writes to S3 when a chat ends (`Version` "2019-08-26",
 *   `ContactId`, `Participants`, `Transcript` of items with `Type` MESSAGE / EVENT / ATTACHMENT,
 *   `ParticipantRole`, `DisplayName`, `Content`, `ContentType`, `AbsoluteTime`);
 * - **Contact Lens** conversational analytics output (`Version` "1.1.0", `Channel` VOICE or CHAT,
 *   `Participants` with their `ParticipantRole`, `CustomerMetadata.ContactId`, `Transcript` of
 *   items with `ParticipantId`, `Content` and offsets from the contact's start): a call's
 *   transcript as well as a chat's, and the input format of Amazon Lex's chatbot designer;
 * - **Amazon Transcribe Call Analytics** output, the same layout for a call recorded outside
 *   Connect (`JobName` instead of a contact id, items with their `ParticipantRole`): one
 *   conversation `transcribe-<JobName>`.
 *
 * One file is one contact and one conversation (`connect-<ContactId>`). The customer (CUSTOMER) is
 * the user; agents and supervisors (AGENT, SUPERVISOR) answer. The contact flow's and bots' messages
 * (SYSTEM, CUSTOM_BOT: "Thanks for contacting us, an agent will be with you shortly") are scripted,
 * not an agent's reply: set aside (`bot-message`). Events (joins, typing, the chat's end) are no
 * messages; attachments and interactive messages (list pickers, their answers: layout, not text)
 * are set aside (`media-omitted`). Contact Lens writes what it redacted as "[PII]", which stays.
 */
export function isAmazonConnectContact(record: JsonObject): boolean {
  if (!Array.isArray(record.Transcript) || !Array.isArray(record.Participants)) return false;
  const first = (record.Transcript as unknown[]).find(isObject);
  return first === undefined || 'ParticipantId' in first || 'ParticipantRole' in first;
}

const ROLES: Record<string, ChatRole | 'bot'> = {
  CUSTOMER: 'user',
  AGENT: 'assistant',
  SUPERVISOR: 'assistant',
  SYSTEM: 'bot',
  CUSTOM_BOT: 'bot',
};

export function parseAmazonConnectContact(source: SourceRef, record: JsonObject): IngestItem {
  const metadata = isObject(record.CustomerMetadata) ? record.CustomerMetadata : {};
  const contactId = idOf(record.ContactId ?? metadata.ContactId);
  // Transcribe Call Analytics (recordings transcribed outside Connect) names its job, not a contact.
  const key = contactId || idOf(record.JobName);
  if (!key)
    return reject(
      source,
      'missing-field:ContactId',
      `the contact has no "ContactId" (nor "CustomerMetadata.ContactId", nor a Call Analytics "JobName"), got ${show(record.ContactId ?? metadata.ContactId)}`,
    );
  // Contact Lens names each item's participant only by id; the chat transcript also by role.
  const roleOfParticipant = new Map<string, string>();
  for (const participant of record.Participants as unknown[])
    if (isObject(participant) && typeof participant.ParticipantId === 'string' && typeof participant.ParticipantRole === 'string')
      roleOfParticipant.set(participant.ParticipantId, participant.ParticipantRole);

  const items = record.Transcript as unknown[];
  const timed: TimedTurn[] = [];
  let bots = 0;
  let media = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const n = `transcript item ${i + 1}`;
    if (!isObject(item)) return reject(source, 'invalid-field:Transcript', `${n} must be an object, got ${show(item)}`);
    const type = typeof item.Type === 'string' ? item.Type.toUpperCase() : 'MESSAGE';
    if (type === 'ATTACHMENT') {
      media++;
      continue;
    }
    if (type !== 'MESSAGE') continue;
    const participant = typeof item.ParticipantId === 'string' ? item.ParticipantId : undefined;
    const named =
      typeof item.ParticipantRole === 'string' ? item.ParticipantRole : participant ? roleOfParticipant.get(participant) : undefined;
    const role = named ? ROLES[named.toUpperCase()] : undefined;
    if (!role)
      return reject(
        source,
        'unknown-speaker',
        `${n} is by participant role ${show(named ?? participant)}, not one of CUSTOMER, AGENT, SUPERVISOR, SYSTEM or CUSTOM_BOT`,
      );
    if (role === 'bot') {
      bots++;
      continue;
    }
    const contentType = typeof item.ContentType === 'string' ? item.ContentType : 'text/plain';
    if (!contentType.startsWith('text/')) {
      media++;
      continue;
    }
    if (typeof item.Content !== 'string') continue;
    const at = typeof item.AbsoluteTime === 'string' ? Date.parse(item.AbsoluteTime) : Number.NaN;
    timed.push({
      turn: Number.isFinite(at) ? { role, text: item.Content, timestamp: new Date(at).toISOString() } : { role, text: item.Content },
      order: i,
    });
  }
  const channel = typeof record.Channel === 'string' ? record.Channel.toLowerCase() : 'chat';
  return finish({
    source,
    id: contactId ? `connect-${key}` : `transcribe-${key}`,
    idPrefix: contactId ? 'connect' : 'transcribe',
    raw: inTimeOrder(timed),
    channel,
    setAside: setAsideCounts({ 'bot-message': bots, 'media-omitted': media }),
    needBothSides: contactId ? `the Amazon Connect contact ${show(key)}` : `the Call Analytics job ${show(key)}`,
  });
}
