import { createLocalDetector, createRedactionStage, detectLocal } from '../../../src/shared/quality/pii/redact';
import { detectStructured, foldDigits } from '../../../src/shared/quality/pii/structured';
import { conversation } from './helpers';

/**
 * QA (multilingual pass): a phone or card number written in the digits of the customer's script,
 * or with the dashes Japanese and typeset text put between digit groups, reached training text
 * untouched; the same number in ASCII digits was redacted.
 */
const found = (text: string) => detectLocal(text).map((s) => [s.type, s.value]);

describe('structured PII written with digits of other scripts', () => {
  it.each([
    ['رقم جوالي ٠٥٠١٢٣٤٥٦٧ ، لا أستطيع تسجيل الدخول', 'PHONE', '٠٥٠١٢٣٤٥٦٧'], // Arabic-Indic
    ['شماره من ۰۹۱۲۳۴۵۶۷۸۹ است', 'PHONE', '۰۹۱۲۳۴۵۶۷۸۹'], // Persian
    ['ถูกตัดเงินสองครั้งเบอร์โทร๐๘๑๒๓๔๕๖๗๘ช่วยคืนเงิน', 'PHONE', '๐๘๑๒๓๔๕๖๗๘'], // Thai, no spaces
    ['मेरा मोबाइल +९१ ९१२३४ ५६७८९ है', 'PHONE', '+९१ ९१२३४ ५६७८९'], // Devanagari
    ['رقم البطاقة ٤١١١ ١١١١ ١١١١ ١١١١ هل تم الخصم؟', 'CARD', '٤١١١ ١١١١ ١١١١ ١١١١'],
    ['連絡先は090ー8765ー4321です。', 'PHONE', '090ー8765ー4321'], // katakana prolonged sound mark
    ['電話は03‐1234‐5678です。', 'PHONE', '03‐1234‐5678'], // U+2010 hyphen
    ['call me on 07700–900123 please', 'PHONE', '07700–900123'], // en dash
  ])('%s', (text, type, value) => {
    expect(found(text)).toEqual([[type, value]]);
  });

  it('finds them where the same number in ASCII digits is found, and nothing else', () => {
    expect(found('order ١٢٣٤٥ arrives in ٣ days')).toEqual([]);
    expect(found('pages 10–20 of the manual')).toEqual([]);
    expect(found('the 2026ー03ー01 delivery')).toEqual([]);
  });

  it('folds character for character, so spans keep their place in the text', () => {
    const text = 'هاتفي ٠٥٠١٢٣٤٥٦٧ شكرا';
    expect(foldDigits(text)).toBe('هاتفي 0501234567 شكرا');
    expect(foldDigits(text)).toHaveLength(text.length);
    const [span] = detectStructured(text);
    expect(text.slice(span.start, span.end)).toBe('٠٥٠١٢٣٤٥٦٧');
    expect(foldDigits('plain 0501234567')).toBe('plain 0501234567');
  });

  it('redacts them in a conversation', async () => {
    const stage = createRedactionStage({ detector: createLocalDetector() });
    const result = await stage.apply(
      conversation('c1', [
        ['user', 'رقم جوالي ٠٥٠١٢٣٤٥٦٧ ، لا أستطيع تسجيل الدخول إلى حسابي، ماذا أفعل؟'],
        ['assistant', 'يرجى إعادة تعيين كلمة المرور من صفحة تسجيل الدخول.'],
      ]),
    );
    if (result.action !== 'keep') throw new Error('dropped');
    expect(result.conversation.turns[0].content).toBe('رقم جوالي [PHONE_1] ، لا أستطيع تسجيل الدخول إلى حسابي، ماذا أفعل؟');
  });
});
