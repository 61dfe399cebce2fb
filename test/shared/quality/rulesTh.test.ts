import { SCREENED_LANGUAGES } from '../../../src/shared/quality/languages';
import { isCustomerQuestion, replyRuleFor } from '../../../src/shared/quality/rules';
import { isAbusiveReply } from './helpers';

/**
 * Thai writes no spaces between words, only between phrases: entries match anywhere, a space between
 * Thai letters ends a clause, words are counted as characters, and entries are read NFKC like the
 * text (ำ is ํา there).
 */
const abusive = (text: string) => isAbusiveReply('th', text);

describe('phrase rules in Thai', () => {
  it('screens th', () => {
    expect(SCREENED_LANGUAGES).toContain('th');
  });

  it.each([
    ['ขอโอนสายไปยังเจ้าหน้าที่ฝ่ายที่เกี่ยวข้องนะคะ กรุณารอสักครู่', 'handoff'],
    ['เดี๋ยวให้พนักงานฝ่ายบัญชีโทรหาคุณลูกค้าภายในวันนี้นะคะ', 'handoff'],
    ['ขออภัยในความไม่สะดวกค่ะ', 'apology-only'],
    // Two clauses, both filler, separated only by a space.
    ['ขออภัยในความไม่สะดวกค่ะ กรุณารอสักครู่นะคะ', 'apology-only'],
    ['ขอโทษด้วยนะคะที่ตอบช้า', 'apology-only'],
    // The apology is one clause, the answer the next: not apology-only.
    ['ขออภัยที่ให้รอนานค่ะ ระบบได้คืนเงินเข้าบัญชีของคุณแล้ว', undefined],
    ['ขอโทษค่ะ ส่งแล้วค่ะ', undefined],
    ['เสียใจด้วยค่ะ พัสดุจะถึงพรุ่งนี้ก่อนเที่ยง', undefined],
    // คำแนะนำ holds ำ, which NFKC rewrites in the text.
    ['ขออภัยครับ ผมไม่สามารถให้คำแนะนำเรื่องการลงทุนได้', 'out-of-scope'],
    ['ขออภัยค่ะ ดิฉันสามารถช่วยได้เฉพาะเรื่องคำสั่งซื้อและการจัดส่งเท่านั้น', 'out-of-scope'],
    ['อืม ก็แล้วแต่กรณีครับ', 'ambiguous'],
    ['หากไม่แน่ใจเรื่องไซซ์ สามารถดูตารางไซซ์ในหน้าสินค้าได้เลยครับ', undefined],
    ['คุณสามารถเปลี่ยนที่อยู่จัดส่งได้ที่หน้าประวัติคำสั่งซื้อค่ะ', undefined],
    // A polite one-word reply is short; a short answer of as many characters is not.
    ['ได้ค่ะ', 'short-reply'],
    ['ครับผม', 'short-reply'],
    ['ส่งแล้วค่ะ', undefined],
  ])('reply "%s" breaks %s', (text, rule) => {
    expect(replyRuleFor(text, { language: 'th' })).toBe(rule);
  });

  it('takes no everyday word that holds a swear word for abuse', () => {
    expect(abusive('ไอ้ควาย ถามอะไรโง่ๆ')).toBe(true);
    expect(abusive('ไอ้เหี้ย อ่านเองไม่เป็นหรือไง')).toBe(true);
    expect(abusive('นมควายล็อตใหม่จะส่งพรุ่งนี้ค่ะ')).toBe(false);
    expect(abusive('สัดส่วนของเสื้อไซซ์ M คือ รอบอก 38 นิ้ว ระยะห่างระหว่างไหล่ 16 นิ้ว')).toBe(false);
    expect(abusive('คุณแม่งานแต่งติดต่อมาเรื่องของชำร่วยค่ะ')).toBe(false);
    expect(abusive('สวนสัตว์พบตัวเหี้ยในบ่อน้ำ')).toBe(false);
  });

  it('counts characters: a short answer to the agent is no statement of a problem, a longer turn is', () => {
    expect(isCustomerQuestion('เลขที่คำสั่งซื้อ 20260311889 ค่ะ', 'th')).toBe(false);
    expect(isCustomerQuestion('ขอบคุณมากครับ', 'th')).toBe(false);
    expect(isCustomerQuestion('พัสดุหายระหว่างทางค่ะ ติดตามไม่ได้เลย', 'th')).toBe(true);
    expect(isCustomerQuestion('ขอเปลี่ยนที่อยู่จัดส่งได้ไหมครับ', 'th')).toBe(true);
    expect(isCustomerQuestion('ยังไม่ได้รับของ', 'th')).toBe(true);
  });

  it('reads ขอ (please) as a request, not the ขอ inside ของ (thing, of) or ขอบ (thanks, scope)', () => {
    expect(isCustomerQuestion('ของถึงแล้วค่ะ', 'th')).toBe(false);
    expect(isCustomerQuestion('ของครบค่ะ', 'th')).toBe(false);
    expect(isCustomerQuestion('ของดีมาก', 'th')).toBe(false);
    expect(isCustomerQuestion('ขอบเขตค่ะ', 'th')).toBe(false);
    expect(isCustomerQuestion('ขอเปลี่ยน', 'th')).toBe(true);
    expect(isCustomerQuestion('ของดส่งค่ะ', 'th')).toBe(true);
    expect(isCustomerQuestion('ขอใบกำกับ', 'th')).toBe(true);
  });
});
