import { z } from 'zod';
import { sha256Hex } from '../dataset/keys';
import { TuneloopError } from '../errors';
import { required } from '../lookup';
import { foldDigits } from '../quality/pii/structured';

/**
 * What an erasure request names: one conversation (`<source>/<id>`, or `<id>` for every source),
 * or a piece of personal data (e-mail, phone number, customer id) that finds every conversation
 * mentioning it. The source of a conversation is the `raw-logs` blob it arrived in.
 */
export type ErasureTarget =
  { kind: 'conversation'; source?: string; conversationId: string } | { kind: 'email' | 'phone' | 'customer-id'; value: string };

export class ErasureRequestError extends TuneloopError {}

/** `<source>/<id>` splits at the last `/` (blob names may contain `/`; conversation ids should not). */
export function conversationTarget(spec: string): ErasureTarget {
  const value = spec.trim();
  if (!value) throw new ErasureRequestError('--conversation needs a value: <source>/<conversation id> or <conversation id>');
  const cut = value.lastIndexOf('/');
  if (cut === -1) return { kind: 'conversation', conversationId: value };
  const source = value.slice(0, cut);
  const conversationId = value.slice(cut + 1);
  if (!conversationId) throw new ErasureRequestError(`--conversation "${value}" ends with "/": give <source>/<conversation id>`);
  return source && source !== '*' ? { kind: 'conversation', source, conversationId } : { kind: 'conversation', conversationId };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[\d\s().-]+$/;

/** An e-mail has an @, a phone is digits and separators with at least 7 digits, anything else is a customer id. */
export function matchTarget(spec: string): ErasureTarget {
  const value = spec.trim();
  if (value.length < 3)
    throw new ErasureRequestError('--match needs an e-mail address, a phone number or a customer id of at least 3 characters');
  if (value.includes('@')) {
    if (!EMAIL.test(value)) throw new ErasureRequestError(`--match "${value}" has an @ but is not an e-mail address`);
    return { kind: 'email', value: value.toLowerCase() };
  }
  if (PHONE.test(value) && phoneDigits(value).length >= 7) return { kind: 'phone', value };
  return { kind: 'customer-id', value };
}

function phoneDigits(value: string): string {
  return value.replace(/^\s*(\+|00)/, '').replace(/\D/g, '');
}

/** The queue message (Azure) that asks for the same erasure as `tuneloop forget`. */
export const erasureMessageSchema = z
  .object({
    requestId: z.string().min(1).max(128).optional(),
    conversation: z.string().min(1).optional(),
    match: z.string().min(1).optional(),
  })
  .refine((m) => (m.conversation === undefined) !== (m.match === undefined), {
    error: 'an erasure message names exactly one of "conversation" (<source>/<id>) or "match" (e-mail, phone or customer id)',
  });
export type ErasureMessage = z.infer<typeof erasureMessageSchema>;

export function targetFromMessage(message: ErasureMessage): ErasureTarget {
  return message.conversation !== undefined
    ? conversationTarget(message.conversation)
    : matchTarget(required(message.match, 'the erasure message\'s "match"'));
}

/**
 * Tests text for the target's personal data. E-mails case-insensitively; phones by their digits
 * whatever the separators (the last 9 digits, so +44 7700 900123 and 07700 900123 are one number);
 * customer ids as a whole token. Raw logs hold what customers typed: an e-mail or phone number in
 * full-width forms (ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ, ０９０－１２３４) or another script's digits (٠٥٠…)
 * is the same data, so the text is folded as PII detection folds it before matching.
 */
export function textMatcher(target: ErasureTarget): (text: string) => boolean {
  switch (target.kind) {
    case 'email': {
      const needle = target.value.toLowerCase();
      return (text) => foldDigits(text).toLowerCase().includes(needle);
    }
    case 'phone': {
      const digits = phoneDigits(target.value);
      const tail = digits.slice(-Math.min(9, digits.length));
      return (text) => {
        // A number stays on its line: across a line break the next line's date would be read as
        // its last digits (a chat export's lines start with one).
        for (const run of foldDigits(text).match(/\+?\d[\d \t\u00a0().-]{5,}\d/g) ?? []) {
          const d = phoneDigits(run);
          if (d.endsWith(tail) || d === digits) return true;
        }
        return false;
      };
    }
    case 'customer-id': {
      const token = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(target.value)}(?![\\p{L}\\p{N}])`, 'iu');
      return (text) => token.test(foldDigits(text));
    }
    case 'conversation': {
      const token = new RegExp(`(?<![\\p{L}\\p{N}_-])${escapeRegExp(target.conversationId)}(?![\\p{L}\\p{N}_-])`, 'u');
      return (text) => token.test(text);
    }
  }
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What may be recorded about a target: its kind and a hash, never the value. */
export function describeTarget(target: ErasureTarget): { kind: ErasureTarget['kind']; hash: string } {
  const value = target.kind === 'conversation' ? `${target.source ?? '*'}\u0000${target.conversationId}` : target.value;
  return { kind: target.kind, hash: sha256Hex(`${target.kind}\u0000${value}`) };
}
