import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OOS_PROBES } from '../../../src/shared/evaluation/oosProbes';
import { HAND_EXCLUDED, OOS_SPLITS, PROBE_COUNT, selectOosProbes, supportTopicOf, type OosSplit } from '../../../tools/oosProbes';

/**
 * The shipped out-of-scope probes are the output of tools/oosProbes.ts on CLINC150 (the trimmed copy
 * in test/fixtures/corpora/clinc150, same rows and indices as upstream, see its SOURCE.md): a hand
 * edit of the module, or a change of the rule without regenerating it, fails here.
 */
describe('out-of-scope probe set', () => {
  const corpus = JSON.parse(readFileSync(resolve(__dirname, '../../fixtures/corpora/clinc150/data_full.json'), 'utf8')) as Record<
    OosSplit,
    [string, string][]
  >;

  it('is the selection tools/oosProbes.ts makes (npm run oos:probes)', () => {
    const selection = selectOosProbes(corpus);
    expect(OOS_PROBES).toEqual(selection.probes);
    expect(OOS_PROBES).toHaveLength(PROBE_COUNT);
    // What the selection chose from is at least twice what it keeps, so the topics stay spread.
    expect(selection.eligible).toBeGreaterThanOrEqual(2 * PROBE_COUNT);
  });

  it('takes every probe verbatim from its CLINC150 split and row, once', () => {
    for (const probe of OOS_PROBES) expect(corpus[probe.split!][probe.index!]).toEqual([probe.text, 'oos']);
    expect(new Set(OOS_PROBES.map((p) => JSON.stringify([p.split, p.index]))).size).toBe(OOS_PROBES.length);
    expect(new Set(OOS_PROBES.map((p) => p.split))).toEqual(new Set(OOS_SPLITS));
  });

  it('holds no query a customer-service deployment could own, nor one the hand review left out', () => {
    expect(OOS_PROBES.filter((p) => supportTopicOf(p.text) !== undefined)).toEqual([]);
    expect(OOS_PROBES.filter((p) => HAND_EXCLUDED[p.split!][p.index!] !== undefined)).toEqual([]);
  });

  it.each([
    'can you tell me what credit cards i have open',
    'check the status of my amazon orders for me',
    'does dhl deliver to my address',
    "is there a fee for cancelling a flight i've booked",
    'cancel my subscription to scientific american',
    'how much data does my phone have left this month',
    'what is the warranty on my microwave',
    'i would like to upgrade to full coverage for my car',
    'i need to update my address',
  ])('leaves out %j', (text) => {
    expect(supportTopicOf(text)).toBeDefined();
  });

  it.each(['can a robot really travel back in time', 'who was the first person to discover cells', 'is insomnia curable'])(
    'keeps %j',
    (text) => {
      expect(supportTopicOf(text)).toBeUndefined();
    },
  );
});
