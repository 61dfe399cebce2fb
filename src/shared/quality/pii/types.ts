/** Placeholder types, in the order they win when detected spans overlap. */
export const PII_TYPES = ['URL', 'EMAIL', 'IBAN', 'CARD', 'SSN', 'IP', 'PHONE', 'ID', 'ADDRESS', 'PERSON'] as const;
export type PiiType = (typeof PII_TYPES)[number];

export interface PiiSpan {
  type: PiiType;
  /** Offsets into the text, end exclusive. */
  start: number;
  end: number;
  value: string;
  /** Which detector found it: validated patterns, the local name/address recogniser, or Azure AI Language. */
  source: 'pattern' | 'local-ner' | 'azure';
}

export interface DetectHint {
  /**
   * ISO 639-1 language of the texts (one conversation), e.g. from `detectConversationLanguage`.
   * Absent: the detector finds it itself.
   */
  language?: string;
}

/** Finds personal data in a batch of texts (one call per conversation, so remote detectors can batch). */
export interface PiiDetector {
  readonly name: string;
  detect(texts: string[], signal?: AbortSignal, hint?: DetectHint): Promise<PiiSpan[][]>;
}
