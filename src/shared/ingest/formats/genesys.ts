import { reject, show } from '../records';
import type { IngestItem, SourceRef } from '../types';
import { finish, idOf, inTimeOrder, isObject, setAsideCounts, type JsonObject, type TimedTurn } from './common';

/**
 * A Genesys Cloud transcript as Speech and Text Analytics serves it (the JSON behind
 * `GET /api/v2/speechandtextanalytics/conversations/{id}/communications/{id}/transcripturl`):
 * `conversationId`, `communicationId`, `mediaType` (call, chat, message, email),
 * `conversationStartTime`, and `transcripts` whose `phrases` hold `text` (and `decoratedText`, the
 * same punctuated and cased), `startTimeMs` and `participantPurpose`.
 *
 * One file is one communication and one conversation, `genesys-<conversationId>-<communicationId>`
 * (a conversation transferred between queues has a communication, and a transcript, per leg).
 * "external" and "customer" are the user; "internal" and "agent" answer; the IVR's, queue's and
 * bots' phrases ("ivr", "acd", "bot", "workflow") are scripted and set aside (`bot-message`).
 * Consecutive phrases of one side are one turn.
 */
export function isGenesysTranscript(record: JsonObject): boolean {
  if (!Array.isArray(record.transcripts) || !('conversationId' in record)) return false;
  const first = (record.transcripts as unknown[]).find(isObject);
  return first !== undefined && Array.isArray(first.phrases);
}

const ROLES: Record<string, 'user' | 'assistant' | 'bot'> = {
  external: 'user',
  customer: 'user',
  internal: 'assistant',
  agent: 'assistant',
  user: 'assistant',
  ivr: 'bot',
  acd: 'bot',
  bot: 'bot',
  workflow: 'bot',
};

/** Epoch milliseconds: phrases' times are absolute, or (in some exports) offsets from the conversation's start. */
const EPOCH_MS_FROM = 1e11;

export function parseGenesysTranscript(source: SourceRef, record: JsonObject): IngestItem {
  const conversationId = idOf(record.conversationId);
  if (!conversationId)
    return reject(source, 'missing-field:conversationId', `the transcript has no "conversationId", got ${show(record.conversationId)}`);
  const communicationId = idOf(record.communicationId);
  const start = typeof record.conversationStartTime === 'number' ? record.conversationStartTime : undefined;
  const timed: TimedTurn[] = [];
  let bots = 0;
  let order = 0;
  for (const [t, transcript] of (record.transcripts as unknown[]).entries()) {
    if (!isObject(transcript) || !Array.isArray(transcript.phrases))
      return reject(source, 'invalid-field:transcripts', `transcript ${t + 1} must be an object with "phrases", got ${show(transcript)}`);
    for (const [p, phrase] of (transcript.phrases as unknown[]).entries()) {
      const n = `transcript ${t + 1}, phrase ${p + 1}`;
      if (!isObject(phrase)) return reject(source, 'invalid-field:phrases', `${n} must be an object, got ${show(phrase)}`);
      const purpose = typeof phrase.participantPurpose === 'string' ? phrase.participantPurpose : undefined;
      const role = purpose ? ROLES[purpose.toLowerCase()] : undefined;
      if (!role)
        return reject(
          source,
          'unknown-speaker',
          `${n} has "participantPurpose" ${show(purpose)}; expected external or customer, internal or agent, ivr, acd, bot or workflow`,
        );
      if (role === 'bot') {
        bots++;
        continue;
      }
      const text = typeof phrase.decoratedText === 'string' && phrase.decoratedText.trim() ? phrase.decoratedText : phrase.text;
      if (typeof text !== 'string') continue;
      const ms =
        typeof phrase.startTimeMs === 'number'
          ? phrase.startTimeMs >= EPOCH_MS_FROM
            ? phrase.startTimeMs
            : start !== undefined
              ? start + phrase.startTimeMs
              : undefined
          : undefined;
      timed.push({ turn: ms !== undefined ? { role, text, timestamp: new Date(ms).toISOString() } : { role, text }, order: order++ });
    }
  }
  const media = typeof record.mediaType === 'string' ? record.mediaType.toLowerCase() : undefined;
  return finish({
    source,
    id: `genesys-${conversationId}${communicationId ? `-${communicationId}` : ''}`,
    idPrefix: 'genesys',
    raw: inTimeOrder(timed),
    channel: media === 'call' || media === 'voice' ? 'voice' : (media ?? 'chat'),
    setAside: setAsideCounts({ 'bot-message': bots }),
    needBothSides: `the Genesys Cloud conversation ${show(conversationId)}`,
  });
}
