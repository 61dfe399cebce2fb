import fs from 'node:fs';
import path from 'node:path';
import { FineTunedChatModel, GENERIC_REPLY, baseModelReply } from '../../../src/local/emulator/model/chatModel';
import { NaiveBayesClassifier } from '../../../src/local/emulator/model/naiveBayes';
import { BigramLanguageModel } from '../../../src/local/emulator/model/ngram';
import { TfIdfIndex } from '../../../src/local/emulator/model/retrieval';
import { contentTerms, lmTokens } from '../../../src/local/emulator/model/text';
import { RESULTS_CSV_COLUMNS, resolveHyperparameters, resultsCsv, trainModel } from '../../../src/local/emulator/model/training';
import { intentTaskMessages } from '../../../src/shared/dataset/intentTask';
import { SYSTEM, TOPICS, chatExamples, intentExamples } from './fixtures';

describe('text', () => {
  it('tokenises words and punctuation for the language model, content terms for retrieval', () => {
    expect(lmTokens("I'm charged twice!")).toEqual(["i'm", 'charged', 'twice', '!']);
    expect(contentTerms('Where are my parcels? The orders were charged')).toEqual(['parcel', 'order', 'charg']);
  });
});

describe('TfIdfIndex', () => {
  const index = new TfIdfIndex([
    { context: { recent: 'my parcel has not arrived', previousReply: '', earlier: '' }, reply: 'delivery' },
    { context: { recent: 'I was charged twice on my card', previousReply: '', earlier: '' }, reply: 'billing' },
    {
      context: {
        recent: 'order 1234, card ending 9876',
        previousReply: 'Could you tell me the order number and the card?',
        earlier: 'charged twice',
      },
      reply: 'refunded',
    },
  ]);
  it('finds the reply whose context shares the rare words, with a cosine score', () => {
    const [best] = index.search({ recent: 'double charge on the card' });
    expect(best.reply).toBe('billing');
    expect(best.score).toBeGreaterThan(0.3);
    expect(best.score).toBeLessThanOrEqual(1);
  });
  it('scores an unrelated question at zero', () => {
    expect(index.search({ recent: 'what is the capital of france' })).toEqual([]);
  });
  it('matches a follow-up by the assistant turn it answers', () => {
    const [best] = index.search({
      recent: 'it is order 5555, card ending 1111',
      previousReply: 'Please tell me the order number and the card you used.',
    });
    expect(best.reply).toBe('refunded');
  });
});

describe('BigramLanguageModel', () => {
  it('assigns probabilities that sum to one over what it can predict', () => {
    const lm = new BigramLanguageModel(['a', 'b', 'c']);
    lm.observe(lm.encode(['a', 'b', 'a']), 1);
    const start = lm.encode([])[0];
    let total = 0;
    for (let id = 0; id < 6; id++) if (id !== start) total += lm.probability(start, id);
    expect(total).toBeCloseTo(1, 10);
  });
  it('lowers the loss of seen text with exposure and predicts the frequent successor', () => {
    const lm = new BigramLanguageModel(lmTokens('the parcel is at the depot'));
    const seq = lm.encode(lmTokens('the parcel is at the depot'));
    const before = lm.score(seq).nats;
    lm.observe(seq, 1);
    const after1 = lm.score(seq).nats;
    lm.observe(seq, 1);
    expect(after1).toBeLessThan(before);
    expect(lm.score(seq).nats).toBeLessThan(after1);
    expect(lm.score(seq).correct).toBeGreaterThan(0);
  });
});

describe('NaiveBayesClassifier', () => {
  it('labels by the words each class used, restricted to the allowed labels when given', () => {
    const nb = new NaiveBayesClassifier([
      { text: 'charged twice refund invoice', label: 'billing' },
      { text: 'parcel courier tracking late', label: 'delivery' },
    ]);
    expect(nb.classify('the courier lost my parcel')?.label).toBe('delivery');
    expect(nb.classify('refund my invoice')?.label).toBe('billing');
    expect(nb.classify('refund my invoice', ['delivery', 'other'])?.label).toBe('delivery');
    expect(new NaiveBayesClassifier().classify('anything')).toBeUndefined();
    expect(new NaiveBayesClassifier().classify('anything', ['x', 'y'])).toEqual({ label: 'x', confidence: 0.5 });
  });
});

