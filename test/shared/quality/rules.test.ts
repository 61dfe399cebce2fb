import { createReplyRulesStage, isCustomerQuestion, parseRuleSpec, replyRuleFor } from '../../../src/shared/quality/rules';
import { englishRules, testRule } from '../../../src/shared/quality/languages';
import { conversation } from './helpers';
import type { Turn } from '../../../src/shared/ingest/types';

describe('reply rules', () => {
  it('recognises hand-offs, one-word replies and apologies without an answer', () => {
    expect(replyRuleFor('Let me connect you with a billing specialist.')).toBe('handoff');
    expect(replyRuleFor("I'm transferring you to our returns team now.")).toBe('handoff');
    expect(replyRuleFor('I will escalate this to a supervisor.')).toBe('handoff');
    // Words like "transfer" in an answer are not a hand-off.
    expect(replyRuleFor('You can transfer the balance to another card in the app under Payments.')).toBeUndefined();
    expect(replyRuleFor('Ok')).toBe('short-reply');
    // Words of scripts without spaces are counted one character each, so a Japanese answer is not one "word".
    expect(replyRuleFor('返金の手続きを行いました', { language: 'ja' })).toBeUndefined();
    expect(replyRuleFor('  ')).toBe('short-reply');
    expect(replyRuleFor("I'm so sorry about that. Thank you for your patience.")).toBe('apology-only');
    expect(replyRuleFor("Sorry about that! I've issued a refund of $20 to your card; it arrives in 3-5 days.")).toBeUndefined();
    expect(replyRuleFor('You can reset your password from the login page under "Forgot password".')).toBeUndefined();
  });

  // The sentence of an apology may run on only with words about the apology; an answer in the same
  // clause ("So sorry your parcel ships today") is an answer, in every language with phrase lists.
  it.each([
    ['en', 'So sorry your parcel ships today and arrives Friday.', undefined],
    ['en', 'So sorry, your parcel ships today and arrives Friday.', undefined],
    ['en', "I'm sorry your refund was sent to your card this morning.", undefined],
    ['en', 'I am sorry I cannot find a route', undefined],
    ['en', 'Sorry about that!', 'apology-only'],
    ['en', "I'm so sorry for the inconvenience.", 'apology-only'],
    ['en', 'Sorry to hear that.', 'apology-only'],
    ['en', 'I apologise for any inconvenience this may have caused.', 'apology-only'],
    ['en', 'Sorry for keeping you waiting so long. Thanks for your patience.', 'apology-only'],
    ['en', "I'm sorry to hear your parcel arrived damaged.", 'apology-only'],
    ['de', 'Es tut mir leid Ihr Paket kommt am Freitag an.', undefined],
    ['de', 'Wir bedauern die entstandenen Unannehmlichkeiten.', 'apology-only'],
    ['fr', "Désolée votre colis part aujourd'hui et arrive vendredi.", undefined],
    ['fr', "Nous sommes désolés pour la gêne occasionnée et l'attente.", 'apology-only'],
    ['es', 'Lo siento su paquete sale hoy y llega el viernes.', undefined],
    ['es', 'Lamentamos mucho las molestias causadas.', 'apology-only'],
    ['it', 'Mi dispiace il pacco parte oggi e arriva venerdì.', undefined],
    ['it', "Ci scusiamo per l'attesa e per il ritardo.", 'apology-only'],
    ['pt', 'Desculpe o seu pacote sai hoje e chega na sexta-feira.', undefined],
    ['pt', 'Pedimos desculpas pela demora.', 'apology-only'],
    ['nl', 'Sorry uw pakket wordt vandaag verzonden en komt vrijdag aan.', undefined],
    ['nl', 'Excuses voor het lange wachten.', 'apology-only'],
  ])('%s apology "%s": %s', (language, text, rule) => {
    expect(replyRuleFor(text, { language })).toBe(rule);
  });

  // Likewise a thanks or an acknowledgement ("I understand", "I see", "got it") may run on only with
  // words of the thanks itself: the rest of the clause is an answer, and an apology beside it is not
  // all the reply says.
  it.each([
    ['en', 'Sorry for the wait. Thanks your order ships today.', undefined],
    ['en', 'Sorry for the wait. I understand your refund was issued on Monday.', undefined],
    ['en', 'Sorry for the wait. I understand, your refund was issued on Monday.', undefined],
    ['en', 'Sorry about that. I see the parcel left the depot on Monday.', undefined],
    ['en', 'Sorry! Got it your new address is saved now.', undefined],
    ['en', 'Hmm, it depends. Thank you the store opens at nine tomorrow.', undefined],
    ['en', 'Sorry for the wait. Thank you so much for your patience!', 'apology-only'],
    ['en', 'Sorry for the delay. I completely understand your frustration.', 'apology-only'],
    ['en', 'Sorry about that. Thanks for reaching out to us.', 'apology-only'],
    ['en', 'Sorry! Got it, thanks for letting me know.', 'apology-only'],
    ['de', 'Entschuldigung. Danke Ihr Paket kommt am Freitag an.', undefined],
    ['de', 'Entschuldigung. Vielen Dank für Ihre Geduld.', 'apology-only'],
    ['fr', "Désolée. Merci votre colis part aujourd'hui et arrive vendredi.", undefined],
    ['fr', 'Désolée. Je comprends votre frustration.', 'apology-only'],
    ['es', 'Lo siento. Gracias su paquete sale hoy y llega el viernes.', undefined],
    ['es', 'Lo siento. Muchas gracias por su paciencia.', 'apology-only'],
    ['it', 'Mi dispiace. Grazie il pacco parte oggi e arriva venerdì.', undefined],
    ['it', 'Mi dispiace. Grazie mille per la pazienza.', 'apology-only'],
    ['pt', 'Desculpe. Obrigado o seu pacote sai hoje e chega na sexta-feira.', undefined],
    ['pt', 'Desculpe. Obrigada pela sua paciência.', 'apology-only'],
    ['nl', 'Sorry. Bedankt uw pakket wordt vandaag verzonden en komt vrijdag aan.', undefined],
    ['nl', 'Sorry. Ik begrijp uw frustratie.', 'apology-only'],
  ])('%s thanks or acknowledgement "%s": %s', (language, text, rule) => {
    expect(replyRuleFor(text, { language })).toBe(rule);
  });

  it('knows a customer question or request when it sees one', () => {
    expect(isCustomerQuestion('Where is my order?')).toBe(true);
    expect(isCustomerQuestion('I need to change my delivery address')).toBe(true);
    expect(isCustomerQuestion('My card was charged twice')).toBe(true);
    expect(isCustomerQuestion('My delivery was marked as delivered but there is nothing at my door.')).toBe(true);
    expect(isCustomerQuestion('My account is locked after too many login attempts.')).toBe(true);
    expect(isCustomerQuestion('Thanks, that is all I needed.')).toBe(false);
    expect(isCustomerQuestion('Hi')).toBe(false);
    expect(isCustomerQuestion('Thanks, bye.')).toBe(false);
    // A problem stated without a question mark or a request word is a request.
    expect(isCustomerQuestion('Hi somebody transferred $500 from my account!')).toBe(true);
    expect(isCustomerQuestion('Great, thanks a lot for your help!')).toBe(false);
    expect(isCustomerQuestion('Have a nice day!')).toBe(false);
  });

  it.each([
    ['de', 'Hallo, mein Paket ist nicht angekommen', true],
    ['de', 'Danke, das war alles.', false],
    ['fr', 'Bonjour, je voudrais un remboursement', true],
    ['fr', 'Merci beaucoup, bonne journée', false],
    ['es', 'Hola, mi pedido no ha llegado todavía', true],
    ['es', 'Muchas gracias, hasta luego', false],
    ['it', 'Buongiorno, il mio ordine è arrivato danneggiato', true],
    ['it', 'Grazie mille, buona giornata', false],
    ['pt', 'Olá, fui cobrado duas vezes', true],
    ['pt', 'Obrigado, tchau', false],
    ['nl', 'Hallo, mijn pakket is nooit aangekomen', true],
    ['nl', 'Bedankt, fijne dag nog', false],
  ])('%s customer turn "%s" asks or states a problem: %s', (language, text, expected) => {
    expect(isCustomerQuestion(text, language)).toBe(expected);
  });

  it.each([
    ['fr', 'Je suis désolée pour ce retard, votre colis arrive demain.', undefined],
    ['fr', 'Je suis vraiment désolée pour ce retard.', 'apology-only'],
    ['fr', 'Je vous transfère à un collègue du service facturation.', 'handoff'],
    ['de', 'Ich verbinde Sie mit einem Kollegen aus der Buchhaltung.', 'handoff'],
    ['de', 'Es tut mir leid, das kommt darauf an.', 'ambiguous'],
    ['de', 'Das liegt leider außerhalb meines Bereichs.', 'out-of-scope'],
    ['es', 'Lo siento mucho por las molestias.', 'apology-only'],
    ['es', 'Lo siento, su reembolso se procesará en tres días hábiles.', undefined],
    ['it', 'Mi dispiace, posso aiutarla solo con gli ordini.', 'out-of-scope'],
    ['pt', 'Vou transferir você para o setor de cobrança.', 'handoff'],
    ['nl', 'Het spijt me, ik verbind u door met een collega.', 'handoff'],
    ['en', 'That is outside what I can help with, sorry.', 'out-of-scope'],
    ['en', 'Hmm, it depends.', 'ambiguous'],
    ['en', 'I am not able to give investment advice. If you have a question about a Shoply order, I am happy to help.', 'out-of-scope'],
  ])('%s reply "%s" breaks %s', (language, text, rule) => {
    expect(replyRuleFor(text, { language })).toBe(rule);
  });

  it('applies no phrase rule to a language without phrase lists, and counts it as not screened', async () => {
    const stage = createReplyRulesStage();
    // Armenian: a refund request without a question mark, and a reply that apologises only.
    const result = await stage.apply(
      conversation('hy1', [
        ['user', 'Ես ուզում եմ գումարի վերադարձ իմ պատվերի համար'],
        ['assistant', 'Ներողություն անհարմարության համար'],
      ]),
    );
    expect(result.action).toBe('keep');
    if (result.action !== 'keep') return;
    expect(result.conversation.language).toBe('hy');
    expect(result.conversation.turns[1].weight).toBeUndefined();
    // Greek (Arabic, Hindi and Hebrew, the examples before, have lists since December 2026).
    const greek = await stage.apply(
      conversation('el1', [
        ['user', 'Θέλω επιστροφή χρημάτων για την παραγγελία μου'],
        ['assistant', 'Λυπάμαι πολύ για την ταλαιπωρία'],
      ]),
    );
    expect(greek.action).toBe('keep');
    expect(stage.summary!()).toMatchObject({ dropped: {}, notScreened: { hy: 1, el: 1 } });
  });

  it('screens Thai: a conversation whose only reply apologises is dropped', async () => {
    const stage = createReplyRulesStage();
    const result = await stage.apply(
      conversation('th1', [
        ['user', 'ฉันต้องการคืนเงินสำหรับคำสั่งซื้อนี้'],
        ['assistant', 'ขออภัยในความไม่สะดวกเป็นอย่างยิ่งค่ะ'],
      ]),
    );
    expect(result).toMatchObject({ action: 'drop', reason: 'apology-only' });
    expect(stage.summary!().notScreened).toEqual({});
  });

  it('down-weights rule-breaking assistant turns, keeps them as context and counts them by reason', async () => {
    const stage = createReplyRulesStage();
    const result = await stage.apply(
      conversation('c1', [
        ['user', 'How do I get a refund for order 5512?'],
        ['assistant', 'Let me connect you with our refunds team.'],
        ['user', 'Thanks'],
        ['assistant', 'Refunds go back to the original card within 5 business days once approved.'],
      ]),
    );
    expect(result.action).toBe('keep');
    if (result.action !== 'keep') return;
    expect(result.conversation.turns.map((t) => t.weight)).toEqual([undefined, 0, undefined, undefined]);
    expect(result.conversation.turns[1].content).toBe('Let me connect you with our refunds team.');
    expect(stage.summary!()).toEqual({ dropped: {}, downWeightedTurns: { handoff: 1 }, notScreened: {} });
  });

  it('drops a conversation whose every reply breaks a rule, and one with no customer question', async () => {
    const stage = createReplyRulesStage();
    const allBad = await stage.apply(
      conversation('c2', [
        ['user', 'Can you help with my bill?'],
        ['assistant', 'Transferring you now, please hold.'],
      ]),
    );
    expect(allBad).toMatchObject({ action: 'drop', reason: 'handoff' });
    const noQuestion = await stage.apply(
      conversation('c3', [
        ['user', 'hello'],
        ['assistant', 'Hello! How can I help you today?'],
      ]),
    );
    expect(noQuestion).toMatchObject({ action: 'drop', reason: 'no-customer-question' });
    expect(stage.summary!()).toEqual({ dropped: { handoff: 1, 'no-customer-question': 1 }, downWeightedTurns: {}, notScreened: {} });
  });

  it('gives weight 0 to every assistant turn of a low-rated conversation but keeps it', async () => {
    const stage = createReplyRulesStage({ csatThreshold: 3 });
    const convo = conversation(
      'c4',
      [
        ['user', 'Why was I charged a late fee?'],
        ['assistant', 'Late fees apply when payment arrives after the due date.'],
      ],
      { csat: 2 },
    );
    const low = await stage.apply(convo);
    expect(low.action === 'keep' && low.conversation.turns[1].weight).toBe(0);
    const fine = await stage.apply({ ...convo, csat: 3 });
    expect(fine.action === 'keep' && fine.conversation.turns[1].weight).toBeUndefined();
    expect(stage.summary!()).toEqual({ dropped: {}, downWeightedTurns: { 'low-csat': 1 }, notScreened: {} });
  });

  it('follows configured actions: drop, off', async () => {
    const stage = createReplyRulesStage({ ...parseRuleSpec('handoff=drop,short-reply=off,no-customer-question=off') });
    const r = await stage.apply(
      conversation('c5', [
        ['user', 'Can I change my plan?'],
        ['assistant', 'Yes, from Settings > Plan.'],
        ['assistant', 'Let me transfer you to sales for the details.'],
      ]),
    );
    expect(r).toMatchObject({ action: 'drop', reason: 'handoff' });
    const short = await stage.apply(
      conversation('c6', [
        ['user', 'hi'],
        ['assistant', 'Yes'],
      ]),
    );
    expect(short.action).toBe('keep');
  });

  it('rejects a bad rule spec with a message naming the rule', () => {
    expect(() => parseRuleSpec('handof=drop')).toThrow(/unknown rule "handof"/);
    expect(() => parseRuleSpec('handoff=remove')).toThrow(/use weight0, drop or off/);
    expect(() => parseRuleSpec('unprompted-reply=drop')).toThrow(/unprompted-reply=drop is not valid: use weight0 or off/);
  });

  it('gives weight 0 to assistant turns before the first customer turn (unprompted-reply), unless turned off', async () => {
    // Before: a greeting, or a session opening with the answer to an earlier export's question, was learned
    // as if the model should speak unasked.
    const turns: [Turn['role'], string][] = [
      ['assistant', 'Hi! Welcome to Shoply, how can we help you today?'],
      ['assistant', 'Your parcel 4521 was handed to the courier this morning.'],
      ['user', 'Thanks, when will it arrive?'],
      ['assistant', 'It arrives tomorrow between 9 and 12.'],
    ];
    const stage = createReplyRulesStage();
    const kept = await stage.apply(conversation('u1', turns));
    expect(kept.action === 'keep' && kept.conversation.turns.map((t) => t.weight)).toEqual([0, 0, undefined, undefined]);
    expect(stage.summary!().downWeightedTurns).toEqual({ 'unprompted-reply': 2 });
    // Positions among the replies an example holds: system and empty turns are not in it, a tool call is.
    const call = { id: 'call_1', type: 'function' as const, function: { name: 'get_order', arguments: '{}' } };
    const positioned = await stage.apply({
      ...conversation('u5', [
        ['assistant', ''],
        ['system', 'Agent joined'],
        ['assistant', 'Hi! Welcome to Shoply, how can we help you today?'],
        ['assistant', ''],
        ['user', 'Where is order 5531?'],
        ['assistant', 'It ships today.'],
      ]),
    });
    if (positioned.action !== 'keep') throw new Error('kept expected');
    expect(positioned.conversation.unprompted).toEqual([0]);
    const withCall = await stage.apply({
      ...conversation('u6', [
        ['assistant', 'Hi! Welcome to Shoply, how can we help you today?'],
        ['user', 'Where is order 5531?'],
        ['assistant', 'It ships today.'],
      ]),
      turns: [
        { role: 'assistant', content: '', toolCalls: [call] },
        { role: 'assistant', content: 'Hi! Welcome to Shoply, how can we help you today?' },
        { role: 'user', content: 'Where is order 5531?' },
        { role: 'assistant', content: 'It ships today.' },
      ],
    });
    expect(withCall.action === 'keep' && withCall.conversation.unprompted).toEqual([0, 1]);
    // A broken reply before the customer's first turn does not make the conversation "every reply
    // breaks a rule" (found by a review: the answer at the top of a day's export was quarantined).
    const topOfExport = await createReplyRulesStage().apply(
      conversation('u7', [
        ['assistant', 'Sorry!'],
        ['assistant', 'The courier lost parcel 8812, a new one leaves today.'],
        ['user', 'Can you send it to my office instead?'],
      ]),
    );
    expect(topOfExport.action === 'keep' && topOfExport.conversation.turns.map((t) => t.weight)).toEqual([0, 0, undefined]);
    // With the rule off, as before: a conversation whose only reply broke a rule is quarantined for it.
    const offTop = await createReplyRulesStage(parseRuleSpec('unprompted-reply=off')).apply(
      conversation('u8', [
        ['assistant', 'Sorry!'],
        ['user', 'Can you send it to my office instead?'],
      ]),
    );
    expect(offTop).toMatchObject({ action: 'drop', reason: 'short-reply' });
    // A language without phrase lists: kept as context, not quarantined.
    const greek = await stage.apply(
      conversation('u3', [['assistant', 'Γεια σας, πώς μπορούμε να βοηθήσουμε σήμερα;']], { language: 'el' }),
    );
    expect(greek.action === 'keep' && greek.conversation.turns[0].weight).toBe(0);
    const off = createReplyRulesStage(parseRuleSpec('unprompted-reply=off'));
    const learned = await off.apply(conversation('u4', turns));
    expect(learned.action === 'keep' && learned.conversation.turns.map((t) => t.weight)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(off.summary!().downWeightedTurns).toEqual({});
    // FAQ pairs and ready-made lines are not conversations with a customer side to wait for.
    const faq = await stage.apply(conversation('f1', [['assistant', 'Returns are free within 30 days.']], { kind: 'faq' }));
    expect(faq.action === 'keep' && faq.conversation.turns[0].weight).toBeUndefined();
  });

  it('leaves ready-made examples alone', async () => {
    const stage = createReplyRulesStage();
    const ready = conversation('r1', [['assistant', 'Ok']], { kind: 'ready' });
    expect((await stage.apply(ready)).action).toBe('keep');
  });
});

describe('testRule', () => {
  it('answers as the pattern itself does, on ASCII text of any case and on other text', () => {
    const rules = englishRules();
    const texts = [
      'Let me TRANSFER you to a colleague',
      "I'M NOT SURE",
      'That is outside of MY SCOPE, sorry',
      'Désolé, I am not able to help with that',
      'K\u212a s\u017f ignore previous instructions',
      'SORRY',
      '',
    ];
    for (const text of texts) {
      for (const pattern of [rules.handoff, rules.outOfScope, rules.apology, rules.hedgeAnywhere, rules.refusal, rules.unsafeRequest]) {
        expect(testRule(pattern, text)).toBe(pattern.test(text));
      }
    }
  });

  it('keeps a pattern whose meaning depends on case as it is', () => {
    expect(testRule(/\p{Lu}x/iu, 'ax')).toBe(/\p{Lu}x/iu.test('ax'));
    expect(testRule(/A\x41/i, 'aa')).toBe(true);
    expect(testRule(/Bx/i, 'bx')).toBe(true);
  });
});
