import { reject, show } from '../records';
import type { RoleMapper } from '../roles';
import { zonedWallClockToEpoch } from '../timeZone';
import type { IngestItem, SourceRef } from '../types';
import { namedChat, type NamedEntry } from './common';

/**
 * A chat as Telegram Desktop exports it by default ("Export chat history", format HTML): a
 * `messages.html` (then `messages2.html`, … for every further 1,000 messages) whose page header
 * names the other party, and a history of message blocks:
 *
 *   <div class="message default clearfix" id="message101"> … <div class="body">
 *     <div class="pull_right date details" title="01.12.2026 18:02:11 UTC+08:00">18:02</div>
 *     <div class="from_name">Aminah Yusof</div>
 *     <div class="text">Hi, my order …</div> </div></div>
 *
 * A message from the same sender within 15 minutes is "joined" and has no `from_name`: it is the
 * previous sender's (each page starts afresh, so no page opens with a joined message). Day
 * headings and the app's notices are `message service` blocks; a call is a message with a
 * `media_call` block and no text. The other party the header names is the customer (a business
 * exports its chats with customers); the other sender is the support side. Photos, stickers,
 * voice messages and files without a caption are set aside and counted (`media-omitted`); a caption
 * is the message. Text comes as Telegram writes it: line breaks as `<br>`, entities escaped, links
 * and formatting as tags (their text kept). Times: the title's date and time with its UTC offset
 * (exports before 2022 wrote none: then the wall clock in the declared time zone, UTC otherwise).
 */
export function looksLikeTelegramHtml(head: string): boolean {
  return (
    /^\s*(?:<!DOCTYPE html>\s*)?<html/i.test(head) &&
    head.includes('class="page_header"') &&
    (head.includes('class="page_body chat_page"') || head.includes('class="history"'))
  );
}

interface Message {
  /** 1-based line of the message's opening tag, for errors that name it. */
  line: number;
  /** From the block's `id` ("message123"). */
  id?: string;
  /** The message "In reply to" links to (`#go_to_message<id>`, also on another page). */
  answers?: string;
  /** Names the text mentions by link (`ShowMentionName()`). */
  mentions: string[];
  joined: boolean;
  sender?: string;
  title?: string;
  text: string;
  media: boolean;
  call: boolean;
}

/** Which part of the page text goes to, while inside it (the depth of the element that opened it). */
type Collecting = { into: 'header' | 'sender' | 'text' | 'mention'; depth: number } | undefined;

const MESSAGE_ID = /^message(\d+)$/;
const REPLY_TARGET = /#go_to_message(\d+)$/;

const STAMP =
  /^(?<d>\d{2})\.(?<m>\d{2})\.(?<y>\d{4}) (?<h>\d{2}):(?<min>\d{2}):(?<s>\d{2})(?: UTC(?:(?<sign>[+-])(?<oh>\d{2}):(?<om>\d{2}))?)?$/;

/** The instant of a message's `title`: exact with its UTC offset, else the wall clock in `timeZone` (UTC without one). */
function instantOf(title: string | undefined, timeZone: string | undefined): string | undefined {
  const g = title === undefined ? undefined : STAMP.exec(title.trim())?.groups;
  if (!g) return undefined;
  const [y, m, d] = [Number(g.y), Number(g.m), Number(g.d)];
  if (m < 1 || m > 12 || d < 1 || d > new Date(Date.UTC(y, m, 0)).getUTCDate()) return undefined;
  const wall = Date.UTC(y, m - 1, d, Number(g.h), Number(g.min), Number(g.s));
  const optional: Record<string, string | undefined> = g;
  let ms: number;
  if (optional.sign) ms = wall - (optional.sign === '-' ? -1 : 1) * (Number(optional.oh) * 60 + Number(optional.om)) * 60_000;
  else if (title?.includes('UTC') || !timeZone) ms = wall;
  else ms = zonedWallClockToEpoch(wall, timeZone);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** Raw line breaks in Telegram's HTML are layout (a message's own breaks are `<br>`). */
function tidy(text: string): string {
  return text.replace(/[ \t]*\r?\n\s*/g, ' ').trim();
}

/** Attributes as htmlparser2 gives them: an absent one is undefined, whatever its type says. */
export function classesOf(attributes: Readonly<Record<string, string | undefined>>): Set<string> {
  return new Set((attributes.class ?? '').split(/\s+/).filter(Boolean));
}

/** The 1-based line of `index`, counting on from the last call's (`cache`): tags come in document order. */
export function lineAt(text: string, index: number, cache: { index: number; line: number }): number {
  for (let i = cache.index; i < index; i++) if (text.charCodeAt(i) === 10) cache.line++;
  cache.index = Math.max(cache.index, index);
  return cache.line;
}

/** htmlparser2, loaded on the first page (format detection, and every process that never meets one, go without it). */
let htmlparser2: typeof import('htmlparser2') | undefined;

