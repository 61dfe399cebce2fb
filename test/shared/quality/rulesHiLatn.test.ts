import { SCREENED_LANGUAGES } from '../../../src/shared/quality/languages';
import { createReplyRulesStage, isCustomerQuestion, replyRuleFor } from '../../../src/shared/quality/rules';
import { createLanguageStage } from '../../../src/shared/quality/language';
import { conversation, isAbusiveReply } from './helpers';
import { stagedAndRedacted } from './languageCorpusBar';

/**
 * Hindi typed in Latin letters (`hi-Latn`), mixed with English as it is in Indian support chat:
 * the language stage tells it (tinyld answered Latin, Irish or Finnish, languages without rules),
 * its reply rules are the English lists with the Hindi added, and names after its own cues are
 * redacted whatever their case.
 */
const abusive = (text: string) => isAbusiveReply('hi-Latn', text);

describe('phrase rules in romanized Hindi', () => {
  it('screens hi-Latn', () => {
    expect(SCREENED_LANGUAGES).toContain('hi-Latn');
  });

  it.each([
    ['main aapko billing team se connect kar raha hoon, thoda wait kijiye.', 'handoff'],
    ['aapki complaint humne senior team ko forward kar di hai, wo aapse 24 ghante mein baat karenge.', 'handoff'],
    ['iske liye aapko apne bank se contact karna hoga.', 'handoff'],
    ['aapko hui asuvidha ke liye hum kshama chahte hain.', 'apology-only'],
    ['bahut bahut sorry sir ji.', 'apology-only'],
    // English lists apply too.
    ['Sorry for the inconvenience.', 'apology-only'],
    ['maaf kijiye, aapka refund kal tak account mein aa jayega.', undefined],
    ['sorry for the delay, aapka parcel aaj shaam tak deliver ho jayega.', undefined],
    ['main investment ke baare mein salah nahi de sakta.', 'out-of-scope'],
    ['main sirf orders aur delivery ke baare mein hi madad kar sakti hoon.', 'out-of-scope'],
    ['shayad, stock pe depend karta hai.', 'ambiguous'],
    ['sach kahun to pakka nahi keh sakta.', 'ambiguous'],
    ['agar size sahi nahi hai to aap 7 din mein exchange kar sakte hain.', undefined],
    // "lekin" (but) opens a clause of its own: the answer after the apology counts.
    ['sorry sir lekin aapka order kal pahunch jayega.', undefined],
  ])('reply "%s" breaks %s', (text, rule) => {
    expect(replyRuleFor(text, { language: 'hi-Latn' })).toBe(rule);
  });

  it('reads requests, and a name, an e-mail or thanks as no problem', () => {
    expect(isCustomerQuestion('mera order abhi tak nahi aaya', 'hi-Latn')).toBe(true);
    expect(isCustomerQuestion('paise wapas karo', 'hi-Latn')).toBe(true);
    expect(isCustomerQuestion('otp nhi aaya', 'hi-Latn')).toBe(true);
    expect(isCustomerQuestion('mera naam priya verma hai', 'hi-Latn')).toBe(false);
    expect(isCustomerQuestion('mera email rahul.k@gmail.com hai', 'hi-Latn')).toBe(false);
    expect(isCustomerQuestion('theek hai, dhanyavaad', 'hi-Latn')).toBe(false);
  });

  it('takes insults, not the everyday words they are made of, for abuse', () => {
    expect(abusive('tu pagal hai kya? kitni baar samjhaun, chutiya.')).toBe(true);
    expect(abusive('dimag kharab hai kya tera? bewakoof.')).toBe(true);
    expect(abusive('kutte ka khana aur belt 20% off pe hai.')).toBe(false);
    expect(abusive('kutte ke liye naya collar stock mein aa gaya hai.')).toBe(false);
  });
});

describe('a conversation in romanized Hindi', () => {
  it('is told by the language stage and screened: an apology-only reply drops it', async () => {
    const staged = await createLanguageStage().apply(
      conversation('hl1', [
        ['user', 'mera order abhi tak nahi aaya, kab aayega?'],
        ['assistant', 'aapko hui asuvidha ke liye hum kshama chahte hain.'],
      ]),
    );
    if (staged.action !== 'keep') throw new Error('dropped by the language stage');
    expect(staged.conversation.language).toBe('hi-Latn');
    const stage = createReplyRulesStage();
    expect(await stage.apply(staged.conversation)).toMatchObject({ action: 'drop', reason: 'apology-only' });
    expect(stage.summary!().notScreened).toEqual({});
  });

  it('has its names redacted after its own cues, in lower case too, and where they come again', async () => {
    const { stored, texts } = await stagedAndRedacted('hl2', [
      ['user', 'namaste, mera naam rahul sharma hai, mera order abhi tak nahi aaya'],
      ['assistant', 'Priya ji, aapka refund kal tak aa jayega.'],
      ['user', 'main anjali bol rahi hoon, rahul ki wife, paise kab milenge?'],
      ['assistant', 'Anjali ji, aapka refund process ho gaya hai.'],
    ]);
    expect(stored).toBe('hi-Latn');
    expect(texts.join('\n')).not.toMatch(/rahul|sharma|priya|anjali/i);
    // "mera naam galat likha hai" (my name is spelt wrong) names no one.
    const { texts: wrong } = await stagedAndRedacted('hl3', [
      ['user', 'mera naam galat likha hai invoice pe, kya aap badal sakte hain?'],
      ['assistant', 'ji, main abhi theek kar deta hoon.'],
    ]);
    expect(wrong[0]).toContain('mera naam galat likha hai');
  });
});
