import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { isMboxFromLine, joinedFromLine, looksLikeMbox } from './formats/mailbox';
import { MAX_OUTLOOK_MESSAGE_BYTES, outlookMessageParts } from './formats/outlookMessage';

/**
 * E-mails saved one file each: Thunderbird's, Apple Mail's and Outlook for Mac's "Save as" and
 * Gmail's "Download message" (`.eml`), Outlook for Windows' (`.msg`, made RFC 5322 by
 * formats/outlookMessage), and a Maildir's messages (its `cur/` and `new/` folders,
 * what Dovecot servers, offlineimap and mbsync keep). One file is one message, and a thread needs
 * all of its messages, so the e-mail files of a ZIP archive or of a folder are read together as
 * one mailbox: joined into an mbox (each file after a "From " line naming it), which the mailbox
 * reader (formats/mailbox) reads like any other, threads across files and all. The blob path
 * stores that mbox as the archive's file `email-files.mbox`, so the erasure finds its messages
 * there as in any mbox.
 */
const EML = /\.(?:eml|msg)$/i;
const OUTLOOK = /\.msg$/i;
/** Maildir's file names: "<seconds>.<unique part>", with ":2,<flags>" once the message was seen. */
const MAILDIR_MESSAGE = /(?:^|\/)(?:cur|new)\/\d{9,}\.[^/]+$/;

/** How much of a file's start tells whether it is an mbox. */
export const MAILBOX_SNIFF_BYTES = 4096;

/**
 * Whether a file is a mailbox folder (an mbox: Thunderbird's "Inbox" and "Sent", Apple Mail's
 * `Inbox.mbox/mbox`, Gmail's `.mbox`), from its first bytes. The folders of one mailbox are read
 * together as one, so a thread runs from the customer's mail in Inbox to the answers in Sent.
 */
export function isMailboxHead(head: Buffer): boolean {
  return looksLikeMbox(head.toString('latin1', 0, Math.min(head.length, MAILBOX_SNIFF_BYTES)));
}

/** `isMailboxHead` of a file on disk (its first bytes read). */
export function isMailboxFile(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(MAILBOX_SNIFF_BYTES);
    return isMailboxHead(head.subarray(0, readSync(fd, head, 0, head.length, 0)));
  } finally {
    closeSync(fd);
  }
}

/**
 * What a file on disk is to a mailbox, if anything: an e-mail of it (by its name, `name` being its
 * `/`-separated path as given or inside a folder) or one of its folders (an mbox, by its content).
 * `prepare` and `drop` join the mail files of a folder or a command; one mbox alone is read as it is.
 */
export function mailKindOf(name: string, path: string): 'email' | 'mailbox' | undefined {
  if (isEmailFile(name)) return 'email';
  return isMailboxFile(path) ? 'mailbox' : undefined;
}

/** The first `bytes` of a stream, and the whole stream again (those bytes first). */
export async function peekStream(source: AsyncIterable<Buffer>, bytes: number): Promise<{ head: Buffer; all: AsyncIterable<Buffer> }> {
  const iterator = source[Symbol.asyncIterator]();
  const held: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < bytes) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    held.push(next.value);
    size += next.value.length;
  }
  async function* all(): AsyncIterable<Buffer> {
    yield* held;
    if (done) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { head: Buffer.concat(held), all: all() };
}

/** What a notice says of the files joined: "2 mailbox file(s) (mbox) and 3 e-mail file(s) (.eml, .msg, Maildir)". */
export function joinedFilesText(mailboxes: number, emails: number): string {
  const parts = [
    ...(mailboxes ? [`${mailboxes} mailbox file(s) (mbox)`] : []),
    ...(emails ? [`${emails} e-mail file(s) (.eml, .msg, Maildir)`] : []),
  ];
  return parts.join(' and ');
}

/** The name the joined mailbox goes by: `<archive or folder>/email-files.mbox`. */
export const JOINED_MAILBOX = 'email-files.mbox';

