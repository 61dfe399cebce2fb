import { SCREENED_LANGUAGES } from '../../../src/shared/quality/languages';
import { isCustomerQuestion, replyRuleFor } from '../../../src/shared/quality/rules';
import { isAbusiveReply } from './helpers';

/**
 * Persian is typed with Arabic or Persian ی and ک and with the zero-width non-joiner, a space or
 * nothing inside words ("می‌خواهم", "می خواهم", "میخواهم"): all read the same.
 */
const abusive = (text: string) => isAbusiveReply('fa', text);

describe('phrase rules in Persian', () => {
  it('screens fa', () => {
    expect(SCREENED_LANGUAGES).toContain('fa');
  });

  it.each([
    ['شما را به واحد مالی وصل می‌کنم، لطفاً منتظر بمانید.', 'handoff'],
    ['برای این موضوع لطفاً با پشتیبانی بانک خودتان تماس بگیرید.', 'handoff'],
    ['بابت این مشکل عذرخواهی می‌کنیم.', 'apology-only'],
    // Arabic ي and ك, no non-joiner.
    ['بابت اين مشكل عذرخواهي ميكنيم', 'apology-only'],
    ['بابت مشکلی که پیش آمد واقعاً شرمنده‌ایم.', 'apology-only'],
    ['عذرخواهی می‌کنیم، مبلغ امروز به حساب شما برگشت داده شد.', undefined],
    ['من نمی‌توانم مشاوره سرمایه‌گذاری بدهم.', 'out-of-scope'],
    ['من فقط به سوالات مربوط به سفارش و ارسال پاسخ می‌دهم.', 'out-of-scope'],
    // "Just a moment so I can help" is no decline.
    ['فقط یک لحظه صبر کنید تا کمک کنم، سفارش شما فردا ارسال می‌شود.', undefined],
    ['بستگی دارد.', 'ambiguous'],
    ['شاید، به موجودی انبار بستگی داره.', 'ambiguous'],
    ['اگر از سایز مطمئن نیستید، جدول سایز را در صفحه محصول ببینید.', undefined],
    ['چشم', 'short-reply'],
  ])('reply "%s" breaks %s', (text, rule) => {
    expect(replyRuleFor(text, { language: 'fa' })).toBe(rule);
  });

  it('reads requests however the non-joiner is typed, and a name given as no problem', () => {
    expect(isCustomerQuestion('می‌خواهم پولم را پس بگیرم', 'fa')).toBe(true);
    expect(isCustomerQuestion('میخوام سفارشم رو لغو کنم', 'fa')).toBe(true);
    expect(isCustomerQuestion('برنامه باز نمی شود', 'fa')).toBe(true);
    expect(isCustomerQuestion('ممنون', 'fa')).toBe(false);
    expect(isCustomerQuestion('شماره سفارش ۴۵۸۲۱', 'fa')).toBe(false);
    expect(isCustomerQuestion('اسم من سارا احمدی است', 'fa')).toBe(false);
  });

  it('takes insults, not the everyday words they are made of, for abuse', () => {
    expect(abusive('احمق، پیام را دوباره بخوان.')).toBe(true);
    expect(abusive('چند بار بگم؟ مگه کری؟ خنگ!')).toBe(true);
    expect(abusive('غذای سگ و گربه با تخفیف موجود است.')).toBe(false);
    expect(abusive('این هفته برای خرید قلاده سگ ۲۰ درصد تخفیف داریم.')).toBe(false);
  });
});
