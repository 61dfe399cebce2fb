import { SCREENED_LANGUAGES } from '../../../src/shared/quality/languages';
import { isCustomerQuestion, replyRuleFor } from '../../../src/shared/quality/rules';
import { isAbusiveReply } from './helpers';

/**
 * Chinese and Japanese are written without spaces: their phrase entries match anywhere in the text,
 * words are counted as characters, and no entry may be a piece of an everyday word.
 */
const abusive = isAbusiveReply;

describe('phrase rules in Chinese, Japanese and Korean', () => {
  it('screens zh, ja and ko', () => {
    expect(SCREENED_LANGUAGES).toEqual(expect.arrayContaining(['zh', 'ja', 'ko']));
  });

  it.each([
    ['zh', '我帮您转接到售后专员，请稍等。', 'handoff'],
    ['zh', '钱已经转给您了，请查收。', undefined],
    ['zh', '非常抱歉给您带来不便。', 'apology-only'],
    ['zh', '对不起让您久等了，您的退款已经原路退回。', undefined],
    // Five characters after the apology are an answer; a stall is not.
    ['zh', '抱歉，退款已到账。', undefined],
    ['zh', '不好意思，请您稍等一下。', 'apology-only'],
    ['zh', '抱歉，我只能处理订单和物流相关的问题。', 'out-of-scope'],
    ['zh', '嗯，这个要看情况。', 'ambiguous'],
    ['zh', '如果您不确定尺码，可以参考商品页面的尺码表。', undefined],
    ['ja', '担当部署におつなぎしますので、少々お待ちください。', 'handoff'],
    ['ja', 'ご迷惑をおかけして大変申し訳ございませんでした。', 'apology-only'],
    ['ja', '申し訳ございません、返金済みです。', undefined],
    ['ja', '恐れ入りますが、投資に関するアドバイスはいたしかねます。', 'out-of-scope'],
    ['ja', 'うーん、場合によりますね。', 'ambiguous'],
    ['ja', 'サイズにご不安がある場合は、商品ページのサイズ表をご確認ください。', undefined],
  ])('%s reply "%s" breaks %s', (language, text, rule) => {
    expect(replyRuleFor(text, { language })).toBe(rule);
  });

  // Korean writes spaces between phrases, with endings glued on; an answer of three phrases counts.
  it.each([
    ['담당 부서로 연결해 드리겠습니다. 잠시만 기다려 주세요.', 'handoff'],
    ['불편을 드려 정말 죄송합니다.', 'apology-only'],
    ['죄송합니다, 환불은 오늘 처리되었습니다.', undefined],
    ['투자 관련 조언은 드릴 수 없습니다.', 'out-of-scope'],
    ['음, 상황에 따라 다릅니다.', 'ambiguous'],
    ['사이즈가 확실하지 않으시면 상품 페이지의 사이즈표를 참고해 주세요.', undefined],
  ])('ko reply "%s" breaks %s', (text, rule) => {
    expect(replyRuleFor(text, { language: 'ko' })).toBe(rule);
  });

  it('takes no everyday word that holds a swear word for abuse', () => {
    expect(abusive('ko', '씨발, 몇 번을 말해야 알아들어요?')).toBe(true);
    expect(abusive('ko', '시발점은 서울 물류센터입니다.')).toBe(false);
    expect(abusive('zh', '滚蛋，别再来烦我。')).toBe(true);
    expect(abusive('zh', '页面可以向下滚动查看全部订单。')).toBe(false);
    expect(abusive('zh', '我妈的生日礼物也是在你们这买的。')).toBe(false);
    expect(abusive('ja', 'うるせえな、死ね。')).toBe(true);
    expect(abusive('ja', 'バカンスシーズンは配送が遅れることがあります。')).toBe(false);
    expect(abusive('ja', '死角になる場所には置き配できません。')).toBe(false);
  });

  it('counts characters: a short answer to the agent is no statement of a problem, a longer turn is', () => {
    expect(isCustomerQuestion('订单号是20260311889', 'zh')).toBe(false);
    expect(isCustomerQuestion('快递三天了还没动静', 'zh')).toBe(true);
    expect(isCustomerQuestion('发票怎么开', 'zh')).toBe(true);
    expect(isCustomerQuestion('注文番号は1234-5678です', 'ja')).toBe(false);
    expect(isCustomerQuestion('領収書はどうやって発行できますか', 'ja')).toBe(true);
  });

  // Words are characters here, so an acknowledgement of two to eight characters is no one-word reply
  // by its count; the shortReply lists say which whole replies are one.
  it.each([
    ['zh', '好的', 'short-reply'],
    ['zh', '好的呢~', 'short-reply'],
    ['zh', '收到！', 'short-reply'],
    ['zh', '可以的', 'short-reply'],
    ['zh', '嗯嗯', 'short-reply'],
    ['zh', '已发货', undefined],
    ['zh', '明天到', undefined],
    ['zh', '好的，已经为您退款了', undefined],
    ['ja', 'はい', 'short-reply'],
    ['ja', 'かしこまりました。', 'short-reply'],
    ['ja', '承知いたしました', 'short-reply'],
    ['ja', '分かりました！', 'short-reply'],
    ['ja', '発送済みです', undefined],
    ['ja', 'はい、返金しました', undefined],
  ])('%s reply "%s" breaks %s', (language, text, rule) => {
    expect(replyRuleFor(text, { language })).toBe(rule);
  });

  it('takes no acknowledgement for a one-word reply when one-word replies are off', () => {
    expect(replyRuleFor('好的', { language: 'zh', maxShortReplyWords: 0 })).toBeUndefined();
    expect(replyRuleFor('かしこまりました', { language: 'ja', maxShortReplyWords: 0 })).toBeUndefined();
  });
});
