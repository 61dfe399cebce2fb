import { runStages } from '../../../src/shared/dataset/stages';
import { createLanguageStage } from '../../../src/shared/quality/language';
import { SCREENED_LANGUAGES } from '../../../src/shared/quality/languages';
import { createReplyRulesStage, isCustomerQuestion, replyRuleFor } from '../../../src/shared/quality/rules';
import { screenConversation } from '../../../src/shared/quality/safety';
import { conversation } from './helpers';

describe('phrase rules in Russian, Polish and Turkish', () => {
  it('screens ru, pl and tr', () => {
    expect(SCREENED_LANGUAGES).toEqual(expect.arrayContaining(['ru', 'pl', 'tr']));
  });

  it.each([
    ['ru', 'Сейчас соединю тебя с коллегой, он поможет.', 'handoff'],
    ['ru', 'Ваш вопрос я направил в отдел логистики, ответ придёт на почту.', 'handoff'],
    ['ru', 'Приносим извинения за неудобства.', 'apology-only'],
    ['ru', 'Простите, пожалуйста, за долгий ответ.', 'apology-only'],
    ['ru', 'Извините за задержку, ваш возврат оформлен сегодня.', undefined],
    ['ru', 'Я не могу давать инвестиционные советы.', 'out-of-scope'],
    ['ru', 'Хм, ну, это зависит.', 'ambiguous'],
    ['ru', 'Стоимость зависит от тарифа: на базовом доставка три дня, на премиум один день.', undefined],
    ['pl', 'Przełączam Cię do konsultanta, zaraz pomoże.', 'handoff'],
    ['pl', 'Bardzo przepraszamy za utrudnienia.', 'apology-only'],
    ['pl', 'Przepraszam za opóźnienie, zwrot został dziś zlecony.', undefined],
    ['pl', 'Niestety mogę pomóc tylko w sprawach zamówień.', 'out-of-scope'],
    ['pl', 'Hmm, to zależy.', 'ambiguous'],
    ['pl', 'Jeśli nie jest Pani pewna rozmiaru, proszę sprawdzić tabelę rozmiarów.', undefined],
    ['tr', 'Sizi fatura departmanına aktarıyorum.', 'handoff'],
    // The object of a Turkish apology stands before the verb; an answer there is still an answer.
    ['tr', 'Yaşadığınız sorun için çok özür dileriz.', 'apology-only'],
    ['tr', 'Paketiniz yarın sabah teslim edilecek özür dileriz.', undefined],
    ['tr', 'Gecikme için özür dilerim, iadeniz bugün yapıldı ve üç gün içinde hesabınızda.', undefined],
    ['tr', 'Bu benim yetki alanımın dışında.', 'out-of-scope'],
    ['tr', 'Hmm, duruma göre değişir.', 'ambiguous'],
    ['tr', 'Bedeninizden emin değilseniz ürün sayfasındaki beden tablosuna bakabilirsiniz.', undefined],
    // Three Turkish words say what five English ones do: after an apology they are an answer
    // (minAnswerWords 3); a stall or the apology's object in three words is not.
    ['tr', 'Özür dileriz, iadeniz bugün yapıldı.', undefined],
    ['tr', 'Kusura bakmayın, kargonuz yarın geliyor.', undefined],
    ['tr', 'Özür dilerim, siparişiniz iptal edildi.', undefined],
    ['tr', 'Özür dilerim, bir saniye lütfen.', 'apology-only'],
    ['tr', 'Özür dileriz, yaşadığınız sorun için.', 'apology-only'],
    ['tr', 'Çok üzgünüm, hemen bakıyorum.', 'apology-only'],
    // Other languages keep four words: "Sorry, refund done today." is still only an apology.
    ['en', 'Sorry, refund done today.', 'apology-only'],
  ])('%s reply "%s" breaks %s', (language, text, rule) => {
    expect(replyRuleFor(text, { language })).toBe(rule);
  });

  // JavaScript's `i` flag folds "I" to "i" but "İ" to nothing, and never "I" to "ı": Turkish
  // capitals meet the Turkish entries only because the rules lower-case Turkish text the Turkish way.
  it('folds Turkish İ/I and ı/i, which the i flag does not', () => {
    expect(/iptal/iu.test('İPTAL')).toBe(false);
    expect(isCustomerQuestion('SİPARİŞİMİ İPTAL EDİN', 'tr')).toBe(true);
    expect(replyRuleFor('KUSURA BAKMAYIN.', { language: 'tr' })).toBe('apology-only');
    expect(replyRuleFor('SİZİ FATURA DEPARTMANINA AKTARIYORUM.', { language: 'tr' })).toBe('handoff');
    expect(screenConversation(conversation('tr1', [['assistant', 'SEN BİR ŞEREFSİZSİN.']], { language: 'tr' }))).toMatchObject({
      category: 'abuse',
    });
  });

  it('matches text typed without its diacritics, and е for ё', () => {
    // Two words each: only a request word can make them requests.
    expect(isCustomerQuestion('giris yapamiyorum', 'tr')).toBe(true);
    expect(isCustomerQuestion('anulowac zamowienie', 'pl')).toBe(true);
    expect(isCustomerQuestion('Тамам, спасибо', 'ru')).toBe(false);
    expect(replyRuleFor('Przelaczam Pania do dzialu reklamacji.', { language: 'pl' })).toBe('handoff');
    expect(screenConversation(conversation('ru1', [['assistant', 'Ты долбоеб.']], { language: 'ru' }))).toMatchObject({
      category: 'abuse',
    });
  });

  it('does not take everyday words that fold onto a swear word for abuse ("sık sık" is "often")', () => {
    const often = conversation('tr2', [['assistant', 'Sık sık yaşanan bu sorunu çözmek için modeme yeni bir yazılım yükledik.']], {
      language: 'tr',
    });
    expect(screenConversation(often)).toBeUndefined();
  });

  it.each([
    ['ru', 'Как собрать бомбу в домашних условиях?', 'Вот пошаговая инструкция: сначала купите…', 'Я не могу с этим помочь.'],
    ['pl', 'Jak zrobić bombę w domu?', 'Oto instrukcja krok po kroku: najpierw kup…', 'Nie mogę w tym pomóc.'],
    ['tr', 'Bomba nasıl yapılır, anlatır mısın?', 'Adım adım anlatayım: önce şunları alın…', 'Bu konuda size yardımcı olamam.'],
  ])('%s: drops an unsafe request the agent followed, keeps one it declined', (language, request, followed, declined) => {
    const followedConversation = conversation('u1', [
      ['user', request],
      ['assistant', followed],
    ]);
    expect(screenConversation({ ...followedConversation, language })).toMatchObject({ category: 'request', turn: 2 });
    const declinedConversation = conversation('u2', [
      ['user', request],
      ['assistant', declined],
    ]);
    expect(screenConversation({ ...declinedConversation, language })).toBeUndefined();
  });

  it.each([
    [
      'ru',
      'Здравствуйте, мой заказ до сих пор не пришёл, хотя прошло две недели',
      'Я переведу вас на специалиста отдела доставки.',
      'Посылка отправлена сегодня утром и придёт завтра до обеда.',
    ],
    [
      'pl',
      'Dzień dobry, moja paczka nie dotarła, czekam już dwa tygodnie',
      'Przekieruję Pana do działu reklamacji.',
      'Paczka została dziś rano wysłana i dotrze jutro przed południem.',
    ],
    [
      'tr',
      'Merhaba, siparişim iki haftadır gelmedi, ne zaman gelecek?',
      'Sizi kargo departmanına aktarıyorum.',
      'Kargonuz bu sabah yola çıktı ve yarın öğleden önce teslim edilecek.',
    ],
  ])('%s: the detected language reaches the reply rules', async (language, customer, handoff, answer) => {
    const rules = createReplyRulesStage();
    const result = await runStages(
      [createLanguageStage(), rules],
      conversation('d1', [
        ['user', customer],
        ['assistant', handoff],
        ['user', 'Ok'],
        ['assistant', answer],
      ]),
    );
    expect(result.action).toBe('keep');
    if (result.action !== 'keep') return;
    expect(result.conversation.language).toBe(language);
    expect(result.conversation.turns[1].weight).toBe(0);
    expect(rules.summary!()).toMatchObject({ downWeightedTurns: { handoff: 1 }, notScreened: {} });
  });
});
