import { SCREENED_LANGUAGES } from '../../../src/shared/quality/languages';
import { createReplyRulesStage, isCustomerQuestion, replyRuleFor } from '../../../src/shared/quality/rules';
import { createLanguageStage } from '../../../src/shared/quality/language';
import { conversation, isAbusiveReply } from './helpers';
import { stagedAndRedacted } from './languageCorpusBar';

/**
 * Arabic typed in Latin letters (`ar-Latn`, "Arabizi"), with digits for the letters Latin lacks and
 * English mixed in: the language stage tells it (tinyld answered Spanish or Finnish), its reply
 * rules are the English lists with the Arabic added, and names after its own cues are redacted.
 */
const abusive = (text: string) => isAbusiveReply('ar-Latn', text);

describe('phrase rules in Arabizi', () => {
  it('screens ar-Latn', () => {
    expect(SCREENED_LANGUAGES).toContain('ar-Latn');
  });

  it.each([
    ['ha7awlak 3ala el qesm el mokhtas, lahza men fadlak.', 'handoff'],
    ['zamilna fel team el fanni hayetwasal ma3ak khelal 24 sa3a.', 'handoff'],
    ['ana 7awelt talabak lel supervisor w hayrod 3aleik.', 'handoff'],
    ['asfeen gedan 3ala el ez3ag.', 'apology-only'],
    ['ma3lesh ya fandem, 3an kol ely 7asal.', 'apology-only'],
    ['asfeen, el felous ragaet le 7esabak el naharda.', undefined],
    ['sorry 3ala el ta2kheer, el shohna hatewsal bokra.', undefined],
    ['ma2darsh adilak nasee7a fel estesmar.', 'out-of-scope'],
    ['ana ba2dar asa3dak bas fi el talabat wel sha7n.', 'out-of-scope'],
    ['ma3rafsh wallahi.', 'ambiguous'],
    ['momken, 7asab el makhzoon.', 'ambiguous'],
    ['law el ma2as mesh mazboot momken tebadelo khelal 14 yom.', undefined],
    // One word is a one-word reply first, whatever it says (as "Maybe." is in English).
    ['hanshoof.', 'short-reply'],
  ])('reply "%s" breaks %s', (text, rule) => {
    expect(replyRuleFor(text, { language: 'ar-Latn' })).toBe(rule);
  });

  it('reads requests, and a name or a confirmation as no problem', () => {
    expect(isCustomerQuestion('el order bta3i lessa ma wesilsh', 'ar-Latn')).toBe(true);
    expect(isCustomerQuestion('3awza arag3 el fostan', 'ar-Latn')).toBe(true);
    expect(isCustomerQuestion('badde refund 3al order', 'ar-Latn')).toBe(true);
    expect(isCustomerQuestion('esmi mona ahmed', 'ar-Latn')).toBe(false);
    expect(isCustomerQuestion('aywa, da el rakam el sa7', 'ar-Latn')).toBe(false);
    expect(isCustomerQuestion('tamam, shokran', 'ar-Latn')).toBe(false);
  });

  it('takes insults, not the everyday words they are made of, for abuse', () => {
    expect(abusive('enta 7mar? e2ra el message tany ya ghabi.')).toBe(true);
    expect(abusive('ya 7ayawan, 2olt lak 100 marra.')).toBe(true);
    expect(abusive('fi 5asm 20% 3ala akl el kelab el osboo3 da.')).toBe(false);
    expect(abusive('el kalb bta3ak ye7tag tawk gedid? 3andena 5asm.')).toBe(false);
  });
});

describe('a conversation in Arabizi', () => {
  it('is told by the language stage and screened: a hand-off reply is weighted 0', async () => {
    const staged = await createLanguageStage().apply(
      conversation('al1', [
        ['user', 'ana 3ayez a2ghi el eshterak, el app mesh beyeftah'],
        ['assistant', 'ha7awlak 3ala el qesm el mokhtas, lahza men fadlak.'],
        ['user', 'tamam'],
        ['assistant', 'el eshterak et2lagha w el felous hatrga3 khelal 3 ayam.'],
      ]),
    );
    if (staged.action !== 'keep') throw new Error('dropped by the language stage');
    expect(staged.conversation.language).toBe('ar-Latn');
    const result = await createReplyRulesStage().apply(staged.conversation);
    if (result.action !== 'keep') throw new Error(`dropped: ${result.reason}`);
    expect(result.conversation.turns.map((t) => t.weight)).toEqual([undefined, 0, undefined, undefined]);
  });

  it('has its names redacted after its own cues, digits in them too, and where they come again', async () => {
    const { stored, texts } = await stagedAndRedacted('al2', [
      ['assistant', 'ahlan, ma3ak mo7amed men khedmet el 3omala2, ezay a2dar asa3dak?'],
      ['user', 'ana esmi 3ali hassan w 3ayez a2ghi el talab'],
      ['assistant', 'tamam ya Mona, el talab et2lagha.'],
      ['user', 'shokran ya fandem, w ya reit teb3at el fatoora le hassan'],
    ]);
    expect(stored).toBe('ar-Latn');
    // A name of two words is looked for again word by word (as in English); a single word found
    // after a cue only where a cue stands, unless a list knows it.
    expect(texts.join('\n')).not.toMatch(/mo7amed|3ali|hassan|mona/i);
    expect(texts[3]).toContain('ya fandem');
  });
});
