import { SCREENED_LANGUAGES } from '../../../src/shared/quality/languages';
import { isCustomerQuestion, replyRuleFor } from '../../../src/shared/quality/rules';
import { isAbusiveReply } from './helpers';

/**
 * Arabic glues articles and prepositions to the word and is typed with and without hamza, ta
 * marbuta and short vowels: the text and the entries are read folded (أ/إ/آ → ا, ة → ه, ى → ي,
 * no harakat), and the Arabic comma ends a clause.
 */
const abusive = (text: string) => isAbusiveReply('ar', text);

describe('phrase rules in Arabic', () => {
  it('screens ar', () => {
    expect(SCREENED_LANGUAGES).toContain('ar');
  });

  it.each([
    ['سأقوم بتحويلك إلى قسم الفواتير، يرجى الانتظار.', 'handoff'],
    ['راح أحولك لزميلي في قسم المبيعات الحين.', 'handoff'],
    ['تم رفع طلبك للقسم المختص وسيتم التواصل معك قريباً.', 'handoff'],
    ['نعتذر عن الإزعاج.', 'apology-only'],
    // Without hamza or short vowels, as typed in chat.
    ['اعتذر جدا عن التاخير', 'apology-only'],
    ['آسفين جداً على اللي صار.', 'apology-only'],
    // The Arabic comma ends the apology's clause; what follows is an answer.
    ['نعتذر منك، تم استرداد المبلغ إلى بطاقتك.', undefined],
    ['للأسف لا أستطيع تقديم نصائح استثمارية.', 'out-of-scope'],
    ['أنا هنا فقط للإجابة على أسئلة الشحن والطلبات.', 'out-of-scope'],
    ['يعتمد على الحالة.', 'ambiguous'],
    ['والله ما أدري بصراحة.', 'ambiguous'],
    ['ممكن، حسب المخزون.', 'ambiguous'],
    ['إذا لم تكن متأكداً من المقاس، يمكنك مراجعة جدول المقاسات في صفحة المنتج.', undefined],
    // Sending the order somewhere is no hand-off; helping with it is no decline.
    ['تم إرسال طلبك إلى العنوان الجديد.', undefined],
    ['يمكنني مساعدتك في تغيير العنوان الآن.', undefined],
    ['تمام', 'short-reply'],
  ])('reply "%s" breaks %s', (text, rule) => {
    expect(replyRuleFor(text, { language: 'ar' })).toBe(rule);
  });

  it('reads requests with their glued prefixes, and a name and e-mail as no statement of a problem', () => {
    expect(isCustomerQuestion('لم يصلني الطلب حتى الآن', 'ar')).toBe(true);
    expect(isCustomerQuestion('وأريد استرجاع المبلغ', 'ar')).toBe(true);
    expect(isCustomerQuestion('بطاقتي انسحب منها المبلغ مرتين', 'ar')).toBe(true);
    expect(isCustomerQuestion('شكرا جزيلا', 'ar')).toBe(false);
    expect(isCustomerQuestion('الاسم محمد والايميل عندكم', 'ar')).toBe(false);
  });

  it('takes insults, not the everyday words they are made of, for abuse', () => {
    expect(abusive('أنت غبي، اقرأ الرسالة مرة أخرى.')).toBe(true);
    expect(abusive('انت حمار ولا إيه؟')).toBe(true);
    expect(abusive('نبيع طعام الكلاب والقطط بأسعار مخفضة.')).toBe(false);
    expect(abusive('خوّلني المدير بإلغاء الطلب.')).toBe(false);
    expect(abusive('يمكنك وضع الزبالة أمام الباب.')).toBe(false);
  });
});
