import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse';
import { generateDemoData } from '../tools/demo/generateDemoData';
import { parseInput } from '../src/shared/ingest/parse';
import { CsvScanner, type CsvScannedRecord } from '../src/shared/ingest/csvScanner';
import { getOrThrow } from '../src/shared/lookup';
import { timeMedian, type Benchmark } from './harness';
import { jsonParseOnly, writeGenerated } from './inputFiles';

/**
 * Ingest throughput per input format on files of a few tens of MB (built from the demo data with
 * fresh ids), against a JSON.parse-only line splitter over the conversation JSONL measured in
 * the same run (the floor any JSONL reader pays), and the CSV scanner and csv-parse alone for the CSV files. Then
 * memory: peak RSS growth of a fresh process parsing a file 10× larger than the base file.
 */
const TARGET_BYTES = 24 * 1024 * 1024;
const MEMORY_BASE_BYTES = 10 * 1024 * 1024;
const REPEATS = 3;
const CHUNK = 64 * 1024;

interface Sample {
  header?: string;
  /** Lines that are one record each, with `{n}` where a per-copy id suffix goes. */
  lines: string[];
}

function samples(): Record<string, Sample> {
  const demo = new Map(generateDemoData().map((f) => [f.path, f.content.toString('utf8')]));
  const jsonLines = (path: string, key: string) =>
    getOrThrow(demo, path, 'demo file')
      .split('\n')
      .filter((l) => l.startsWith('{') && l.endsWith('}'))
      .filter((l) => {
        try {
          JSON.parse(l);
          return true;
        } catch {
          return false;
        }
      })
      .map((l) => l.replace(new RegExp(`"${key}":"([^"]+)"`), `"${key}":"$1-{n}"`));
  const csv = (path: string) => getOrThrow(demo, path, 'demo file').replace(/\r\n/g, '\n').trimEnd().split('\n');
  const [chatHeader, ...chatRows] = csv('data/chat-export.csv');
  const [faqHeader, ...faqRows] = csv('data/faq.csv');
  return {
    'conversation JSONL': { lines: jsonLines('data/chat-logs.jsonl', 'conversation_id') },
    'message-per-row CSV': { header: chatHeader, lines: chatRows.map((r) => r.replace(/^([^,]+),/, '$1-{n},')) },
    'FAQ CSV': { header: faqHeader, lines: faqRows.map((r) => r.replace(/,([a-z_]+)$/, ',$1 {n}')) },
    'feedback JSONL': { lines: jsonLines('data/feedback.jsonl', 'conversation_id') },
    // One message per JSON line (warehouse exports), from the conversation lines: grouped like message CSV rows.
    'message-row JSONL': {
      lines: jsonLines('data/chat-logs.jsonl', 'conversation_id').flatMap((line) => {
        const record = JSON.parse(line) as { conversation_id: string; messages: Record<string, unknown>[] };
        return record.messages.map((m) => JSON.stringify({ conversation_id: record.conversation_id, ...m }));
      }),
    },
    // Azure OpenAI preference (DPO) lines, from the ready-made lines: the last reply preferred.
    'preference (DPO) JSONL': {
      lines: getOrThrow(demo, 'data/ready-made.jsonl', 'demo file')
        .trimEnd()
        .split('\n')
        .map((l) => {
          const { messages } = JSON.parse(l.replace('"content":"', '"content":"[{n}] ')) as { messages: unknown[] };
          return JSON.stringify({
            input: { messages: messages.slice(0, -1) },
            preferred_output: messages.slice(-1),
            non_preferred_output: [{ role: 'assistant', content: 'No.' }],
          });
        }),
    },
    // Hugging Face SFT rows rendered with the ChatML template, from the ready-made lines.
    'chat-template (ChatML) JSONL': {
      lines: getOrThrow(demo, 'data/ready-made.jsonl', 'demo file')
        .trimEnd()
        .split('\n')
        .map((l) => {
          const { messages } = JSON.parse(l.replace('"content":"', '"content":"[{n}] ')) as {
            messages: { role: string; content: unknown }[];
          };
          const text = messages
            .filter((m) => typeof m.content === 'string' && ['system', 'user', 'assistant'].includes(m.role))
            .map((m) => `<|im_start|>${m.role}\n${String(m.content)}<|im_end|>\n`)
            .join('');
          return JSON.stringify({ text });
        }),
    },
    // Freshchat and HubSpot message pages, from the conversation lines (customer → user side).
    'Freshchat messages JSONL': {
      lines: jsonLines('data/chat-logs.jsonl', 'conversation_id').map((line) => {
        const record = JSON.parse(line) as { conversation_id: string; messages: { role: string; text?: string; timestamp?: string }[] };
        return JSON.stringify({
          messages: record.messages.map((m, i) => ({
            message_parts: [{ text: { content: m.text ?? '' } }],
            conversation_id: record.conversation_id,
            message_type: 'normal',
            actor_type: m.role === 'customer' ? 'user' : 'agent',
            created_time: m.timestamp ?? new Date(Date.UTC(2026, 2, 2, 9, 0, i)).toISOString(),
          })),
        });
      }),
    },
    'HubSpot thread messages JSONL': {
      lines: jsonLines('data/chat-logs.jsonl', 'conversation_id').map((line) => {
        const record = JSON.parse(line) as { conversation_id: string; messages: { role: string; text?: string; timestamp?: string }[] };
        return JSON.stringify({
          results: record.messages.map((m, i) => ({
            type: 'MESSAGE',
            conversationsThreadId: record.conversation_id,
            createdAt: m.timestamp ?? new Date(Date.UTC(2026, 2, 2, 9, 0, i)).toISOString(),
            text: m.text ?? '',
            truncationStatus: 'NOT_TRUNCATED',
            direction: m.role === 'customer' ? 'INCOMING' : 'OUTGOING',
          })),
        });
      }),
    },
    // Front, Crisp and Zoho Desk message pages, from the conversation lines (customer → user side).
    'Front messages JSONL': {
      lines: jsonLines('data/chat-logs.jsonl', 'conversation_id').map((line) => {
        const record = JSON.parse(line) as { conversation_id: string; messages: { role: string; text?: string; timestamp?: string }[] };
        return JSON.stringify({
          _pagination: { next: null },
          _results: record.messages
            .map((m, i) => ({
              _links: { related: { conversation: `https://api2.frontapp.com/conversations/cnv_${record.conversation_id}` } },
              id: `msg_${i}`,
              type: 'email',
              is_inbound: m.role === 'customer',
              is_draft: false,
              created_at: Date.parse(m.timestamp ?? new Date(Date.UTC(2026, 2, 2, 9, 0, i)).toISOString()) / 1000,
              body: `<p>${m.text ?? ''}</p>`,
              text: m.text ?? '',
            }))
            .reverse(),
        });
      }),
    },
    'Crisp messages JSONL': {
      lines: jsonLines('data/chat-logs.jsonl', 'conversation_id').map((line) => {
        const record = JSON.parse(line) as { conversation_id: string; messages: { role: string; text?: string; timestamp?: string }[] };
        return JSON.stringify({
          error: false,
          reason: 'resolved',
          data: record.messages.map((m, i) => ({
            session_id: `session_${record.conversation_id}`,
            website_id: 'w',
            type: 'text',
            from: m.role === 'customer' ? 'user' : 'operator',
            origin: 'chat',
            content: m.text ?? '',
            fingerprint: i,
            timestamp: Date.parse(m.timestamp ?? new Date(Date.UTC(2026, 2, 2, 9, 0, i)).toISOString()),
          })),
        });
      }),
    },
    'Zoho Desk threads JSONL': {
      lines: jsonLines('data/chat-logs.jsonl', 'conversation_id').map((line) => {
        const record = JSON.parse(line) as { conversation_id: string; messages: { role: string; text?: string; timestamp?: string }[] };
        return JSON.stringify({
          ticketId: record.conversation_id,
          data: record.messages
            .map((m, i) => ({
              id: String(i),
              channel: 'EMAIL',
              direction: m.role === 'customer' ? 'in' : 'out',
              isDescriptionThread: i === 0,
              visibility: 'public',
              author: { type: m.role === 'customer' ? 'END_USER' : 'AGENT' },
              createdTime: m.timestamp ?? new Date(Date.UTC(2026, 2, 2, 9, 0, i)).toISOString(),
              contentType: 'text/html',
              content: `<div>${m.text ?? ''}</div>`,
            }))
            .reverse(),
        });
      }),
    },
    // Amazon Connect chat transcripts (one contact per line) and Zendesk messaging (Sunshine
    // Conversations) message lists, from the conversation lines.
    'Amazon Connect chat transcripts JSONL': {
      lines: jsonLines('data/chat-logs.jsonl', 'conversation_id').map((line) => {
        const record = JSON.parse(line) as { conversation_id: string; messages: { role: string; text?: string; timestamp?: string }[] };
        return JSON.stringify({
          Version: '2019-08-26',
          ContactId: record.conversation_id,
          Participants: [{ ParticipantId: 'c' }, { ParticipantId: 'a' }],
          Transcript: record.messages.map((m, i) => ({
            AbsoluteTime: m.timestamp ?? new Date(Date.UTC(2026, 2, 2, 9, 0, i)).toISOString(),
            Content: m.text ?? '',
            ContentType: 'text/plain',
            Id: `m-${i}`,
            Type: 'MESSAGE',
            ParticipantId: m.role === 'customer' ? 'c' : 'a',
            DisplayName: m.role === 'customer' ? 'Customer' : 'Agent',
            ParticipantRole: m.role === 'customer' ? 'CUSTOMER' : 'AGENT',
          })),
        });
      }),
    },
    'Zendesk messaging messages JSONL': {
      lines: jsonLines('data/chat-logs.jsonl', 'conversation_id').map((line) => {
        const record = JSON.parse(line) as { conversation_id: string; messages: { role: string; text?: string; timestamp?: string }[] };
        return JSON.stringify({
          conversation: { id: record.conversation_id },
          messages: record.messages.map((m, i) => ({
            id: `m-${i}`,
            received: m.timestamp ?? new Date(Date.UTC(2026, 2, 2, 9, 0, i)).toISOString(),
            author: { type: m.role === 'customer' ? 'user' : 'business', displayName: m.role === 'customer' ? 'Customer' : 'Agent' },
            content: { type: 'text', text: m.text ?? '' },
            source: { type: m.role === 'customer' ? 'web' : 'zd:agentWorkspace' },
          })),
          meta: { hasMore: false },
        });
      }),
    },
    // Zendesk incremental ticket events (the test fixture's events, ticket ids made unique per copy).
    'Zendesk ticket events JSONL': {
      lines: readFileSync(join(__dirname, '..', '..', 'test', 'fixtures', 'formats', 'zendesk_ticket_events.jsonl'), 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => l.replace(/"ticket_id":(\d+)/g, '"ticket_id":"$1-{n}"')),
    },
    // ServiceNow incidents as a list export to CSV writes them: the caller's description, then the
    // journal of the other turns newest first (formats/serviceNow.ts), one row per conversation.
    'ServiceNow incident CSV': {
      header: 'number,opened_at,short_description,caller_id,category,description,comments_and_work_notes',
      lines: jsonLines('data/chat-logs.jsonl', 'conversation_id').flatMap((line) => {
        const record = JSON.parse(line) as { conversation_id: string; messages: { role: string; text?: string }[] };
        const [first, ...rest] = record.messages;
        if (first.role !== 'customer' || !rest.length) return [];
        const quote = (text: string) => `"${text.replace(/"/g, '""')}"`;
        const journal = rest
          .map((m, i) => {
            const at = new Date(Date.UTC(2026, 2, 2, 9, 1 + i)).toISOString().replace('T', ' ').slice(0, 19);
            return `${at} - ${m.role === 'customer' ? 'Joe Employee' : 'Beth Anglin'} (Additional comments)\n${m.text ?? ''}\n\n`;
          })
          .reverse()
          .join('');
        const id = record.conversation_id.replace(/-\{n\}$/, '');
        return [
          [
            `INC-${id}-{n}`,
            '2026-03-02 09:00:00',
            'Support request',
            'Joe Employee',
            'general',
            quote(first.text ?? ''),
            quote(journal),
          ].join(','),
        ];
      }),
    },
    // A support mailbox (the test fixture: 10 e-mails, 3 threads; thread and message ids made unique per copy).
    'support mbox': {
      lines: [
        ...readFileSync(join(__dirname, '..', '..', 'test', 'fixtures', 'formats', 'mbox', 'support.mbox'), 'utf8')
          .trimEnd()
          .split('\n')
          .map((l) => l.replace(/^(X-GM-THRID: \d+)/, '$1-{n}').replace(/<([^<>@\s]+)@/g, '<$1-{n}@')),
        // A blank line before the next copy's "From " line, as mbox wants.
        '',
      ],
    },
    'ready-made JSONL': {
      lines: getOrThrow(demo, 'data/ready-made.jsonl', 'demo file')
        .trimEnd()
        .split('\n')
        .map((l) => l.replace('"content":"', '"content":"[{n}] ')),
    },
  };
}

