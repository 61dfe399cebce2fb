import { deflateRawSync } from 'node:zlib';

/**
 * Real .xlsx files for tests, written part by part: SpreadsheetML XML zipped with a minimal ZIP
 * writer (deflate, CRC-32, central directory), as Excel lays them out (shared strings after the
 * sheets).
 */

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A ZIP archive of `files` (name → content), deflated, in the order given. An entry marked
 * `encrypted` only has the flag set (its data is not encrypted): enough for a reader to refuse it.
 */
export function zip(files: [string, string | Buffer, { encrypted?: boolean }?][]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content, options] of files) {
    const flags = 0x0800 | (options?.encrypted ? 1 : 0); // UTF-8 names (+ encrypted)
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const packed = deflateRawSync(data);
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A value of `rows`: text goes to the shared strings, numbers are numbers, `{ xml }` is a cell written as given. */
export type CellValue = string | number | null | { date: number } | { xml: string };

export interface SheetSpec {
  name: string;
  /** Rows of values from A1 on, or the `<sheetData>` body as written. */
  rows: CellValue[][] | string;
  state?: 'hidden' | 'veryHidden';
}

export interface WorkbookSpec {
  sheets: SheetSpec[];
  /** Extra shared strings (after those of `rows`), or the whole `<sst>` part as written. */
  sharedStrings?: string[] | { xml: string };
  /** `cellXfs`: style 0 General, 1 yyyy-mm-dd (built-in 14), 2 a custom "dd/mm/yyyy hh:mm", 3 quoted-text custom (not a date). */
  date1904?: boolean;
}

export const DATE_STYLE = 1;
export const DATETIME_STYLE = 2;
export const TEXT_QUOTE_STYLE = 3;

const STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="${MAIN}"><numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy\\ hh:mm"/><numFmt numFmtId="165" formatCode="0 &quot;days&quot;"/></numFmts>
<cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>
<cellXfs count="4"><xf numFmtId="0" xfId="0"/><xf numFmtId="14" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`;

function column(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/** An .xlsx file as Excel writes one: content types, relationships, workbook, sheets, styles, then shared strings. */
export function workbook(spec: WorkbookSpec): Buffer {
  const strings: string[] = [];
  const indexOf = new Map<string, number>();
  const shared = (text: string) => {
    let i = indexOf.get(text);
    if (i === undefined) {
      i = strings.length;
      strings.push(text);
      indexOf.set(text, i);
    }
    return i;
  };
  const sheetXml = spec.sheets.map((sheet) => {
    const body =
      typeof sheet.rows === 'string'
        ? sheet.rows
        : sheet.rows
            .map((row, r) => {
              const cells = row
                .map((value, c) => {
                  const ref = `${column(c)}${r + 1}`;
                  if (value === null) return '';
                  if (typeof value === 'number') return `<c r="${ref}"><v>${value}</v></c>`;
                  if (typeof value === 'string') return `<c r="${ref}" t="s"><v>${shared(value)}</v></c>`;
                  if ('date' in value) return `<c r="${ref}" s="${DATE_STYLE}"><v>${value.date}</v></c>`;
                  return value.xml.replace('REF', ref);
                })
                .join('');
              return `<row r="${r + 1}">${cells}</row>`;
            })
            .join('');
    return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${MAIN}" xmlns:r="${REL}"><sheetData>${body}</sheetData></worksheet>`;
  });
  let sst: string;
  if (spec.sharedStrings && !Array.isArray(spec.sharedStrings)) sst = spec.sharedStrings.xml;
  else {
    for (const extra of spec.sharedStrings ?? []) strings.push(extra);
    sst =
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="${MAIN}" count="${strings.length}" uniqueCount="${strings.length}">` +
      strings.map((s) => `<si><t xml:space="preserve">${escapeXml(s)}</t></si>`).join('') +
      '</sst>';
  }
  const sheetsList = spec.sheets
    .map((s, i) => `<sheet name="${escapeXml(s.name)}" sheetId="${i + 1}"${s.state ? ` state="${s.state}"` : ''} r:id="rId${i + 1}"/>`)
    .join('');
  const n = spec.sheets.length;
  const workbookXml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="${MAIN}" xmlns:r="${REL}"><workbookPr${spec.date1904 ? ' date1904="1"' : ''}/><sheets>${sheetsList}</sheets></workbook>`;
  const rels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="${PKG_REL}">${spec.sheets
    .map((_, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`)
    .join(
      '',
    )}<Relationship Id="rId${n + 1}" Type="${REL}/styles" Target="styles.xml"/><Relationship Id="rId${n + 2}" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`;
  const contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`;
  const rootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
  return zip([
    ['[Content_Types].xml', contentTypes],
    ['_rels/.rels', rootRels],
    ['xl/workbook.xml', workbookXml],
    ['xl/_rels/workbook.xml.rels', rels],
    ...sheetXml.map((xml, i): [string, string] => [`xl/worksheets/sheet${i + 1}.xml`, xml]),
    ['xl/styles.xml', STYLES],
    ['xl/sharedStrings.xml', sst],
  ]);
}
