import type { ChatCompletion } from 'openai/resources/index';
// Type-only: the @azure/openai companion package declares Azure's content filter fields and augments
// openai's ChatCompletion with them (its `./types` export needs node16 resolution, hence the path).
import type {
  ContentFilterResultDetailsForPromptOutput,
  ContentFilterResultsForChoiceOutput,
  ContentFilterResultsForPromptOutput,
} from '@azure/openai/dist/commonjs/types/index';

/**
 * Azure's content filter on evaluation traffic: every chat completion on Azure carries
 * `prompt_filter_results` (the request) and `choices[].content_filter_results` (the answer), per
 * category with a severity and whether the text was filtered. A prompt the filter refuses comes
 * back as HTTP 400 `content_filter` with the results in `innererror.content_filter_result`.
 */

export const FILTER_CATEGORIES = [
  'hate',
  'sexual',
  'violence',
  'self_harm',
  'profanity',
  'jailbreak',
  'protected_material_text',
  'protected_material_code',
] as const;
export type FilterCategory = (typeof FILTER_CATEGORIES)[number];

/** What the filter said about one request and its answer. */
export interface ContentFilterFinding {
  /** Categories whose severity was above "safe" or that were detected, with where. */
  annotated: { category: FilterCategory; where: 'prompt' | 'completion'; severity?: string }[];
  /** Categories that made Azure withhold the prompt or the answer. */
  filtered: { category: FilterCategory; where: 'prompt' | 'completion' }[];
}

type Details = ContentFilterResultsForChoiceOutput | ContentFilterResultDetailsForPromptOutput;

function addDetails(finding: ContentFilterFinding, details: Details | undefined, where: 'prompt' | 'completion'): void {
  if (!details) return;
  for (const category of FILTER_CATEGORIES) {
    const result = (details as Record<string, unknown>)[category] as
      { filtered?: boolean; severity?: string; detected?: boolean } | undefined;
    if (!result) continue;
    if (result.filtered) finding.filtered.push({ category, where });
    if (result.filtered || result.detected || (result.severity !== undefined && result.severity !== 'safe')) {
      finding.annotated.push({ category, where, severity: result.severity });
    }
  }
}

/** Undefined when the response has no filter results at all (filtering off, or not Azure). */
export function contentFilterOfCompletion(completion: ChatCompletion): ContentFilterFinding | undefined {
  const prompts: ContentFilterResultsForPromptOutput[] | undefined = completion.prompt_filter_results;
  const choice = completion.choices[0] as
    (ChatCompletion.Choice & { content_filter_results?: ContentFilterResultsForChoiceOutput }) | undefined;
  if (!prompts?.length && !choice?.content_filter_results) return undefined;
  const finding: ContentFilterFinding = { annotated: [], filtered: [] };
  for (const p of prompts ?? []) addDetails(finding, p.content_filter_results, 'prompt');
  addDetails(finding, choice?.content_filter_results, 'completion');
  // A withheld answer says so in finish_reason even when no category is marked filtered.
  if (choice?.finish_reason === 'content_filter' && !finding.filtered.some((f) => f.where === 'completion')) {
    const marked = finding.annotated.find((a) => a.where === 'completion');
    finding.filtered.push({ category: marked?.category ?? 'hate', where: 'completion' });
  }
  return finding;
}

/** The finding of a refused prompt (HTTP 400 `content_filter`), or undefined when `err` is something else. */
export function contentFilterOfError(err: unknown): ContentFilterFinding | undefined {
  // `err` is whatever was thrown, null and undefined included.
  const e = err as
    { status?: number; code?: string; error?: { code?: string; innererror?: { content_filter_result?: Details } } } | null | undefined;
  const code = e?.code ?? e?.error?.code;
  if (e?.status !== 400 || code !== 'content_filter') return undefined;
  const finding: ContentFilterFinding = { annotated: [], filtered: [] };
  addDetails(finding, e.error?.innererror?.content_filter_result, 'prompt');
  if (!finding.filtered.length) finding.filtered.push({ category: finding.annotated[0]?.category ?? 'hate', where: 'prompt' });
  return finding;
}

export interface ContentFilterTally {
  /** Requests whose response carried filter results. */
  withResults: number;
  /** Requests with any category annotated (severity above safe). */
  annotated: number;
  /** Requests whose prompt or answer was withheld. */
  filtered: number;
  /** Per category: requests annotated / filtered in it. */
  byCategory: Partial<Record<FilterCategory, { annotated: number; filtered: number }>>;
  /** filtered / requests with results. */
  filteredShare?: number;
}

export function tallyContentFilter(findings: readonly (ContentFilterFinding | undefined)[]): ContentFilterTally {
  const tally: ContentFilterTally = { withResults: 0, annotated: 0, filtered: 0, byCategory: {} };
  for (const f of findings) {
    if (!f) continue;
    tally.withResults++;
    if (f.annotated.length) tally.annotated++;
    if (f.filtered.length) tally.filtered++;
    for (const category of new Set(f.annotated.map((a) => a.category))) {
      (tally.byCategory[category] ??= { annotated: 0, filtered: 0 }).annotated++;
    }
    for (const category of new Set(f.filtered.map((a) => a.category))) {
      (tally.byCategory[category] ??= { annotated: 0, filtered: 0 }).filtered++;
    }
  }
  if (tally.withResults) tally.filteredShare = tally.filtered / tally.withResults;
  return tally;
}
