import { SCREENED_LANGUAGES } from '../../../src/shared/quality/languages';
import { isCustomerQuestion, replyRuleFor } from '../../../src/shared/quality/rules';
import { isAbusiveReply } from './helpers';

/**
 * Hebrew glues "and", "the", "to", "from" and "that" to the next word ("לבנק", "שאין"), and is
 * sometimes written with vowel points: both read as the plain words the lists hold.
 */
const abusive = (text: string) => isAbusiveReply('he', text);

describe('phrase rules in Hebrew', () => {
  it('screens he', () => {
    expect(SCREENED_LANGUAGES).toContain('he');
  });

  it.each([
    ['אני מעביר אותך למחלקת החיובים, רגע בבקשה.', 'handoff'],
    ['בנושא הזה כדאי לפנות ישירות לבנק שלך.', 'handoff'],
    ['נציג מהמחלקה הטכנית יחזור אליך תוך 24 שעות.', 'handoff'],
    ['אנחנו מתנצלים על אי הנוחות.', 'apology-only'],
    ['אנחנו באמת מצטערים על כל מה שקרה.', 'apology-only'],
    // With vowel points (a pointed text spells some words without the vowel letters plain text
    // writes: "עִכּוּב" is "עכוב", not "עיכוב", so only words spelt the same both ways are found).
    ['אֲנַחְנוּ מִתְנַצְּלִים עַל אִי הַנּוֹחוּת.', 'apology-only'],
    ['מצטערים, הכסף הוחזר לחשבון שלך היום.', undefined],
    // Three words answer in Hebrew ("the refund was made today").
    ['מצטערים, ההחזר בוצע היום.', undefined],
    ['אני לא יכול לתת ייעוץ השקעות.', 'out-of-scope'],
    ['אני יכולה לענות רק על שאלות בנוגע להזמנות ומשלוחים.', 'out-of-scope'],
    ['זה תלוי.', 'ambiguous'],
    ['האמת שאין לי מושג.', 'ambiguous'],
    ['אם אתה לא בטוח לגבי המידה, יש טבלת מידות בעמוד המוצר.', undefined],
    // "But" opens a clause of its own: the answer after the apology counts.
    ['מצטערת אבל החבילה שלך תגיע מחר בבוקר.', undefined],
    ['בטח', 'short-reply'],
  ])('reply "%s" breaks %s', (text, rule) => {
    expect(replyRuleFor(text, { language: 'he' })).toBe(rule);
  });

  it('reads requests with their prefixes, and a name or a number given as no problem', () => {
    expect(isCustomerQuestion('ההזמנה שלי עדיין לא הגיעה', 'he')).toBe(true);
    expect(isCustomerQuestion('יש לי בעיה עם החשבון', 'he')).toBe(true);
    expect(isCustomerQuestion('והתקלה חזרה', 'he')).toBe(true);
    expect(isCustomerQuestion('תבטלו לי את המנוי', 'he')).toBe(true);
    expect(isCustomerQuestion('תודה רבה', 'he')).toBe(false);
    expect(isCustomerQuestion('מספר ההזמנה 45821', 'he')).toBe(false);
    expect(isCustomerQuestion('שמי רונית לוי', 'he')).toBe(false);
    // "Thanks for the help" asks for nothing ("עזרה" with its article is not a request).
    expect(isCustomerQuestion('תודה על העזרה', 'he')).toBe(false);
  });

  it('takes insults, not the everyday words they are made of, for abuse', () => {
    expect(abusive('טמבל, תקרא שוב את ההודעה.')).toBe(true);
    expect(abusive('כמה פעמים אני צריך להסביר לך? אתה מפגר?')).toBe(true);
    expect(abusive('אתה ממש חמור.')).toBe(true);
    expect(abusive('מזון לכלבים ולחתולים במבצע השבוע.')).toBe(false);
    expect(abusive('השבוע יש 20% הנחה על קולרים לכלבים.')).toBe(false);
    // A blocked drain, and zero in a number read out.
    expect(abusive('אם הניקוז סתום, הטכנאי יגיע מחר.')).toBe(false);
    expect(abusive('מספר ההזמנה מתחיל באפס אפס שבע.')).toBe(false);
  });
});
