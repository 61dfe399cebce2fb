import { readFile } from 'node:fs/promises';
import type { PiiSpan, PiiType } from './types';
import { ownValue } from '../../lookup';

/**
 * Scores a detector on the presidio-research synthetic PII corpus (shared/corpora/presidio_synth_pii).
 *
 * Label mapping: EMAIL_ADDRESS→EMAIL, PHONE_NUMBER→PHONE, CREDIT_CARD→CARD, IBAN_CODE→IBAN,
 * US_SSN→SSN, IP_ADDRESS→IP, PERSON→PERSON, STREET_ADDRESS→ADDRESS. The corpus' other labels
 * (GPE, ORGANIZATION, DATE_TIME, TITLE, AGE, NRP, ZIP_CODE, DOMAIN_NAME, US_DRIVER_LICENSE) are not
 * types tuneloop redacts; DOMAIN_NAME values are plain links, which are kept on purpose.
 *
 * Matching is by character overlap: a gold span is found when predicted spans of its type cover
 * at least half of its characters (structured types: all of its digits/letters); a predicted
 * span is correct when at least half of it lies on gold spans of its type.
 */
export const CORPUS_LABELS: Record<string, PiiType> = {
  EMAIL_ADDRESS: 'EMAIL',
  PHONE_NUMBER: 'PHONE',
  CREDIT_CARD: 'CARD',
  IBAN_CODE: 'IBAN',
  US_SSN: 'SSN',
  IP_ADDRESS: 'IP',
  PERSON: 'PERSON',
  STREET_ADDRESS: 'ADDRESS',
};

export const STRUCTURED_TYPES: PiiType[] = ['EMAIL', 'PHONE', 'CARD', 'IBAN', 'SSN', 'IP'];

export interface CorpusItem {
  full_text: string;
  spans: { entity_type: string; entity_value: string; start_position: number; end_position: number }[];
  template_id: number;
}

export async function loadPresidioCorpus(path: string): Promise<CorpusItem[]> {
  const text = await readFile(path, 'utf8');
  const items = JSON.parse(text) as CorpusItem[];
  if (!Array.isArray(items)) throw new Error(`${path}: expected a JSON list of {full_text, spans}`);
  return items;
}

export interface TypeScore {
  gold: number;
  found: number;
  predicted: number;
  correct: number;
  recall: number;
  precision: number;
}

export function scoreCorpus(items: CorpusItem[], predictions: PiiSpan[][]): Record<string, TypeScore> {
  const types = [...new Set(Object.values(CORPUS_LABELS))];
  const score: Record<string, TypeScore> = Object.fromEntries(
    types.map((t) => [t, { gold: 0, found: 0, predicted: 0, correct: 0, recall: 0, precision: 0 }]),
  );
  items.forEach((item, index) => {
    const predicted = predictions[index] ?? [];
    const gold = item.spans.flatMap((s) => {
      // Entity types the corpus has but tuneloop does not detect are not scored.
      const type = ownValue(CORPUS_LABELS, s.entity_type);
      return type ? [{ type, start: s.start_position, end: s.end_position }] : [];
    });
    for (const g of gold) {
      const s = score[g.type];
      s.gold++;
      const strict = STRUCTURED_TYPES.includes(g.type);
      const chars = significant(item.full_text, g.start, g.end, strict);
      const covered = chars.filter((c) => predicted.some((p) => p.type === g.type && p.start <= c && c < p.end));
      if (chars.length && covered.length / chars.length >= (strict ? 1 : 0.5)) s.found++;
    }
    for (const p of predicted) {
      const s = ownValue(score, p.type);
      if (!s) continue;
      s.predicted++;
      const chars = significant(item.full_text, p.start, p.end, false);
      const onGold = chars.filter((c) => gold.some((g) => g.type === p.type && g.start <= c && c < g.end));
      if (chars.length && onGold.length / chars.length >= 0.5) s.correct++;
    }
  });
  for (const s of Object.values(score)) {
    s.recall = s.gold ? s.found / s.gold : 1;
    s.precision = s.predicted ? s.correct / s.predicted : 1;
  }
  return score;
}

/** Offsets of the characters that matter (letters and digits; structured types: digits and letters only). */
function significant(text: string, start: number, end: number, _strict: boolean): number[] {
  const out: number[] = [];
  for (let i = start; i < end; i++) if (/[\p{L}\p{N}@]/u.test(text[i])) out.push(i);
  return out;
}

const MARKUP_LABELS: Record<string, string> = {
  PERSON: 'PERSON',
  ADDRESS: 'STREET_ADDRESS',
  PHONE: 'PHONE_NUMBER',
  EMAIL: 'EMAIL_ADDRESS',
  IBAN: 'IBAN_CODE',
  CARD: 'CREDIT_CARD',
};

export interface LabelledText {
  /** Sentences with their gold spans, in the corpus format `scoreCorpus` reads. */
  labelled: CorpusItem[];
  /** Sentences without any personal data: every placeholder there is a false one. */
  nameFree: string[];
}

/**
 * Reads a hand-labelled text file (test/fixtures/corpora/pii_multilingual): after `# labelled`,
 * one sentence a line with spans marked `[TYPE:value]`; after `# name-free`, sentences with no
 * personal data. Other lines starting with `#` are comments.
 */
export async function loadLabelledText(path: string): Promise<LabelledText> {
  const lines = (await readFile(path, 'utf8')).split(/\r?\n/);
  const out: LabelledText = { labelled: [], nameFree: [] };
  let section: 'labelled' | 'name-free' | undefined;
  lines.forEach((line, index) => {
    if (!line.trim()) return;
    if (line.startsWith('#')) {
      if (/^#\s*labelled/.test(line)) section = 'labelled';
      else if (/^#\s*name-free/.test(line)) section = 'name-free';
      return;
    }
    if (!section) throw new Error(`${path}:${index + 1}: text before a "# labelled" or "# name-free" line`);
    if (section === 'name-free') {
      if (/\[[A-Z]+:/.test(line)) throw new Error(`${path}:${index + 1}: a labelled span in the name-free section`);
      out.nameFree.push(line);
      return;
    }
    let text = '';
    const spans: CorpusItem['spans'] = [];
    let at = 0;
    for (const m of line.matchAll(/\[([A-Z]+):([^\]]+)\]/g)) {
      const label = MARKUP_LABELS[m[1]];
      if (!label) throw new Error(`${path}:${index + 1}: unknown span type ${m[1]} (known: ${Object.keys(MARKUP_LABELS).join(', ')})`);
      text += line.slice(at, m.index);
      spans.push({ entity_type: label, entity_value: m[2], start_position: text.length, end_position: text.length + m[2].length });
      text += m[2];
      at = m.index + m[0].length;
    }
    text += line.slice(at);
    out.labelled.push({ full_text: text, spans, template_id: index + 1 });
  });
  return out;
}

/** Words of a text, for rates "per 1,000 words" (letters and digits runs; any script). */
export function countWords(text: string): number {
  return text.match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
}

/**
 * The presidio corpus split used while tuning the name detector: sentences of odd template ids
 * were looked at (`dev`), those of even ids were not (`held-out`); figures are reported for both.
 */
export function presidioSplit(item: CorpusItem): 'dev' | 'held-out' {
  return item.template_id % 2 === 1 ? 'dev' : 'held-out';
}
