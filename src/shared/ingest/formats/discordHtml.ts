import { reject } from '../records';
import type { RoleMapper } from '../roles';
import type { IngestItem, SourceRef } from '../types';
import { discordChannelConversation, type DiscordSaid } from './discordText';
import { classesOf, lineAt } from './telegramHtml';

/**
 * A Discord channel as DiscordChatExporter writes it in HTML, its default format: a preamble
 * (`preamble__entry`: the server, then "category / channel"), then `chatlog__message-group`s of
 * one author's consecutive messages (`chatlog__message-container`). The group's first message has
 * a header: `chatlog__author` (the nickname as shown, the user name as its `title`), a `BOT` tag,
 * `chatlog__timestamp`; the others only a `chatlog__short-timestamp` whose `title` is the date.
 * The text is `chatlog__content` (markdown rendered as HTML: `<br>` line breaks, emoji as images
 * whose `alt` is the emoji, mentions as "@name"); a reply's preview of the message it answers
 * (`chatlog__reply`; `chatlog__reference` in older versions, whose bot tag is `chatlog__bot-label`),
 * attachments, embeds, stickers and reactions are no text. Notices (a pin, a
 * thread started, a join) are `chatlog__system-notification-*` and no messages.
 *
 * As for the exporter's CSV and text, the whole file is one conversation, named by the file and its
 * first message, and the HTML holds no server roles: `TUNELOOP_SPEAKER_ROLES` (by user name or
 * nickname), a role word in either ("Marco | Support"), or one author left as the other side decide.
 * Bots' posts (the `BOT` tag: a ticket bot's greeting) are set aside (`bot-message`), as in the JSON;
 * a message of only attachments, an embed or stickers is `media-omitted`.
 */
export function looksLikeDiscordHtml(head: string): boolean {
  return /^\s*(?:<!DOCTYPE html>\s*)?<html/i.test(head) && head.includes('chatlog__message-group') && head.includes('preamble__');
}

interface Message {
  line: number;
  /** `data-message-id` of its container. */
  id?: string;
  /** The message its reply preview names (`scrollToMessage(event, '<id>')`). */
  answers?: string;
  /** User names (`title`) of the people its text mentions. */
  mentions: string[];
  /** The user name (`title`), else the nickname shown. */
  author?: string;
  nickname?: string;
  bot: boolean;
  when?: string;
  text: string;
  media: boolean;
  notice: boolean;
}

/** Which text is being collected, and the depth of the element that opened it. */
type Collecting = { into: 'preamble' | 'author' | 'tag' | 'timestamp' | 'content'; depth: number } | undefined;

const MEDIA_CLASSES = ['chatlog__attachment', 'chatlog__embed', 'chatlog__sticker'];
const REPLY_TARGET = /scrollToMessage\(\s*event\s*,\s*['"]([^'"]+)['"]\s*\)/;

let htmlparser2: typeof import('htmlparser2') | undefined;