describe('FineTunedChatModel', () => {
  const model = new FineTunedChatModel([...chatExamples(1), ...intentExamples()]);

  it('answers an in-scope question with the nearest training reply', () => {
    const reply = model.reply([
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'I think you charged my card twice, can I get a refund?' },
    ]);
    expect(reply.kind).toBe('retrieval');
    expect(reply.content).toBe(TOPICS.billing.answer);
  });

  it('declines an out-of-scope question and names the topics it knows', () => {
    const reply = model.reply([{ role: 'user', content: 'Who won the football world cup in 1998?' }]);
    expect(reply.kind).toBe('out-of-scope');
    expect(reply.content).toMatch(/^I'm sorry, I can only help with questions about account, billing, delivery and returns\./);
  });

  it('labels an intent prompt built with the dataset prompt, honouring the allowed labels', () => {
    const prompt = intentTaskMessages(
      [{ role: 'user', content: 'the courier never delivered my package' }],
      ['billing', 'delivery', 'returns'],
    );
    expect(model.reply(prompt)).toMatchObject({ kind: 'intent', content: 'delivery' });
    const restricted = intentTaskMessages([{ role: 'user', content: 'the courier never delivered my package' }], ['billing', 'returns']);
    expect(['billing', 'returns']).toContain(model.reply(restricted).content);
  });

  it('base models answer generically and cannot label', () => {
    expect(baseModelReply([{ role: 'user', content: 'I was charged twice' }]).content).toBe(GENERIC_REPLY);
    const prompt = intentTaskMessages([{ role: 'user', content: 'the courier never came' }], ['billing', 'delivery']);
    expect(baseModelReply(prompt).content).toBe('billing');
  });
});

describe('trainModel', () => {
  const training = chatExamples(2);
  const validation = chatExamples(1).filter((_, i) => i % 4 === 0);

  it('writes one results row per step with train and validation metrics, checkpoints at epoch ends', () => {
    const hyper = resolveHyperparameters({ n_epochs: 3, batch_size: 4 }, training.length);
    const run = trainModel({ training, validation, hyperparameters: hyper, seed: 7 });
    expect(run.steps).toHaveLength(3 * Math.ceil(training.length / 4));
    expect(run.epochEnds).toEqual([10, 20, 30]);
    expect(run.steps[0].valid_loss).toBeGreaterThan(0);
    expect(run.steps[9].full_valid_loss).toBeGreaterThan(0);
    expect(run.steps[8].full_valid_loss).toBeUndefined();
    // Learning happens: the last epoch's loss is far below the first step's.
    expect(run.steps[29].train_loss).toBeLessThan(run.steps[0].train_loss / 2);
    expect(run.steps[29].train_mean_token_accuracy).toBeGreaterThan(run.steps[0].train_mean_token_accuracy);
    const csv = resultsCsv(run.steps).trim().split('\n');
    expect(csv[0]).toBe(RESULTS_CSV_COLUMNS.join(','));
    expect(csv).toHaveLength(31);
    expect(csv[1].split(',')).toHaveLength(7);
  });

  it('is deterministic for a seed and changes with it', () => {
    const hyper = resolveHyperparameters({ n_epochs: 2, batch_size: 3 }, training.length);
    const a = trainModel({ training, hyperparameters: hyper, seed: 1 }).steps;
    const b = trainModel({ training, hyperparameters: hyper, seed: 1 }).steps;
    const c = trainModel({ training, hyperparameters: hyper, seed: 2 }).steps;
    expect(a).toEqual(b);
    expect(a.map((s) => s.train_loss)).not.toEqual(c.map((s) => s.train_loss));
  });

  it('overfits with many epochs on little data: validation loss turns up while training loss falls', () => {
    // Real prose so held-out text has unseen continuations: user turns of a public corpus as replies.
    const corpus = loadStarReplies(120);
    const train = corpus.slice(0, 60).map(asExample);
    const valid = corpus.slice(60, 120).map(asExample);
    const run = trainModel({
      training: train,
      validation: valid,
      hyperparameters: { n_epochs: 12, batch_size: 6, learning_rate_multiplier: 1 },
      seed: 3,
    });
    const full = run.epochEnds.map((step) => run.steps[step - 1].full_valid_loss!);
    const trainLoss = run.epochEnds.map((step) => run.steps[step - 1].train_loss);
    const best = Math.min(...full);
    expect(full.indexOf(best)).toBeLessThan(full.length - 1);
    expect(full[full.length - 1]).toBeGreaterThan(best);
    expect(trainLoss[trainLoss.length - 1]).toBeLessThan(trainLoss[1]);
  });
});

function asExample(reply: string) {
  return {
    messages: [
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: reply },
    ],
  };
}

/** User turns of STAR dialogues (test/fixtures/corpora/star_dialogues, MIT): varied real human writing. */
function loadStarReplies(count: number): string[] {
  const dir = path.resolve(__dirname, '../../fixtures/corpora/star_dialogues/dialogues');
  const texts: string[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const dialogue = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as {
      Events: { Agent: string; Action: string; Text?: string }[];
    };
    for (const e of dialogue.Events) if (e.Agent === 'User' && e.Action === 'utter' && e.Text && e.Text.length > 20) texts.push(e.Text);
    if (texts.length >= count) break;
  }
  return texts.slice(0, count);
}
