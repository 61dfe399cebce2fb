import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { STRUCTURED_TYPES, countWords, loadLabelledText, scoreCorpus } from '../../../src/shared/quality/pii/corpus';
import { createLocalDetector, createRedactionStage, detectLocal } from '../../../src/shared/quality/pii/redact';
import { NAME_DETECTOR_LANGUAGES } from '../../../src/shared/quality/pii/names';
import { isClearlyEnglish } from '../../../src/shared/quality/pii/englishCheck';
import { languageOrEnglish } from '../../../src/shared/quality/pii/nameLanguage';
import { createLanguageStage, type LanguageSummary } from '../../../src/shared/quality/language';
import { detectLanguage } from '../../../src/shared/language/detect';
import { loadSettings } from '../../../src/shared/config/settings';
import { qualityConfig } from '../../../src/shared/composition/config';
import { redactionStage } from '../../../src/shared/quality/stages';
import { conversation } from './helpers';

const MULTILINGUAL = join(__dirname, '../../fixtures/corpora/pii_multilingual');
const ROOT = join(__dirname, '../../..');

async function redact(turns: string[], options: { language?: string; hint?: string } = {}): Promise<string[]> {
  const stage = createRedactionStage({ detector: createLocalDetector(), language: options.hint });
  const convo = conversation(
    'c1',
    turns.map((t, i) => [i % 2 ? 'assistant' : 'user', t] as ['user' | 'assistant', string]),
  );
  const result = await stage.apply(options.language ? { ...convo, language: options.language } : convo);
  if (result.action !== 'keep') throw new Error('dropped');
  return result.conversation.turns.map((t) => t.content);
}

/** The PERSON values English rules find in `text`. */
const names = (text: string) =>
  detectLocal(text, { language: 'en' })
    .filter((s) => s.type === 'PERSON')
    .map((s) => s.value);

