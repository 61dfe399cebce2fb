import { wholeFileId } from '../ids';
import { reject, show } from '../records';
import { inferMissingRoles, type RoleMapper } from '../roles';
import { parseTimestamp, type RawTurn } from '../turns';
import type { IngestItem, SourceRef } from '../types';
import { assumedCustomersNotice, customerThreads, finish, setAsideCounts, type KeptMessage } from './common';

/**
 * A Discord channel as DiscordChatExporter writes it in plain text: a preamble between two rules
 * of 62 "=" ("Guild: …", "Channel: …", optional "Topic:", "After:", "Before:"), then each message
 * as "[date] author" (" (pinned)" after it), its text on the lines below, and blocks of
 * "{Attachments}", "{Embed}", "{Stickers}", "{Reactions}" each up to a blank line; a closing rule
 * and "Exported N message(s)". The whole file is one conversation, named by the file and its first
 * message (`wholeFileId`: the text names no channel id).
 *
 * The text holds no server roles: who answers is decided by `TUNELOOP_SPEAKER_ROLES`, a role word in
 * the name ("marco_support"), or, with one author left, as the other side (`inferMissingRoles`).
 * Discord's notices (a pin, a thread started, a join) are written as their author's message with a
 * fixed text; those texts are no messages. A message of only attachments, an embed or stickers is
 * set aside (`media-omitted`).
 */
export function looksLikeDiscordText(head: string): boolean {
  const lines = head.replace(/^\uFEFF/, '').split(/\r?\n/, 4);
  return RULE.test(lines[0] ?? '') && /^Guild: /.test(lines[1] ?? '') && /^Channel: /.test(lines[2] ?? '');
}

const RULE = /^={62}$/;
const HEADER = /^\[([^\]\n]{6,40})\] (.+?)(?: \(pinned\))?$/;
const BLOCK = /^\{(?:Attachments|Embed|Stickers|Reactions)\}$/;

/** The fallback texts DiscordChatExporter writes for Discord's notices (`GetFallbackContent`). */
const NOTICE =
  /^(?:Pinned a message\.|Started a thread\.|Joined the server\.|Started a call(?: that lasted [\d,.]+ minutes?)?\.|Added .+ to the group\.|Removed .+ from the group\.|Left the group\.|Changed the channel name: .*|Changed the channel icon\.|Changed the post title: .*)$/;

/** Whether a message's text is the fallback text of one of Discord's notices (also in DiscordChatExporter's CSV). */
export function isDiscordNotice(text: string): boolean {
  return NOTICE.test(text.trim());
}

/** What to do when an author's side is unknown: DiscordChatExporter's CSV and text hold no server roles. */
export function discordRolesHint(layout: 'CSV' | 'text export' | 'HTML export'): string {
  return `DiscordChatExporter's ${layout} does not hold the authors' server roles: map the support team's names with speakerRoles (TUNELOOP_SPEAKER_ROLES), or export the channel as JSON, whose roles tell staff from customers`;
}

export function parseDiscordText(source: SourceRef, text: string, roles: RoleMapper, options: { timeZone?: string } = {}): IngestItem {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  let i = 0;
  // The preamble: its first rule, the channel's lines, the second rule.
  let channel = '';
  if (RULE.test(lines[0] ?? '')) {
    for (i = 1; i < lines.length && !RULE.test(lines[i]); i++) if (lines[i].startsWith('Channel: ')) channel = lines[i].slice(9).trim();
    i++;
  }
  interface Message {
    line: number;
    when: string;
    author: string;
    text: string[];
    /** A block other than reactions (an attachment, embed, stickers) came before any text. */
    mediaOnly?: boolean;
  }
  const messages: Message[] = [];
  let open: Message | undefined;
  // Blocks follow the message's text: from the first one to the next header, nothing is text (an
  // embed's description may hold blank lines).
  let inBlock = false;
  // The exporter writes every date alike: a bracketed line of another shape ("[2026-12-01 18:01:55]
  // ERROR" in a pasted log) is text.
  let dateShape: string | undefined;
  const shapeOf = (when: string) => when.replace(/\d+/g, '0');
  const preambleEnd = i;
  for (; i < lines.length; i++) {
    const line = lines[i];
    // The postamble.
    if (RULE.test(line) && /^Exported [\d,.\s]+ message/.test(lines[i + 1] ?? '')) break;
    const header = HEADER.exec(line);
    // A header follows a blank line, itself after another blank line, a block, or the preamble.
    const afterGap = i === 0 || (lines[i - 1].trim() === '' && (i - 2 < preambleEnd || lines[i - 2].trim() === '' || inBlock));
    if (header && afterGap && (dateShape === undefined || shapeOf(header[1]) === dateShape)) {
      dateShape ??= shapeOf(header[1]);
      open = { line: i + 1, when: header[1], author: header[2].trim(), text: [] };
      messages.push(open);
      inBlock = false;
      continue;
    }
    if (!open) continue;
    if (BLOCK.test(line)) {
      if (line !== '{Reactions}' && !inBlock && !open.text.some((t) => t.trim())) open.mediaOnly = true;
      inBlock = true;
      continue;
    }
    if (!inBlock) open.text.push(line);
  }
  const media = messages.filter((m) => m.mediaOnly).length;
  if (!messages.length)
    return reject(source, 'empty-conversation', `the Discord export${channel ? ` of ${show(channel)}` : ''} holds no message`);

  // Notices and messages of only attachments say nothing: their authors (a ticket bot that opens
  // the thread) need no role.
  const said = messages.flatMap((m) => {
    const content = m.text.join('\n').trim();
    return content && !NOTICE.test(content) ? [{ ...m, content }] : [];
  });
  return discordChannelConversation({
    source,
    said,
    roles,
    channel,
    layout: 'text export',
    timeZone: options.timeZone,
    setAside: { 'media-omitted': media },
  });
}

