import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadLabelledText, loadPresidioCorpus } from '../../../src/shared/quality/pii/corpus';
import { createLocalDetector, createRedactionStage, detectLocal } from '../../../src/shared/quality/pii/redact';
import { NAME_DETECTOR_LANGUAGES } from '../../../src/shared/quality/pii/names';
import { isClearlyEnglish } from '../../../src/shared/quality/pii/englishCheck';
import type { PiiSpan } from '../../../src/shared/quality/pii/types';
import { conversation } from './helpers';

/**
 * The local detector's output, span for span, on every corpus the repository holds, compared with
 * the output recorded before the detectors were restructured for speed (pre-filters, one scan,
 * cached word classes): a speed-up must not change a single placeholder.
 *
 * The fixture was written by the detectors as they were at commit acbc70d. After a deliberate
 * change of behaviour, re-record it with `TUNELOOP_PII_REFERENCE_WRITE=1 npx jest piiReference`
 * and say why in the commit.
 */
const CORPORA = join(__dirname, '../../fixtures/corpora');
const FIXTURE = join(__dirname, '../../fixtures/pii-reference/expected.json');

type Case = { text: string; language: string };
type Recorded = { count: number; digest: string; spans: Record<string, string> };

function starTurns(): string[] {
  const dir = join(CORPORA, 'star_dialogues', 'dialogues');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => {
      const d = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { Events: { Text?: string }[] };
      return d.Events.flatMap((e) => (e.Text ? [e.Text] : []));
    });
}

/** Variants that reach the branches real sentences rarely take: other case, line breaks, no spaces after commas. */
function variants(text: string): string[] {
  return [text, text.toUpperCase(), text.toLowerCase(), text.replace(/, /g, '\n'), text.replace(/ /g, '  ')];
}

async function cases(): Promise<Record<string, Case[]>> {
  const star = starTurns();
  const presidio = (await loadPresidioCorpus(join(CORPORA, 'presidio_synth_pii', 'synth_dataset_v2.json'))).map((i) => i.full_text);
  const multilingual: Case[] = [];
  for (const language of NAME_DETECTOR_LANGUAGES.filter((l) => l !== 'en')) {
    const text = await loadLabelledText(join(CORPORA, 'pii_multilingual', `${language}.txt`));
    for (const t of [...text.labelled.map((i) => i.full_text), ...text.nameFree]) {
      for (const v of variants(t)) multilingual.push({ text: v, language }, { text: v, language: 'en' });
    }
  }
  return {
    star: star.map((text) => ({ text, language: 'en' })),
    // Two turns in one text, as bench/starCorpus.ts writes them.
    starPairs: star.slice(1).map((text, i) => ({ text: `${star[i]} ${text}`, language: 'en' })),
    presidio: presidio.flatMap((t) => variants(t).map((text) => ({ text, language: 'en' }))),
    multilingual,
  };
}

const encode = (spans: PiiSpan[]) => spans.map((s) => `${s.type}:${s.start}-${s.end}:${s.source}`).join(' ');

function record(list: Case[]): Recorded {
  const hash = createHash('sha256');
  const spans: Record<string, string> = {};
  list.forEach((c, i) => {
    const found = detectLocal(c.text, { language: c.language });
    for (const s of found) if (s.value !== c.text.slice(s.start, s.end)) throw new Error(`span value differs from its text at ${i}`);
    const line = encode(found);
    hash.update(`${i}\t${line}\n`);
    if (line) spans[i] = line;
  });
  return { count: list.length, digest: hash.digest('hex'), spans };
}

