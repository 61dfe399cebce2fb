import fc from 'fast-check';
import { parse } from 'csv-parse';
import { CsvScanner, type CsvScannedRecord } from '../../../src/shared/ingest/csvScanner';

/**
 * tuneloop read CSV with csv-parse (relax_quotes, relax_column_count, skip_empty_lines, raw) until
 * issue #10's seventeenth round; `CsvScanner` must read every input the same way, in any chunking.
 * csv-parse stays a dev dependency as the reference here and in `npm run bench -- ingest`.
 */
interface Reading {
  records: { fields: string[]; raw: string }[];
  error?: string;
}

function csvParse(input: Buffer, delimiter: string, maxRecordBytes: number): Promise<Reading> {
  return new Promise((resolve) => {
    const records: Reading['records'] = [];
    let error: string | undefined;
    const parser = parse({
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      raw: true,
      max_record_size: maxRecordBytes,
      on_record: (record: unknown) => {
        const { record: fields, raw } = record as { record: string[]; raw: string };
        records.push({ fields, raw });
        return null;
      },
    });
    parser.on('error', (err: { code?: string }) => {
      error ??= err.code;
      resolve({ records, error });
    });
    parser.on('end', () => resolve({ records, ...(error ? { error } : {}) }));
    parser.resume();
    parser.end(input);
  });
}

/** The scanner's records with their raw text as csv-parse gives it (empty lines before, line break after). */
function scan(input: Buffer, delimiter: string, maxRecordBytes: number, chunkSize: number): Reading {
  const scanner = new CsvScanner({ delimiter, maxRecordBytes });
  const out: CsvScannedRecord[] = [];
  let failure = undefined as { code: string } | undefined;
  for (let at = 0; at < input.length && !failure; at += chunkSize) failure = scanner.write(input.subarray(at, at + chunkSize), out);
  failure ??= scanner.end(out);
  const records = out.map((r) => {
    const ownBreaks = r.lineBreaks - r.emptyLinesBefore - (r.raw.split('\n').length - 1);
    return { fields: r.fields, raw: '\n'.repeat(r.emptyLinesBefore) + r.raw + '\n'.repeat(ownBreaks) };
  });
  return { records, ...(failure ? { error: failure.code } : {}) };
}

const pieces = ['a', 'b', 'xyz', ' ', ',', ';', '\t', '"', '""', '\n', 'é', '€', '😀'];

describe('CsvScanner reads CSV as csv-parse did', () => {
  test('generated inputs of quotes, delimiters, line breaks and multi-byte text, in chunks of 1 to 64 bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...pieces), { maxLength: 60 }),
        fc.constantFrom(',', ';', '\t', '§'),
        fc.constantFrom(1, 2, 3, 7, 64),
        async (parts, delimiter, chunkSize) => {
          const input = Buffer.from(parts.join(''));
          expect(scan(input, delimiter, 100_000, chunkSize)).toEqual(await csvParse(input, delimiter, 100_000));
        },
      ),
      { numRuns: 1500, seed: 1017 },
    );
  });

  test('cases named on their own: relaxed quotes, escaped quotes, empty lines, a last record without a line break', async () => {
    const cases = ['a,b\n"c,d",e\n', '"a"b,c\n', 'a"b",c\n', '"a""b",c\n', '"",x\n\n\n,\n', '"multi\nline",z', '"""",""\n', 'x,"y"\n"open'];
    for (const text of cases) {
      const input = Buffer.from(text);
      const expected = await csvParse(input, ',', 100_000);
      for (const chunkSize of [1, 3, 1024]) expect([text, scan(input, ',', 100_000, chunkSize)]).toEqual([text, expected]);
    }
  });

  test('a record over the size limit fails at once, also while its line break has not arrived', () => {
    const scanner = new CsvScanner({ delimiter: ',', maxRecordBytes: 100 });
    const out: CsvScannedRecord[] = [];
    expect(scanner.write(Buffer.from('a,b\nc,"'), out)).toBeUndefined();
    expect(out.map((r) => r.fields)).toEqual([['a', 'b']]);
    let failure;
    for (let i = 0; i < 10 && !failure; i++) failure = scanner.write(Buffer.from('x'.repeat(30)), out);
    expect(failure?.code).toBe('CSV_MAX_RECORD_SIZE');
    expect(out).toHaveLength(1);
  });

  test('a long record across many chunks is read whole (its bytes are kept, not re-read per chunk)', () => {
    const text = `id,text\n1,"${'word, '.repeat(50_000)}"\n2,end\n`;
    const scanner = new CsvScanner({ delimiter: ',', maxRecordBytes: 16 * 1024 * 1024 });
    const out: CsvScannedRecord[] = [];
    const input = Buffer.from(text);
    for (let at = 0; at < input.length; at += 1000) expect(scanner.write(input.subarray(at, at + 1000), out)).toBeUndefined();
    expect(scanner.end(out)).toBeUndefined();
    expect(out.map((r) => r.fields[0])).toEqual(['id', '1', '2']);
    expect(out[1].fields[1]).toBe('word, '.repeat(50_000));
    expect(out.reduce((n, r) => n + r.bytes, 0)).toBe(input.length);
  });
});
