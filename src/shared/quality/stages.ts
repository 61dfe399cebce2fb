import type { TokenCredential } from '@azure/identity';
import type { ConversationStage } from '../dataset/stages';
import type { Dimensions, Telemetry } from '../telemetry/telemetry';
import { createDedupStage, type DedupOptions, type DedupSummary, type SignatureStore } from './dedup';
import { createAzurePiiDetector } from './pii/azure';
import { createLocalDetector, createRedactionStage, type RedactionSummary } from './pii/redact';
import { createReplyRulesStage, parseRuleSpec, type ReplyRulesOptions, type RulesSummary } from './rules';
import { createSafetyStage, type SafetyCategory, type SafetyOptions } from './safety';
import { createLanguageStage } from './language';

/**
 * Everything data quality does to a conversation, as stages for `runStages`. `false` turns a
 * stage off. Order matters:
 * 0. language — detected once from the customer's turns; the rules and the safety screen use the
 *    phrase and word lists of that language, and the curated record carries it;
 * 1. reply rules — cheap, and drop conversations nothing else needs to look at;
 * 2. safety screen — before redaction, which would hide secret-shaped URLs and keys from it;
 * 3. PII redaction — everything after this (and everything written) sees redacted text only;
 * 4. dedup — on redacted text, so conversations differing only in personal data count as
 *    duplicates; last, so only conversations that are kept register their signatures.
 */
export interface QualityOptions {
  /** Language detection (on unless `false`: then every stage detects for itself). */
  language?: boolean;
  rules?: ReplyRulesOptions | false;
  safety?: SafetyOptions | false;
  /** Duplicate removal needs a signature store; without one (undefined or false) it is off. */
  dedup?: DedupOptions | false;
  /** The PII redaction stage (`createRedactionStage`); undefined or false: no redaction. */
  redaction?: ConversationStage | false;
}

export function qualityStages(options: QualityOptions = {}): ConversationStage[] {
  const stages: ConversationStage[] = [];
  if (options.language !== false) stages.push(createLanguageStage());
  if (options.rules !== false) stages.push(createReplyRulesStage(options.rules ?? {}));
  if (options.safety !== false) stages.push(createSafetyStage(options.safety ?? {}));
  if (options.redaction) stages.push(options.redaction);
  if (options.dedup) stages.push(createDedupStage(options.dedup));
  return stages;
}

/** Collects every stage's counters for the per-blob report, keyed by stage name. */
export function qualitySummary(stages: readonly ConversationStage[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const stage of stages) if (stage.summary) out[stage.name] = stage.summary();
  return out;
}

/** What data quality takes from settings (filled by `qualityConfig` in src/shared/composition/config.ts). Plain data: it is sent to worker threads. */
export interface QualityConfig {
  /** TUNELOOP_QUALITY_RULES: which reply rules run (`parseRuleSpec`). */
  rules: string;
  /** TUNELOOP_CSAT_THRESHOLD: a rating below it weighs the rated replies down. */
  csatThreshold: number;
  /** TUNELOOP_SAFETY_SCREEN: `off` or a comma list of categories. */
  safetyScreen: string;
  /** TUNELOOP_DEDUP_THRESHOLD: Jaccard similarity from which two conversations are near duplicates. */
  dedupThreshold: number;
  pii: PiiConfig;
}

export interface PiiConfig {
  /** TUNELOOP_PII_MODE */
  mode: 'local' | 'azure' | 'off';
  /** TUNELOOP_PII_ID_PATTERNS: the organisation's own identifiers (account numbers, order ids). */
  idPatterns?: RegExp[];
  /** TUNELOOP_PII_KEEP_WORDS: the organisation's own brand names, never a person. */
  keepWords?: string[];
  /** TUNELOOP_PII_LANGUAGE_ENDPOINT: Azure AI Language, for mode `azure`. */
  languageEndpoint?: string;
  /** AZURE_CLIENT_ID: the user-assigned identity that calls Azure AI Language. */
  managedIdentityClientId?: string;
}

