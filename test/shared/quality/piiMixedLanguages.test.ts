import { createLocalDetector, createRedactionStage } from '../../../src/shared/quality/pii/redact';
import { conversation } from './helpers';

/**
 * A German turn in an English conversation (a customer who switches, an English-speaking agent
 * answering a German one). The conversation's language decides the name rules, and English rules
 * take every capitalised German noun for a name: "Das Paket kam mit einer kaputten Schachtel an"
 * went to training as "Das [PERSON_1] kam mit einer kaputten [PERSON_2] an" (hand-written sentences).
 */
describe('name rules for a German turn of an English conversation', () => {
  const contents = async (turns: ['user' | 'assistant', string][]) => {
    const stage = createRedactionStage({ detector: createLocalDetector() });
    const result = await stage.apply(conversation('mixed', turns, { language: 'en' }));
    if (result.action !== 'keep') throw new Error('dropped');
    return result.conversation.turns.map((t) => t.content);
  };

  it('reads a German turn with German rules: nouns stay, names still go', async () => {
    expect(
      await contents([
        ['user', 'Hi, my name is Alexis Moreau and my order #4521 has not arrived.'],
        ['assistant', 'Sorry Alexis, let me check that for you.'],
        ['user', 'Das Paket kam mit einer kaputten Schachtel an, schauen Sie sich das Foto an.'],
        ['user', 'Ich habe die Rechnung von Frau Schneider bekommen, aber der Betrag ist falsch.'],
        ['assistant', 'Thanks, I have sent a replacement and a corrected invoice.'],
      ]),
    ).toEqual([
      'Hi, my name is [PERSON_1] and my order #4521 has not arrived.',
      'Sorry [PERSON_1], let me check that for you.',
      'Das Paket kam mit einer kaputten Schachtel an, schauen Sie sich das Foto an.',
      'Ich habe die Rechnung von Frau [PERSON_2] bekommen, aber der Betrag ist falsch.',
      'Thanks, I have sent a replacement and a corrected invoice.',
    ]);
  });

  it('leaves English turns, short German ones and other languages to the English rules', async () => {
    const [english, short, dutchLooking] = await contents([
      ['assistant', 'Ride booked. Zoe will pick you up soon Thank you and goodbye.'],
      ['user', 'Danke Jonas!'],
      ['user', 'Thanks Marta, the Lisbon store has it.'],
    ]);
    expect(english).toBe('Ride booked. [PERSON_1] will pick you up soon Thank you and goodbye.');
    expect(short).toBe('Danke [PERSON_2]!');
    expect(dutchLooking).toBe('Thanks [PERSON_3], the Lisbon store has it.');
  });
});
