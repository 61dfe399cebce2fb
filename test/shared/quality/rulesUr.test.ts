import { SCREENED_LANGUAGES } from '../../../src/shared/quality/languages';
import { isCustomerQuestion, replyRuleFor } from '../../../src/shared/quality/rules';
import { isAbusiveReply } from './helpers';

/**
 * Urdu is typed in Urdu letters or on an Arabic keyboard (ي, ك, ه for ی, ک, ہ), and ends its
 * sentences with "۔": all read the same.
 */
const abusive = (text: string) => isAbusiveReply('ur', text);

describe('phrase rules in Urdu', () => {
  it('screens ur', () => {
    expect(SCREENED_LANGUAGES).toContain('ur');
  });

  it.each([
    ['میں آپ کو بلنگ ٹیم سے جوڑ رہا ہوں، براہ کرم انتظار کریں۔', 'handoff'],
    ['آپ کی شکایت ہم نے متعلقہ شعبے کو بھیج دی ہے، وہ جلد آپ سے رابطہ کریں گے۔', 'handoff'],
    ['اس کے لیے آپ کو اپنے بینک سے رابطہ کرنا ہوگا۔', 'handoff'],
    ['آپ کو ہونے والی زحمت کے لیے ہم معذرت خواہ ہیں۔', 'apology-only'],
    ['جو کچھ ہوا اس پر ہم واقعی شرمندہ ہیں۔', 'apology-only'],
    // Arabic-keyboard letters.
    ['تاخير کے لئے معذرت۔', 'apology-only'],
    ['معذرت، آپ کے پیسے آج آپ کے اکاؤنٹ میں واپس آ گئے ہیں۔', undefined],
    // "But" opens a clause of its own: the answer after the apology counts.
    ['معذرت لیکن آپ کا پارسل کل صبح پہنچ جائے گا۔', undefined],
    ['میں سرمایہ کاری کے بارے میں مشورہ نہیں دے سکتا۔', 'out-of-scope'],
    ['یہ میرے دائرہ کار سے باہر ہے۔', 'out-of-scope'],
    ['یہ منحصر ہے۔', 'ambiguous'],
    ['سچ پوچھیں تو پتا نہیں جی۔', 'ambiguous'],
    ['اگر آپ کو سائز کا یقین نہیں ہے تو پروڈکٹ صفحے پر سائز چارٹ دیکھیں۔', undefined],
    ['بالکل', 'short-reply'],
  ])('reply "%s" breaks %s', (text, rule) => {
    expect(replyRuleFor(text, { language: 'ur' })).toBe(rule);
  });

  it('reads requests, and a name, an order number or a confirmation as no problem', () => {
    expect(isCustomerQuestion('میرا آرڈر ابھی تک نہیں آیا', 'ur')).toBe(true);
    expect(isCustomerQuestion('میرا سبسکرپشن منسوخ کر دیں', 'ur')).toBe(true);
    expect(isCustomerQuestion('شکریہ', 'ur')).toBe(false);
    expect(isCustomerQuestion('آرڈر نمبر 45821', 'ur')).toBe(false);
    expect(isCustomerQuestion('میرا نام عائشہ خان ہے', 'ur')).toBe(false);
    expect(isCustomerQuestion('جی ہاں یہی ای میل درست ہے', 'ur')).toBe(false);
  });

  it('takes insults, not the everyday words they are made of, for abuse', () => {
    expect(abusive('بیوقوف، پیغام دوبارہ پڑھو۔')).toBe(true);
    expect(abusive('کتنی بار بتاؤں؟ پاگل ہو کیا؟ احمق!')).toBe(true);
    expect(abusive('کتوں اور بلیوں کا کھانا رعایت پر دستیاب ہے۔')).toBe(false);
    expect(abusive('اس ہفتے کتے کے پٹے پر بیس فیصد رعایت ہے۔')).toBe(false);
  });
});
