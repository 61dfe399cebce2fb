import { intentTaskExample } from '../../../src/shared/dataset/intentTask';
import type { Turn } from '../../../src/shared/ingest/types';

/**
 * Small, deterministic customer-service training data written for these tests: four topics with
 * several phrasings each, plus intent-labelling examples built with the dataset's own prompt.
 */
export const TOPICS = {
  billing: {
    questions: [
      'I was charged twice for my subscription this month',
      'Why is there a double charge on my credit card invoice',
      'My invoice shows a billing amount that is wrong',
      'Can you refund the duplicate payment on my card',
      'The monthly fee on my bill went up without notice',
    ],
    answer: 'I am sorry about the duplicate charge. I have refunded the extra payment to your card; it will show within 5 business days.',
  },
  delivery: {
    questions: [
      'Where is my parcel, the tracking has not moved for days',
      'My package delivery is late and the courier did not come',
      'The shipment tracking number shows no updates',
      'When will my order be delivered, it was due yesterday',
      'The courier left my parcel at the wrong address',
    ],
    answer: 'I checked with the courier: your parcel is at the local depot and will be delivered tomorrow before noon.',
  },
  returns: {
    questions: [
      'How do I return a jacket that does not fit',
      'I want to send back these shoes and get an exchange',
      'Can I return an item I bought three weeks ago',
      'The blender arrived broken, I want to return it',
      'What is your return policy for opened items',
    ],
    answer: 'You can return it within 30 days. I have emailed you a prepaid return label; drop the item at any post office.',
  },
  account: {
    questions: [
      'I cannot log in to my account, the password reset email never arrives',
      'How do I change the email address on my account',
      'My account is locked after too many login attempts',
      'I forgot my password and the reset link expired',
      'Please delete my account and personal data',
    ],
    answer: 'I have unlocked your account and sent a new password reset link; it is valid for 24 hours.',
  },
} as const;

export type Topic = keyof typeof TOPICS;

export const SYSTEM = 'You are a helpful customer service assistant.';

/** Chat examples: every question of every topic, `repeat` times with small wording variations. */
export function chatExamples(repeat = 1): { messages: { role: string; content: string }[] }[] {
  const examples: { messages: { role: string; content: string }[] }[] = [];
  const openers = ['', 'Hi, ', 'Hello, ', 'Good morning, '];
  for (let r = 0; r < repeat; r++) {
    for (const [, topic] of Object.entries(TOPICS)) {
      topic.questions.forEach((q, i) => {
        examples.push({
          messages: [
            { role: 'system', content: SYSTEM },
            { role: 'user', content: `${openers[(i + r) % openers.length]}${q}` },
            { role: 'assistant', content: topic.answer },
          ],
        });
      });
    }
  }
  return examples;
}

/** Intent-labelling examples made with the dataset's prompt (what the dataset adds per conversation). */
export function intentExamples(): { messages: { role: string; content: string }[] }[] {
  const examples: { messages: { role: string; content: string }[] }[] = [];
  for (const [label, topic] of Object.entries(TOPICS)) {
    for (const q of topic.questions) {
      examples.push({
        messages: intentTaskExample(
          [
            { role: 'user', content: q },
            { role: 'assistant', content: topic.answer },
          ] satisfies Turn[],
          label,
        ),
      });
    }
  }
  return examples;
}

export function jsonl(examples: unknown[]): string {
  return examples.map((e) => JSON.stringify(e)).join('\n') + '\n';
}
