import { detectLocal } from '../../../src/shared/quality/pii/redact';

/**
 * Names in languages without letter case that no introduction or form of address marks, but the
 * sentence does: the person a customer is sent to ("请联系刘洋"), the colleague who handles the case
 * ("中村が対応いたしました", "김민수가 연락드릴 거예요"), the one who acted ("राहुल ने कॉल किया"), the one talked with ("تحدثت مع
 * سارة", "با مریم تماس بگیرید"). Each case below was left in clear before; each name-free
 * sentence opens with the same cue and must stay as it is.
 */
const persons = (text: string, language: string) =>
  detectLocal(text, { language })
    .filter((s) => s.type === 'PERSON')
    .map((s) => s.value);

const CASES: Record<string, { names: [string, string[]][]; none: string[] }> = {
  zh: {
    names: [
      ['请联系刘洋', ['刘洋']],
      ['请找李娜处理退款', ['李娜']],
      ['客服陈静已经处理了', ['陈静']],
      ['客服人员张敏会跟进', ['张敏']],
      ['您好，我是客服小王', ['小王']],
      ['麻烦李娜帮我查一下', ['李娜']],
      ['我已经转给王经理了', ['王']],
      ['我找李老师', ['李']],
      ['联系林先生', ['林']],
      ['请通知王芳女士', ['王芳']],
      // No cue before the name: the act after it says it is a person.
      ['刘洋会给您回电话', ['刘洋']],
      ['李娜已经为您办理了', ['李娜']],
      ['王小明会联系您', ['王小明']],
      ['张三负责您的订单', ['张三']],
      ['欧阳娜娜会为您处理', ['欧阳娜娜']],
      ['好的，今天王伟会为您处理', ['王伟']],
      ['江经理会联系您', ['江']],
    ],
    none: [
      '请联系商家申请退货',
      '联系方式是什么',
      '请联系管理员',
      '值班经理会联系您',
      '项目经理说明天发货',
      '请联系申通快递',
      '联系华为售后',
      '请联系客服',
      '联系高级客服',
      '我联系了顺丰',
      '请联系万达广场的门店',
      '转给杨浦区网点',
      '交给白班同事',
      '联系金额不对',
      '请联系石家庄分公司',
      '通知钱包余额不足',
      '高兴为您服务',
      '余额已经为您退回',
      '马上为您处理',
      '何时会给您回复',
      '商家会联系您',
      '钱会退给您',
      '管理员会联系您',
      '师傅会联系您',
      '包裹已经为您发出',
      '支付宝会为您退款',
      '周末会为您发货',
      '华东仓会为您尽快发货',
      '宁波店已经为您退款',
      '方案会给您发过去',
    ],
  },
  ja: {
    names: [
      ['昨日、中村が対応いたしました。', ['中村']],
      ['鈴木からご連絡いたします', ['鈴木']],
      ['本日田中がお伺いします', ['田中']],
      ['山田太郎より返信いたします', ['山田太郎']],
      ['長谷川が担当いたします', ['長谷川']],
      ['木村からご連絡します', ['木村']],
      ['林が対応します', ['林']],
      ['本日森がお伺いします', ['森']],
    ],
    none: [
      '担当者が対応いたします',
      '弊社から連絡します',
      '当社より発送いたします',
      '配送業者が対応します',
      '営業部から連絡します',
      '倉庫から発送します',
      '山口県から発送',
      '石川県より発送いたします',
      '窓口が対応します',
      '私が対応いたします',
      '原因が確認できました',
      '機関から連絡します',
      '関東から発送します',
    ],
  },
  ar: {
    names: [
      ['يرجى الاتصال بأحمد', ['أحمد']],
      ['تحدثت مع سارة أمس', ['سارة']],
      ['تواصل مع أحمد الشمري', ['أحمد الشمري']],
      ['تواصلت مع محمد بخصوص الطلب', ['محمد']],
    ],
    none: [
      'يرجى التواصل مع خدمة العملاء',
      'تواصل معنا',
      'مع السلامة',
      'مع تحياتي',
      'مع سعيد',
      'اتصل بنا',
      'الاتصال بالدعم الفني',
      'مع العلم أن الطلب متأخر',
      'مع فريق الدعم',
      'الاتصال بعمر الحساب',
    ],
  },
  ko: {
    names: [
      ['김민수가 연락드릴 거예요', ['김민수']],
      ['박지영이 처리했습니다', ['박지영']],
      ['남궁민수가 전화드릴게요', ['남궁민수']],
      ['정민호께서 답변드립니다', ['정민호']],
    ],
    none: [
      '여동생이 연락했어요',
      '배송팀이 처리합니다',
      '고객님이 연락하셨어요',
      '상담원이 안내해 드립니다',
      '택배사가 처리',
      '담당자가 연락드립니다',
      '주문서가 확인되었습니다',
      '고객센터가 안내',
      '우체국이 처리',
      '서비스가 연락드립니다',
    ],
  },
  th: {
    names: [
      ['กรุณาติดต่อสมชาย', ['สมชาย']],
      ['ติดต่อกับสมหญิงได้เลย', ['สมหญิง']],
    ],
    none: ['กรุณาติดต่อเจ้าหน้าที่', 'ติดต่อเราได้ตลอด', 'กรุณาติดต่อฝ่ายบริการลูกค้า', 'ติดต่อกลับภายใน 24 ชั่วโมง'],
  },
  hi: {
    names: [
      ['राहुल ने कॉल किया', ['राहुल']],
      ['राहुल शर्मा ने ऑर्डर रद्द किया', ['राहुल शर्मा']],
      ['प्रिया ने बताया कि पैकेट नहीं आया', ['प्रिया']],
    ],
    none: ['बैंक ने पैसे वापस नहीं किए', 'हमारी टीम ने जाँच की', 'मैंने ऑर्डर किया'],
  },
  fa: {
    names: [
      ['لطفا با مریم تماس بگیرید', ['مریم']],
      ['با علی رضایی صحبت کردم', ['علی رضایی']],
    ],
    none: ['با پشتیبانی تماس بگیرید', 'با سلام', 'با تشکر', 'با ما تماس بگیرید'],
  },
};

describe('names a sentence refers to without introducing them (zh, ja, ko, th, ar, hi, fa)', () => {
  for (const [language, { names, none }] of Object.entries(CASES)) {
    it(`${language}: finds the person referred to, and leaves the same cue before a thing, a company, a place or a role`, () => {
      for (const [text, expected] of names) expect({ text, names: persons(text, language) }).toEqual({ text, names: expected });
      for (const text of none) expect({ text, names: persons(text, language) }).toEqual({ text, names: [] });
    });
  }

  it('keeps the glued Arabic preposition out of the span, so the placeholder replaces only the name', () => {
    const text = 'يرجى الاتصال بأحمد غدا';
    const [span] = detectLocal(text, { language: 'ar' }).filter((s) => s.type === 'PERSON');
    expect(text.slice(0, span.start)).toBe('يرجى الاتصال ب');
    expect(span.value).toBe('أحمد');
  });
});