/** Whether a file (its `/`-separated path inside an archive or a folder) holds one e-mail of a mailbox (.eml, .msg, Maildir). */
export function isEmailFile(path: string): boolean {
  return EML.test(path) || MAILDIR_MESSAGE.test(path);
}

export interface EmailFile {
  /** Its path inside the archive or folder, `/`-separated. */
  name: string;
  /** Its bytes; a stream left before its end (a stop) is closed by returning its iterator. */
  bytes(): Promise<AsyncIterable<Buffer>> | AsyncIterable<Buffer>;
}

const NEWLINE = 0x0a;
/** Enough of a file's start to hold an mbox "From " line. */
const FIRST_LINE_BYTES = 512;
const FROM = Buffer.from('From ');

/**
 * mboxrd's escape, streamed: a line starting "From " after any number of ">" gets one more ">",
 * which the reader takes off again, so every body line comes back as it was and none can start a
 * message. Bytes pass through untouched otherwise (any charset, CRLF or LF); only the start of a
 * line is ever held back, until it is known to be such a line or not.
 */
export class FromLineEscaper {
  private atLineStart = true;
  private held: Buffer | undefined;

  *push(chunk: Buffer): Iterable<Buffer> {
    const data = this.held ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = undefined;
    let emitted = 0;
    let at = 0;
    while (at < data.length) {
      if (this.atLineStart) {
        let j = at;
        while (j < data.length && data[j] === 0x3e) j++;
        const compared = Math.min(FROM.length, data.length - j);
        const prefix = data.subarray(j, j + compared).equals(FROM.subarray(0, compared));
        if (prefix && compared < FROM.length) {
          // The chunk ends inside what may still be ">From ": decided with the next chunk.
          if (at > emitted) yield data.subarray(emitted, at);
          this.held = Buffer.from(data.subarray(at));
          return;
        }
        if (prefix) {
          if (at > emitted) yield data.subarray(emitted, at);
          yield Buffer.from('>');
          emitted = at;
        }
        this.atLineStart = false;
      }
      const end = data.indexOf(NEWLINE, at);
      if (end === -1) at = data.length;
      else {
        at = end + 1;
        this.atLineStart = true;
      }
    }
    if (emitted < data.length) yield data.subarray(emitted);
  }

  /** What is left held back at the end (a last line too short to be "From "). */
  end(): Buffer | undefined {
    const rest = this.held;
    this.held = undefined;
    return rest;
  }
}

/**
 * The e-mail files as one mbox, in the order given: for each, a "From " line naming it, its bytes
 * escaped (see `FromLineEscaper`), and a blank line. A file that already starts with an mbox
 * "From " line is an mbox itself (a message saved with its envelope, or a folder saved as .eml)
 * and is passed through as it is. Nothing is cut: a message over the record size limit is rejected
 * by the reader, naming its file, and kept whole where it is stored.
 */
export async function* emailFilesAsMbox(
  files: Iterable<EmailFile> | AsyncIterable<EmailFile>,
  signal?: AbortSignal,
): AsyncIterable<Buffer> {
  for await (const file of files) {
    signal?.throwIfAborted();
    if (OUTLOOK.test(file.name)) {
      yield Buffer.from(`${joinedFromLine(file.name)}\n`);
      const escaper = new FromLineEscaper();
      for await (const part of outlookAsRfc822(file, signal)) yield* escaper.push(part);
      const rest = escaper.end();
      if (rest) yield rest;
      yield Buffer.from('\n');
      continue;
    }
    const { head, all } = await peekStream(await file.bytes(), FIRST_LINE_BYTES);
    if (!head.length) continue; // an empty file is no message
    const lineEnd = head.indexOf(NEWLINE);
    const firstLine = head.toString('latin1', 0, lineEnd === -1 ? Math.min(head.length, FIRST_LINE_BYTES) : lineEnd).replace(/\r$/, '');
    // A file that opens with an mbox "From " line is an mbox (a mailbox folder, a message saved with
    // its envelope): its own writer escaped it, and its "From " lines start its messages.
    const escaper = isMboxFromLine(firstLine) ? undefined : new FromLineEscaper();
    if (escaper) yield Buffer.from(`${joinedFromLine(file.name)}\n`);
    let last = NEWLINE;
    for await (const chunk of all) {
      signal?.throwIfAborted();
      if (!chunk.length) continue;
      for (const piece of escaper ? escaper.push(chunk) : [chunk]) {
        last = piece[piece.length - 1];
        yield piece;
      }
    }
    const rest = escaper?.end();
    if (rest?.length) {
      last = rest[rest.length - 1];
      yield rest;
    }
    // A blank line before the next "From " line: the reader starts a message only after one.
    yield Buffer.from(last === NEWLINE ? '\n' : '\n\n');
  }
}

