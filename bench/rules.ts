import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Benchmark } from './harness';
import { timeMedian } from './harness';
import { runStages } from '../src/shared/dataset/stages';
import { createLanguageStage } from '../src/shared/quality/language';
import { loadLabelledTurns, scoreRules, starConversation, type ScoredRule } from '../src/shared/quality/ruleLabels';
import { createReplyRulesStage } from '../src/shared/quality/rules';
import { createSafetyStage } from '../src/shared/quality/safety';

/**
 * Reply rules and the abuse screen: precision / recall per rule and language on the labelled
 * turns of test/fixtures/corpora/rule_labels, the share of good STAR dialogues each rule drops,
 * and the cost of language detection against the reply rules themselves (same-run baseline).
 */
const CORPORA = join(__dirname, '..', '..', 'test', 'fixtures', 'corpora');
const RULES: ScoredRule[] = ['request', 'handoff', 'apology-only', 'out-of-scope', 'ambiguous', 'short-reply', 'safety'];

export const rulesBenchmark: Benchmark = {
  name: 'rules',
  async run() {
    const lines: string[] = [];
    const turns = loadLabelledTurns(join(CORPORA, 'rule_labels', 'turns.jsonl'));
    const scores = scoreRules(turns);
    const cell = (s: { precision: number; recall: number; gold: number; predicted: number }) =>
      `${s.precision.toFixed(2)} / ${s.recall.toFixed(2)} (${s.gold} gold, ${s.predicted} flagged)`;
    lines.push(`Labelled turns: ${turns.length} (${scores.notScreened} in languages without phrase lists, not scored)`);
    lines.push('');
    lines.push('| rule | all screened languages P / R | ' + Object.keys(scores.byLanguage).join(' | ') + ' |');
    lines.push(
      '|---|---|' +
        Object.keys(scores.byLanguage)
          .map(() => '---')
          .join('|') +
        '|',
    );
    for (const rule of RULES) {
      const per = Object.values(scores.byLanguage).map((s) =>
        s[rule].gold || s[rule].predicted ? `${s[rule].precision.toFixed(2)} / ${s[rule].recall.toFixed(2)}` : '–',
      );
      lines.push(`| ${rule} | ${cell(scores.overall[rule])} | ${per.join(' | ')} |`);
    }
    const byLanguageSource = new Map<string, number>();
    for (const t of turns) byLanguageSource.set(`${t.source}:${t.lang}`, (byLanguageSource.get(`${t.source}:${t.lang}`) ?? 0) + 1);
    lines.push('');
    lines.push(`Turns per source and language: ${[...byLanguageSource.entries()].map(([k, n]) => `${k} ${n}`).join(', ')}`);

    const dir = join(CORPORA, 'star_dialogues', 'dialogues');
    const star = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => starConversation(readFileSync(join(dir, f), 'utf8'), f));
    const good = star.filter((s) => s.good).map((s) => s.conversation);
    const stages = [createLanguageStage(), createReplyRulesStage(), createSafetyStage()];
    const dropped: Record<string, number> = {};
    for (const c of good) {
      const r = await runStages(stages, c);
      if (r.action === 'drop') dropped[r.reason] = (dropped[r.reason] ?? 0) + 1;
    }
    lines.push('');
    lines.push(
      `Good STAR dialogues (completed, user says the assistant stayed calm and helpful): ${good.length}; dropped by reason: ` +
        (Object.entries(dropped)
          .map(([r, n]) => `${r} ${n} (${((100 * n) / good.length).toFixed(1)}%)`)
          .join(', ') || 'none'),
    );

    const rulesOnly = createReplyRulesStage();
    const withLanguage = [createLanguageStage(), createReplyRulesStage()];
    const all = star.map((s) => s.conversation);
    const base = await timeMedian(async () => {
      for (const c of all) await rulesOnly.apply({ ...c, language: 'en' });
    }, 5);
    const detect = await timeMedian(async () => {
      for (const c of all) await runStages(withLanguage, c);
    }, 5);
    lines.push(
      `Speed over ${all.length} STAR dialogues (median of 5): reply rules with the language given ${base.toFixed(1)} ms (baseline), language detection + reply rules ${detect.toFixed(1)} ms (${(detect / base).toFixed(1)}× baseline)`,
    );
    return { name: 'rules', lines };
  },
};
