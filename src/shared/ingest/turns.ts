import { normalizeText } from './text';
import type { ChatRole, Turn } from './types';

export interface RawTurn {
  role: ChatRole;
  text: string;
  timestamp?: string;
  /** Fine-tuning weight the input gave an assistant turn (0 = context only). */
  weight?: 0 | 1;
}

/**
 * Cleans each text, drops turns that are empty after cleaning, and merges consecutive turns of
 * one role (chat users send one thought in several bubbles; fine-tuning wants alternating turns).
 * A merged turn keeps the first timestamp. Turns whose weights differ (one marked 0, the next
 * trained) stay apart: merged, either the reply marked 0 would be trained on or the trained one
 * lost, and Azure accepts consecutive assistant messages (ready-made lines keep them too).
 */
export function buildTurns(raw: Iterable<RawTurn>): Turn[] {
  const turns: Turn[] = [];
  for (const item of raw) {
    const content = normalizeText(item.text);
    if (!content) continue;
    const last = turns.at(-1);
    if (last && last.role === item.role && trained(last.weight) === trained(item.weight)) {
      last.content = `${last.content}\n${content}`;
      last.weight ??= item.weight;
      continue;
    }
    const turn: Turn = { role: item.role, content };
    if (item.timestamp) turn.timestamp = item.timestamp;
    if (item.weight !== undefined) turn.weight = item.weight;
    turns.push(turn);
  }
  return turns;
}

/** No weight means trained, as in the fine-tuning format. */
function trained(weight: 0 | 1 | undefined): boolean {
  return weight !== 0;
}

/**
 * The `weight` of an input turn, as the fine-tuning format allows it: 0 or 1, on assistant turns
 * only. `undefined` when absent; a string saying why when it is not allowed (the record is
 * rejected, as the dataset stage rejects such a ready-made line with `bad-weight`).
 */
export function turnWeight(value: unknown, role: ChatRole): 0 | 1 | undefined | string {
  if (value === undefined) return undefined;
  if (role !== 'assistant') return `has a "weight", which is only allowed on assistant turns (it says whether a reply is trained on)`;
  if (value === 0 || value === 1) return value;
  return `has a "weight" of ${JSON.stringify(value)}: it must be 0 (context only, not trained on) or 1`;
}

/**
 * An ISO 8601 string for a timestamp value, or undefined when it is not one. Date-times without
 * a zone are read as UTC (not the machine's zone, so results do not depend on where it runs);
 * numbers are Unix epoch seconds, or milliseconds when large.
 */
export function parseTimestamp(value: unknown): string | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return undefined;
    return safeIso(value > 1e11 ? value : value * 1000);
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (!text) return undefined;
  if (/^\d{9,13}(\.\d+)?$/.test(text)) return parseTimestamp(Number(text));
  const zoneless = /^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?$/.test(text);
  const iso = zoneless ? `${text.replace(' ', 'T').replace(',', '.')}${text.length > 10 ? 'Z' : 'T00:00:00Z'}` : text;
  return safeIso(Date.parse(iso));
}

function safeIso(ms: number): string | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** CSAT / rating 1–5 from a number or numeric string; undefined when absent or out of range. */
export function parseRating(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value.trim()) : NaN;
  return Number.isFinite(n) && n >= 1 && n <= 5 ? n : undefined;
}

export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}
