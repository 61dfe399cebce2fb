import { reject, show } from '../records';
import type { IngestItem, SourceRef } from '../types';
import { finish, idOf, inTimeOrder, isObject, setAsideCounts, type JsonObject, type TimedTurn } from './common';

/**
 * A LivePerson conversation as its Messaging Interactions API returns it (`POST
 * /messaging_history/api/account/{account}/conversations/search`: `{"_metadata": …,
 * "conversationHistoryRecords": [...]}`, each record one conversation; a response saved whole is
 * split into its records, a record per JSON line works too): `info` (`conversationId`,
 * `csatRate`, `latestSkillName`), `messageRecords` (`type`, `messageData.msg.text`, `timeL`,
 * `sentBy` "Consumer" or "Agent", `participantId`, `audience`), `agentParticipants` (`agentId`,
 * `userTypeName` "Human" or "Bot").
 *
 * The consumer asks; a human agent answers. An agent that is a bot (`userTypeName` "Bot": LivePerson's
 * Conversation Builder bots) is scripted or generated, not an agent's reply, and is set aside
 * (`bot-message`), as in the other contact-centre formats. Messages for agents and managers only
 * (`audience` "AGENTS_AND_MANAGERS": private notes) are never training data (`private-comment`).
 * Rich content, files and links without text are set aside (`media-omitted`). `csatRate` (1–5) is
 * the rating; the last skill the conversation was routed to, unless "Unassigned", its issue type.
 */
export function isLivePersonConversation(record: JsonObject): boolean {
  return isObject(record.info) && Array.isArray(record.messageRecords);
}

const TEXT_TYPES = new Set(['TEXT_PLAIN', 'TEXT_HTML']);

export function parseLivePersonConversation(source: SourceRef, record: JsonObject): IngestItem {
  const info = record.info as JsonObject;
  const conversationId = idOf(info.conversationId);
  if (!conversationId)
    return reject(
      source,
      'missing-field:info.conversationId',
      `the conversation has no "info.conversationId", got ${show(info.conversationId)}`,
    );
  const bots = new Set<string>();
  if (Array.isArray(record.agentParticipants))
    for (const agent of record.agentParticipants as unknown[])
      if (isObject(agent) && typeof agent.userTypeName === 'string' && agent.userTypeName.toLowerCase() === 'bot') {
        const id = idOf(agent.agentId ?? agent.participantId);
        if (id) bots.add(id);
      }

  const messages = record.messageRecords as unknown[];
  const timed: TimedTurn[] = [];
  let botMessages = 0;
  let media = 0;
  let privateMessages = 0;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    const n = `message record ${i + 1}`;
    if (!isObject(message)) return reject(source, 'invalid-field:messageRecords', `${n} must be an object, got ${show(message)}`);
    const sentBy = typeof message.sentBy === 'string' ? message.sentBy.toLowerCase() : undefined;
    if (sentBy !== 'consumer' && sentBy !== 'agent')
      return reject(source, 'unknown-speaker', `${n} has "sentBy" ${show(message.sentBy)}; LivePerson's are Consumer and Agent`);
    if (message.audience === 'AGENTS_AND_MANAGERS') {
      privateMessages++;
      continue;
    }
    const participant = idOf(message.participantId);
    if (sentBy === 'agent' && participant && bots.has(participant)) {
      botMessages++;
      continue;
    }
    const data = isObject(message.messageData) ? message.messageData : {};
    const msg = isObject(data.msg) ? data.msg : {};
    const text = typeof msg.text === 'string' ? msg.text : undefined;
    if (!TEXT_TYPES.has(String(message.type)) || text === undefined) {
      media++;
      continue;
    }
    const at = typeof message.timeL === 'number' && message.timeL > 0 ? new Date(message.timeL).toISOString() : undefined;
    const role = sentBy === 'consumer' ? 'user' : 'assistant';
    timed.push({ turn: at ? { role, text, timestamp: at } : { role, text }, order: typeof message.seq === 'number' ? message.seq : i });
  }
  const skill =
    typeof info.latestSkillName === 'string' && info.latestSkillName.trim() && info.latestSkillName !== 'Unassigned'
      ? info.latestSkillName
      : undefined;
  const csat = typeof info.csatRate === 'number' && info.csatRate >= 1 && info.csatRate <= 5 ? info.csatRate : undefined;
  return finish({
    source,
    id: `liveperson-${conversationId}`,
    idPrefix: 'liveperson',
    raw: inTimeOrder(timed),
    channel: 'messaging',
    ...(skill ? { issueType: skill } : {}),
    ...(csat !== undefined ? { csat } : {}),
    setAside: setAsideCounts({ 'bot-message': botMessages, 'media-omitted': media, 'private-comment': privateMessages }),
    needBothSides: `the LivePerson conversation ${show(conversationId)}`,
  });
}
