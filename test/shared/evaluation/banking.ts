import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { intentTaskExample } from '../../../src/shared/dataset/intentTask';

/**
 * Customer messages from BANKING77 (test/fixtures/corpora/banking77; Casanueva et al. 2020, CC BY 4.0),
 * five intents, with one agent reply per intent written for these tests. Real customer wording,
 * so retrieval and intent classification in the emulator face realistic paraphrases.
 */
const CORPUS = resolve(__dirname, '../../fixtures/corpora/banking77');
const SYSTEM = 'You are a helpful customer service assistant.';

export const REPLIES: Record<string, string> = {
  card_arrival: 'Your card was posted and usually arrives within 5 working days; you can follow its delivery status in the app under Card.',
  lost_or_stolen_card:
    'I have frozen your card right away so nobody can use it; you can order a replacement in the app under Card settings.',
  exchange_rate: 'We use the interbank exchange rate at the moment of payment; the app shows the current rate before you exchange.',
  pin_blocked: 'Your PIN is blocked after three wrong attempts; you can unblock it at any ATM using Card services and then the PIN menu.',
  request_refund: 'Refund requests go to the merchant first; if they do not reply within 15 days I can open a chargeback for you.',
};
const INTENTS = Object.keys(REPLIES);

function readCsv(file: string): [string, string][] {
  const rows: [string, string][] = [];
  for (const line of readFileSync(resolve(CORPUS, file), 'utf8').split('\n').slice(1)) {
    const m = /^(?:"((?:[^"]|"")*)"|([^,]*)),([^,]+)$/.exec(line.trim());
    if (m) rows.push([(m.at(1) ?? m.at(2) ?? '').replace(/""/g, '"'), m[3]]);
  }
  return rows;
}

function byIntent(rows: [string, string][], perIntent: number, skip = 0): { text: string; intent: string }[] {
  return INTENTS.flatMap((intent) =>
    rows
      .filter(([, c]) => c === intent)
      .slice(skip, skip + perIntent)
      .map(([text]) => ({ text, intent })),
  );
}

/**
 * The training and validation files. `corrupt` rotates replies by one intent and labels by two
 * (independently, so the reply text does not give the label away): the deliberately worse
 * candidate learns the wrong answer and the wrong label for every question.
 */
export function bankingTrainingFiles(options: { corrupt?: boolean } = {}): { train: string; validation: string } {
  const rows = readCsv('train.csv');
  const shift = (intent: string, by: number) => (options.corrupt ? INTENTS[(INTENTS.indexOf(intent) + by) % INTENTS.length] : intent);
  const lines = (items: { text: string; intent: string }[]) =>
    items
      .flatMap(({ text, intent }) => {
        const turns = [
          { role: 'user' as const, content: text },
          { role: 'assistant' as const, content: REPLIES[shift(intent, 1)] },
        ];
        return [
          JSON.stringify({ messages: [{ role: 'system', content: SYSTEM }, ...turns] }),
          JSON.stringify({ messages: intentTaskExample(turns, shift(intent, 2)) }),
        ];
      })
      .join('\n') + '\n';
  return { train: lines(byIntent(rows, 20)), validation: lines(byIntent(rows, 4, 20)) };
}

/** Holdout records (the lead's `holdout.records.jsonl` shape) from BANKING77's test split. */
export function bankingHoldout(perIntent = 5): string {
  return (
    byIntent(readCsv('test.csv'), perIntent)
      .map(({ text, intent }, i) =>
        JSON.stringify({
          conversation_id: `b77-test-${i}`,
          kind: 'conversation',
          issue_type: intent,
          split: 'holdout',
          example: {
            messages: [
              { role: 'system', content: SYSTEM },
              { role: 'user', content: text },
              { role: 'assistant', content: REPLIES[intent] },
            ],
          },
        }),
      )
      .join('\n') + '\n'
  );
}
