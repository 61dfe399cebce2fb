import { SCREENED_LANGUAGES } from '../../../src/shared/quality/languages';
import { isCustomerQuestion, replyRuleFor } from '../../../src/shared/quality/rules';
import { isAbusiveReply } from './helpers';

/**
 * Hindi in Devanagari: a vowel sign is part of its word (no entry matches inside a longer word),
 * the danda ends a sentence, and the nukta and chandrabindu are read whether written or not.
 */
const abusive = (text: string) => isAbusiveReply('hi', text);

describe('phrase rules in Hindi', () => {
  it('screens hi', () => {
    expect(SCREENED_LANGUAGES).toContain('hi');
  });

  it.each([
    ['मैं आपको बिलिंग टीम से जोड़ रहा हूँ, कृपया प्रतीक्षा करें।', 'handoff'],
    ['इसके लिए आपको हमारी बिलिंग टीम से बात करनी होगी।', 'handoff'],
    ['असुविधा के लिए हमें खेद है।', 'apology-only'],
    // Without the nukta, as often typed.
    ['देरी के लिए माफी चाहते हैं', 'apology-only'],
    ['माफ़ी चाहते हैं, आपका नया कार्ड कल तक पहुँच जाएगा।', undefined],
    ['मैं निवेश संबंधी सलाह नहीं दे सकता।', 'out-of-scope'],
    ['यह निर्भर करता है।', 'ambiguous'],
    ['पता नहीं जी।', 'ambiguous'],
    ['अगर आपको साइज़ के बारे में पक्का नहीं पता, तो प्रोडक्ट पेज पर साइज़ चार्ट देखें।', undefined],
    // "We will contact you" is the same team answering, no hand-off.
    ['हम आपसे कल संपर्क करेंगे और रिफंड की पुष्टि करेंगे।', undefined],
    ['जी', 'short-reply'],
  ])('reply "%s" breaks %s', (text, rule) => {
    expect(replyRuleFor(text, { language: 'hi' })).toBe(rule);
  });

  it('reads requests, and a name given as no statement of a problem', () => {
    expect(isCustomerQuestion('मेरा ऑर्डर अभी तक नहीं आया', 'hi')).toBe(true);
    expect(isCustomerQuestion('पासवर्ड रीसेट करना है', 'hi')).toBe(true);
    expect(isCustomerQuestion('धन्यवाद', 'hi')).toBe(false);
    expect(isCustomerQuestion('ऑर्डर नंबर 45821 है', 'hi')).toBe(false);
    expect(isCustomerQuestion('मेरा नाम राहुल शर्मा है', 'hi')).toBe(false);
    expect(isCustomerQuestion('मेरा नाम बदलना है', 'hi')).toBe(true);
  });

  it('takes insults, not the everyday words they are made of, for abuse', () => {
    expect(abusive('तुम बेवकूफ हो, मैसेज दोबारा पढ़ो।')).toBe(true);
    expect(abusive('कितनी बार बताऊँ, पागल हो क्या?')).toBe(true);
    expect(abusive('हमारे पास गधे के दूध से बना साबुन भी है।')).toBe(false);
    expect(abusive('कुत्तों के लिए नया खाना स्टॉक में आ गया है।')).toBe(false);
  });

  it('matches no entry inside a longer word: a vowel sign belongs to its word', () => {
    // "गलत" (wrong) is a request word; "गलती मेरी थी" (the mistake was mine) holds it before the vowel sign ी.
    expect(isCustomerQuestion('गलती मेरी थी', 'hi')).toBe(false);
    expect(isCustomerQuestion('गलत साइज़ आया', 'hi')).toBe(true);
  });
});
