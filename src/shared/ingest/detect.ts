import { looksLikeChatExport } from './formats/transcript';
import { looksLikeLineChat } from './formats/lineChat';
import { looksLikeTelegramHtml } from './formats/telegramHtml';
import { looksLikeDiscordText } from './formats/discordText';
import { looksLikeDiscordHtml } from './formats/discordHtml';
import { looksLikeEmailMessage, looksLikeMbox } from './formats/mailbox';
import { OLE_MAGIC, oleDetail } from './xlsx';

/**
 * Format detection by content (never by file name): the first bytes say JSON lines or CSV; the
 * keys of the first recognisable JSON line, or the CSV header, then say which of the five formats.
 * A first line that is not JSON (a truncated fragment, a `# exported ...` comment) does not make a
 * file CSV when most of the lines after it are JSON objects: the file is JSON lines with one bad line.
 */
export type Container =
  | { kind: 'empty' }
  | { kind: 'jsonl' }
  /** One JSON document (an array of records, or an object holding them), read record by record. */
  | { kind: 'json-document' }
  | { kind: 'csv'; delimiter: string }
  /** A chat a messenger exported as text (WhatsApp), the whole file one conversation. */
  | { kind: 'chat-export' }
  /** A chat exported from LINE as text (a header, day lines, tab-separated messages). */
  | { kind: 'line-chat' }
  /** A Discord channel DiscordChatExporter exported as plain text, the whole file one conversation. */
  | { kind: 'discord-text' }
  /** A Discord channel exported by DiscordChatExporter as HTML (its default format). */
  | { kind: 'discord-html' }
  /** A page of a chat Telegram Desktop exported as HTML (`messages.html`, `messages2.html`, …). */
  | { kind: 'telegram-html' }
  /** A mailbox exported as mbox (Google Takeout, Thunderbird, Apple Mail): a conversation per thread. */
  | { kind: 'mbox' }
  | { kind: 'unknown'; detail: string };

const MAGIC: ReadonlyArray<[number[], string]> = [
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive; upload the files inside it (or gzip them) instead'],
  [[0x42, 0x5a, 0x68], 'a bzip2 file; only gzip compression is supported'],
  [[0x28, 0xb5, 0x2f, 0xfd], 'a zstd file; only gzip compression is supported'],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a], 'an xz file; only gzip compression is supported'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document, not a chat log'],
  // "!BDN": Outlook's data file, a whole mailbox in a database format of its own.
  [
    [0x21, 0x42, 0x44, 0x4e],
    "an Outlook data file (.pst or .ost), which is not read: select the support mailbox's messages in Outlook and drag them into a folder (one .msg file each), then drop that folder (tuneloop drop) or a ZIP of it; or export the mailbox as mbox with a mail client",
  ],
  [[0xff, 0xfe], 'UTF-16 text; save the file as UTF-8'],
  [[0xfe, 0xff], 'UTF-16 text; save the file as UTF-8'],
];

export function detectContainer(head: Buffer): Container {
  if (head.length >= OLE_MAGIC.length && OLE_MAGIC.every((b, i) => head[i] === b))
    return { kind: 'unknown', detail: `the file is ${oleDetail(head)}` };
  for (const [magic, what] of MAGIC) {
    if (head.length >= magic.length && magic.every((b, i) => head[i] === b)) return { kind: 'unknown', detail: `the file is ${what}` };
  }
  let text = head.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (head.includes(0)) {
    return {
      kind: 'unknown',
      detail: looksLikeUtf16(head)
        ? 'the file is UTF-16 text without a byte-order mark; save the file as UTF-8 (or as UTF-16 with a byte-order mark)'
        : 'the file is binary (it contains NUL bytes), not UTF-8 text',
    };
  }
  const first = text.search(/\S/);
  if (first === -1) return { kind: 'empty' };
  const c = text[first];
  if (c === '{') return isPrettyPrintedObject(text.slice(first)) ? { kind: 'json-document' } : { kind: 'jsonl' };
  if (looksLikeLineChat(text.slice(first))) return { kind: 'line-chat' };
  if (looksLikeDiscordText(text.slice(first))) return { kind: 'discord-text' };
  // WhatsApp on iOS opens every line with "[date, time]".
  if (c === '[') return looksLikeChatExport(text.slice(first)) ? { kind: 'chat-export' } : { kind: 'json-document' };
  if (c === '<') {
    const markup = text.slice(first);
    if (looksLikeTelegramHtml(markup)) return { kind: 'telegram-html' };
    if (looksLikeDiscordHtml(markup)) return { kind: 'discord-html' };
    if (markup.includes('<title>Exported Data</title>'))
      return {
        kind: 'unknown',
        detail:
          "the file is a page of a Telegram export that holds no chat (the account's summary or a list); drop each chat's messages.html (and messages2.html, …) instead",
      };
    return { kind: 'unknown', detail: 'the file looks like HTML/XML; export the chats as JSON lines or CSV' };
  }
  if (looksLikeMbox(text.slice(first))) return { kind: 'mbox' };
  if (looksLikeEmailMessage(text.slice(first)))
    return {
      kind: 'unknown',
      detail:
        "the file is one e-mail message (.eml); a thread needs all of its messages: drop the mailbox's .eml files together in one ZIP (or give their folder to tuneloop prepare or drop), or export the mailbox as mbox (Google Takeout, Thunderbird, Apple Mail)",
    };
  if (jsonLinesFollowFirstLine(text.slice(first))) return { kind: 'jsonl' };
  if (looksLikeChatExport(text.slice(first))) return { kind: 'chat-export' };
  return { kind: 'csv', delimiter: guessDelimiter(text.slice(first)) };
}

