import { decidePromotion, gatePolicyFromSettings } from '../../../src/shared/evaluation/gate';
import { isDeclineOrRedirect, scoreOutOfScope } from '../../../src/shared/evaluation/oos';
import { OOS_PROBES } from '../../../src/shared/evaluation/oosProbes';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadSettings } from '../../../src/shared/config/settings';
import { TEST_GATE_POLICY as policy } from './fixtures';

const production = { bleu: 30, intentF1: 0.8, latencyP95Ms: 100, oosHandled: 0.9 };

describe('promotion gate', () => {
  it('reads its tolerances from settings (defaults from the brief)', () => {
    const p = gatePolicyFromSettings(loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true' }));
    expect(p).toMatchObject({ maxBleuDrop: 1, maxF1Drop: 0.02, maxLatencyGrowth: 0.2, rejectOverfitting: true });
  });

  it('promotes within tolerance and records deltas', () => {
    const d = decidePromotion({ bleu: 29.2, intentF1: 0.79, latencyP95Ms: 119, oosHandled: 0.86, overfitting: false }, production, policy);
    expect(d.decision).toBe('promote');
    expect(d.mode).toBe('relative');
    expect(d.checks.find((c) => c.metric === 'bleu')!.delta).toBeCloseTo(-0.8, 10);
    expect(d.checks.find((c) => c.metric === 'latencyP95Ms')!.relativeDelta).toBeCloseTo(0.19, 10);
  });

  it.each([
    ['bleu', { bleu: 28.9 }],
    ['intentF1', { intentF1: 0.77 }],
    ['latencyP95Ms', { latencyP95Ms: 121 }],
    ['oosHandled', { oosHandled: 0.84 }],
    ['overfitting', { overfitting: true }],
  ])('rejects a regression in %s', (metric, change) => {
    const d = decidePromotion({ ...production, overfitting: false, ...change }, production, policy);
    expect(d.decision).toBe('reject');
    expect(d.checks.filter((c) => !c.passed).map((c) => c.metric)).toEqual([metric]);
    expect(d.reasons[0]).toContain(metric);
  });

  it('holds the first model to absolute floors', () => {
    expect(decidePromotion({ bleu: 6, intentF1: 0.4, latencyP95Ms: 900, oosHandled: 0.6 }, undefined, policy)).toMatchObject({
      decision: 'promote',
      mode: 'absolute',
    });
    const d = decidePromotion({ bleu: 4, intentF1: 0.4, latencyP95Ms: 900, oosHandled: 0.6 }, undefined, policy);
    expect(d.decision).toBe('reject');
    expect(d.reasons).toEqual(['bleu 4 fails >= 5 (floor)']);
  });

  it('rejects a metric that could not be measured', () => {
    const d = decidePromotion({ bleu: 31, latencyP95Ms: 90, oosHandled: 0.9 }, production, policy);
    expect(d.decision).toBe('reject');
    expect(d.reasons[0]).toMatch(/^intentF1: not measured/);
  });
});

describe('out-of-scope decline detection', () => {
  it.each([
    "I'm sorry, I can only help with questions about your account and orders.",
    'Sorry, that is outside what I can help with. Please contact our support team for anything else.',
    'Unfortunately I cannot help with that; I can assist with billing, shipping and returns.',
    "That's outside my scope, but I'm happy to help with your subscription.",
    "I don't have information about that.",
    // Redirects: a refusal, then what the assistant does help with.
    'I am not able to give investment advice. If you have a question about a Shoply order, I am happy to help.',
    "I can't recommend a landscaper. If you have any questions about your delivery, just ask.",
    // …in other languages (the out-of-scope phrases of the reply rules).
    'Das liegt leider außerhalb meines Bereichs. Bei Fragen zu Ihrer Bestellung helfe ich gerne.',
    'Je ne peux pas vous donner de conseils financiers, mais je peux vous aider avec votre commande.',
  ])('counts %j as declined', (reply) => {
    expect(isDeclineOrRedirect(reply)).toBe(true);
  });

  it.each([
    'There are 25 prime numbers between 0 and 100.',
    'The gold rush started in 1848 in California.',
    'Sorry for the wait! Your order has shipped.',
    '',
  ])('counts %j as answered', (reply) => {
    expect(isDeclineOrRedirect(reply)).toBe(false);
  });

  it('scores the share of handled probes', () => {
    const r = scoreOutOfScope([
      { question: 'q1', reply: "Sorry, I can only help with your account." },
      { question: 'q2', reply: 'It is 42.' },
    ]);
    expect(r).toMatchObject({ probes: 2, handled: 1, share: 0.5, answered: [{ question: 'q2', reply: 'It is 42.' }] });
  });

  it('ships a credited probe set taken verbatim from CLINC150 oos_test', () => {
    // A trimmed copy of the corpus (test/fixtures/corpora/clinc150, see its SOURCE.md).
    const path = resolve(__dirname, '../../fixtures/corpora/clinc150/data_full.json');
    expect(OOS_PROBES.length).toBeGreaterThanOrEqual(30);
    const oosTest: [string, string][] = JSON.parse(readFileSync(path, 'utf8')).oos_test;
    for (const probe of OOS_PROBES) expect(oosTest[probe.index]).toEqual([probe.text, 'oos']);
  });
});
