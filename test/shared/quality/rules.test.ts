import { createReplyRulesStage, isCustomerQuestion, parseRuleSpec, replyRuleFor } from '../../../src/shared/quality/rules';
import { conversation } from './helpers';

describe('reply rules', () => {
  it('recognises hand-offs, one-word replies and apologies without an answer', () => {
    expect(replyRuleFor('Let me connect you with a billing specialist.')).toBe('handoff');
    expect(replyRuleFor("I'm transferring you to our returns team now.")).toBe('handoff');
    expect(replyRuleFor('I will escalate this to a supervisor.')).toBe('handoff');
    // Words like "transfer" in an answer are not a hand-off.
    expect(replyRuleFor('You can transfer the balance to another card in the app under Payments.')).toBeUndefined();
    expect(replyRuleFor('Ok')).toBe('short-reply');
    expect(replyRuleFor('  ')).toBe('short-reply');
    expect(replyRuleFor("I'm so sorry about that. Thank you for your patience.")).toBe('apology-only');
    expect(replyRuleFor("Sorry about that! I've issued a refund of $20 to your card; it arrives in 3-5 days.")).toBeUndefined();
    expect(replyRuleFor('You can reset your password from the login page under "Forgot password".')).toBeUndefined();
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
    expect(stage.summary!()).toEqual({ dropped: {}, downWeightedTurns: { handoff: 1 } });
  });

  it('drops a conversation whose every reply breaks a rule, and one with no customer question', async () => {
    const stage = createReplyRulesStage();
    const allBad = await stage.apply(conversation('c2', [['user', 'Can you help with my bill?'], ['assistant', 'Transferring you now, please hold.']]));
    expect(allBad).toMatchObject({ action: 'drop', reason: 'handoff' });
    const noQuestion = await stage.apply(conversation('c3', [['user', 'hello'], ['assistant', 'Hello! How can I help you today?']]));
    expect(noQuestion).toMatchObject({ action: 'drop', reason: 'no-customer-question' });
    expect(stage.summary!()).toEqual({ dropped: { handoff: 1, 'no-customer-question': 1 }, downWeightedTurns: {} });
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
    expect(stage.summary!()).toEqual({ dropped: {}, downWeightedTurns: { 'low-csat': 1 } });
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
    const short = await stage.apply(conversation('c6', [['user', 'hi'], ['assistant', 'Yes']]));
    expect(short.action).toBe('keep');
  });

  it('rejects a bad rule spec with a message naming the rule', () => {
    expect(() => parseRuleSpec('handof=drop')).toThrow(/unknown rule "handof"/);
    expect(() => parseRuleSpec('handoff=remove')).toThrow(/use weight0, drop or off/);
  });

  it('leaves ready-made examples alone', async () => {
    const stage = createReplyRulesStage();
    const ready = conversation('r1', [['assistant', 'Ok']], { kind: 'ready' });
    expect((await stage.apply(ready)).action).toBe('keep');
  });
});
