import type { LanguagePhrases } from './types';

// Vietnamese. Customers often type without the tone marks ("khong" for "không") and in shorthand
// ("k", "ko" for không, "dc" for được, "j" for gì). The marks are not folded away for every entry:
// they tell short words apart ("lớn" big, "lồn" an obscenity; "cụt", "cút"), so the customer's
// lists (requests, questions, greetings) are read with and without them (`withUnmarked`) and the
// agent's lists, abuse included, as written. Agents call themselves "em" (or "shop") and the
// customer "anh"/"chị", and end sentences with the polite "ạ"/"nhé", which a thanks or an apology
// may run on with.
const FILL = '(?:(?:dạ|ừm+|hmm+|à|thì),? )?';
const POLITE = '(?: (?:ạ|nhé|nha|ạ nhé|anh|chị|anh chị|bạn|quý khách))*';

/** The entries, and each again without its marks (đ as d) where that differs. */
function withUnmarked(entries: string[]): string[] {
  const unmarked = entries.map((e) => e.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D'));
  return [...entries, ...unmarked.filter((e, i) => e !== entries[i])];
}

export const vi: LanguagePhrases = {
  code: 'vi',
  questionStart: withUnmarked([
    'làm sao',
    'làm thế nào',
    'tại sao',
    'sao',
    'khi nào',
    'bao giờ',
    'ở đâu',
    'bao nhiêu',
    'có thể',
    'cho (?:em|tôi|mình) hỏi',
    'shop ơi',
    'ad ơi',
  ]),
  request: withUnmarked([
    'muốn',
    'cần',
    'nhờ',
    'giúp',
    'hỗ trợ',
    'xin',
    'vui lòng',
    '(?:chưa|không|k|ko|hok|hông) (?:\\S+ )?(?:nhận được|nhận dc|nhận đc|nhận|tới|đến|giao|mở được|mở dc|mở|vào được|vào dc|đăng nhập|chạy|hoạt động|dùng được|dùng dc)',
    'hoàn tiền',
    'trả hàng',
    'đổi trả',
    'hủy',
    'huỷ',
    'đổi',
    'sai',
    'lỗi',
    'hỏng',
    'hư',
    'bể',
    'vỡ',
    'rách',
    'thiếu',
    'khiếu nại',
    'trừ tiền (?:\\S+ )?(?:2|hai) lần',
    '(?:2|hai) lần',
  ]),
  phatic: withUnmarked([
    '(?:xin )?chào(?: shop| ad| bạn| anh| chị| em)?',
    'alo',
    '(?:cảm ơn|cám ơn|thank|thanks|tks|thks)(?: shop| ad| bạn| anh| chị| em)?(?: nhiều| rất nhiều)?(?: nhé| nha| ạ)?',
    'ok',
    'oke',
    'okie',
    'vâng',
    'dạ',
    'ạ',
    'ừ',
    'được rồi',
    'nhận được rồi',
    'tạm biệt',
    // A name or an e-mail given answers the agent ("tên em là Nguyễn Lan").
    '(?:tên|email|số điện thoại|sđt) (?:của )?(?:em|tôi|mình|anh|chị) (?:là )?(?:\\S+ ){0,3}\\S+',
    // Confirmed what the agent read out: "đúng rồi, email đó đúng".
    '(?:đúng rồi|đúng vậy|chính xác)',
    '(?:email|số|số điện thoại|sđt|địa chỉ|tên)(?: đó| này)? (?:đúng|chính xác)(?: rồi)?',
  ]),
  handoff: [
    '(?:chuyển|kết nối|nối máy|chuyển tiếp) (?:\\S+ ){0,3}(?:sang|qua|tới|đến|cho) (?:\\S+ ){0,2}(?:bộ phận|phòng|nhân viên|chuyên viên|tổng đài|quản lý|kỹ thuật|team)',
    '(?:bộ phận|phòng|nhân viên|chuyên viên|quản lý|kỹ thuật|team)(?: \\S+){0,4} sẽ (?:liên hệ|gọi|gọi lại|phản hồi) (?:lại )?(?:với |cho )?(?:anh|chị|bạn|quý khách|mình)',
    '(?:anh|chị|bạn|quý khách) (?:vui lòng |hãy )?(?:liên hệ|gọi) (?:trực tiếp )?(?:với |cho |tới )?(?:ngân hàng|tổng đài|bộ phận|nhà mạng|bên vận chuyển|đơn vị vận chuyển)',
  ],
  apology: ['xin lỗi', 'rất tiếc', 'lấy làm tiếc', 'sorry'],
  apologySentence: [
    `(?:một lần nữa,? )?(?:dạ |em |shop |bên em |chúng tôi |chúng em )*(?:thành thật |chân thành |rất )?(?:xin lỗi|rất tiếc|lấy làm tiếc)${POLITE}\\b.*`,
  ],
  apologyTail:
    'vì về sự bất tiện chậm trễ này đó sai sót nhầm lẫn phiền phức trải nghiệm không tốt đã gây ra cho anh chị bạn quý khách ạ nhé nha nhiều lắm rất một lần nữa',
  acknowledgementSentence: [
    `(?:dạ |em |shop )?(?:cảm ơn|cám ơn)${POLITE}\\b.*`,
    '(?:dạ |em )?(?:hiểu|đã hiểu|em hiểu|hiểu rồi)\\b.*',
    `(?:dạ vâng|vâng|dạ|ok|được ạ|chắc chắn rồi)${POLITE}\\.?`,
  ],
  acknowledgementTail: 'vì đã đã kiên nhẫn chờ đợi liên hệ nhắn tin tin tưởng ủng hộ anh chị bạn quý khách ạ nhé nha nhiều rất shop',
  filler: [
    `(?:anh |chị |bạn |quý khách )?(?:vui lòng |làm ơn )?(?:chờ|đợi)(?: em| shop)?(?: một| 1)?(?: chút| lát| xíu| giây| phút)?${POLITE}\\b.*`,
    `(?:dạ )?(?:em |shop )?(?:kiểm tra|check|xem)(?: lại)?(?: ngay| liền)?(?: cho anh| cho chị| cho bạn)?${POLITE}\\.?`,
    '(?:anh |chị |bạn )?(?:còn )?(?:cần )?(?:em |shop )?(?:hỗ trợ|giúp) (?:gì|j) (?:thêm|nữa|khác)\\b.*',
    // "Em rất tiếc khi nghe chị bị giao nhầm hàng" repeats the customer's problem back.
    '(?:em |shop )?(?:rất )?tiếc (?:khi|vì) (?:nghe|biết)\\b.*',
  ],
  outOfScope: [
    'ngoài phạm vi',
    '(?:không thể|ko thể|k thể|không được phép) (?:\\S+ ){0,2}(?:tư vấn|đưa ra lời khuyên|khuyên)',
    '(?:chỉ|chỉ có thể) (?:hỗ trợ|giải đáp|trả lời) (?:\\S+ ){0,6}(?:về|liên quan)',
  ],
  hedge: [
    `${FILL}(?:cái này |việc này |cái đó )?(?:còn )?tùy${POLITE}\\b.*`,
    `${FILL}(?:có thể|có lẽ|chắc vậy|chắc thế)${POLITE}\\.?`,
    `${FILL}(?:cái này |việc này |vụ này )?(?:em |shop |mình )?(?:cũng )?(?:không|ko|k|chưa) (?:chắc|rõ|biết)(?: nữa| lắm)?${POLITE}\\b.*`,
    `${FILL}khó nói${POLITE}\\.?`,
    `${FILL}(?:để )?xem sao${POLITE}\\.?`,
  ],
  refusal: ['không thể', 'không được phép', 'ko thể', 'từ chối', 'không hỗ trợ'],
  unsafeRequest: [
    '(?:bỏ qua|quên) (?:tất cả |mọi )?(?:các )?(?:hướng dẫn|chỉ dẫn|quy tắc|lệnh) (?:trước|trước đó|ở trên)',
    '(?:cách|làm sao|làm thế nào) (?:chế tạo|làm|chế) (?:bom|vũ khí|thuốc độc|chất nổ)',
    '(?:hack|xâm nhập|vào) (?:tài khoản|facebook|fb|email|zalo|instagram) (?:\\S+ )?(?:người khác|người yêu cũ|vợ|chồng|hàng xóm|bạn)',
    'chửi (?:tôi|tao|mình)',
  ],
  // Matched as whole words in assistant turns. Animals are everyday words (a pet shop sells "thức
  // ăn cho chó"): as insults only after mày/đồ/thằng/con ("đồ chó").
  abusive: [
    '(?:mày|đồ|thằng|con|bọn) (?:\\S+ )?(?:chó|lợn|heo|ngu|khốn|điên|óc chó)',
    'đồ ngu',
    'ngu như bò',
    'óc chó',
    'đm',
    'dm',
    'đcm',
    'dcm',
    'vcl',
    'vkl',
    'địt',
    'đụ',
    'đéo',
    'lồn',
    'cặc',
    'khốn nạn',
    'mất dạy',
    'câm mồm',
  ],
};