export interface ConfiguredQualityStagesOptions {
  /** Where duplicate signatures live: WindowedSignatureStore (blob trigger) or ScratchSignatureStore (`prepare`). */
  signatures: SignatureStore;
  /** Clock for signature records. */
  now?: () => Date;
  /** Credential for TUNELOOP_PII_MODE=azure (default DefaultAzureCredential, keyless). */
  credential?: TokenCredential;
}

/** The stages the blob trigger and `tuneloop prepare` run, as the configuration says. */
export function configuredQualityStages(config: QualityConfig, options: ConfiguredQualityStagesOptions): ConversationStage[] {
  const screen = config.safetyScreen.trim();
  const categories = screen === 'off' ? [] : parseSafetyCategories(screen);
  return qualityStages({
    rules: { ...parseRuleSpec(config.rules), csatThreshold: config.csatThreshold },
    safety: categories.length ? { categories } : false,
    redaction: redactionStage(config.pii, options.credential),
    dedup: {
      store: options.signatures,
      threshold: config.dedupThreshold,
      ...(options.now ? { now: options.now } : {}),
    },
  });
}

export function redactionStage(config: PiiConfig, credential?: TokenCredential): ConversationStage | false {
  const idPatterns = config.idPatterns;
  const keepWords = config.keepWords;
  switch (config.mode) {
    case 'off':
      return false;
    case 'azure': {
      const endpoint = config.languageEndpoint;
      if (!endpoint) throw new Error('TUNELOOP_PII_MODE=azure needs TUNELOOP_PII_LANGUAGE_ENDPOINT');
      return createRedactionStage({
        detector: createAzurePiiDetector({
          endpoint,
          idPatterns,
          credential: credential ?? defaultCredential(config.managedIdentityClientId),
        }),
        keepWords,
      });
    }
    default:
      return createRedactionStage({ detector: createLocalDetector({ idPatterns }), keepWords });
  }
}

/**
 * Loaded only in azure mode: @azure/identity costs every preprocessing worker thread about a
 * second and tens of MB to load, and local redaction never uses it.
 */
function defaultCredential(managedIdentityClientId: string | undefined): TokenCredential {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose
  const { DefaultAzureCredential } = require('@azure/identity') as typeof import('@azure/identity');
  return new DefaultAzureCredential({ managedIdentityClientId });
}

function parseSafetyCategories(spec: string): SafetyCategory[] {
  const known: SafetyCategory[] = ['injection', 'secret', 'abuse', 'request'];
  return spec
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean)
    .map((c) => {
      if (!known.includes(c as SafetyCategory)) {
        throw new Error(`TUNELOOP_SAFETY_SCREEN: unknown category "${c}": use ${known.join(', ')} or off`);
      }
      return c as SafetyCategory;
    });
}

/**
 * Quality counters of one preprocessing run as metrics (`tuneloop.quality.*`): redactions per
 * type, assistant turns down-weighted per reason, duplicates per kind. Drops are already counted
 * by `tuneloop.preprocess.records_quarantined{reason}`.
 */
export function trackQualityMetrics(telemetry: Telemetry, summary: Record<string, unknown> | undefined, dimensions: Dimensions = {}): void {
  if (!summary) return;
  const redaction = summary['pii-redaction'] as RedactionSummary | undefined;
  for (const [type, count] of Object.entries(redaction?.redactions ?? {})) {
    if (count) telemetry.trackMetric('tuneloop.quality.redactions', count, { ...dimensions, type });
  }
  const rules = summary['reply-rules'] as RulesSummary | undefined;
  for (const [reason, count] of Object.entries(rules?.downWeightedTurns ?? {})) {
    telemetry.trackMetric('tuneloop.quality.turns_down_weighted', count, { ...dimensions, reason });
  }
  const dedup = summary.dedup as DedupSummary | undefined;
  if (dedup) {
    telemetry.trackMetric('tuneloop.quality.duplicates', dedup.exact, { ...dimensions, kind: 'exact' });
    telemetry.trackMetric('tuneloop.quality.duplicates', dedup.near, { ...dimensions, kind: 'near' });
  }
}
