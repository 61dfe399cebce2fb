import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nextCapitalised } from '../../../src/shared/quality/pii/names';
import { seededRandom } from '../../../src/shared/random/seeded';

/**
 * Name detection finds capitalised words in two steps without match objects (issue #10, eleventh
 * round). They must find exactly what the single pattern they replace finds, in the same order.
 */
const CAPITALISED =
  /(?=\p{Lu})(?<![\p{L}\p{M}\p{N}_'’/.\\:#=&?])(?<![\p{L}\p{M}\p{N}_.+\-@]@)\p{Lu}[\p{L}\p{M}]*(?:['’-]\p{L}[\p{L}\p{M}]*)*(?![\p{N}_@])\.?/gu;

function byPattern(text: string): [number, number][] {
  return [...text.matchAll(CAPITALISED)].map((m) => [m.index, m.index + m[0].length]);
}

function byScanner(text: string): [number, number][] {
  const out: [number, number][] = [];
  const found = { start: 0, end: 0 };
  while (nextCapitalised(text, found.end, found)) out.push([found.start, found.end]);
  return out;
}

const FIXTURES = join(__dirname, '../../fixtures/corpora');

function realTexts(): string[] {
  const texts: string[] = [];
  const star = join(FIXTURES, 'star_dialogues', 'dialogues');
  for (const file of readdirSync(star).sort().slice(0, 60)) {
    const d = JSON.parse(readFileSync(join(star, file), 'utf8')) as { Events: { Text?: string }[] };
    for (const e of d.Events) if (e.Text) texts.push(e.Text);
  }
  const multilingual = join(FIXTURES, 'pii_multilingual');
  for (const file of readdirSync(multilingual).filter((f) => f.endsWith('.txt'))) {
    texts.push(...readFileSync(join(multilingual, file), 'utf8').split('\n'));
  }
  return texts;
}

describe('capitalised words for name detection', () => {
  it('finds what the single pattern finds in real chats of seven languages', () => {
    const texts = realTexts();
    expect(texts.length).toBeGreaterThan(1000);
    let words = 0;
    for (const text of texts) {
      const expected = byPattern(text);
      words += expected.length;
      expect(byScanner(text)).toEqual(expected);
    }
    expect(words).toBeGreaterThan(2000);
  });

  it('finds what the single pattern finds where the pattern has to back off or skip', () => {
    const cases = [
      'Abc1 Abc_ A@b X1 Ab-Cd O’Brien Jean-Pierre J. Smith. U.S. e.g. A.',
      // A mention's @ after a space or at the start is no glue; an e-mail's is.
      '@Dana Lee, cc @Ana and jane@Example.com, a.b@Host x+y@Z @@Ab',
      "Mc2Donald McDonald's L'Oréal 'Tis ?Who #Tag =Eq &Amp /Path \\Back :Colon .Dot",
      'Šárka Ὀδυσσεύς Łukasz Ǆemal 𝐀lpha (U+1D400 is a capital) 𝐀1 a𝐀 É́cole Ü-',
      'A',
      '',
      'AB-',
      "A'",
      'A-1',
      'Ab-c1',
      'Abc.1',
      'A.B.C',
      'ÀÉÎ',
      '\u00c9\u0301\u0301x',
    ];
    for (const text of cases) expect(byScanner(text)).toEqual(byPattern(text));
  });

  it('finds what the single pattern finds in random text made of the characters that matter', () => {
    const alphabet = ['A', 'b', 'Z', 'é', 'É', '\u0301', '1', '_', '@', "'", '’', '-', '.', ' ', '/', ':', '#', '𝐀', '𝐚', 'Ǆ', '\n', '?'];
    const random = seededRandom(10);
    for (let n = 0; n < 3000; n++) {
      let text = '';
      const length = 1 + Math.floor(random() * 30);
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
      expect(byScanner(text)).toEqual(byPattern(text));
    }
  });
});