/** The redaction stage over whole STAR conversations (language found by the stage): the redacted turns' digest. */
async function stageDigest(): Promise<{ digest: string; changed: number; clearlyEnglish: number }> {
  const dir = join(CORPORA, 'star_dialogues', 'dialogues');
  const stage = createRedactionStage({ detector: createLocalDetector() });
  const hash = createHash('sha256');
  let changed = 0;
  let clearlyEnglish = 0;
  for (const f of readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    const d = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { Events: { Agent: string; Text?: string }[] };
    const turns = d.Events.flatMap((e) =>
      e.Text ? [[e.Agent === 'User' ? 'user' : 'assistant', e.Text] as ['user' | 'assistant', string]] : [],
    );
    if (isClearlyEnglish(turns.map((t) => t[1]).join('\n'))) clearlyEnglish++;
    const result = await stage.apply(conversation(f, turns));
    if (result.action !== 'keep') throw new Error(`${f} dropped`);
    result.conversation.turns.forEach((t, i) => {
      if (t.content !== turns[i][1]) changed++;
      hash.update(`${f}\t${i}\t${t.content}\n`);
    });
  }
  return { digest: hash.digest('hex'), changed, clearlyEnglish };
}

describe('local PII detection matches the recorded reference output', () => {
  if (!existsSync(FIXTURE) && !process.env.TUNELOOP_PII_REFERENCE_WRITE) throw new Error(`${FIXTURE} missing`);

  it('finds the same spans on every corpus text and redacts STAR conversations identically', async () => {
    const all = await cases();
    const actual: Record<string, unknown> = {};
    for (const [name, list] of Object.entries(all)) actual[name] = record(list);
    actual.stage = await stageDigest();
    if (process.env.TUNELOOP_PII_REFERENCE_WRITE) {
      writeFileSync(FIXTURE, JSON.stringify(actual, null, 0) + '\n');
      return;
    }
    const expected = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>;
    for (const name of Object.keys(all)) {
      const want = expected[name] as Recorded;
      const got = actual[name] as Recorded;
      expect({ name, count: got.count }).toEqual({ name, count: want.count });
      // Span lists first: a difference names the text.
      const keys = [...new Set([...Object.keys(want.spans), ...Object.keys(got.spans)])].sort((a, b) => Number(a) - Number(b));
      const differing = keys
        .filter((k) => want.spans[k] !== got.spans[k])
        .map((k) => ({ index: k, text: all[name][Number(k)].text, want: want.spans[k], got: got.spans[k] }));
      expect({ name, differing: differing.slice(0, 5) }).toEqual({ name, differing: [] });
      expect(got.digest).toBe(want.digest);
    }
    expect(actual.stage).toEqual(expected.stage);
  });
});

/** The clearly-English check as it was written before it became a character scanner (the reference). */
const REFERENCE_MARKERS = new Set(
  (
    'the you your my to for it that this have can with not be are please thanks thank what how would just ' +
    'get if there they she when where which been from could should about would any because'
  ).split(' '),
);
function referenceIsClearlyEnglish(sample: string): boolean {
  if (/[^\x00-\x7f]/.test(sample)) return false;
  const words = sample.toLowerCase().match(/[a-z]+(?:'[a-z]+)?/g);
  if (!words || words.length < 4) return false;
  const seen = new Set<string>();
  let hits = 0;
  for (const w of words) {
    if (REFERENCE_MARKERS.has(w)) {
      hits++;
      seen.add(w);
    }
  }
  return seen.size >= 3 && hits / words.length >= 0.15;
}

describe('the clearly-English check', () => {
  it('answers as the regex version did on every STAR turn and conversation', () => {
    const turns = starTurns();
    for (let i = 0; i < turns.length; i += 7) {
      const conversationText = turns.slice(i, i + 7).join('\n');
      expect([conversationText, isClearlyEnglish(conversationText)]).toEqual([
        conversationText,
        referenceIsClearlyEnglish(conversationText),
      ]);
    }
    for (const t of turns) expect([t, isClearlyEnglish(t)]).toEqual([t, referenceIsClearlyEnglish(t)]);
  });

  it('answers as the regex version did on generated text (markers in any case, apostrophes, non-ASCII)', () => {
    const token = fc.oneof(
      fc.constantFrom('the', 'You', 'YOUR', 'please', 'because', 'becausee', 'thanks', "don't", "it's", "can't've", 'would', 'xyz', 'a'),
      fc.constantFrom(' ', '  ', '\n', ',', '.', "'", '’', '-', '1', 'é', 'Z', 'q', '\u0000'),
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        expect(isClearlyEnglish(text)).toBe(referenceIsClearlyEnglish(text));
      }),
      { numRuns: 3000 },
    );
  });
});
