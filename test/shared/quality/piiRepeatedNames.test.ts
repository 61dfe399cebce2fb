import { createLocalDetector, createRedactionStage } from '../../../src/shared/quality/pii/redact';
import { withRepeatedNames } from '../../../src/shared/quality/pii/repeatedNames';
import type { PiiSpan } from '../../../src/shared/quality/pii/types';
import { conversation } from './helpers';

// A person named once where the rules see a name is the same person where a later turn names them
// without a cue, in lower case too (src/shared/quality/pii/repeatedNames.ts). Before, "the invoice
// should say moreau" went to training as written after "my name is Alexis Moreau" was redacted.

const redacted = async (turns: ['user' | 'assistant', string][], language?: string) => {
  const stage = createRedactionStage({ detector: createLocalDetector(), ...(language ? { language } : {}) });
  const result = await stage.apply(conversation('c1', turns));
  if (result.action !== 'keep') throw new Error('dropped');
  return result.conversation.turns.map((t) => t.content);
};

test('a full name redacted in one turn is redacted where it comes again, in any case, with the same placeholder', async () => {
  expect(
    await redacted([
      ['user', 'Hello, my name is Alexis Moreau and my parcel is late.'],
      ['assistant', 'I have opened a trace for the parcel.'],
      ['user', 'also the invoice should say moreau, not morreau. and alexis with an x'],
    ]),
  ).toEqual([
    'Hello, my name is [PERSON_1] and my parcel is late.',
    'I have opened a trace for the parcel.',
    'also the invoice should say [PERSON_1], not morreau. and [PERSON_1] with an x',
  ]);
});

test('a word that is also an ordinary word, or a single unknown capitalised word, is not looked for elsewhere', () => {
  const person = (text: string, value: string): PiiSpan => {
    const start = text.indexOf(value);
    return { type: 'PERSON', start, end: start + value.length, value, source: 'local-ner' };
  };
  const first = 'I am Will Turner.';
  const second = 'I will call the Hyatt tomorrow; hyatt is far.';
  const spans = withRepeatedNames(
    [first, 'Hyatt was nice.', second],
    [[person(first, 'Will Turner')], [person('Hyatt was nice.', 'Hyatt')], []],
    'en',
  );
  // "will" is an ordinary word; "Hyatt" was one unknown word, which a rule may have misread.
  expect(spans[2]).toEqual([]);
});

test('an occurrence that a street or business word follows is not the person', async () => {
  const turns = await redacted([
    ['user', 'Hi, my name is Anna Wilkins.'],
    ['assistant', 'Thanks Anna. Is the address 4 Wilkins Street?'],
    ['user', 'yes, wilkins street. I am wilkins on the doorbell'],
  ]);
  expect(turns[2]).toBe('yes, wilkins street. I am [PERSON_1] on the doorbell');
});

test('in a language other than English only capitalised occurrences are taken (its lists know no ordinary words)', () => {
  const text = 'Ich heiße Jonas Weber.';
  const later = 'Weber ist mein Name, weber schreibe ich klein.';
  const spans = withRepeatedNames(
    [text, later],
    [[{ type: 'PERSON', start: 10, end: 21, value: 'Jonas Weber', source: 'local-ner' }], []],
    'de',
  );
  expect(spans[1].map((s) => later.slice(s.start, s.end))).toEqual(['Weber']);
});

test('a Thai conversation with a name in Latin letters is redacted (it threw "no name gazetteer" once)', async () => {
  // Found by the pipeline property test: a Thai conversation with a Latin name threw "no name gazetteer".
  const turns = await redacted(
    [
      ['user', 'สวัสดีครับ ผมชื่อสมชาย ใจดี, Contact: Taro Yamada'],
      ['assistant', 'Taro Yamada ครับ'],
    ],
    'th',
  );
  expect(turns[0]).toContain('[PERSON_');
});

describe('Chinese, Japanese, Korean and Thai: a name found once is found again inside any run of the script', () => {
  test('the whole name, glued to particles or the next word, takes the same placeholder', async () => {
    expect(
      await redacted(
        [
          ['user', '我的快递还没到，请问我可以联系谁？'],
          ['assistant', '请联系刘洋，他负责您的区域。'],
          ['user', '刘洋的电话是多少？刘洋一直不接。'],
        ],
        'zh',
      ),
    ).toEqual(['我的快递还没到，请问我可以联系谁？', '请联系[PERSON_1]，他负责您的区域。', '[PERSON_1]的电话是多少？[PERSON_1]一直不接。']);
    expect(
      await redacted(
        [
          ['assistant', '昨日、中村が対応いたしました。'],
          ['user', '中村さんにもう一度聞きたいです。中村区の店舗です。'],
        ],
        'ja',
      ),
    ).toEqual(['昨日、[PERSON_1]が対応いたしました。', '[PERSON_1]さんにもう一度聞きたいです。中村区の店舗です。']);
    expect(
      await redacted(
        [
          ['assistant', '김민수가 연락드릴 거예요.'],
          ['user', '김민수는 언제 전화해요?'],
        ],
        'ko',
      ),
    ).toEqual(['[PERSON_1]가 연락드릴 거예요.', '[PERSON_1]는 언제 전화해요?']);
  });

  test('a family name alone, a two-syllable Korean given name and a short Thai name are not looked for elsewhere', () => {
    const person = (text: string, value: string): PiiSpan => {
      const start = text.indexOf(value);
      return { type: 'PERSON', start, end: start + value.length, value, source: 'local-ner' };
    };
    expect(withRepeatedNames(['王先生您好', '王府井店已经发货'], [[person('王先生您好', '王')], []], 'zh')[1]).toEqual([]);
    expect(
      withRepeatedNames(['지원 씨 안녕하세요', '고객 지원 센터입니다'], [[person('지원 씨 안녕하세요', '지원')], []], 'ko')[1],
    ).toEqual([]);
    expect(withRepeatedNames(['คุณต้น', 'ต้นไม้'], [[person('คุณต้น', 'ต้น')], []], 'th')[1]).toEqual([]);
  });
});