describe('known misses and over-redactions (issue #10)', () => {
  it('keeps a country and a number of days out of addresses', async () => {
    const text = 'we ship to Ireland in 3 to 5 working days';
    expect(detectLocal(text, { language: 'en' })).toEqual([]);
    expect(await redact([text])).toEqual([text]);
  });

  it('takes an ordinary word after a given name for the surname, and plurals of ordinary words for no name (QA, 4 December)', () => {
    expect(names('Refund please - Kevin Brown')).toEqual(['Kevin Brown']);
    expect(names('I am Jane Roe.')).toEqual(['Jane Roe']);
    expect(names('Do you deliver on Sundays?')).toEqual([]);
    expect(names('We are closed on Mondays and Tuesdays.')).toEqual([]);
    // A street word after the given name stays a street.
    expect(names('Florence Road is closed today.')).toEqual([]);
  });

  it('keeps brands customers name out of names, and a name next to one is still a name (QA, 4 December)', () => {
    expect(names('Can I pay with PayPal or Klarna?')).toEqual([]);
    expect(names('You can pay with Stripe, Adyen or Klarna.')).toEqual([]);
    expect(names('Is your shop on Shopify?')).toEqual([]);
    expect(names('My parcel from Evri is late, can Hermes deliver it instead?')).toEqual([]);
    expect(names('I paid with Klarna, my name is Maria Lopez.')).toEqual(['Maria Lopez']);
    // A brand that is also a given name stays a name.
    expect(names('Otto will call you back.')).toEqual(['Otto']);
    // Greetings of other languages in a chat read under English rules are no names either.
    expect(names("Bonjour, je m'appelle Pierre Dubois, my order is late.")).toEqual(['Pierre Dubois']);
    expect(names('Merci!')).toEqual([]);
    expect(names('Hola, soy Ana García and I need help')).toEqual(['Ana García']);
  });

  it("keeps the organisation's own brand names given in TUNELOOP_PII_KEEP_WORDS, and still redacts the names next to them", async () => {
    const turns = ['Thanks for contacting Shoply, my name is Anna Berg.', 'Are you with Shoply Pay? I love SHOPLY.'];
    const run = async (env: Record<string, string>) => {
      const stage = redactionStage(qualityConfig(loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true', ...env })).pii);
      if (!stage) throw new Error('no redaction stage');
      const result = await stage.apply(
        conversation('c1', [
          ['user', turns[0]],
          ['user', turns[1]],
        ]),
      );
      if (result.action !== 'keep') throw new Error('dropped');
      return result.conversation.turns.map((t) => t.content);
    };
    // Without the setting an unknown brand after a cue reads as a foreign name.
    expect((await run({}))[0]).toBe('Thanks for contacting [PERSON_1], my name is [PERSON_2].');
    expect(await run({ TUNELOOP_PII_KEEP_WORDS: ' shoply , Pay' })).toEqual([
      'Thanks for contacting Shoply, my name is [PERSON_1].',
      'Are you with Shoply Pay? I love SHOPLY.',
    ]);
  });

  it('gives a person named again by part of the name the same placeholder, unless two people would fit', async () => {
    expect(await redact(['Hallo, hier ist Jürgen Müller.', 'Guten Tag Herr Müller, wie kann ich helfen?'], { hint: 'de' })).toEqual([
      'Hallo, hier ist [PERSON_1].',
      'Guten Tag Herr [PERSON_1], wie kann ich helfen?',
    ]);
    expect(await redact(['Hi, Lisa here.', 'Hello Lisa Meyer, how can I help?'], { hint: 'en' })).toEqual([
      'Hi, [PERSON_1] here.',
      'Hello [PERSON_1], how can I help?',
    ]);
    // Two people would fit "John": a number of its own; two different people stay apart.
    expect(await redact(['My name is John Smith and my husband is John Doe.', 'Thanks John, I will check.'], { hint: 'en' })).toEqual([
      'My name is [PERSON_1] and my husband is [PERSON_2].',
      'Thanks [PERSON_3], I will check.',
    ]);
  });

  it('redacts the town and postcode that follow a street address', async () => {
    expect(await redact(['Please send it to 12 Park Row, Leeds LS2 7EY.'], { hint: 'en' })).toEqual(['Please send it to [ADDRESS_1].']);
    expect(await redact(['Meine Adresse: Lindenstraße 14, 10969 Berlin'], { hint: 'de' })).toEqual(['Meine Adresse: [ADDRESS_1]']);
    // Nor is the person the address is for (QA, 4 December): the address keeps its number in every turn.
    expect(
      await redact(['Send it to 221B Baker Street, London NW1 6XE.', 'Sent to 221B Baker Street, London NW1 6XE, Mr Holmes.'], {
        hint: 'en',
      }),
    ).toEqual(['Send it to [ADDRESS_1].', 'Sent to [ADDRESS_1], Mr [PERSON_1].']);
    // Mid-sentence, a tail with a postcode belongs to the address; a sentence after it does not (QA, 4 December).
    expect(await redact(['Send it to 221B Baker Street, London NW1 6XE please, where is it?'], { hint: 'en' })).toEqual([
      'Send it to [ADDRESS_1] please, where is it?',
    ]);
    expect(await redact(['Bitte an Hauptstraße 5, 10115 Berlin liefern, geht das?'], { hint: 'de' })).toEqual([
      'Bitte an [ADDRESS_1] liefern, geht das?',
    ]);
    expect(await redact(['Bitte liefern an Hauptstraße 5, 10115 Berlin. Geht das?'], { hint: 'de' })).toEqual([
      'Bitte liefern an [ADDRESS_1]. Geht das?',
    ]);
    // A name after the street is not a town.
    expect(
      detectLocal('Please send it to 24 Clarke Avenue, John Smith will sign.', { language: 'en' }).map((s) => [s.type, s.value]),
    ).toEqual([
      ['ADDRESS', '24 Clarke Avenue'],
      ['PERSON', 'John Smith'],
    ]);
  });

  it('does not take "via email" or a German year for an address', () => {
    expect(detectLocal('Can you send the invoice via email please?', { language: 'en' })).toEqual([]);
    expect(detectLocal('Im Jahr 2024 habe ich zwei Bestellungen aufgegeben.', { language: 'de' })).toEqual([]);
  });
});

describe('names per language', () => {
  it('leaves German nouns alone (issue #12), with the language given or detected', async () => {
    const sentence = 'Ich werde Ihnen bei der Lösung des Problems helfen.';
    expect(detectLocal(sentence, { language: 'de' })).toEqual([]);
    // The stage detects the conversation's language when no hint is given.
    const turns = ['Hallo, mein Paket ist seit einer Woche unterwegs und kommt nicht an.', sentence];
    expect(await redact(turns)).toEqual(turns);
    // With the English rules the same nouns would be names: this is what the language check prevents.
    expect(detectLocal(sentence, { language: 'en' }).length).toBeGreaterThan(0);
  });

  it('finds names through forms of address and phrases of each language', async () => {
    expect(await redact(['Guten Tag, mein Name ist Anneliese Brückner.', 'Vielen Dank, Frau Brückner.'], { hint: 'de' })).toEqual([
      'Guten Tag, mein Name ist [PERSON_1].',
      'Vielen Dank, Frau [PERSON_1].',
    ]);
    expect(await redact(["Bonjour, je m'appelle Gaëlle Lemarchand."], { hint: 'fr' })).toEqual(["Bonjour, je m'appelle [PERSON_1]."]);
    expect(await redact(['O Sr. Anselmo Rebelo assinou a entrega.'], { hint: 'pt' })).toEqual(['O Sr. [PERSON_1] assinou a entrega.']);
  });

  it('gives a language the name detector does not cover structured redaction only', async () => {
    // Estonian (no name rules here): the phone and the e-mail go, the names stay (no English
    // model on them). (Swedish, Korean and Thai, the examples before, have name rules now.)
    const estonian = 'Tere, minu nimi on Mari Tamm, telefon +372 5123 4567, e-post mari.tamm@example.ee';
    expect(NAME_DETECTOR_LANGUAGES).not.toContain('et');
    expect(await redact([estonian], { language: 'et' })).toEqual(['Tere, minu nimi on Mari Tamm, telefon [PHONE_1], e-post [EMAIL_1]']);
    // The language stage stores the code; a detection result stored instead is read too.
    const stage = createRedactionStage({ detector: createLocalDetector() });
    const stored = {
      ...conversation('c2', [['user', 'Hello, minu nimi on Mari Tamm']]),
      language: { code: 'et', confidence: 0.9, reliable: true },
    };
    const kept = await stage.apply(stored as unknown as Parameters<typeof stage.apply>[0]);
    expect(kept.action === 'keep' && kept.conversation.turns[0].content).toBe('Hello, minu nimi on Mari Tamm');
    // An explicit hint wins over the conversation's own field.
    expect(await redact(['Hi, my name is Karin Lindqvist.'], { language: 'et', hint: 'en' })).toEqual(['Hi, my name is [PERSON_1].']);
    // The Thai example this test used before now loses its name too.
    const thai = 'สวัสดีครับ ผมชื่อสมชาย ใจดี โทร +66 81 234 5678 หรืออีเมล somchai@example.co.th';
    expect(await redact([thai], { language: 'th' })).toEqual(['สวัสดีครับ ผมชื่อ[PERSON_1] โทร [PHONE_1] หรืออีเมล [EMAIL_1]']);
  });

  it('redacts structured values in national formats whatever the language', () => {
    const cases: [string, string, string][] = [
      ['fr', 'Appelez-moi au 06 12 34 56 78 svp', '06 12 34 56 78'],
      ['pt', 'Meu celular é +55 11 91234-5678.', '+55 11 91234-5678'],
      ['nl', 'Bel mij op 06-12345678 alstublieft', '06-12345678'],
      ['de', 'Erreichbar unter 0171 2345678.', '0171 2345678'],
      ['ja', '電話 +81 90-1234-5678 まで', '+81 90-1234-5678'],
    ];
    for (const [language, text, phone] of cases) {
      expect({ language, spans: detectLocal(text, { language }).map((s) => [s.type, s.value]) }).toEqual({
        language,
        spans: [['PHONE', phone]],
      });
    }
    expect(detectLocal('IBAN ES91 2100 0418 4502 0005 1332', { language: 'ja' }).map((s) => s.type)).toEqual(['IBAN']);
  });

  it('finds structured values written into Japanese, Korean and Thai text without spaces, and no more than the value', async () => {
    const cases: [string, string, string, string][] = [
      ['ja', '電話は090-1234-5678です。荷物が届きません。', 'PHONE', '090-1234-5678'],
      ['ja', '電話は+81 90-1234-5678です。', 'PHONE', '+81 90-1234-5678'],
      ['ja', 'メールはtaro@example.jpです。荷物が届きません。', 'EMAIL', 'taro@example.jp'],
      ['ja', 'メールはtaro@例え.jpです。', 'EMAIL', 'taro@例え.jp'],
      ['zh', '我的邮箱是wang.li@example.cn谢谢', 'EMAIL', 'wang.li@example.cn'],
      ['ko', '전화는010-1234-5678입니다', 'PHONE', '010-1234-5678'],
      ['ko', '메일은taro@example.kr입니다', 'EMAIL', 'taro@example.kr'],
      ['th', 'โทร081-234-5678ครับ', 'PHONE', '081-234-5678'],
      ['ja', 'カード4111111111111111で払いました', 'CARD', '4111111111111111'],
      ['ja', 'IBANはES9121000418450200051332です', 'IBAN', 'ES9121000418450200051332'],
      ['ja', 'SSNは123-45-6789です', 'SSN', '123-45-6789'],
      ['ja', 'IPは2001:db8::1です', 'IP', '2001:db8::1'],
      ['ja', 'リセットはhttps://example.com/reset?token=abcd1234です。', 'URL', 'https://example.com/reset?token=abcd1234'],
    ];
    for (const [language, text, type, value] of cases) {
      expect({ text, spans: detectLocal(text, { language }).map((s) => [s.type, s.value]) }).toEqual({ text, spans: [[type, value]] });
    }
    // Through the stage, with the language detected: the Japanese around the value stays.
    expect(await redact(['電話は090-1234-5678です。荷物が届きません。', '明日お届けします。'])).toEqual([
      '電話は[PHONE_1]です。荷物が届きません。',
      '明日お届けします。',
    ]);
    expect(await redact(['電話は+81 90-1234-5678です。', '承知しました。確認いたします。'])).toEqual([
      '電話は[PHONE_1]です。',
      '承知しました。確認いたします。',
    ]);
    expect(await redact(['メールはtaro@example.jpです。荷物が届きません。', '確認いたします。'])).toEqual([
      'メールは[EMAIL_1]です。荷物が届きません。',
      '確認いたします。',
    ]);
    // Letters of scripts written with spaces (and digits) still make one word with the number.
    for (const text of ['ABC0901234567', 'Order 0901234567X', 'taro@example.jp2', 'Nr.№0901234567ü', 'код0901234567']) {
      expect({ text, spans: detectLocal(text, { language: 'en', names: false, addresses: false }) }).toEqual({ text, spans: [] });
    }
    // A path in Japanese is part of the link; the extension of a number needs no i flag.
    expect(detectLocal('https://ja.wikipedia.org/wiki/東京?token=abcdef12', { language: 'ja' }).map((s) => s.value)).toEqual([
      'https://ja.wikipedia.org/wiki/東京?token=abcdef12',
    ]);
    expect(detectLocal('Call 555-123-4567 EXT 12 now', { language: 'en' }).map((s) => s.value)).toEqual(['555-123-4567 EXT 12']);
  });

  it('meets recall and precision floors per language on hand-labelled text, with at most 1 false placeholder per 1,000 words', async () => {
    if (!existsSync(MULTILINGUAL)) throw new Error(`${MULTILINGUAL} not found`);
    const report: Record<string, unknown> = {};
    for (const language of ['de', 'fr', 'es', 'it', 'pt', 'nl']) {
      const text = await loadLabelledText(join(MULTILINGUAL, `${language}.txt`));
      expect(text.labelled.length).toBeGreaterThanOrEqual(12);
      const score = scoreCorpus(
        text.labelled,
        text.labelled.map((item) => detectLocal(item.full_text, { language })),
      );
      const words = text.nameFree.reduce((n, t) => n + countWords(t), 0);
      const falsePlaceholders = text.nameFree.flatMap((t) => detectLocal(t, { language }).map((s) => `${s.type}:${s.value}`));
      report[language] = { PERSON: score.PERSON, ADDRESS: score.ADDRESS, words, falsePlaceholders };
      expect(words).toBeGreaterThanOrEqual(350);
      expect({ language, PERSON_recall: score.PERSON.recall >= 0.85 }).toEqual({ language, PERSON_recall: true });
      expect({ language, PERSON_precision: score.PERSON.precision >= 0.9 }).toEqual({ language, PERSON_precision: true });
      expect({ language, ADDRESS_recall: score.ADDRESS.recall >= 0.85 }).toEqual({ language, ADDRESS_recall: true });
      expect({ language, ADDRESS_precision: score.ADDRESS.precision >= 0.9 }).toEqual({ language, ADDRESS_precision: true });
      for (const type of STRUCTURED_TYPES.filter((t) => score[t].gold)) {
        expect({ language, type, recall: score[type].recall }).toEqual({ language, type, recall: 1 });
      }
      expect({ language, falsePlaceholders }).toEqual({
        language,
        falsePlaceholders: falsePlaceholders.slice(0, Math.floor(words / 1000)),
      });
    }
    console.log(JSON.stringify(report));
  });
});

describe('short English text that tinyld takes for a language without name rules', () => {
  // tinyld guesses Afrikaans (unsure) for this customer turn; the language stage used to store
  // `af`, and the PII stage followed it: no name rules, the names went to training.
  const turns = ['I was billed twice, my name is Pierre Martin', 'Refunded the second charge, Pierre.'];

  it('is redacted with the English rules after the language stage, as without it', async () => {
    const languageStage = createLanguageStage();
    const staged = await languageStage.apply(
      conversation('pm-1', [
        ['user', turns[0]],
        ['assistant', turns[1]],
      ]),
    );
    if (staged.action !== 'keep') throw new Error('dropped');
    expect(staged.conversation.language).toBe('en');
    expect((languageStage.summary!() as LanguageSummary).conversations).toEqual({ en: 1 });
    const stage = createRedactionStage({ detector: createLocalDetector() });
    const redacted = await stage.apply(staged.conversation);
    if (redacted.action !== 'keep') throw new Error('dropped');
    expect(redacted.conversation.turns.map((t) => t.content)).toEqual([
      'I was billed twice, my name is [PERSON_1]',
      'Refunded the second charge, [PERSON_1].',
    ]);
    // The stage's own detection (no language stage) gives the same.
    expect(await redact(turns)).toEqual(['I was billed twice, my name is [PERSON_1]', 'Refunded the second charge, [PERSON_1].']);
    // So does a stored detection result the detector was unsure of.
    const unsure = await stage.apply({
      ...conversation('pm-2', [['user', turns[0]]]),
      language: { code: 'af', confidence: 0.08, reliable: false },
    } as unknown as Parameters<typeof stage.apply>[0]);
    expect(unsure.action === 'keep' && unsure.conversation.turns[0].content).toBe('I was billed twice, my name is [PERSON_1]');
  });

  it('is the rule for Latin letters only: short text in another script keeps its guess, a reliable answer is followed', () => {
    expect(detectLanguage(turns[0])).toMatchObject({ code: 'af', reliable: false });
    expect(languageOrEnglish(detectLanguage(turns[0]), turns[0])).toBe('en');
    expect(languageOrEnglish({ code: 'ja', reliable: false }, '承知しました。')).toBe('ja');
    expect(languageOrEnglish({ code: 'ru', reliable: false }, 'Спасибо')).toBe('ru');
    expect(languageOrEnglish({ code: 'sv', reliable: true }, 'Hej, jag heter Karin Lindqvist.')).toBe('sv');
    expect(languageOrEnglish({ code: 'de', reliable: false }, 'Danke')).toBe('de');
    expect(languageOrEnglish({ code: 'und', reliable: false }, '')).toBe('und');
  });
});

describe('the clearly-English shortcut before language detection', () => {
  it('never takes a line of the other languages for English, and takes most English customer turns', async () => {
    for (const language of ['de', 'fr', 'es', 'it', 'pt', 'nl', 'ru', 'uk', 'pl', 'tr', 'el', 'vi', 'hi', 'ja']) {
      const text = await loadLabelledText(join(MULTILINGUAL, `${language}.txt`));
      const lines = [...text.nameFree, ...text.labelled.map((i) => i.full_text)];
      expect({ language, english: lines.filter(isClearlyEnglish) }).toEqual({ language, english: [] });
      // Nor the whole text at once (a conversation's sample).
      expect(isClearlyEnglish(lines.join('\n').slice(0, 300))).toBe(false);
    }
    const english = [
      'Hi, I ordered a blender two weeks ago and it has not arrived yet. Can you check where it is?',
      'Thanks for waiting. I can see that your order was shipped yesterday and should arrive on Friday.',
      'I would like to cancel my subscription please, the app keeps crashing when I open it.',
    ];
    expect(english.filter(isClearlyEnglish)).toEqual(english);
    expect(isClearlyEnglish('ok thanks')).toBe(false);
  });
});

describe('loading', () => {
  it('does not load the NLP taggers when the redaction module is imported or used with the default recogniser', () => {
    const dist = join(ROOT, 'dist', 'src', 'shared', 'quality', 'pii', 'redact.js');
    if (!existsSync(dist)) throw new Error(`${dist} not found: run npm run build first (npm test does)`);
    const script = `
      const { detectLocal } = require(${JSON.stringify(dist)});
      const loaded = () => Object.keys(require.cache).filter((k) => /node_modules[\\\\/](wink-nlp|compromise|wink-eng-lite-web-model)[\\\\/]/.test(k)).length;
      const atImport = loaded();
      detectLocal('Hi, I am John Smith', { language: 'en' });
      console.log(JSON.stringify({ atImport, afterUse: loaded() }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' })) as {
      atImport: number;
      afterUse: number;
    };
    expect(out).toEqual({ atImport: 0, afterUse: 0 });
  });
});