/**
 * UTF-16 of mostly ASCII text: a NUL in every other byte (even positions for big-endian, odd for
 * little-endian), over at least the first few dozen bytes.
 */
function looksLikeUtf16(head: Buffer): boolean {
  const n = Math.min(head.length - (head.length % 2), 512);
  if (n < 16) return false;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) even++;
    if (head[i + 1] === 0) odd++;
  }
  const pairs = n / 2;
  return (even >= pairs * 0.9 && odd === 0) || (odd >= pairs * 0.9 && even === 0);
}

/** Lines after the first looked at to tell JSON lines with a bad first line from CSV (as many as parse's sniff). */
const LINES_AFTER_FIRST = 1000;

/**
 * Whether the lines after a first line that is not JSON are mostly JSON objects. A CSV row is never
 * a whole JSON object (a quoted field doubles its quotes), except by accident inside a multi-line
 * field, so a majority of object lines means JSON lines. The head may end mid-line: a cut-off last
 * line counts when it starts like an object, so long JSON lines are not missed.
 */
function jsonLinesFollowFirstLine(text: string): boolean {
  const segments = text.split('\n', LINES_AFTER_FIRST + 2);
  const lines = segments.slice(1, LINES_AFTER_FIRST + 1);
  const headEndsInLastLine = segments.length <= LINES_AFTER_FIRST + 1 && !text.endsWith('\n');
  const cutOff = headEndsInLastLine ? lines.length - 1 : -1;
  let objects = 0;
  let others = 0;
  lines.forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '') return;
    if (isJsonObjectLine(trimmed) || (index === cutOff && trimmed.startsWith('{'))) objects++;
    else others++;
  });
  return objects > others;
}

function isJsonObjectLine(trimmed: string): boolean {
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return false;
  try {
    const value: unknown = JSON.parse(trimmed);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/**
 * `{` starts both JSON lines and a pretty-printed document. JSON lines have a complete object on
 * their first line; a document breaks its first object over lines, the next line being a member
 * (`  "key": ...`) or the closing brace. A first line that is merely broken JSON followed by more
 * objects stays JSON lines, so a bad first record does not change how the file is read.
 */
function isPrettyPrintedObject(text: string): boolean {
  const lines = text.split('\n', 3);
  if (lines.length < 2) return false;
  const firstLine = lines[0].trim();
  try {
    JSON.parse(firstLine);
    return false;
  } catch {
    // not a complete JSON value on its own line
  }
  const next = lines[1].trim();
  return firstLine === '{' || firstLine.endsWith('[') || firstLine.endsWith('{') || firstLine.endsWith(',')
    ? /^("|\}|\]|\[|\{)/.test(next)
    : false;
}

/** The delimiter used most in the header line, outside quotes (comma when none is). */
/** Excel's delimiter hint, a first line `sep=;` (some exports write it so Excel splits the columns). */
const SEPARATOR_HINT = /^sep=([^\r\n])\r?(?:\n|$)/i;

function guessDelimiter(text: string): string {
  const hint = SEPARATOR_HINT.exec(text);
  if (hint) return hint[1];
  const counts = new Map<string, number>([
    [',', 0],
    [';', 0],
    ['\t', 0],
    ['|', 0],
  ]);
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > (counts.get(best) ?? 0)) best = d;
  return best;
}
