import { normalizeText } from '../../../src/shared/ingest/text';
import { detectConversationLanguage, detectLanguage } from '../../../src/shared/language/detect';

describe('detectLanguage', () => {
  it.each([
    ['Ich werde Ihnen bei der Lösung des Problems helfen', 'de'],
    ['Je suis désolée pour ce retard, votre colis arrive demain', 'fr'],
    ['返金をお願いしたいです。注文番号は12345です。', 'ja'],
    ['أريد استرداد أموالي من فضلك', 'ar'],
    ['Hi somebody transferred $500 from my account!', 'en'],
    ['Hola, necesito ayuda con mi pedido, no ha llegado', 'es'],
    ['Olá, preciso de ajuda com o meu pedido que não chegou', 'pt'],
    ['Hallo, ik heb hulp nodig met mijn bestelling', 'nl'],
    ['Ciao, ho bisogno di aiuto con il mio ordine', 'it'],
  ])('%s -> %s', (text, code) => {
    const got = detectLanguage(text);
    expect(got.code).toBe(code);
    expect(got.reliable).toBe(true);
  });

  it('reads full-width punctuation and ideographic spaces as their NFKC forms', () => {
    // Cleaning keeps them in Chinese and Japanese text, ready-made examples are not cleaned, and
    // tinyld splits chunks at ASCII punctuation (and a few full-width marks) and words at ASCII spaces only.
    for (const text of [
      'Guten Tag，meine Bestellung（Nr．12345）ist noch nicht angekommen！',
      'I　need　help　with　my　account，please！',
      '您好（订单：123）请问什么时候发货？',
    ]) {
      expect({ text, detected: detectLanguage(text) }).toEqual({ text, detected: detectLanguage(text.normalize('NFKC')) });
    }
    expect(detectLanguage('Guten Tag，meine Bestellung（Nr．12345）ist noch nicht angekommen！')).toMatchObject({
      code: 'de',
      reliable: true,
    });
  });

  it('reads the compatibility characters cleaning keeps as their NFKC forms', () => {
    for (const raw of [
      'Bitte warten Sie einen Moment…… die Wohnung hat 25 m² und ① zwei Zimmer',
      '面积１０㎡，重量５㎏，请问㈱什么时候发货？',
      'ㅋㅋㅋ 감사합니다 ㅠㅠ 주문은 언제 도착하나요',
    ]) {
      expect({ raw, detected: detectLanguage(normalizeText(raw)) }).toEqual({
        raw,
        detected: detectLanguage(normalizeText(raw.normalize('NFKC'))),
      });
    }
  });

  it('has no answer for text without letters, and short text is not reliable', () => {
    expect(detectLanguage('12345 !!! 😀')).toEqual({ code: 'und', confidence: 0, reliable: false });
    expect(detectLanguage('ok').reliable).toBe(false);
  });

  it('takes a conversation language from the customer, or from all turns when the customer wrote too little', () => {
    expect(
      detectConversationLanguage(
        ['Mein Paket ist nicht angekommen, bitte helfen Sie mir'],
        ['Mein Paket ist nicht angekommen', 'I am sorry'],
      ),
    ).toMatchObject({ code: 'de' });
    expect(detectConversationLanguage(['ok'], ['ok', 'Votre commande a été expédiée hier et arrivera demain'])).toMatchObject({
      code: 'fr',
      reliable: true,
    });
  });
});
