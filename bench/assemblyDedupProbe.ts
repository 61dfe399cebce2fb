/**
 * Child process of the assemblyDedup benchmark: the assembly's duplicate search
 * (`nearDuplicateAssemblyStage`: scan, then a verdict for every conversation in identity-hash
 * order) over the first N conversations of a JSONL file, in a fresh process; reports wall time,
 * what it left out and the peak RSS. The conversations are read from the file by offset in
 * identity-hash order (as the assembly's resolved file holds them), so the probe itself keeps
 * only 12 bytes per conversation. Usage: node assemblyDedupProbe.js <jsonl> <n> [--baseline]
 */
import fs from 'node:fs';
import { nearDuplicateAssemblyStage } from '../src/shared/dataset/assemblyDedup';
import type { ScannedConversation } from '../src/shared/dataset/assemblyStages';
import { identityHash } from '../src/shared/dataset/conversationIdentity';
import { ScratchDir } from '../src/shared/dataset/spill';

async function main(): Promise<void> {
  const [file, count, flag] = process.argv.slice(2);
  const n = Number(count);
  if (flag === '--baseline') {
    process.stdout.write(JSON.stringify({ ms: 0, maxRss: process.resourceUsage().maxRSS * 1024 }));
    return;
  }
  const offsets = new Float64Array(n + 1);
  const prefixes = new Uint32Array(n);
  const fd = fs.openSync(file, 'r');
  let at = 0;
  let lines = 0;
  let rest = Buffer.alloc(0);
  const chunk = Buffer.alloc(1 << 20);
  while (lines < n) {
    const got = fs.readSync(fd, chunk, 0, chunk.length, at + rest.length);
    if (!got) break;
    let buf = Buffer.concat([rest, chunk.subarray(0, got)]);
    let nl: number;
    while (lines < n && (nl = buf.indexOf(10)) >= 0) {
      offsets[lines + 1] = at + nl + 1;
      const id = `star-${lines}`;
      prefixes[lines] = parseInt(identityHash({ source: 'bench', conversationId: id }).slice(0, 8), 16);
      lines++;
      at += nl + 1;
      buf = buf.subarray(nl + 1);
    }
    rest = Buffer.from(buf);
  }
  const order = Uint32Array.from({ length: lines }, (_, i) => i);
  const hashOf = (i: number) => identityHash({ source: 'bench', conversationId: `star-${i}` });
  order.sort((a, b) => prefixes[a] - prefixes[b] || (hashOf(a) < hashOf(b) ? -1 : 1));
  async function* conversations(): AsyncIterable<ScannedConversation> {
    for (const i of order) {
      const buf = Buffer.alloc(offsets[i + 1] - offsets[i]);
      fs.readSync(fd, buf, 0, buf.length, offsets[i]);
      const parsed = JSON.parse(buf.toString('utf8')) as { messages: { role: string; text: string }[] };
      const identity = { source: 'bench', conversationId: `star-${i}` };
      yield {
        identity,
        hash: hashOf(i),
        firstSeen: String(i).padStart(10, '0'),
        records: [
          {
            conversation_id: identity.conversationId,
            kind: 'conversation',
            issue_type: undefined,
            csat: undefined,
            split: 'train',
            tokens: 0,
            source: { file: 'bench/star.jsonl', line: i + 1 },
            example: { messages: parsed.messages.map((m) => ({ role: m.role === 'customer' ? 'user' : 'assistant', content: m.text })) },
          },
        ],
      };
    }
  }
  const scratch = await ScratchDir.create();
  const started = process.hrtime.bigint();
  try {
    const stage = nearDuplicateAssemblyStage({ threshold: 0.8 });
    await stage.scan?.(conversations(), { scratch, expectedConversations: lines });
    const scanned = Number(process.hrtime.bigint() - started) / 1e6;
    let dropped = 0;
    for await (const c of conversations()) if (await stage.decide(c)) dropped++;
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    process.stdout.write(
      JSON.stringify({
        ms,
        scanMs: scanned,
        conversations: lines,
        dropped,
        ...stage.summary(),
        maxRss: process.resourceUsage().maxRSS * 1024,
      }),
    );
  } finally {
    await scratch.dispose();
    fs.closeSync(fd);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
