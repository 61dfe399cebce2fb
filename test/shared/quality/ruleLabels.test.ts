import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runStages } from '../../../src/shared/dataset/stages';
import { createLanguageStage } from '../../../src/shared/quality/language';
import { SCREENED_LANGUAGES } from '../../../src/shared/quality/languages';
import { loadLabelledTurns, scoreRules, starConversation, type ScoredRule } from '../../../src/shared/quality/ruleLabels';
import { createReplyRulesStage } from '../../../src/shared/quality/rules';
import { createSafetyStage } from '../../../src/shared/quality/safety';

const CORPORA = resolve(__dirname, '../../fixtures/corpora');

/**
 * Floors for every rule on the labelled turns (public STAR / ABCD / CLINC150 turns and hand-written
 * turns in twenty-one languages and Hindi and Arabic in Latin letters; see test/fixtures/corpora/rule_labels/SOURCE.md). The measured values
 * are in docs/data-quality.md (`npm run bench -- rules`); the floors sit a little below them so a
 * change to a phrase list that loses recall or precision fails here.
 */
const FLOORS: Record<ScoredRule, { precision: number; recall: number }> = {
  // Recall matters most: a conversation whose requests are all missed is dropped.
  request: { precision: 0.7, recall: 0.95 },
  handoff: { precision: 0.95, recall: 0.95 },
  'apology-only': { precision: 0.8, recall: 0.9 },
  'out-of-scope': { precision: 0.95, recall: 0.95 },
  ambiguous: { precision: 0.95, recall: 0.75 },
  'short-reply': { precision: 0.85, recall: 0.95 },
  safety: { precision: 1, recall: 1 },
};

describe('reply rules and safety on labelled turns', () => {
  const turns = loadLabelledTurns(join(CORPORA, 'rule_labels', 'turns.jsonl'));
  const scores = scoreRules(turns);

  it('carries a few hundred labelled turns, public and in every screened language', () => {
    expect(turns.length).toBeGreaterThanOrEqual(300);
    expect(turns.filter((t) => t.source !== 'hand-written').length).toBeGreaterThanOrEqual(200);
    for (const lang of SCREENED_LANGUAGES) expect(turns.filter((t) => t.lang === lang).length).toBeGreaterThanOrEqual(15);
  });

  it.each(Object.entries(FLOORS))('%s meets its precision and recall floors', (rule, floor) => {
    const s = scores.overall[rule as ScoredRule];
    expect(s.gold).toBeGreaterThan(0);
    expect(s.precision).toBeGreaterThanOrEqual(floor.precision);
    expect(s.recall).toBeGreaterThanOrEqual(floor.recall);
  });

  it('finds requests, hand-offs, apologies and out-of-scope replies in every screened language', () => {
    for (const lang of SCREENED_LANGUAGES.filter((l) => l !== 'en')) {
      const s = scores.byLanguage[lang];
      for (const rule of ['request', 'handoff', 'apology-only', 'out-of-scope', 'ambiguous', 'safety'] as const) {
        // Named in the failure message: which language and rule fell short.
        expect({ lang, rule, recallOk: s[rule].recall >= 0.5, precisionOk: s[rule].precision >= 0.9 }).toEqual({
          lang,
          rule,
          recallOk: true,
          precisionOk: true,
        });
      }
    }
  });

  it('drops no more than 2 % of good conversations for any reason (STAR: completed, rated calm and helpful)', async () => {
    const dir = join(CORPORA, 'star_dialogues', 'dialogues');
    const good = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => starConversation(readFileSync(join(dir, f), 'utf8'), f))
      .filter((s) => s.good);
    expect(good.length).toBeGreaterThan(150);
    const stages = [createLanguageStage(), createReplyRulesStage(), createSafetyStage()];
    const dropped: Record<string, number> = {};
    for (const { conversation } of good) {
      const result = await runStages(stages, conversation);
      if (result.action === 'drop') dropped[result.reason] = (dropped[result.reason] ?? 0) + 1;
    }
    for (const [reason, count] of Object.entries(dropped))
      expect({ reason, share: count / good.length <= 0.02 }).toEqual({ reason, share: true });
  }, 60_000);
});
