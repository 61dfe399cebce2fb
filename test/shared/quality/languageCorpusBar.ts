import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { STRUCTURED_TYPES, loadLabelledText, scoreCorpus } from '../../../src/shared/quality/pii/corpus';
import { NAME_DETECTOR_LANGUAGES } from '../../../src/shared/quality/pii/names';
import { conversationLanguage, createLocalDetector, createRedactionStage, detectLocal } from '../../../src/shared/quality/pii/redact';
import { createLanguageStage } from '../../../src/shared/quality/language';
import { conversation } from './helpers';

export const MULTILINGUAL = join(__dirname, '../../fixtures/corpora/pii_multilingual');

/**
 * The bar every language with name rules meets on its hand-labelled text
 * (test/fixtures/corpora/pii_multilingual/<code>.txt): PERSON recall ≥ 0.85 and precision ≥ 0.9,
 * every structured value found, no placeholder in name-free lines. Logs the per-language scores.
 */
export async function expectLanguageCorpusBar(languages: readonly string[], minLabelled: number): Promise<void> {
  const report: Record<string, unknown> = {};
  for (const language of languages) {
    expect(NAME_DETECTOR_LANGUAGES).toContain(language);
    const path = join(MULTILINGUAL, `${language}.txt`);
    if (!existsSync(path)) throw new Error(`${path} not found`);
    const text = await loadLabelledText(path);
    expect(text.labelled.length).toBeGreaterThanOrEqual(minLabelled);
    expect(text.nameFree.length).toBeGreaterThanOrEqual(15);
    const score = scoreCorpus(
      text.labelled,
      text.labelled.map((item) => detectLocal(item.full_text, { language })),
    );
    const falsePlaceholders = text.nameFree.flatMap((t) => detectLocal(t, { language }).map((s) => `${s.type}:${s.value}`));
    report[language] = { PERSON: score.PERSON, falsePlaceholders };
    expect({ language, recall: score.PERSON.recall >= 0.85 }).toEqual({ language, recall: true });
    expect({ language, precision: score.PERSON.precision >= 0.9 }).toEqual({ language, precision: true });
    for (const type of STRUCTURED_TYPES.filter((t) => score[t].gold)) {
      expect({ language, type, recall: score[type].recall }).toEqual({ language, type, recall: 1 });
    }
    expect({ language, falsePlaceholders }).toEqual({ language, falsePlaceholders: [] });
  }
  console.log(JSON.stringify(report));
}

/**
 * A conversation of `turns` through the language stage, then local redaction, as the pipeline
 * runs them: the language the stage stored, the language redaction reads, and the redacted texts.
 */
export async function stagedAndRedacted(
  id: string,
  turns: [role: 'user' | 'assistant', text: string][],
): Promise<{ stored: string | undefined; read: string | undefined; texts: string[] }> {
  const staged = await createLanguageStage().apply(conversation(id, turns));
  if (staged.action !== 'keep') throw new Error(`${id} was dropped by the language stage`);
  const redacted = await createRedactionStage({ detector: createLocalDetector() }).apply(staged.conversation);
  if (redacted.action !== 'keep') throw new Error(`${id} was dropped by redaction`);
  return {
    stored: staged.conversation.language,
    read: conversationLanguage(staged.conversation),
    texts: redacted.conversation.turns.map((t) => t.content),
  };
}
