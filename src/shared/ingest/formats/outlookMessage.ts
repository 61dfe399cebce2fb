import type MsgReaderModule from '@kenjiuno/msgreader';
import type { FieldsData } from '@kenjiuno/msgreader';

/**
 * Outlook's own message file (`.msg`: what Outlook for Windows saves when a message is dragged to
 * a folder, a compound file of MAPI properties) made an RFC 5322 message, so it joins a mailbox
 * like an .eml file (ingest/emailFiles) and is read by the same mailbox reader.
 *
 * Headers: the internet headers the message arrived with (`PidTagTransportMessageHeaders`) when it
 * was received; a message written in the mailbox has none, and gets them from its properties
 * (sender's SMTP address, recipients, submit time, subject, `Message-ID`, `In-Reply-To`,
 * `References`). Body: the plain-text body, else the HTML body. The original file follows as an
 * attachment (`application/vnd.ms-outlook`, base64): the mailbox reader reads no attachment, but
 * where the joined mailbox is what is kept (the blob path stores it and deletes the ZIP) the
 * message's attachments and formatting are not lost, and an erasure takes them out with it.
 *
 * What Outlook says of the item travels in two headers of tuneloop's own for the mailbox reader:
 * `X-Tuneloop-Outlook` (`sent` for a message written and sent from the mailbox, `draft`, or the
 * item class when it is no e-mail: an appointment, a contact, a task) and `X-Tuneloop-Unreadable`
 * (why the file could not be read: too large, or no Outlook message).
 */

/** Larger files are kept (as the attachment) but not read: the whole file is held to be parsed. */
export const MAX_OUTLOOK_MESSAGE_BYTES = 32 * 1024 * 1024;

const PID_TAG_IN_REPLY_TO_ID = 0x1042;
const PID_TAG_INTERNET_REFERENCES = 0x1039;
const MSGFLAG_UNSENT = 0x8;

let msgReader: typeof MsgReaderModule | undefined;

/** The RFC 5322 header block (without the blank line) and body of an Outlook message file, or why it cannot be read. */
export function outlookMessageParts(bytes: Buffer): { headers: string[]; body: { type: string; text: string } } | { unreadable: string } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  msgReader ??= (require('@kenjiuno/msgreader') as { default: typeof MsgReaderModule }).default;
  let data: FieldsData;
  try {
    const reader = new msgReader(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    reader.parserConfig = { includeRawProps: true };
    data = reader.getFileData();
  } catch (err) {
    return { unreadable: `it is no Outlook message file (${err instanceof Error ? err.message : String(err)})` };
  }
  if (data.error) return { unreadable: `it is no Outlook message file (${data.error})` };
  const itemClass = data.messageClass ?? 'IPM.Note';
  const raw = new Map((data.rawProps ?? []).map((p) => [parseInt(p.propertyTag ?? '0', 16) >>> 16, p.value]));
  const rawText = (tag: number) => {
    const value = raw.get(tag);
    return typeof value === 'string' && value.trim() ? value.trim() : undefined;
  };

  const headers: string[] = [];
  const received = data.headers?.trim();
  if (received) {
    // The body below is written anew: the arrived message's own MIME framing does not describe it.
    // Any X-Tuneloop- field in them is the sender's, not ours: dropped, so no sender can pass for the mailbox.
    headers.push(...unfoldedFields(received).filter((f) => !/^(?:content-[\w-]+|mime-version|x-tuneloop-[\w-]+)\s*:/i.test(f)));
  } else {
    const from = senderAddress(data);
    if (from) headers.push(`From: ${mailbox(data.senderName, from)}`);
    for (const [kind, field] of [
      ['to', 'To'],
      ['cc', 'Cc'],
    ] as const) {
      const list = (data.recipients ?? []).filter((r) => r.recipType === kind).flatMap((r) => recipientAddress(r));
      if (list.length) headers.push(`${field}: ${list.join(', ')}`);
    }
    const date = data.clientSubmitTime ?? data.messageDeliveryTime ?? data.creationTime;
    if (date) headers.push(`Date: ${date}`);
    if (data.subject) headers.push(`Subject: ${encodedWord(data.subject)}`);
    if (data.messageId) headers.push(`Message-ID: ${data.messageId.trim()}`);
    const inReplyTo = rawText(PID_TAG_IN_REPLY_TO_ID);
    if (inReplyTo) headers.push(`In-Reply-To: ${inReplyTo}`);
    const references = rawText(PID_TAG_INTERNET_REFERENCES);
    if (references) headers.push(`References: ${references}`);
  }
  const flags = data.messageFlags ?? 0;
  const what = !/^IPM\.Note(?:\.|$)/i.test(itemClass)
    ? itemClass
    : flags & MSGFLAG_UNSENT
      ? 'draft'
      : received
        ? undefined
        : // Written in the mailbox and sent from it: the mailbox's own side, as Gmail's Sent label says.
          'sent';
  if (what) headers.push(`X-Tuneloop-Outlook: ${what}`);
  const text = data.body?.trim() ? data.body : undefined;
  if (text) return { headers, body: { type: 'text/plain', text } };
  const html = data.bodyHtml ?? (data.html ? Buffer.from(data.html).toString('utf8') : undefined);
  return { headers, body: { type: 'text/html', text: html ?? '' } };
}

/** Header fields one per entry, continuation lines joined to their field. */
function unfoldedFields(block: string): string[] {
  const fields: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && fields.length) fields[fields.length - 1] += ` ${line.trim()}`;
    else if (line.trim()) fields.push(line);
  }
  return fields;
}

/** Exchange names its own users by an X.500 path ("/O=EXCHANGELABS/…"): the SMTP address is in other properties. */
function senderAddress(data: FieldsData): string | undefined {
  const smtp = (value: string | undefined) => (value && value.includes('@') && !value.startsWith('/') ? value.trim() : undefined);
  return (
    smtp(data.senderSmtpAddress) ??
    smtp(data.sentRepresentingSmtpAddress) ??
    (data.senderAddressType === 'SMTP' ? smtp(data.senderEmail) : undefined) ??
    // A message without transport headers was written in this mailbox: its account is its sender.
    smtp(data.inetAcctName) ??
    smtp(data.creatorSMTPAddress)
  );
}

function recipientAddress(recipient: FieldsData): string[] {
  const address = [recipient.smtpAddress, recipient.email].find((a) => a && a.includes('@') && !a.startsWith('/'));
  return address ? [mailbox(recipient.name?.replace(/^'|'$/g, ''), address.trim())] : [];
}

function mailbox(name: string | undefined, address: string): string {
  const display = name?.trim().replace(/["\\\r\n]/g, '');
  if (!display || display.toLowerCase() === address.toLowerCase()) return `<${address}>`;
  // Quoted, so a comma in "Ferreira, Tomás" does not split the list.
  return `${/^[\x20-\x7e]*$/.test(display) ? `"${display}"` : encodedWord(display)} <${address}>`;
}

/** RFC 2047 for a header value that is not plain ASCII. */
function encodedWord(value: string): string {
  const oneLine = value.replace(/[\r\n]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(oneLine) ? oneLine : `=?UTF-8?B?${Buffer.from(oneLine, 'utf8').toString('base64')}?=`;
}
