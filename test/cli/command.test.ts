import { parseArgs, UsageError } from '../../src/cli/command';

const spec = { strings: ['out', 'limit'], booleans: ['json'], multiple: ['x'] };

describe('parseArgs (util.parseArgs behind the command signature)', () => {
  it('reads strings, booleans, repeated flags and positionals in any order', () => {
    expect(parseArgs(['a', '--out', 'o', '--json', 'b', '--x', '1', '--x=2', '--limit=3=4'], spec)).toEqual({
      positional: ['a', 'b'],
      flags: { out: 'o', json: true, x: ['1', '2'], limit: '3=4' },
    });
  });

  it('keeps one-dash arguments positional and takes them as values of string flags', () => {
    expect(parseArgs(['-', '-5', '--limit', '-1', '--x', '-'], spec)).toEqual({
      positional: ['-', '-5'],
      flags: { limit: '-1', x: ['-'] },
    });
  });

  it('treats everything after -- as positional', () => {
    expect(parseArgs(['--json', '--', '--out', '-x'], spec)).toEqual({ positional: ['--out', '-x'], flags: { json: true } });
  });

  it.each([
    [['--nope'], 'unknown option --nope'],
    [['--out'], '--out needs a value'],
    [['--out', '--json'], '--out needs a value'],
    [['--json=yes'], '--json takes no value'],
  ])('%j is a usage error: %s', (args, message) => {
    expect(() => parseArgs(args, spec)).toThrow(UsageError);
    expect(() => parseArgs(args, spec)).toThrow(message);
  });
});