/** Writes copies of the sample (ids made unique per copy) until the file reaches `bytes`. */
async function writeFile(path: string, sample: Sample, bytes: number): Promise<number> {
  const copy = (n: number) => sample.lines.map((l) => l.replaceAll('{n}', String(n))).join('\n') + '\n';
  return (await writeGenerated(path, bytes, copy, sample.header ? { header: `${sample.header}\n` } : {})).bytes;
}

async function parseFile(path: string): Promise<number> {
  let items = 0;
  for await (const _ of parseInput(createReadStream(path, { highWaterMark: CHUNK }), { fileName: path })) items++;
  return items;
}

async function csvParseOnly(path: string): Promise<number> {
  let records = 0;
  const parser = createReadStream(path, { highWaterMark: CHUNK }).pipe(parseCsv({ relax_column_count: true }));
  for await (const _ of parser) records++;
  return records;
}

/** tuneloop's own CSV scanner alone (what `parseInput` uses since issue #10's seventeenth round). */
async function scannerOnly(path: string): Promise<number> {
  const scanner = new CsvScanner({ delimiter: ',', maxRecordBytes: 16 * 1024 * 1024 });
  const out: CsvScannedRecord[] = [];
  let records = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
    scanner.write(chunk as Buffer, out);
    records += out.length;
    out.length = 0;
  }
  scanner.end(out);
  return records + out.length;
}

