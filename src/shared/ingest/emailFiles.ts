import { isMboxFromLine, joinedFromLine } from './formats/mailbox';

/**
 * E-mails saved one file each: Thunderbird's, Apple Mail's and Outlook for Mac's "Save as" and
 * Gmail's "Download message" (`.eml`), and a Maildir's messages (its `cur/` and `new/` folders,
 * what Dovecot servers, offlineimap and mbsync keep). One file is one message, and a thread needs
 * all of its messages, so the e-mail files of a ZIP archive or of a folder are read together as
 * one mailbox: joined into an mbox (each file after a "From " line naming it), which the mailbox
 * reader (formats/mailbox) reads like any other, threads across files and all. The blob path
 * stores that mbox as the archive's file `email-files.mbox`, so the erasure finds its messages
 * there as in any mbox.
 */
const EML = /\.eml$/i;
/** Maildir's file names: "<seconds>.<unique part>", with ":2,<flags>" once the message was seen. */
const MAILDIR_MESSAGE = /(?:^|\/)(?:cur|new)\/\d{9,}\.[^/]+$/;

/** The name the joined mailbox goes by: `<archive or folder>/email-files.mbox`. */
export const JOINED_MAILBOX = 'email-files.mbox';

/** Whether a file (its `/`-separated path inside an archive or a folder) holds one e-mail of a mailbox. */
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
 * "From " line (a one-message mbox saved as .eml) keeps its own. Nothing is cut: a message over the
 * record size limit is rejected by the reader, naming its file, and kept whole where it is stored.
 */
export async function* emailFilesAsMbox(
  files: Iterable<EmailFile> | AsyncIterable<EmailFile>,
  signal?: AbortSignal,
): AsyncIterable<Buffer> {
  for await (const file of files) {
    signal?.throwIfAborted();
    const escaper = new FromLineEscaper();
    let first = true;
    let last = NEWLINE;
    for await (const chunk of await file.bytes()) {
      signal?.throwIfAborted();
      if (!chunk.length) continue;
      let rest = chunk;
      if (first) {
        first = false;
        const lineEnd = chunk.indexOf(NEWLINE);
        const firstLine = chunk.subarray(0, lineEnd === -1 ? Math.min(chunk.length, 200) : lineEnd).toString('latin1');
        if (isMboxFromLine(firstLine.replace(/\r$/, ''))) {
          // Its own envelope stays the message's start; the rest of it is escaped as any message.
          const cut = lineEnd === -1 ? chunk.length : lineEnd + 1;
          yield chunk.subarray(0, cut);
          rest = chunk.subarray(cut);
        } else yield Buffer.from(`${joinedFromLine(file.name)}\n`);
      }
      for (const piece of escaper.push(rest)) {
        last = piece[piece.length - 1];
        yield piece;
      }
    }
    if (first) continue; // an empty file is no message
    const rest = escaper.end();
    if (rest?.length) {
      last = rest[rest.length - 1];
      yield rest;
    }
    // A blank line before the next "From " line: the reader starts a message only after one.
    yield Buffer.from(last === NEWLINE ? '\n' : '\n\n');
  }
}
