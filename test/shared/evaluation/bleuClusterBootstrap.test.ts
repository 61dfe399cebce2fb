import { segmentStatisticsTables } from '../../../src/shared/evaluation/bleu';
import { differenceIntervals, itemStatistics, valueIntervals, type ModelAnswers } from '../../../src/shared/evaluation/evaluate';
import { bootstrapInterval, pairedDifferenceInterval, type Interval } from '../../../src/shared/evaluation/intervals';
import { SeededRandom } from '../../../src/shared/evaluation/random';
import { decidePromotion } from '../../../src/shared/evaluation/gate';
import { REPLIES } from './banking';
import { TEST_GATE_POLICY as policy } from './fixtures';

/**
 * The gate's BLEU intervals resample holdout conversations, not records. A long conversation is
 * split into several holdout records (examples.ts, `split`), and a model that answers one of its
 * replies well tends to answer the others well too: drawing those records independently counts one
 * conversation's luck several times and gives an interval too narrow for the evidence (an
 * overconfident promote or reject).
 */

type Answers = Pick<ModelAnswers, 'replies' | 'intents' | 'probes' | 'latenciesMs'>;

const CONVERSATIONS = 40;
const RESAMPLES = 1000;
const WRONG_WORDS = ['maybe', 'account', 'please', 'later', 'branch', 'online', 'thanks', 'form'];

/** The reference with each word replaced by a wrong one with probability `1 − keep` (seeded). */
function degrade(reference: string, keep: number, rng: SeededRandom): string {
  return reference
    .split(' ')
    .map((word) => (rng.float() < keep ? word : WRONG_WORDS[rng.below(WRONG_WORDS.length)]))
    .join(' ');
}

/**
 * Both models' answers on a holdout of `CONVERSATIONS` conversations with `recordsPerConversation`
 * records each. How well a model answers is a property of the conversation (drawn once per
 * conversation and model); the records of one conversation are near-identical: the same reply with
 * a different closing sentence.
 */
function holdout(recordsPerConversation: number): { candidate: Answers; production: Answers } {
  const rng = new SeededRandom(2024);
  const intents = Object.keys(REPLIES);
  const candidate: Answers = { replies: [], intents: [], probes: [], latenciesMs: [] };
  const production: Answers = { replies: [], intents: [], probes: [], latenciesMs: [] };
  for (let c = 0; c < CONVERSATIONS; c++) {
    const conversationId = `conv-${c}`;
    const reply = REPLIES[intents[c % intents.length]];
    const candidateReply = degrade(reply, 0.45 + 0.5 * rng.float(), rng);
    const productionReply = degrade(reply, 0.45 + 0.5 * rng.float(), rng);
    for (let r = 0; r < recordsPerConversation; r++) {
      const closing = ` Is there anything else about case ${c}-${r}?`;
      const reference = reply + closing;
      candidate.replies.push({ conversationId, customer: '', reference, hypothesis: candidateReply + closing });
      production.replies.push({ conversationId, customer: '', reference, hypothesis: productionReply + closing });
    }
  }
  return { candidate, production };
}

function gateItems(answers: { candidate: Answers; production: Answers }) {
  const references = [answers.candidate.replies.map((r) => r.reference)];
  const [c, p] = segmentStatisticsTables(
    [answers.candidate.replies.map((r) => r.hypothesis), answers.production.replies.map((r) => r.hypothesis)],
    references,
  );
  return { candidate: itemStatistics(answers.candidate, c), production: itemStatistics(answers.production, p) };
}

const width = (i: Interval) => i.high - i.low;

describe('BLEU intervals resample holdout conversations (cluster bootstrap)', () => {
  it('are wider when each conversation contributes several near-identical records', () => {
    const { candidate, production } = gateItems(holdout(4));
    const records = candidate.replies;
    expect(records).toBe(4 * CONVERSATIONS);
    // Resampling the 160 records on their own, as the gate did before.
    const perRecordDifference = pairedDifferenceInterval(records, candidate.bleu!, production.bleu!, { resamples: RESAMPLES });
    const perRecordValue = bootstrapInterval(records, candidate.bleu!, { resamples: RESAMPLES });

    const difference = differenceIntervals(candidate, production, RESAMPLES).bleu!;
    const value = valueIntervals(candidate, RESAMPLES).bleu!;
    // The point estimate is corpus BLEU over every record either way.
    expect(difference.estimate).toBe(perRecordDifference.estimate);
    expect(value.estimate).toBe(perRecordValue.estimate);
    // Four copies of each conversation's evidence: about √4 = 2× narrower per record, which is the overconfidence.
    expect(width(difference) / width(perRecordDifference)).toBeGreaterThan(1.6);
    expect(width(value) / width(perRecordValue)).toBeGreaterThan(1.6);
    // n counts what was resampled: conversations (the unit TUNELOOP_GATE_MIN_ITEMS and "more holdout conversations" speak of).
    expect(difference.n).toBe(CONVERSATIONS);
    expect(value.n).toBe(CONVERSATIONS);

    // What it did to the decision: 40 conversations cannot show that the candidate is more than 1 BLEU
    // worse (−14.1 … 2.7), but read as 160 independent records they seemed to (−9.8 … −1.5): a reject.
    const decide = (bleu: Interval) =>
      decidePromotion(
        { bleu: 30 + bleu.estimate, intentF1: 0.8, latencyP95Ms: 100, oosHandled: 0.9, overfitting: false },
        { bleu: 30, intentF1: 0.8, latencyP95Ms: 100, oosHandled: 0.9 },
        { ...policy, minItems: 10 },
        { intervals: { bleu } },
      ).decision;
    expect(decide(perRecordDifference)).toBe('reject');
    expect(decide(difference)).toBe('inconclusive');
  });

  it('give exactly the per-record result when each conversation has one record', () => {
    const { candidate, production } = gateItems(holdout(1));
    const records = candidate.replies;
    expect(records).toBe(CONVERSATIONS);
    expect(differenceIntervals(candidate, production, RESAMPLES).bleu).toEqual(
      pairedDifferenceInterval(records, candidate.bleu!, production.bleu!, { resamples: RESAMPLES }),
    );
    expect(valueIntervals(candidate, RESAMPLES).bleu).toEqual(bootstrapInterval(records, candidate.bleu!, { resamples: RESAMPLES }));
  });

  it('draw whole conversations wherever their records sit in the holdout', () => {
    // Records of one conversation need not be adjacent: interleaved, they are still resampled together.
    const answers = holdout(4);
    const order = answers.candidate.replies.map((_, i) => i).sort((a, b) => (a % 4) - (b % 4) || a - b);
    const shuffled = {
      candidate: { ...answers.candidate, replies: order.map((i) => answers.candidate.replies[i]) },
      production: { ...answers.production, replies: order.map((i) => answers.production.replies[i]) },
    };
    const adjacent = gateItems(answers);
    const interleaved = gateItems(shuffled);
    const a = differenceIntervals(adjacent.candidate, adjacent.production, RESAMPLES).bleu!;
    const b = differenceIntervals(interleaved.candidate, interleaved.production, RESAMPLES).bleu!;
    expect(b.n).toBe(CONVERSATIONS);
    expect(b.estimate).toBeCloseTo(a.estimate, 10);
    expect(b.low).toBeCloseTo(a.low, 10);
    expect(b.high).toBeCloseTo(a.high, 10);
  });
});
