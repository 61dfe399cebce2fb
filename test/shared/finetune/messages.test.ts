import { MalformedJobMessageError, parseJobMessage } from '../../../src/shared/finetune/messages';

describe('parseJobMessage', () => {
  it('accepts a submit message as object, JSON text or Buffer', () => {
    const msg = { kind: 'submit', jobKey: 'nightly-2026-11-26', datasetVersion: 'v20261126', hyperparameters: { n_epochs: 3 }, seed: 7 };
    expect(parseJobMessage(msg)).toEqual(msg);
    expect(parseJobMessage(JSON.stringify(msg))).toEqual(msg);
    expect(parseJobMessage(Buffer.from(JSON.stringify(msg)))).toEqual(msg);
  });

  it('accepts the loop’s own step messages, which must carry a token', () => {
    expect(parseJobMessage({ kind: 'poll', jobKey: 'j', token: 't' })).toEqual({ kind: 'poll', jobKey: 'j', token: 't' });
    expect(() => parseJobMessage({ kind: 'deploy', jobKey: 'j' })).toThrow(/token/);
  });

  it.each([
    ['not JSON', '{oops', /body is not JSON/],
    ['unknown kind', { kind: 'train', jobKey: 'j' }, /kind/],
    ['missing dataset version', { kind: 'submit', jobKey: 'j' }, /datasetVersion/],
    ['bad job key', { kind: 'submit', jobKey: 'a/b', datasetVersion: 'v1' }, /jobKey: only letters/],
    ['unknown field', { kind: 'submit', jobKey: 'j', datasetVersion: 'v1', epochs: 3 }, /epochs/],
    [
      'bad hyperparameter',
      { kind: 'submit', jobKey: 'j', datasetVersion: 'v1', hyperparameters: { n_epochs: 0 } },
      /hyperparameters\.n_epochs/,
    ],
    ['suffix too long', { kind: 'submit', jobKey: 'j', datasetVersion: 'v1', suffix: 'x'.repeat(41) }, /suffix/],
  ])('rejects %s with a reason naming the field', (_name, raw, reason) => {
    try {
      parseJobMessage(raw);
      throw new Error('expected MalformedJobMessageError');
    } catch (err) {
      expect(err).toBeInstanceOf(MalformedJobMessageError);
      expect((err as MalformedJobMessageError).reason).toMatch(reason);
      expect((err as MalformedJobMessageError).raw).toBe(raw);
    }
  });
});
