import type { Readable } from 'node:stream';
import type * as yauzl from 'yauzl';

/**
 * ZIP archives of exports: Zendesk's and Intercom's exports, and a folder of CSVs zipped by hand,
 * arrive as one `.zip`. Each file in it is an input of its own, read by content like any file
 * (gzip, a workbook, any format inside). The archive is read by random access from a temp file
 * (its directory is at the end), one entry streamed at a time, so memory stays flat.
 */

/** An entry claiming more than this uncompressed is refused (yauzl also checks that it inflates to exactly its claimed size). */
export const MAX_ARCHIVE_ENTRY_BYTES = 4 * 1024 * 1024 * 1024;

export interface ArchiveEntry {
  /** Its place in the archive's directory (names may repeat in a ZIP). */
  index: number;
  /** The entry's path in the archive, `/`-separated (backslashes of non-conformant Windows writers become `/`). */
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  encrypted: boolean;
}

/** What is done with an entry: read it, pass it over as no input (folders, system files), or refuse it with a reason. */
export type EntryVerdict = { read: true } | { read: false; skipped: string } | { read: false; refused: string };

/**
 * What a messenger's chat export holds beside the chat (WhatsApp's "with media" ZIP, a zipped
 * Telegram Desktop export folder): the photos, voice notes, videos, stickers and contact cards sent
 * in the chat, and the export's own page styles and scripts; and the documents a mail export saves
 * beside its messages (invoices as PDF, Word files, calendar invites, S/MIME signatures). The chat
 * or the mail says where each attachment was; the files themselves are no conversation.
 */
const ATTACHMENT =
  /\.(?:jpe?g|png|gif|webp|heic|heif|bmp|tiff?|svg|mp4|mov|m4v|3gp|webm|avi|mkv|opus|ogg|oga|m4a|aac|mp3|wav|amr|tgs|vcf|css|js|pdf|docx?|pptx?|odt|rtf|ics|p7s)$/i;

/**
 * The pages and lists an export tool adds beside the data: Google Takeout's `archive_browser.html`,
 * and in an Apple Mail mailbox bundle (`Inbox.mbox/`) the `Info.plist` and `table_of_contents`
 * beside its `mbox` file.
 */
const EXPORT_INDEX = /^archive_browser\.html$/i;
const MAILBOX_BUNDLE_PART = /^(?:Info\.plist|table_of_contents)$/;

/**
 * Folders and the files archivers and operating systems add on their own (macOS's `__MACOSX/`
 * resource forks and `.DS_Store`, `._` AppleDouble files, Windows' `Thumbs.db` and `desktop.ini`)
 * are no one's export, nor are a chat export's attachments: skipped, and counted in the report.
 */
export function entryVerdict(entry: ArchiveEntry): EntryVerdict {
  if (entry.name.endsWith('/') || entry.name.split('/').pop() === '') return { read: false, skipped: 'folder' };
  const skipped = noExport(entry.name);
  if (skipped) return { read: false, skipped };
  if (entry.encrypted)
    return { read: false, refused: `${entry.name} is encrypted; export the archive without a password, or upload the files themselves` };
  if (entry.uncompressedSize > MAX_ARCHIVE_ENTRY_BYTES)
    return {
      read: false,
      refused: `${entry.name} claims ${entry.uncompressedSize} bytes uncompressed, over the ${MAX_ARCHIVE_ENTRY_BYTES}-byte limit of an archive entry; upload it by itself (gzip it)`,
    };
  return { read: true };
}

/**
 * Why a file at `path` (`/`-separated, inside an archive or a folder given to `tuneloop prepare`)
 * is no one's export, if it is none: a system file, a chat export's attachment or page asset, an
 * export's own index. The same files are passed over in a ZIP and in a folder.
 */
export function noExport(path: string): string | undefined {
  const segments = path.split('/');
  const base = segments[segments.length - 1];
  if (segments.includes('__MACOSX') || base.startsWith('.') || /^(?:thumbs\.db|desktop\.ini)$/i.test(base)) return 'system file';
  if (ATTACHMENT.test(base)) return 'attachment or page asset';
  if (EXPORT_INDEX.test(base) || (segments.some((s) => /\.mbox$/i.test(s)) && MAILBOX_BUNDLE_PART.test(base)))
    return "an export's own index";
  return undefined;
}

/** An open ZIP archive: its entries in the order of its directory, each opened as a stream. */
export class ZipArchive {
  readonly entries: readonly ArchiveEntry[];

  constructor(
    private readonly zip: yauzl.ZipFile,
    raw: readonly yauzl.Entry[],
  ) {
    this.entries = raw.map((e, index) => ({
      index,
      name: e.fileName,
      compressedSize: e.compressedSize,
      uncompressedSize: e.uncompressedSize,
      encrypted: e.isEncrypted(),
    }));
    this.raw = raw;
  }

  private readonly raw: readonly yauzl.Entry[];

  /** The entry's bytes, inflated. */
  async open(entry: ArchiveEntry): Promise<Readable> {
    const raw = this.raw.at(entry.index);
    if (!raw) throw new Error(`the archive has no entry ${entry.index} (${entry.name})`);
    return this.zip.openReadStreamPromise(raw);
  }

  close(): void {
    this.zip.close();
  }
}