/** A ustar archive of the files (names under 100 bytes), as `tar` writes it. */
function tarOf(files: readonly (readonly [string, Buffer])[]): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, body] of files) {
    const header = Buffer.alloc(512);
    header.write(name, 0, 100, 'utf8');
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(body.length.toString(8).padStart(11, '0') + '\0', 124);
    header.write('15115400000\0', 136);
    header.write('        ', 148);
    header.write('0', 156);
    header.write('ustar\u000000', 257, 'latin1');
    let sum = 0;
    for (const b of header) sum += b;
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

const mbps = (bytes: number, ms: number) => bytes / 1024 / 1024 / (ms / 1000);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function probe(file: string): { items: number; growth: number } {
  const out = execFileSync(process.execPath, ['--expose-gc', join(__dirname, 'ingestMemoryProbe.js'), file], {
    encoding: 'utf8',
    maxBuffer: 1024 * 1024,
  });
  const { items, startRss, maxRss } = JSON.parse(out) as { items: number; startRss: number; maxRss: number };
  return { items, growth: Math.max(0, maxRss - startRss) };
}

export const ingestBenchmark: Benchmark = {
  name: 'ingest',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'tuneloop-bench-ingest-'));
    const lines: string[] = [];
    try {
      const sets = samples();
      const files: { name: string; path: string; bytes: number; csv: boolean }[] = [];
      for (const [name, sample] of Object.entries(sets)) {
        const path = join(dir, name.replace(/\W+/g, '-'));
        files.push({ name, path, bytes: await writeFile(path, sample, TARGET_BYTES), csv: !!sample.header });
      }
      const conversationFile = files[0];
      const gzPath = join(dir, 'conversation.jsonl.gz');
      writeFileSync(gzPath, gzipSync(readFileSync(conversationFile.path), { level: 6 }));

      const baselineMs = await timeMedian(() => jsonParseOnly(conversationFile.path, CHUNK), REPEATS);
      const baseline = mbps(conversationFile.bytes, baselineMs);
      lines.push(
        `files of ~${mb(TARGET_BYTES)} built from the demo data; median of ${REPEATS} runs after a warm-up; throughput in MB of (uncompressed) input per second`,
      );
      lines.push(`baseline: JSON.parse-only line splitting over the conversation JSONL: ${baseline.toFixed(1)} MB/s`);
      lines.push('');
      lines.push('| format | file | items | parseInput MB/s | vs JSON.parse baseline | CsvScanner alone MB/s | csv-parse alone MB/s |');
      lines.push('|---|---:|---:|---:|---:|---:|---:|');
      for (const file of files) {
        const items = await parseFile(file.path);
        const ms = await timeMedian(() => parseFile(file.path), REPEATS);
        const rate = mbps(file.bytes, ms);
        const csvAlone = file.csv ? mbps(file.bytes, await timeMedian(() => csvParseOnly(file.path), REPEATS)).toFixed(1) : '–';
        const scanner = file.csv ? mbps(file.bytes, await timeMedian(() => scannerOnly(file.path), REPEATS)).toFixed(1) : '–';
        lines.push(
          `| ${file.name} | ${mb(file.bytes)} | ${items} | ${rate.toFixed(1)} | ${(rate / baseline).toFixed(2)}× | ${scanner} | ${csvAlone} |`,
        );
      }
      const gzMs = await timeMedian(() => parseFile(gzPath), REPEATS);
      lines.push(
        `| conversation JSONL, gzip | ${mb(statSync(gzPath).size)} (.gz) | – | ${mbps(conversationFile.bytes, gzMs).toFixed(1)} | ${(mbps(conversationFile.bytes, gzMs) / baseline).toFixed(2)}× | – | – |`,
      );
      // The mailbox as Google Takeout's .tgz gives it, and as one .eml file a message in a tar (joined into one mailbox again).
      const mboxFile = getOrThrow(new Map(files.map((f) => [f.name, f])), 'support mbox', 'bench file');
      const mboxBytes = readFileSync(mboxFile.path);
      const tgzPath = join(dir, 'takeout.tgz');
      writeFileSync(tgzPath, gzipSync(tarOf([['Takeout/Mail/All mail Including Spam and Trash.mbox', mboxBytes]]), { level: 6 }));
      const emlPath = join(dir, 'mail.tar');
      const messages = mboxBytes.toString('utf8').split(/\n(?=From \S+ +(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) )/);
      writeFileSync(emlPath, tarOf(messages.map((m, i) => [`mail/${i}.eml`, Buffer.from(m.slice(m.indexOf('\n') + 1))])));
      for (const [name, path, shown] of [
        ['support mbox in a .tgz', tgzPath, `${mb(statSync(tgzPath).size)} (.tgz)`],
        [`support mbox as ${messages.length} .eml files in a tar`, emlPath, `${mb(statSync(emlPath).size)} (.tar)`],
      ] as const) {
        const items = await parseFile(path);
        const rate = mbps(mboxFile.bytes, await timeMedian(() => parseFile(path), REPEATS));
        lines.push(`| ${name} | ${shown} | ${items} | ${rate.toFixed(1)} | ${(rate / baseline).toFixed(2)}× | – | – |`);
      }

      lines.push('');
      lines.push(
        `memory: peak RSS growth of a fresh process (parseInput over the whole file) for a ${mb(MEMORY_BASE_BYTES)} file and a 10× larger one`,
      );
      lines.push('| format | base file growth | 10× file growth | ratio (1.0 = flat) |');
      lines.push('|---|---:|---:|---:|');
      for (const name of ['conversation JSONL', 'message-per-row CSV', 'support mbox']) {
        const small = join(dir, 'mem-small');
        const large = join(dir, 'mem-large');
        await writeFile(small, sets[name], MEMORY_BASE_BYTES);
        await writeFile(large, sets[name], MEMORY_BASE_BYTES * 10);
        const a = probe(small);
        const b = probe(large);
        if (b.items < a.items * 9) throw new Error(`memory probe parsed too few items (${a.items} vs ${b.items})`);
        lines.push(`| ${name} | ${mb(a.growth)} | ${mb(b.growth)} | ${(b.growth / Math.max(a.growth, 1)).toFixed(2)} |`);
        rmSync(small);
        rmSync(large);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return { name: 'ingest', lines };
  },
};
