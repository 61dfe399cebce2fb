import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isArabizi, isRomanizedHindi, romanizedLanguage } from '../../../src/shared/language/romanized';

/**
 * Hindi/Urdu in Latin letters is told by its function words. Real text of other languages must not
 * be taken for it: every line of the test corpora (STAR, ABCD, Taskmaster, SGD, banking77,
 * CLINC150, the multilingual PII texts in 30-odd languages, the format fixtures) is checked.
 */
describe('Hindi and Arabic in Latin letters', () => {
  it.each([
    'mera order abhi tak nahi aaya',
    'mujhe refund chahiye, product toota hua aaya hai',
    'sorry sir, aapko hui asuvidha ke liye kshama chahte hain',
    'main aapko billing team se connect kar raha hoon',
    'Bhai kitni baar bolna padega, refund kab milega?',
  ])('is told in "%s"', (text) => {
    expect(isRomanizedHindi([text])).toBe(true);
  });

  it.each([
    'Hi, my order has not arrived yet, can you check please?',
    // German "mein", Vietnamese "hai" (two) without its accents, Polish "tak", Turkish "kal".
    'Mein Paket ist nicht angekommen, bitte helfen Sie mir',
    'toi co hai don hang chua giao',
    'Tak, zamówienie dotarło wczoraj',
    'Burada kal, siparişin yolda',
    // Devanagari is Hindi (`hi`), not this.
    'मेरा ऑर्डर अभी तक नहीं आया',
    // One marker word is not enough: "Namaste yoga mat order 5531".
    'Namaste, I bought a yoga mat, order 5531 ji',
  ])('is not taken for it in "%s"', (text) => {
    expect(isRomanizedHindi([text])).toBe(false);
  });

  it.each([
    'ana 3ayez a2ghi el talab',
    'el order bta3i lessa ma wesilsh',
    'mar7aba, badde a3mel refund 3al order',
    'keefak? ana mesh fahem leh el app mesh shaghal',
  ])('tells Arabizi in "%s"', (text) => {
    expect(isArabizi([text])).toBe(true);
    expect(romanizedLanguage([text])).toBe('ar-Latn');
  });

  it.each([
    // Times, quantities, technical words and ids with the digit letters.
    'see you at 2am or 3pm ok',
    'my 5g and b2b plans',
    'Order A7B9 and X5Z shipped, id f8bc-06b2',
    // Spanish and Italian "el", "fi", "ya", "law".
    'el pedido ya llegó ayer',
    'Hinglish is not Arabizi: mera order nahi aaya',
  ])('does not take "%s" for Arabizi', (text) => {
    expect(isArabizi([text])).toBe(false);
  });

  it('finds nothing in any line of the real-text corpora of other languages', () => {
    const detected: string[] = [];
    let lines = 0;
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(jsonl|json|csv|txt|tsv)$/.test(name) && !path.includes('rule_labels')) {
          for (const line of readFileSync(path, 'utf8').split('\n')) {
            lines++;
            if (line.length < 2000 && romanizedLanguage([line])) detected.push(`${path}: ${line.slice(0, 120)}`);
          }
        }
      }
    };
    walk(join(__dirname, '../../fixtures/corpora'));
    walk(join(__dirname, '../../fixtures/formats'));
    expect(lines).toBeGreaterThan(100_000);
    expect(detected).toEqual([]);
  });
});
