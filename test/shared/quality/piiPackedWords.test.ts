import fc from 'fast-check';
import { PackedWordSet } from '../../../src/shared/quality/pii/packedWords';

// The English ordinary-word list is packed into one string and a table of offsets
// (src/shared/quality/pii/packedWords.ts) instead of a Set of 85k strings; it must answer as the Set did.

test('answers as a Set of the same words, for words it holds, their prefixes and extensions and any other string', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.string({ maxLength: 8 }), { maxLength: 200 }), fc.array(fc.string({ maxLength: 9 })), (words, probes) => {
      const packed = new PackedWordSet(words);
      const set = new Set(words);
      const asked = [
        ...probes,
        ...words,
        ...words.map((w) => w.slice(0, -1)),
        ...words.map((w) => `${w}s`),
        ...words.slice(1).map((w, i) => `${words[i]}\n${w}`),
      ];
      for (const word of asked) expect(packed.has(word)).toBe(set.has(word));
      expect(packed.size).toBe(set.size);
    }),
  );
});

test('finds words whose slots collide and words outside Latin-1, and leaves out what it cannot pack', () => {
  const words = Array.from({ length: 5000 }, (_, i) => `w${i}`).concat(['straße', 'café', 'naïve', 'ﬁnance', 'a\nb', 'dup', 'dup']);
  const packed = new PackedWordSet(words);
  for (let i = 0; i < 5000; i++) expect(packed.has(`w${i}`)).toBe(true);
  for (const word of ['straße', 'café', 'naïve', 'ﬁnance', 'dup']) expect(packed.has(word)).toBe(true);
  expect(packed.has('a\nb')).toBe(false);
  // Words packed next to each other, asked for as one string with their separators.
  const neighbours = new PackedWordSet(['cat', 'dog', 'sun', 'car']);
  for (const joined of ['cat\ndog', 'cat\ndog\nsun', 'dog\nsun\ncar', 'sun\ncar', 'cat\n', '\ncat'])
    expect(neighbours.has(joined)).toBe(false);
  expect(packed.has('a')).toBe(false);
  expect(packed.has('w5000')).toBe(false);
  expect(packed.has('')).toBe(false);
  expect(packed.size).toBe(5005);
  expect(new PackedWordSet([]).has('')).toBe(false);
  expect(new PackedWordSet(['']).has('')).toBe(true);
});