/** A message of one of DiscordChatExporter's single-file layouts (text, HTML) with text to train on. */
export interface DiscordSaid {
  line: number;
  author: string;
  /** The nickname the server showed, where the layout has it (HTML). */
  nickname?: string;
  when?: string;
  content: string;
  /** Where the layout has them (HTML): the message's id, the id of the message it replies to, the user names it mentions. */
  id?: string;
  answers?: string;
  mentions?: string[];
}

/**
 * The whole file as one conversation, named by the file and its first message (the layouts name no
 * channel id). Sides by `roles` (a user name, or the nickname the server showed), role words, or
 * the one author left; otherwise `unknown-speaker` naming the author's line and saying what to do.
 */
export function discordChannelConversation(options: {
  source: SourceRef;
  said: readonly DiscordSaid[];
  roles: RoleMapper;
  channel: string;
  layout: 'text export' | 'HTML export';
  timeZone?: string;
  setAside: Record<string, number>;
  /**
   * The layout says whom each reply answers (HTML): with the support side named, the other authors
   * are customers and the channel is divided per customer (`customerThreads`).
   */
  dividable?: boolean;
  /** Messages without text, by id and author (HTML): a reply to a customer's screenshot is in her thread. */
  silent?: readonly { id: string; author: string }[];
}): IngestItem {
  const { source, said, channel } = options;
  if (!said.length)
    return reject(source, 'empty-conversation', `the Discord export${channel ? ` of ${show(channel)}` : ''} holds no message with text`);
  const nicknames = new Map(said.flatMap((m) => (m.nickname ? [[m.author, m.nickname] as const] : [])));
  const byNameOrNickname: RoleMapper = {
    roleOf: (author) => {
      const nickname = nicknames.get(author);
      return options.roles.roleOf(author) ?? (nickname === undefined ? undefined : options.roles.roleOf(nickname));
    },
  };
  const authors = [...new Set(said.map((m) => m.author))];
  let sides = inferMissingRoles(authors, byNameOrNickname);
  // A help channel whose replies can be told apart (the HTML): once the support side is named,
  // everyone else is a customer, as in a Telegram support group, and the channel is divided per customer.
  let assumed: string[] = [];
  if ('unknown' in sides && options.dividable) {
    const named = new Map(authors.flatMap((a) => (byNameOrNickname.roleOf(a) ? [[a, byNameOrNickname.roleOf(a)] as const] : [])));
    if ([...named.values()].includes('assistant')) {
      sides = new Map(authors.map((a) => [a, named.get(a) ?? 'user']));
      assumed = authors.filter((a) => !named.has(a));
    }
  }
  if ('unknown' in sides) {
    const first = said.find((m) => m.author === sides.unknown[0]);
    return reject(
      source,
      'unknown-speaker',
      `author ${show(sides.unknown[0])}${first?.nickname ? ` (${show(first.nickname)})` : ''} (line ${first?.line ?? 1}) is not a known role; ${discordRolesHint(options.layout)}`,
    );
  }
  const raw: RawTurn[] = [];
  const kept: KeptMessage[] = [];
  for (const { author, when, content, id, answers, mentions } of said) {
    const role = sides.get(author);
    if (!role || role === 'system') continue;
    const timestamp = when ? parseTimestamp(when.trim(), options.timeZone ? { timeZone: options.timeZone } : {}) : undefined;
    const turn: RawTurn = timestamp ? { role, text: content, timestamp } : { role, text: content };
    raw.push(turn);
    kept.push({
      turn,
      author,
      ...(id !== undefined ? { id } : {}),
      ...(answers !== undefined ? { answers } : {}),
      mentions: mentions ?? [],
    });
  }
  // Only the HTML names replies and mentions: a busy channel there is divided per customer as the JSON is.
  // Someone who only posted a screenshot is not among the sides: a customer unless mapped otherwise.
  const untold = new Map(
    (options.silent ?? [])
      .filter((m) => (sides.get(m.author) ?? byNameOrNickname.roleOf(m.author) ?? 'user') === 'user')
      .map((m) => [m.id, m.author] as const),
  );
  const threads = options.dividable ? customerThreads(raw, kept, untold) : undefined;
  return finish({
    source,
    id: wholeFileId('discord', source.file, said[0].author, said[0].content),
    idPrefix: 'discord',
    // Messages stay in the file's order: it is the channel's, and the dates have minutes only.
    raw,
    channel: 'discord',
    wholeChat: true,
    ...(threads ? { threads } : {}),
    ...assumedCustomersNotice(source.file, 'a Discord channel', 'authors', assumed),
    setAside: setAsideCounts(options.setAside),
    needBothSides: `the Discord channel ${show(channel || source.file)}`,
  });
}
