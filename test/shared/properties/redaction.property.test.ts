import fc from 'fast-check';
import { redactionStage } from '../../../src/shared/quality/stages';
import type { Conversation } from '../../../src/shared/ingest/types';
import { propertySettings, runPipeline } from './generators';
// The same checksums the demo's invented personal data uses.
import { ibanCheckDigits, luhnCheckDigit } from '../../../tools/demo/pii';
import { qualityConfig } from '../../../src/shared/composition/config';

// A fixed seed keeps CI repeatable; FAST_CHECK_SEED=<n> (or a random one) explores further.
fc.configureGlobal({ seed: Number(process.env.FAST_CHECK_SEED ?? 20261201) });

/**
 * Redaction never lets a generated e-mail, phone number, card number or IBAN through, whatever
 * the words around it (fast-check). Values are generated in the forms people write them: valid
 * checksums (Luhn, mod-97), usual groupings, national and international phone formats.
 */
const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));

const email = fc
  .tuple(
    fc.stringMatching(/^[a-z][a-z0-9]{0,8}(?:[._][a-z0-9]{1,6})?$/),
    fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/),
    fc.constantFrom('com', 'org', 'net', 'de', 'co.uk', 'io', 'fr'),
  )
  .map(([local, domain, tld]) => `${local}@${domain}.${tld}`);

const phone = fc.oneof(
  fc.tuple(digits(3), digits(6)).map(([a, b]) => `+44 7${a} ${b}`),
  fc
    .tuple(fc.integer({ min: 201, max: 989 }), fc.integer({ min: 200, max: 999 }), digits(4))
    .map(([area, ex, n]) => `+1 ${area} ${ex} ${n}`),
  fc
    .tuple(fc.integer({ min: 201, max: 989 }), fc.integer({ min: 200, max: 999 }), digits(4))
    .map(([area, ex, n]) => `(${area}) ${ex}-${n}`),
  fc.tuple(digits(3), digits(6)).map(([a, b]) => `07${a} ${b}`),
  fc.tuple(digits(4), digits(4)).map(([a, b]) => `+49 30 ${a}${b}`),
  fc.tuple(digits(2), digits(2), digits(2), digits(2)).map(([a, b, c, d]) => `+33 6 ${a} ${b} ${c} ${d}`),
);

const card = fc
  .tuple(fc.constantFrom('4', '51', '52', '55', '2221'), digits(14), fc.constantFrom('', ' ', '-'))
  .map(([prefix, rest, sep]) => {
    const body = (prefix + rest).slice(0, 15);
    const number = body + luhnCheckDigit(body);
    return sep ? number.match(/.{4}/g)!.join(sep) : number;
  });

const iban = fc
  .tuple(
    fc.oneof(
      digits(18).map((b) => ['DE', b] as const),
      fc.tuple(fc.stringMatching(/^[A-Z]{4}$/), digits(14)).map(([bank, n]) => ['GB', bank + n] as const),
      digits(23).map((b) => ['FR', b] as const),
      digits(20).map((b) => ['ES', b] as const),
    ),
    fc.boolean(),
  )
  .map(([[country, bban], grouped]) => {
    const compact = country + ibanCheckDigits(country, bban) + bban;
    return grouped ? compact.match(/.{1,4}/g)!.join(' ') : compact;
  });

const word = fc.constantFrom(
  'please',
  'send',
  'it',
  'to',
  'my',
  'number',
  'is',
  'card',
  'account',
  'thanks',
  'the',
  'refund',
  'Hello',
  'order',
  'ok',
  'you',
  'can',
  'reach',
  'me',
  'at',
  'use',
  'pay',
  'with',
);
const before = fc.array(word, { maxLength: 8 }).map((w) => w.join(' '));
const after = fc.array(word, { maxLength: 8 }).map((w) => (w.length ? ' ' + w.join(' ') : ''));
const openers = fc.constantFrom(' ', ': ', ', ', ' (', '\n', ' "', ' <');
// Always a boundary: a value glued to a word ("4000…0002please") is another token, not the value.
const closers = fc.constantFrom(' ', '.', ',', ')', '!', '?', '"', '>', ';', '\n', '. ', ', ');

type Kind = 'email' | 'phone' | 'card' | 'iban';
const pii: fc.Arbitrary<{ kind: Kind; value: string }> = fc.oneof(
  email.map((value) => ({ kind: 'email' as const, value })),
  phone.map((value) => ({ kind: 'phone' as const, value })),
  card.map((value) => ({ kind: 'card' as const, value })),
  iban.map((value) => ({ kind: 'iban' as const, value })),
);

/** What must not survive: the value itself, and for numbers also its digits in one run. */
function leaks(text: string, { kind, value }: { kind: Kind; value: string }): boolean {
  if (text.toLowerCase().includes(value.toLowerCase())) return true;
  if (kind === 'email') return false;
  const compact = value.replace(/[\s().-]/g, '');
  return text.replace(/[\s().-]/g, '').includes(compact);
}

const sentence = fc
  .tuple(before, openers, pii, closers, after)
  .map(([b, open, value, close, a]) => ({ text: `${b}${open}${value.value}${close}${a}`, pii: value }));

describe('redaction never leaves a generated e-mail, phone, card or IBAN (fast-check)', () => {
  const stage = redactionStage(qualityConfig(propertySettings).pii);
  if (!stage) throw new Error('the default settings must redact');

  it('in any sentence of a customer turn or an agent turn', async () => {
    await fc.assert(
      fc.asyncProperty(sentence, fc.boolean(), async ({ text, pii: value }, agent) => {
        const conversation: Conversation = {
          kind: 'conversation',
          conversationId: 'p-1',
          turns: [
            { role: 'user', content: agent ? 'Hello, I need help with my order.' : text },
            { role: 'assistant', content: agent ? text : 'Thanks, I have noted that.' },
          ],
          source: { file: 'pii.jsonl', line: 1, record: '{}' },
        };
        const result = await stage.apply(conversation);
        if (result.action === 'drop') return; // dropped conversations go to quarantine, never to training
        for (const turn of result.conversation.turns) {
          if (leaks(turn.content, value))
            throw new Error(`${value.kind} ${JSON.stringify(value.value)} survived redaction in ${JSON.stringify(turn.content)}`);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('end to end: nothing the pipeline writes to curated shards holds the value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(sentence, { minLength: 1, maxLength: 5 }), async (sentences) => {
        const lines = sentences.map((s, i) =>
          JSON.stringify({
            conversation_id: `pii-${i}`,
            messages: [
              { role: 'customer', text: s.text },
              { role: 'agent', text: `Thank you, case ${i} is updated and a confirmation follows shortly.` },
            ],
          }),
        );
        const { curated } = await runPipeline(Buffer.from(lines.join('\n') + '\n'), 'pii.jsonl');
        const written = curated.map((r) => JSON.stringify(r.example)).join('\n');
        for (const s of sentences) {
          if (leaks(written, s.pii)) throw new Error(`${s.pii.kind} ${JSON.stringify(s.pii.value)} reached a curated shard`);
        }
      }),
      { numRuns: 60 },
    );
  });
});
