import { reject, show } from '../records';
import type { RoleMapper } from '../roles';
import type { ChatRole, IngestItem, SourceRef } from '../types';
import type { RawTurn } from '../turns';
import { customerThreads, finish, inTimeOrder, isObject, type JsonObject, type KeptMessage, type TimedTurn } from './common';

/**
 * A Discord channel as DiscordChatExporter writes it in JSON (the tool community and game support
 * teams use: Discord itself exports only one's own messages): `guild`, `channel` (`id`, `type`,
 * `name`), `messages` with `type` ("Default", "Reply", or a notice: "ThreadCreated",
 * "GuildMemberJoin", "ChannelPinnedMessage", …), `timestamp` (ISO 8601 with its offset),
 * `content`, `author` (`name`, `nickname`, `isBot`, `roles` with their `name`), `attachments`,
 * `stickers` and `mentions`. One export is one record and one conversation: a forum post or thread
 * (the usual support question), a direct message, or a whole channel.
 *
 * Who is who: `TUNELOOP_SPEAKER_ROLES` decides first, by the author's nickname or name; otherwise an
 * author holding a server role whose name says staff ("Support", "Staff", "Moderator", "Admin",
 * "Team", "Helper", "Developer", …) is the support side and everyone else a customer. Bots' posts and
 * Discord's notices are no messages; a message of only attachments or stickers is set aside.
 */
export function isDiscordExport(record: JsonObject): boolean {
  if (!isObject(record.guild) || !isObject(record.channel) || !Array.isArray(record.messages)) return false;
  const first = (record.messages as unknown[]).find(isObject);
  return first === undefined || (isObject(first.author) && 'timestamp' in first && 'content' in first);
}

const MESSAGE_TYPES = new Set(['Default', 'Reply']);
const MEDIA_KEYS = ['attachments', 'stickers', 'embeds'] as const;

/** Words in a server role's name that make its holders the support side. */
const STAFF_ROLE_WORDS = new Set([
  'support',
  'staff',
  'moderator',
  'moderators',
  'mod',
  'mods',
  'admin',
  'admins',
  'administrator',
  'team',
  'helper',
  'helpers',
  'developer',
  'developers',
  'dev',
  'devs',
  'employee',
  'agent',
  'agents',
  'official',
  'community manager',
]);

function isStaffRole(name: string): boolean {
  const lower = name.toLowerCase();
  if (STAFF_ROLE_WORDS.has(lower.trim())) return true;
  return lower.split(/[^\p{L}\p{N}]+/u).some((word) => STAFF_ROLE_WORDS.has(word));
}

/** Who wrote a message: the author's id, else the name shown. */
function authorKey(author: JsonObject, name: string): string {
  return typeof author.id === 'string' || typeof author.id === 'number' ? String(author.id) : name;
}

function authorName(author: JsonObject): string {
  for (const key of ['nickname', 'name'] as const) {
    const value = author[key];
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  return typeof author.id === 'string' ? author.id : 'unknown';
}

/** `<@123>` and `<@!123>` mentions as `@name` (DiscordChatExporter keeps them raw in `content` and lists them in `mentions`). */
function discordText(content: string, mentions: unknown): string {
  if (!content.includes('<@')) return content;
  const names = new Map<string, string>();
  if (Array.isArray(mentions)) for (const m of mentions) if (isObject(m) && typeof m.id === 'string') names.set(m.id, authorName(m));
  return content.replace(/<@!?(\d+)>/g, (whole, id: string) => {
    const name = names.get(id);
    return name ? `@${name}` : whole;
  });
}

export function parseDiscordExport(source: SourceRef, record: JsonObject, roles: RoleMapper): IngestItem {
  const channel = record.channel as JsonObject;
  const channelId = typeof channel.id === 'string' || typeof channel.id === 'number' ? String(channel.id) : undefined;
  if (!channelId) return reject(source, 'missing-field:channel.id', `the export's "channel" has no "id", got ${show(channel.id)}`);
  const channelName = typeof channel.name === 'string' ? channel.name : channelId;
  const messages = record.messages as unknown[];
  const timed: TimedTurn[] = [];
  const kept: KeptMessage[] = [];
  const untold = new Map<string, string>();
  let media = 0;
  let bots = 0;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    const n = `message ${i + 1}`;
    if (!isObject(message)) return reject(source, 'invalid-field:messages', `${n} must be an object, got ${show(message)}`);
    if (typeof message.type === 'string' && !MESSAGE_TYPES.has(message.type)) continue;
    if (!isObject(message.author)) return reject(source, 'missing-field:author', `${n} has no "author", so it cannot be told whose it is`);
    const author = message.author;
    if (author.isBot === true) {
      bots++;
      continue;
    }
    const name = authorName(author);
    const mapped = roles.roleOf(name);
    const staff = Array.isArray(author.roles) && author.roles.some((r) => isObject(r) && typeof r.name === 'string' && isStaffRole(r.name));
    const role: ChatRole = mapped ?? (staff ? 'assistant' : 'user');
    if (role === 'system') continue;
    const content = typeof message.content === 'string' ? discordText(message.content, message.mentions) : '';
    if (!content.trim()) {
      if (MEDIA_KEYS.some((key) => Array.isArray(message[key]) && (message[key] as unknown[]).length > 0)) media++;
      if (role === 'user' && typeof message.id === 'string') untold.set(message.id, authorKey(author, name));
      continue;
    }
    const at = typeof message.timestamp === 'string' ? Date.parse(message.timestamp) : Number.NaN;
    const turn: RawTurn = Number.isFinite(at) ? { role, text: content, timestamp: new Date(at).toISOString() } : { role, text: content };
    timed.push({ turn, order: i });
    kept.push({
      turn,
      author: authorKey(author, name),
      ...(typeof message.id === 'string' ? { id: message.id } : {}),
      ...(isObject(message.reference) && typeof message.reference.messageId === 'string' ? { answers: message.reference.messageId } : {}),
      mentions: Array.isArray(message.mentions)
        ? message.mentions.flatMap((m) => (isObject(m) && (typeof m.id === 'string' || typeof m.id === 'number') ? [String(m.id)] : []))
        : [],
    });
  }
  const raw = inTimeOrder(timed);
  const threads = customerThreads(raw, kept, untold);
  const guild = record.guild as JsonObject;
  return finish({
    source,
    id: `discord-${channelId}`,
    idPrefix: 'discord',
    raw,
    channel: 'discord',
    wholeChat: true,
    ...(threads ? { threads } : {}),
    setAside: media || bots ? { ...(media ? { 'media-omitted': media } : {}), ...(bots ? { 'bot-message': bots } : {}) } : undefined,
    needBothSides: `the Discord channel ${show(channelName)}${typeof guild.name === 'string' ? ` of ${show(guild.name)}` : ''}`,
  });
}
