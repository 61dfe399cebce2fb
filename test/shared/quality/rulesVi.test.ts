import { SCREENED_LANGUAGES } from '../../../src/shared/quality/languages';
import { isCustomerQuestion, replyRuleFor } from '../../../src/shared/quality/rules';
import { isAbusiveReply } from './helpers';

/**
 * Vietnamese customers type with and without tone marks and in shorthand; agents write "em",
 * "anh/chị" and "ạ". Requests read both ways; abuse only as written, since without its marks an
 * obscenity is an everyday word ("lồn" / "lớn", big).
 */
const abusive = (text: string) => isAbusiveReply('vi', text);

describe('phrase rules in Vietnamese', () => {
  it('screens vi', () => {
    expect(SCREENED_LANGUAGES).toContain('vi');
  });

  it.each([
    ['Em xin phép chuyển anh sang bộ phận thanh toán, anh vui lòng chờ máy ạ.', 'handoff'],
    ['Em đã chuyển khiếu nại của chị cho bộ phận liên quan, bên đó sẽ gọi lại cho chị sớm ạ.', 'handoff'],
    ['Trường hợp này anh vui lòng liên hệ ngân hàng phát hành thẻ giúp em nhé.', 'handoff'],
    ['Shop thành thật xin lỗi vì sự bất tiện này ạ.', 'apology-only'],
    ['Một lần nữa shop thành thật xin lỗi chị về trải nghiệm không tốt này ạ.', 'apology-only'],
    ['Xin lỗi anh, tiền đã được hoàn vào tài khoản hôm nay.', undefined],
    // "But" opens a clause of its own.
    ['Em xin lỗi nhưng đơn của chị sẽ giao sáng mai ạ.', undefined],
    ['Em không thể tư vấn về đầu tư ạ.', 'out-of-scope'],
    ['Vấn đề này nằm ngoài phạm vi hỗ trợ của bên em.', 'out-of-scope'],
    ['Dạ cái này em cũng không rõ lắm ạ.', 'ambiguous'],
    ['Có thể ạ, còn tùy vào kho hàng.', 'ambiguous'],
    ['Nếu chị chưa chắc về size, chị xem bảng size ở trang sản phẩm nhé.', undefined],
    ['Vâng', 'short-reply'],
  ])('reply "%s" breaks %s', (text, rule) => {
    expect(replyRuleFor(text, { language: 'vi' })).toBe(rule);
  });

  it('reads requests with and without tone marks, and a name or a confirmation as no problem', () => {
    expect(isCustomerQuestion('Đơn hàng của tôi vẫn chưa nhận được', 'vi')).toBe(true);
    expect(isCustomerQuestion('don hang cua toi van chua nhan duoc', 'vi')).toBe(true);
    expect(isCustomerQuestion('app k mở được', 'vi')).toBe(true);
    expect(isCustomerQuestion('tk bi tru tien 2 lan', 'vi')).toBe(true);
    expect(isCustomerQuestion('Cảm ơn shop nhiều', 'vi')).toBe(false);
    expect(isCustomerQuestion('Tên em là Trần Thu Hà', 'vi')).toBe(false);
    expect(isCustomerQuestion('đúng rồi shop, email đó đúng ạ', 'vi')).toBe(false);
  });

  it('takes insults as written, not the everyday words they are made of, for abuse', () => {
    expect(abusive('Đồ ngu, đọc lại tin nhắn đi.')).toBe(true);
    expect(abusive('Nói mãi không hiểu à? Đồ ngu!')).toBe(true);
    expect(abusive('Thức ăn cho chó mèo đang giảm giá tuần này.')).toBe(false);
    expect(abusive('Tuần này vòng cổ cho chó đang giảm 20%.')).toBe(false);
    // "lớn" (big) and "ngõ cụt" (a dead end) are not the obscenity and the insult they look like unmarked.
    expect(abusive('Size lớn đã hết, ngõ cụt nên shipper gọi trước ạ.')).toBe(false);
  });
});
