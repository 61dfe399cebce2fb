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

/**
 * QA (languages pass): an Indian mobile number in its usual national form, 5 + 5 digits
 * ("98765 43210"), was not found, in ASCII or Devanagari digits: two digit groups with a first one
 * longer than 4 digits are taken for a house or postal number. Ten digits starting 6–9 in that shape
 * are a mobile; other 5 + 5 shapes stay rejected.
 */
describe('Indian mobile numbers written 5 + 5', () => {
  it.each([
    ['my number is 98765 43210', '98765 43210'],
    ['call 70123-45678 after 6', '70123-45678'],
    ['or 098765 43210 from a landline', '098765 43210'],
    ['+91 98765 43210 is my WhatsApp', '+91 98765 43210'],
    ['मेरा नंबर ९८७६५ ४३२१० है', '९८७६५ ४३२१०'],
    ['मेरा नंबर 98765 43210 है', '98765 43210'],
    ['ਮੇਰਾ ਨੰਬਰ ੯੮੭੬੫ ੪੩੨੧੦ ਹੈ', '੯੮੭੬੫ ੪੩੨੧੦'], // Gurmukhi digits
  ])('%s', (text, value) => {
    expect(found(text)).toEqual([['PHONE', value]]);
  });

  it.each([
    'Invalidenstraße, 10115 12345 is the customer number', // Berlin postcode + a number
    'ids 12345 67890 and 55555 12345',
    'the parcel weighed 98765.43210 grams',
    '98765 4321 is too short for a mobile', // 5 + 4
    '98765 432109 has six after the space', // 5 + 6
    '987654 32109 groups 6 + 5',
    '१०११५ १२३४५ in Devanagari', // 5 + 5, first digit 1
  ])('not in %s', (text) => {
    expect(found(text)).toEqual([]);
  });
});

describe('structured PII typed right against Arabic, Hebrew or Indic letters (QA, 4 December)', () => {
  it.each([
    ['هاتفي +966501234567شكرا أين الطلب؟', 'PHONE', '+966501234567'],
    ['المايل jane.doe@example.comشكرا', 'EMAIL', 'jane.doe@example.com'],
    ['המיילdana@example.co.ilתודה', 'EMAIL', 'dana@example.co.il'],
    ['מספר הטלפון שלי052-1234567תודה', 'PHONE', '052-1234567'],
    ['मेरा नंबर9876543210 है', 'PHONE', '9876543210'],
    ['IBAN SA0380000000608010167519شكرا', 'IBAN', 'SA0380000000608010167519'],
  ])('%s', (text, type, value) => {
    expect(found(text)).toEqual([[type, value]]);
  });

  it('still takes Latin letters and digits next to a value for one word with it', () => {
    expect(found('call ABC0901234567 now')).toEqual([]);
    expect(found('mail taro@example.jp2')).toEqual([]);
    expect(found('иван@пример.рф пишите')).toEqual([['EMAIL', 'иван@пример.рф']]);
  });
});

/**
 * Cleaning keeps the full-width punctuation Chinese and Japanese are written with (it used to make
 * it ASCII with NFKC): an address or number written with it must be found as its NFKC form was.
 */
describe('structured PII written with full-width punctuation', () => {
  it.each([
    ['メールはtaro＠example．comです。', 'EMAIL', 'taro＠example．com'],
    ['邮箱：wang.fang＠example．cn，谢谢！', 'EMAIL', 'wang.fang＠example．cn'],
    ['電話：（03）1234-5678までお願いします。', 'PHONE', '（03）1234-5678'],
    ['携帯は090－1234－5678です', 'PHONE', '090－1234－5678'],
    ['电话：＋86　138 0013 8000，谢谢', 'PHONE', '＋86　138 0013 8000'],
    ['カード番号は4111－1111－1111－1111です', 'CARD', '4111－1111－1111－1111'],
    ['リセット：https://example.com/reset？token＝a1b2c3d4e5 （24時間有効）', 'URL', 'https://example.com/reset？token＝a1b2c3d4e5'],
  ])('%s', (text, type, value) => {
    expect(found(text)).toEqual([[type, value]]);
    // As its NFKC form is (what cleaning gave before), at the same place.
    expect(found(text.normalize('NFKC'))).toEqual([[type, value.normalize('NFKC')]]);
  });

  it('redacts them in a conversation, punctuation around them kept', async () => {
    const stage = createRedactionStage({ detector: createLocalDetector() });
    const result = await stage.apply(
      conversation('c1', [
        ['user', '您好，我的邮箱是wang.fang＠example．cn，电话（010）6552-9988，订单还没到？'],
        ['assistant', '您好！已为您查询：订单今天发货。'],
      ]),
    );
    if (result.action !== 'keep') throw new Error('dropped');
    expect(result.conversation.turns[0].content).toBe('您好，我的邮箱是[EMAIL_1]，电话[PHONE_1]，订单还没到？');
  });

  it('gives an address written with full-width punctuation and in ASCII one placeholder', async () => {
    const stage = createRedactionStage({ detector: createLocalDetector() });
    const result = await stage.apply(
      conversation('c2', [
        ['user', '我的邮箱是wang.fang＠example．cn，请发到这里。'],
        ['assistant', '好的，已发送到wang.fang@example.cn，请查收。'],
      ]),
    );
    if (result.action !== 'keep') throw new Error('dropped');
    expect(result.conversation.turns.map((t) => t.content)).toEqual([
      '我的邮箱是[EMAIL_1]，请发到这里。',
      '好的，已发送到[EMAIL_1]，请查收。',
    ]);
  });
});
