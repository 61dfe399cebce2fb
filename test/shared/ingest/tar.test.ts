import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTar, tarEntries } from '../../../src/shared/ingest/tar';
import { IngestError } from '../../../src/shared/ingest/errors';
import { gunzipSync } from 'node:zlib';
import { chunked, conversations, outline, parseAll, rejections } from './helpers';

/**
 * tar archives (Google Takeout's .tgz; anything packed with `tar czf`), written by GNU tar in its
 * three header layouts: test/fixtures/formats/tar/SOURCE.md. Before, a .tgz was gunzipped and its
 * tar headers read as text: one `unknown-format` or CSV rejection for the whole archive.
 */
const TAR_DIR = join(__dirname, '..', '..', 'fixtures', 'formats', 'tar');
const fixture = (name: string) => readFileSync(join(TAR_DIR, name));

async function names(tar: Buffer, chunk: number): Promise<string[]> {
  const out: string[] = [];
  for await (const { entry, bytes } of tarEntries(chunked(tar, chunk), 'x.tar')) {
    let size = 0;
    for await (const piece of bytes) size += piece.length;
    expect(size).toBe(entry.size);
    out.push(`${entry.kind} ${entry.name} ${entry.size}`);
  }
  return out;
}

describe('tar archives', () => {
  test("Google Takeout's .tgz (GNU layout, a long name): the mbox inside read, the export's index passed over, the long path named in full", async () => {
    const notices: string[] = [];
    const file = 'takeout-20261205T101010Z-001.tgz';
    const items = await parseAll(fixture(file), { fileName: file, onNotice: (m) => notices.push(m) }, 4096);
    const mbox = `${file}/Takeout/Mail/All mail Including Spam and Trash.mbox`;
    // Mail is read after the rest (a mailbox's folders may be anywhere in the archive); one mbox alone keeps its name.
    expect(conversations(items).map((c) => c.source.file)).toEqual([
      `${file}/Takeout/Support exports from the help desk for the whole of the year two thousand and twenty six/chats-exported-from-the-help-desk.jsonl`,
      mbox,
      mbox,
    ]);
    expect(rejections(items).every((r) => r.file === mbox)).toBe(true);
    expect(notices).toContain(`${file}: tar entries that are no export were passed over (folder ×3, an export's own index ×1)`);
  });

  test('pax headers (a long and a non-ASCII path), folders and a link; its .eml files one mailbox', async () => {
    const notices: string[] = [];
    const items = await parseAll(fixture('exports.tar'), { fileName: 'exports.tar', onNotice: (m) => notices.push(m) }, 1000);
    expect(outline(items)).toEqual([
      'exports.tar/exports/helpdesk/2026/december/week-49/conversations-exported-by-the-support-team-for-fine-tuning/chats-with-a-long-file-name.jsonl: t-1',
      expect.stringMatching(/^exports\.tar\/email-files\.mbox: email-/),
    ]);
    const thread = conversations(items)[1];
    expect(thread.turns.map((t) => t.role)).toEqual(['user', 'assistant']);
    expect(notices).toEqual([
      'exports.tar: its 2 e-mail file(s) (.eml, .msg, Maildir) are one mailbox, joined as exports.tar/email-files.mbox',
      'exports.tar: tar entries that are no export were passed over (folder ×9, link or special file ×1)',
    ]);
  });

  test('the POSIX ustar prefix joins the path; every entry read whole however the chunks fall', async () => {
    const tar = gunzipSync(fixture('helpdesk-ustar.tar.gz'));
    expect(isTar(tar)).toBe(true);
    const expected = await names(tar, 1 << 20);
    expect(expected.at(-1)).toBe(
      'file exports/helpdesk/2026/december/week-49/conversations-exported-by-the-support-team-for-fine-tuning/chats-with-a-long-file-name.jsonl 147',
    );
    for (const chunk of [1, 7, 511, 512, 513]) expect(await names(tar, chunk)).toEqual(expected);
    const pax = await names(fixture('exports.tar'), 97);
    expect(pax).toContain('file exports/mail/Inbox/Pedido nº 3310 – talla equivocada.eml 752');
    expect(pax).toContain('other exports/mail/link-to-helpdesk 0');
  });

  test('a header that does not add up, or an archive cut inside an entry, stops it naming the file and entry; no tar is no tar', async () => {
    const tar = Buffer.from(fixture('exports.tar'));
    const broken = Buffer.from(tar);
    broken[512 * 2 + 10] ^= 0xff; // inside the third header's name
    await expect(names(broken, 4096)).rejects.toThrow(IngestError);
    await expect(names(broken, 4096)).rejects.toThrow('the tar archive cannot be read (a header checksum does not add up)');
    const cut = tar.subarray(0, tar.indexOf(Buffer.from('Yes, in 3 to 5')) + 4);
    await expect(names(cut, 4096)).rejects.toThrow(
      /it ends inside exports\/helpdesk\/.*\/chats-with-a-long-file-name\.jsonl, 29 of its 147 bytes missing/,
    );
    // Through the parser: the entries before the cut are read, then the archive fails naming itself.
    await expect(parseAll(cut, { fileName: 'cut.tar' }, 4096)).rejects.toMatchObject({ code: 'archive-corrupt', file: 'cut.tar' });
    expect(isTar(Buffer.from('conversation_id,text\n'.repeat(40)))).toBe(false);
  });
});