export function parseDiscordHtml(source: SourceRef, html: string, roles: RoleMapper, options: { timeZone?: string } = {}): IngestItem {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  htmlparser2 ??= require('htmlparser2') as typeof import('htmlparser2');
  const preamble: string[] = [];
  const messages: Message[] = [];
  let message: Message | undefined;
  let messageDepth = -1;
  // The group's author carries over to its messages without a header.
  let group: Pick<Message, 'author' | 'nickname' | 'bot'> | undefined;
  let skipDepth = -1;
  let collecting: Collecting;
  let depth = 0;
  let containers = 0;
  const lines = { index: 0, line: 1 };

  const parser = new htmlparser2.Parser(
    {
      onopentag(name, tagAttributes) {
        // As htmlparser2 gives them: an absent attribute is undefined, whatever its type says.
        const attributes: Readonly<Record<string, string | undefined>> = tagAttributes;
        const classes = classesOf(attributes);
        const here = depth++;
        // Inside the reply preview, which is no text: only the id of the message it answers.
        if (message && classes.has('chatlog__reply-link')) {
          const answers = REPLY_TARGET.exec(attributes.onclick ?? '')?.[1];
          if (answers) message.answers = answers;
        }
        if (skipDepth >= 0) return;
        if (name === 'br') {
          if (collecting?.into === 'content' && message) message.text += '\n';
          return;
        }
        if (collecting?.into === 'content' && message && classes.has('chatlog__markdown-mention')) {
          const mentioned = attributes.title?.trim();
          if (mentioned) message.mentions.push(mentioned);
        }
        if (name === 'img' && collecting?.into === 'content' && message && classes.has('chatlog__emoji')) {
          message.text += attributes.alt ?? '';
          return;
        }
        if (classes.has('preamble__entry') && !classes.has('preamble__entry--small')) {
          preamble.push('');
          collecting = { into: 'preamble', depth: here };
        } else if (classes.has('chatlog__message-group')) group = undefined;
        else if (classes.has('chatlog__message-container')) {
          containers++;
          const id = attributes['data-message-id']?.trim();
          message = {
            line: lineAt(html, parser.startIndex, lines),
            ...(id ? { id } : {}),
            mentions: [],
            bot: false,
            text: '',
            media: false,
            notice: false,
            ...group,
          };
          messageDepth = here;
        } else if (!message) return;
        else if (
          classes.has('chatlog__reply') ||
          classes.has('chatlog__reference') ||
          classes.has('chatlog__reactions') ||
          classes.has('chatlog__edited-timestamp')
        )
          skipDepth = here;
        else if (classes.has('chatlog__system-notification-author')) message.notice = true;
        else if (classes.has('chatlog__author')) {
          message.author = attributes.title?.trim() || undefined;
          message.nickname = '';
          collecting = { into: 'author', depth: here };
        } else if (classes.has('chatlog__author-tag') || classes.has('chatlog__bot-label')) collecting = { into: 'tag', depth: here };
        else if (classes.has('chatlog__timestamp')) collecting = { into: 'timestamp', depth: here };
        else if (classes.has('chatlog__short-timestamp')) message.when = attributes.title?.trim();
        else if (classes.has('chatlog__content')) collecting = { into: 'content', depth: here };
        else if (MEDIA_CLASSES.some((c) => classes.has(c))) {
          message.media = true;
          skipDepth = here;
        }
      },
      ontext(text) {
        if (skipDepth >= 0 || !collecting) return;
        if (collecting.into === 'preamble') preamble[preamble.length - 1] += text;
        else if (!message) return;
        else if (collecting.into === 'author') message.nickname = (message.nickname ?? '') + text;
        else if (collecting.into === 'tag') message.bot ||= /^\s*(?:BOT|SERVER|APP)\s*$/.test(text);
        else if (collecting.into === 'timestamp') message.when = (message.when ?? '') + text;
        else message.text += text;
      },
      onclosetag() {
        const here = --depth;
        if (here === skipDepth) skipDepth = -1;
        if (collecting && here === collecting.depth) collecting = undefined;
        if (message && here === messageDepth) {
          if (!message.notice) {
            message.nickname = message.nickname?.trim() || undefined;
            group = { author: message.author ?? message.nickname, nickname: message.nickname, bot: message.bot };
            messages.push({ ...message, author: group.author });
          }
          message = undefined;
          messageDepth = -1;
        }
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);

  const channel = preamble.map((p) => p.replace(/\s+/g, ' ').trim()).filter(Boolean)[1] ?? '';
  if (!containers)
    return reject(
      source,
      'unknown-format',
      `the page is DiscordChatExporter's HTML in a layout older than its message containers (no "chatlog__message-container"), which tuneloop does not read; export the channel again with a current DiscordChatExporter, or as JSON`,
    );
  let bots = 0;
  let media = 0;
  const said: DiscordSaid[] = [];
  // Messages without text (a screenshot alone), by id: a reply to one answers its author.
  const silent: { id: string; author: string }[] = [];
  for (const m of messages) {
    const content = m.text
      .split('\n')
      .map((part) => part.replace(/\s+/g, ' ').trim())
      .join('\n')
      .trim();
    if (m.bot) {
      bots++;
      continue;
    }
    if (!content) {
      if (m.media) media++;
      if (m.id && m.author) silent.push({ id: m.id, author: m.author });
      continue;
    }
    if (!m.author)
      return reject(
        { ...source, line: m.line },
        'missing-field:author',
        `the message at line ${m.line} has no author and follows none it could continue; export the channel again`,
      );
    said.push({
      line: m.line,
      author: m.author,
      ...(m.nickname ? { nickname: m.nickname } : {}),
      ...(m.when ? { when: m.when } : {}),
      content,
      ...(m.id ? { id: m.id } : {}),
      ...(m.answers ? { answers: m.answers } : {}),
      mentions: m.mentions,
    });
  }
  return discordChannelConversation({
    source,
    said,
    roles,
    channel,
    layout: 'HTML export',
    timeZone: options.timeZone,
    dividable: true,
    silent,
    setAside: { 'bot-message': bots, 'media-omitted': media },
  });
}