export function parseTelegramHtml(source: SourceRef, html: string, roles: RoleMapper, options: { timeZone?: string } = {}): IngestItem {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  htmlparser2 ??= require('htmlparser2') as typeof import('htmlparser2');
  const { Parser } = htmlparser2;
  const stack: Set<string>[] = [];
  let header = '';
  let inHeader = -1;
  let message: Message | undefined;
  let messageDepth = -1;
  let service = -1;
  let forwarded = -1;
  let replyTo = -1;
  let collecting: Collecting;
  // The text block a mention link is in, to go back to when the link closes.
  let textDepth = -1;
  let mentionIn = -1;
  let mentionOf = -1;
  const messages: Message[] = [];
  const lines = { index: 0, line: 1 };

  const parser = new Parser(
    {
      onopentag(name, tagAttributes) {
        // As htmlparser2 gives them: an absent attribute is undefined, whatever its type says.
        const attributes: Readonly<Record<string, string | undefined>> = tagAttributes;
        const classes = classesOf(attributes);
        const depth = stack.length;
        stack.push(classes);
        if (name === 'br') {
          if ((collecting?.into === 'text' || collecting?.into === 'mention') && message) message.text += '\n';
          return;
        }
        // A media block is a link when its file was saved, a div when not.
        if (message && replyTo >= 0 && name === 'a') {
          const answers = REPLY_TARGET.exec(attributes.href ?? '')?.[1];
          if (answers) message.answers = answers;
        }
        // A mention of a member by name (no user name): its text is the text's, and names whom it answers.
        if (message && collecting?.into === 'text' && name === 'a' && (attributes.onclick ?? '').includes('ShowMentionName')) {
          message.mentions.push('');
          collecting = { into: 'mention', depth };
          mentionOf = message.mentions.length - 1;
          mentionIn = textDepth;
          return;
        }
        if (message && (classes.has('media_call') || classes.has('media_wrap'))) {
          if (classes.has('media_call')) message.call = true;
          else message.media = true;
          return;
        }
        if (name !== 'div') return;
        if (classes.has('page_header')) inHeader = depth;
        else if (inHeader >= 0 && classes.has('text') && classes.has('bold') && collecting === undefined)
          collecting = { into: 'header', depth };
        else if (classes.has('message') && classes.has('service') && message === undefined) service = depth;
        else if (classes.has('message') && classes.has('default') && message === undefined && service < 0) {
          const id = MESSAGE_ID.exec(attributes.id ?? '')?.[1];
          message = {
            line: lineAt(html, parser.startIndex, lines),
            ...(id ? { id } : {}),
            mentions: [],
            joined: classes.has('joined'),
            text: '',
            media: false,
            call: false,
          };
          messageDepth = depth;
        } else if (message) {
          if (classes.has('forwarded') && classes.has('body')) forwarded = depth;
          else if (classes.has('reply_to')) replyTo = depth;
          else if (classes.has('date') && classes.has('details') && forwarded < 0 && message.title === undefined && attributes.title)
            message.title = attributes.title;
          else if (classes.has('from_name') && forwarded < 0 && collecting === undefined) collecting = { into: 'sender', depth };
          else if (classes.has('text') && replyTo < 0 && collecting === undefined) {
            collecting = { into: 'text', depth };
            textDepth = depth;
          }
        }
      },
      ontext(text) {
        if (!collecting) return;
        if (collecting.into === 'header') header += text;
        else if (message && collecting.into === 'sender') message.sender = (message.sender ?? '') + text;
        else if (message) {
          if (collecting.into === 'mention') message.mentions[mentionOf] += text;
          message.text += text;
        }
      },
      onclosetag() {
        const depth = stack.length - 1;
        stack.pop();
        if (collecting?.into === 'mention' && depth === collecting.depth) collecting = { into: 'text', depth: mentionIn };
        else if (collecting && depth === collecting.depth) collecting = undefined;
        if (depth === inHeader) inHeader = -1;
        if (depth === forwarded) forwarded = -1;
        if (depth === replyTo) replyTo = -1;
        if (depth === service) service = -1;
        if (message && depth === messageDepth) {
          messages.push(message);
          message = undefined;
          messageDepth = -1;
        }
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);

  const customer = tidy(header);
  const setAside: Record<string, number> = {};
  const entries: NamedEntry[] = [];
  // Messages without text (a photo alone), by id: a reply to one answers its sender.
  const untold = new Map<string, string>();
  let previous: string | undefined;
  for (const m of messages) {
    // "Name via @bot": the bot wrote it on the sender's behalf.
    const named = m.sender === undefined ? undefined : tidy(m.sender).replace(/\s+via @\w+$/, '');
    const sender = named || (m.joined ? previous : undefined);
    if (!sender)
      return reject(
        { ...source, line: m.line },
        'missing-field:from_name',
        `the message at line ${m.line} has no sender ("from_name") and follows no message it could continue; export the chat again from Telegram Desktop`,
      );
    previous = sender;
    const text = m.text
      .split('\n')
      .map((part) => tidy(part))
      .join('\n')
      .trim();
    if (!text) {
      if (m.call) continue;
      if (m.media) setAside['media-omitted'] = (setAside['media-omitted'] ?? 0) + 1;
      if (m.id) untold.set(m.id, sender);
      continue;
    }
    const at = instantOf(m.title, options.timeZone);
    const mentions = m.mentions.map((name) => tidy(name)).filter(Boolean);
    entries.push({
      sender,
      text,
      ...(at ? { at } : {}),
      ...(m.id ? { id: m.id } : {}),
      ...(m.answers ? { answers: m.answers } : {}),
      ...(mentions.length ? { mentions } : {}),
    });
  }
  if (!entries.length) return reject(source, 'empty-conversation', 'the Telegram chat export has no message with text');

  // Like WhatsApp's and LINE's: a later export of the chat (or of the page) keeps the id.
  return namedChat({
    source,
    entries,
    customer: customer || undefined,
    roles,
    idPrefix: 'telegram-html',
    channel: 'telegram',
    setAside,
    supportGroup: { untold },
    unknownSpeaker: (unresolved, senders) =>
      `the Telegram chat's senders ${unresolved.map((name) => show(name)).join(', ')} cannot be told apart as customer and support: its header names ${customer ? show(customer) : 'no one'}, ${customer && !senders.includes(customer) ? 'who wrote none of the messages (a group chat?)' : 'and more than one other sender wrote'}; export each customer's personal chat, or map the business's names (TUNELOOP_SPEAKER_ROLES={"<business name>":"assistant"})`,
  });
}
