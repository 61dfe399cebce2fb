import { parseResultsCsv } from '../../../src/shared/finetune/results';
import { ResultFileError } from '../../../src/shared/finetune/errors';

describe('parseResultsCsv', () => {
  it('reads the columns Azure writes, by header name', () => {
    const csv = [
      'step,train_loss,train_mean_token_accuracy,valid_loss,valid_mean_token_accuracy,full_valid_loss,full_valid_mean_token_accuracy',
      '1,2.5,0.41,2.7,0.39,,',
      '2,1.9,0.52,2.1,0.47,2.2,0.46',
    ].join('\n');
    const r = parseResultsCsv(csv);
    expect(r.steps).toEqual([
      { step: 1, trainLoss: 2.5, trainMeanTokenAccuracy: 0.41, validLoss: 2.7, validMeanTokenAccuracy: 0.39 },
      {
        step: 2,
        trainLoss: 1.9,
        trainMeanTokenAccuracy: 0.52,
        validLoss: 2.1,
        validMeanTokenAccuracy: 0.47,
        fullValidLoss: 2.2,
        fullValidMeanTokenAccuracy: 0.46,
      },
    ]);
    expect(r.final).toEqual({
      step: 2,
      trainLoss: 1.9,
      trainMeanTokenAccuracy: 0.52,
      validLoss: 2.1,
      validMeanTokenAccuracy: 0.47,
      fullValidLoss: 2.2,
      fullValidMeanTokenAccuracy: 0.46,
    });
  });

  it('tolerates reordered and missing columns, the docs spelling, N/A and empty cells, CRLF and a BOM', () => {
    const csv = '\uFEFFtrain_loss,step,validation_mean_token_accuracy,extra\r\nN/A,1,,x\r\n0.8,2,0.6,y\r\n\r\n';
    const r = parseResultsCsv(csv);
    expect(r.steps).toEqual([{ step: 1 }, { step: 2, trainLoss: 0.8, validMeanTokenAccuracy: 0.6 }]);
    expect(r.columns).toEqual(['train_loss', 'step', 'validation_mean_token_accuracy', 'extra']);
  });

  it('keeps the last value of each metric as final even when the last step lacks it', () => {
    const r = parseResultsCsv('step,train_loss,valid_loss\n1,3,2\n2,1,\n');
    expect(r.final).toEqual({ step: 2, trainLoss: 1, validLoss: 2 });
  });

  it('names the file and line of a bad step and rejects a header without step', () => {
    expect(() => parseResultsCsv('step,train_loss\n1,2\nabc,3\n', 'results.csv of ftjob-1')).toThrow(
      new ResultFileError('results.csv of ftjob-1 line 3: step "abc" is not a number'),
    );
    expect(() => parseResultsCsv('train_loss\n1\n')).toThrow(/line 1: no "step" column/);
    expect(() => parseResultsCsv('')).toThrow(/is empty/);
  });
});
