import { reject, show } from '../records';
import type { RawTurn } from '../turns';
import type { RoleMapper } from '../roles';
import type { ChatRole, IngestItem, SourceRef } from '../types';
import { assumedCustomersNotice, customerThreads, finish, idOf, isObject, type JsonObject, type KeptMessage } from './common';

/**
 * A chat as Telegram Desktop exports it ("Export chat history", machine-readable JSON: the
 * `result.json` of one chat): `name` (the other party), `type` ("personal_chat"), `id` (the other
 * party's user id) and `messages`, each with `type` ("message", or "service" for calls, pins and
 * the like), `from`, `from_id` ("user<id>"), `date` (the exporting computer's wall clock) and
 * `date_unixtime` (seconds, UTC), and `text`: a string, or a list of strings and entities
 * (`{"type": "link", "text": …}`). A business answering customers on its Telegram account exports
 * each customer's chat: messages from the chat's own user id are the customer's, the others the
 * business's.
 *
 * Groups, channels, bots and saved messages (in an account export beside the personal chats) are
 * `not-support-chat`. Service messages are not messages. A photo, file, voice message or sticker without a caption is
 * set aside and counted (`media-omitted`); a caption is kept as the message's text.
 */
const PERSONAL_CHAT = 'personal_chat';
/** What Telegram calls a chat's kind; only a personal chat is a customer talking to the business. */
const OTHER_CHAT_TYPES: Readonly<Record<string, string>> = {
  bot_chat: 'a chat with a bot',
  saved_messages: "the account's saved messages",
  private_group: 'a group',
  private_supergroup: 'a group',
  public_supergroup: 'a public group',
  private_channel: 'a channel',
  public_channel: 'a public channel',
};
/** Groups, which are a support group once the support side is known (`parseTelegramGroup`). */
const GROUP_TYPES: ReadonlySet<string> = new Set(['private_group', 'private_supergroup', 'public_supergroup']);

export function isTelegramChat(record: JsonObject): boolean {
  if (
    typeof record.type !== 'string' ||
    !(record.type === PERSONAL_CHAT || record.type in OTHER_CHAT_TYPES) ||
    !Array.isArray(record.messages)
  )
    return false;
  const first = (record.messages as unknown[]).find(isObject);
  // An empty chat is still one (read as empty); a message says so by its own keys.
  return first === undefined || 'from_id' in first || 'actor_id' in first || 'date_unixtime' in first;
}

const MEDIA_KEYS = ['photo', 'file', 'media_type', 'sticker_emoji', 'location_information', 'contact_information', 'poll'] as const;

/** The text of a Telegram `text`: a string, or its pieces (strings and entities with a `text`) joined. */
function telegramText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return undefined;
  let text = '';
  for (const piece of value) {
    if (typeof piece === 'string') text += piece;
    else if (isObject(piece) && typeof piece.text === 'string') text += piece.text;
  }
  return text;
}

function timestampOf(message: JsonObject): string | undefined {
  const seconds = typeof message.date_unixtime === 'string' ? Number(message.date_unixtime) : message.date_unixtime;
  if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0) return new Date(seconds * 1000).toISOString();
  return undefined;
}

export function parseTelegramChat(source: SourceRef, record: JsonObject, roles: RoleMapper): IngestItem {
  const kind = OTHER_CHAT_TYPES[record.type as string];
  if (GROUP_TYPES.has(record.type as string)) {
    const group = parseTelegramGroup(source, record, roles);
    if (group) return group;
    return reject(
      source,
      'not-support-chat',
      `the Telegram chat ${show(record.name ?? record.id)} is ${kind} (${String(record.type)}) where no member is known as the support side; a support group is read when TUNELOOP_SPEAKER_ROLES names the support side's members ({"<name>":"assistant"}), otherwise only personal chats between a customer and the business are`,
    );
  }
  if (kind)
    return reject(
      source,
      'not-support-chat',
      `the Telegram chat ${show(record.name ?? record.id)} is ${kind} (${String(record.type)}), no support conversation; only personal chats between a customer and the business are read`,
    );
  const chatId = idOf(record.id);
  if (chatId === null || chatId === undefined)
    return reject(source, 'invalid-field:id', `the chat "id" (the other party's user id) must be a number, got ${show(record.id)}`);
  const customer = `user${chatId}`;
  const read = readMessages(source, record, (_message, from) => (from === customer ? 'user' : 'assistant'));
  if ('type' in read) return read;
  const { raw, media } = read;
  return finish({
    source,
    id: `telegram-${chatId}`,
    idPrefix: 'telegram',
    raw,
    channel: 'telegram',
    wholeChat: true,
    setAside: media ? { 'media-omitted': media } : undefined,
    needBothSides: `the Telegram chat with ${show(record.name ?? chatId)}`,
  });
}