/**
 * An Outlook .msg file as an RFC 5322 message (LF line ends, ending in one): its headers and text
 * (formats/outlookMessage), then the original file as a base64 attachment, so nothing of it is
 * lost where the joined mailbox is what is kept. A file too large to read, or no Outlook message,
 * is a message saying so (`X-Tuneloop-Unreadable`, which the mailbox reader rejects with the
 * reason), the original attached all the same.
 */
async function* outlookAsRfc822(file: EmailFile, signal: AbortSignal | undefined): AsyncIterable<Buffer> {
  const held: Buffer[] = [];
  let size = 0;
  for await (const chunk of await file.bytes()) {
    signal?.throwIfAborted();
    size += chunk.length;
    if (size > MAX_OUTLOOK_MESSAGE_BYTES) break;
    held.push(chunk);
  }
  const whole = size > MAX_OUTLOOK_MESSAGE_BYTES ? undefined : Buffer.concat(held);
  held.length = 0;
  const parts = whole
    ? outlookMessageParts(whole)
    : { unreadable: `it is over ${MAX_OUTLOOK_MESSAGE_BYTES / 1024 / 1024} MiB, too large to read (its attachments, most likely)` };
  const base = file.name.slice(file.name.lastIndexOf('/') + 1).replace(/["\\\r\n]/g, '_');
  const boundary = `tuneloop-outlook-${createHash('sha256')
    .update(file.name)
    .update(whole ?? String(size))
    .digest('hex')
    .slice(0, 24)}`;
  const head =
    'unreadable' in parts ? [`X-Tuneloop-Unreadable: ${parts.unreadable.replace(/[\r\n]+/g, ' ')}`, `Subject: ${base}`] : parts.headers;
  const body =
    'unreadable' in parts
      ? ''
      : `--${boundary}\nContent-Type: ${parts.body.type}; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n${parts.body.text.replace(/\r\n?/g, '\n').replace(/\n?$/, '\n')}`;
  yield Buffer.from(
    `${head.join('\n')}\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="${boundary}"\n\n${body}` +
      `--${boundary}\nContent-Type: application/vnd.ms-outlook; name="${base}"\nContent-Disposition: attachment; filename="${base}"\nContent-Transfer-Encoding: base64\n\n`,
    'utf8',
  );
  yield* base64Lines(whole ? [whole] : await file.bytes(), signal);
  yield Buffer.from(`--${boundary}--\n`);
}

/** Base64 in lines of 76 characters (57 bytes), as MIME writes it, streamed. */
async function* base64Lines(source: Iterable<Buffer> | AsyncIterable<Buffer>, signal: AbortSignal | undefined): AsyncIterable<Buffer> {
  const LINE_BYTES = 57;
  let carry = Buffer.alloc(0);
  const encode = (bytes: Buffer) => {
    const lines: string[] = [];
    for (let at = 0; at < bytes.length; at += LINE_BYTES) lines.push(bytes.subarray(at, at + LINE_BYTES).toString('base64'));
    return Buffer.from(lines.join('\n') + '\n');
  };
  for await (const chunk of source) {
    signal?.throwIfAborted();
    const data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const whole = data.length - (data.length % LINE_BYTES);
    if (whole) yield encode(data.subarray(0, whole));
    carry = Buffer.from(data.subarray(whole));
  }
  if (carry.length) yield encode(carry);
}
