import { cleanedContentId } from '../ids';
import { reject, show } from '../records';
import type { RoleMapper } from '../roles';
import type { ChatRole, IngestItem, SourceRef } from '../types';
import { finish, inTimeOrder, isObject, type JsonObject, type TimedTurn } from './common';

/**
 * A Messenger thread as Meta's "Download your information" writes it (JSON), for a Facebook Page's
 * inbox or an account: `messages/inbox/<thread>/message_1.json` with `participants` (`name`),
 * `messages` (newest first: `sender_name`, `timestamp_ms`, `content`, or `photos`, `videos`,
 * `audio_files`, `files`, `gifs`, `sticker`, `share`) and `title`, the other party's name, which in
 * a Page's inbox is the customer. A long thread is split into `message_2.json` and on, each a
 * record with the same `thread_path`, so they are one conversation (the nightly assembly joins
 * them).
 *
 * Meta writes every text as UTF-8 bytes each escaped as a character ("Ã©" for "é"): texts are
 * decoded back when they are such bytes. A message that is only a photo, file or sticker is set
 * aside and counted (`media-omitted`), an unsent one too (`deleted-message`); a shared link with
 * its text keeps the text; calls and reactions are no messages. Instagram's direct messages in the
 * same download are the same shape (`your_instagram_activity/messages/inbox/…`) and read the same.
 */
export function isMessengerThread(record: JsonObject): boolean {
  if (!Array.isArray(record.participants) || !Array.isArray(record.messages)) return false;
  const first = (record.messages as unknown[]).find(isObject);
  return first === undefined ? 'thread_path' in record : 'sender_name' in first && 'timestamp_ms' in first;
}

const MEDIA_KEYS = ['photos', 'videos', 'audio_files', 'files', 'gifs', 'sticker'] as const;

/**
 * What Meta writes as a message's `content` that nobody wrote: a reaction or a like (Instagram
 * lists them as messages: "Liked a message", "Reacted ❤️ to your message", "Aminah reacted 😢 to
 * your message") and a post or reel shared without words ("Aminah sent an attachment.", "You sent
 * an attachment.").
 */
const REACTION = /^(?:Liked a message|Reacted .{1,16} to (?:your|a) message|.{1,80} reacted .{1,16} to (?:your|a) message)\.?$/su;
const ATTACHMENT_NOTICE = /^.{1,80} sent an attachment\.$/su;

/** Meta's export text: UTF-8 bytes written as one character each, decoded when that is what it holds. */
export function metaText(value: string): string {
  // Only characters up to U+00FF can be such bytes; plain ASCII needs nothing.
  let high = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0xff) return value;
    if (c >= 0x80) high = true;
  }
  if (!high) return value;
  const bytes = Buffer.from(value, 'latin1');
  const decoded = bytes.toString('utf8');
  // Not UTF-8 (a text really written in Latin-1 letters): kept as it is.
  return decoded.includes('\ufffd') ? value : decoded;
}

export function parseMessengerThread(source: SourceRef, record: JsonObject, roles: RoleMapper): IngestItem {
  const title = typeof record.title === 'string' ? metaText(record.title).trim() : undefined;
  const names = (record.participants as unknown[]).flatMap((p) =>
    isObject(p) && typeof p.name === 'string' ? [metaText(p.name).trim()] : [],
  );
  const roleOf = (name: string): ChatRole | undefined => {
    const mapped = roles.roleOf(name);
    if (mapped === 'user' || mapped === 'assistant') return mapped;
    // A two-party thread: the title names the other party, the customer in a Page's inbox.
    if (title && names.length === 2 && names.includes(title)) return name === title ? 'user' : 'assistant';
    return undefined;
  };
  const messages = record.messages as unknown[];
  const timed: TimedTurn[] = [];
  let media = 0;
  let deleted = 0;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    const n = `message ${i + 1}`;
    if (!isObject(message)) return reject(source, 'invalid-field:messages', `${n} must be an object, got ${show(message)}`);
    if (typeof message.sender_name !== 'string')
      return reject(source, 'missing-field:sender_name', `${n} has no "sender_name", so it cannot be told whose it is`);
    const sender = metaText(message.sender_name).trim();
    const role = roleOf(sender);
    if (!role)
      return reject(
        source,
        'unknown-speaker',
        `${n} is by ${show(sender)}, and the thread's "title" (${show(title)}) does not tell the two sides apart among its participants (${names.map((p) => show(p)).join(', ')}); map the Page's name with speakerRoles (TUNELOOP_SPEAKER_ROLES={"<Page name>":"assistant"})`,
      );
    const content = typeof message.content === 'string' ? metaText(message.content) : undefined;
    // A call ("Aminah called you.", "You missed a call from …") is no message.
    if ('call_duration' in message) continue;
    if (message.is_unsent === true) {
      deleted++;
      continue;
    }
    if (content !== undefined && REACTION.test(content.trim())) continue;
    const attached = 'share' in message || MEDIA_KEYS.some((key) => key in message);
    if (!content?.trim() || (attached && ATTACHMENT_NOTICE.test(content.trim()))) {
      if (attached) media++;
      continue;
    }
    const ms = typeof message.timestamp_ms === 'number' ? message.timestamp_ms : Number.NaN;
    timed.push({
      turn: Number.isFinite(ms) ? { role, text: content, timestamp: new Date(ms).toISOString() } : { role, text: content },
      order: i,
    });
  }
  const path = typeof record.thread_path === 'string' ? record.thread_path : undefined;
  return finish({
    source,
    // The thread path holds the other party's name: hashed, as the id is no place for it.
    id: path ? cleanedContentId('messenger', path) : undefined,
    idPrefix: 'messenger',
    // Newest first as listed; by time when every message has one.
    raw: inTimeOrder(timed, true),
    channel: 'messenger',
    wholeChat: true,
    setAside:
      media || deleted ? { ...(media ? { 'media-omitted': media } : {}), ...(deleted ? { 'deleted-message': deleted } : {}) } : undefined,
    needBothSides: 'the Messenger thread',
  });
}