/**
 * A support group (a community's or a product's help group: customers ask, the team answers), read
 * once `roles` (TUNELOOP_SPEAKER_ROLES, or a role word in a member's name) names at least one member
 * as the support side; every other member is a customer. Undefined when none is named: a group is
 * otherwise no support conversation. Several customers asking at once are divided into a thread
 * each (`customerThreads`: a team member's message goes with the message it replies to,
 * `reply_to_message_id`, else the one customer it mentions by id, else the customer who wrote
 * last), then cut into sessions as any whole chat.
 */
function parseTelegramGroup(source: SourceRef, record: JsonObject, roles: RoleMapper): IngestItem | undefined {
  const groupId = idOf(record.id);
  const messages = (record.messages as unknown[]).filter(isObject).filter((m) => m.type === 'message');
  const roleOf = (message: JsonObject): ChatRole | undefined => (typeof message.from === 'string' ? roles.roleOf(message.from) : undefined);
  if (groupId === null || groupId === undefined || !messages.some((m) => roleOf(m) === 'assistant')) return undefined;
  const assumed = new Set<string>();
  const read = readMessages(source, record, (message, from) => {
    const role = roleOf(message);
    if (role) return role;
    assumed.add(typeof message.from === 'string' && message.from.trim() ? message.from : from);
    return 'user';
  });
  if ('type' in read) return read;
  const { raw, kept, untold, media } = read;
  const threads = customerThreads(raw, kept, untold);
  return finish({
    source,
    id: `telegram-${groupId}`,
    idPrefix: 'telegram',
    raw,
    channel: 'telegram',
    wholeChat: true,
    ...(threads ? { threads } : {}),
    setAside: media ? { 'media-omitted': media } : undefined,
    needBothSides: `the Telegram group ${show(record.name ?? groupId)}`,
    ...assumedCustomersNotice(source.file, `the Telegram group ${show(record.name ?? groupId)}`, 'members', [...assumed]),
  });
}

/** The users a message mentions by id (`mention_name` entities, `user_id`), as `from_id` names them ("user<id>"). */
function mentionedUsers(entities: unknown): string[] {
  if (!Array.isArray(entities)) return [];
  return entities.flatMap((e) => {
    const id = isObject(e) && e.type === 'mention_name' ? idOf(e.user_id) : undefined;
    return id ? [`user${id}`] : [];
  });
}

/**
 * A chat's messages as turns (service messages left out, a photo or file without a caption counted
 * as media), with what tells whom each answers (`customerThreads`), or the rejection naming the
 * message that cannot be read. `roleOf` says each sender's side; `system` leaves the message out.
 */
function readMessages(
  source: SourceRef,
  record: JsonObject,
  roleOf: (message: JsonObject, from: string) => ChatRole,
): IngestItem | { raw: RawTurn[]; kept: KeptMessage[]; untold: Map<string, string>; media: number } {
  const raw: RawTurn[] = [];
  const kept: KeptMessage[] = [];
  const untold = new Map<string, string>();
  let media = 0;
  const messages = record.messages as unknown[];
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    const n = `message ${i + 1}`;
    if (!isObject(message)) return reject(source, 'invalid-field:messages', `${n} must be an object, got ${show(message)}`);
    if (message.type !== 'message') continue;
    const from = idOf(message.from_id);
    if (!from) return reject(source, 'missing-field:from_id', `${n} has no "from_id", so it cannot be told whose it is`);
    const role = roleOf(message, from);
    if (role === 'system') continue;
    const text = telegramText(message.text);
    if (text === undefined)
      return reject(source, 'invalid-field:text', `${n} "text" must be a string or a list of pieces, got ${show(message.text)}`);
    const id = idOf(message.id);
    if (!text.trim() && MEDIA_KEYS.some((key) => key in message)) {
      media++;
      if (role === 'user' && id) untold.set(id, from);
      continue;
    }
    const timestamp = timestampOf(message);
    const turn: RawTurn = timestamp ? { role, text, timestamp } : { role, text };
    raw.push(turn);
    const answers = idOf(message.reply_to_message_id);
    kept.push({
      turn,
      author: from,
      ...(id ? { id } : {}),
      ...(answers ? { answers } : {}),
      mentions: mentionedUsers(message.text_entities ?? message.text),
    });
  }
  return { raw, kept, untold, media };
}
