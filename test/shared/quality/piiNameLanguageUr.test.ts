import { detectLocal } from '../../../src/shared/quality/pii/redact';
import { expectLanguageCorpusBar, stagedAndRedacted } from './languageCorpusBar';

/**
 * Person names in Urdu: the Hindi cue rules in Urdu's words ("میرا نام X ہے", "میں X بول رہی ہوں",
 * "جناب X", "X صاحب", a listed given name and surname, "X نے"). Before them an Urdu conversation,
 * which the language detector reports as `ur`, kept every name. Hand-written sentences.
 */
const persons = (text: string) =>
  detectLocal(text, { language: 'ur' })
    .filter((s) => s.type === 'PERSON')
    .map((s) => s.value);

describe('names in Urdu', () => {
  it.each([
    ['میرا نام احمد علی ہے، میرا آرڈر نہیں آیا', ['احمد علی']],
    ['میں فاطمہ بول رہی ہوں', ['فاطمہ']],
    ['جناب عمران خان، آپ کا ریفنڈ ہو گیا', ['عمران خان']],
    ['شکریہ سارہ باجی', ['سارہ']],
    ['بلال نے کل کال کی تھی', ['بلال']],
    // Typed on an Arabic keyboard: ي for ی, ه for ہ.
    ['ميرا نام احمد علي هے', ['احمد علي']],
  ])('finds the name in "%s"', (text, names) => {
    expect(persons(text)).toEqual(names);
  });

  it.each(['میرا نام غلط لکھا ہے', 'امی جی نے آرڈر کیا تھا', 'جی سر، میں ابھی چیک کرتا ہوں', 'بینک نے کل پیسے واپس کر دیے'])(
    'finds no name in "%s"',
    (text) => {
      expect(persons(text)).toEqual([]);
    },
  );

  it('redacts a conversation the language stage reads as Urdu', async () => {
    const { stored, texts } = await stagedAndRedacted('ur1', [
      ['user', 'السلام علیکم، میرا نام احمد علی ہے اور میرا آرڈر ابھی تک نہیں آیا'],
      ['assistant', 'جناب احمد علی، آپ کا آرڈر کل پہنچ جائے گا۔'],
    ]);
    expect(stored).toBe('ur');
    expect(texts.join('\n')).not.toContain('احمد');
  });

  it('meets the bar on its labelled text', async () => {
    await expectLanguageCorpusBar(['ur'], 15);
  });
});
