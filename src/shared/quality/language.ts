import type { Conversation } from '../ingest/types';
import type { ConversationStage, StageResult } from '../dataset/stages';
import { detectConversationLanguage } from '../language/detect';
import { romanizedLanguage } from '../language/romanized';
import { isClearlyEnglish } from './pii/englishCheck';
import { languageOrEnglish } from './pii/nameLanguage';

/** Text of a chat message's content (a string or an array of text parts). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (part && typeof part === 'object' && 'text' in part ? String((part as { text: unknown }).text) : ''))
    .join(' ');
}

/**
 * Characters of each side the detector reads: its cost grows with the text, and a conversation's
 * first thousand characters tell its language as well as the whole transcript.
 */
const MAX_DETECT_CHARS = 1000;

function capped(texts: string[]): string[] {
  const out: string[] = [];
  let length = 0;
  for (const text of texts) {
    if (length >= MAX_DETECT_CHARS) break;
    out.push(text.slice(0, MAX_DETECT_CHARS - length));
    length += text.length;
  }
  return out;
}

/** The texts a conversation's language is judged on: customer turns, and all turns as a fallback. */
function languageTexts(conversation: Conversation): { user: string[]; all: string[] } {
  return { user: userTexts(conversation), all: allTexts(conversation) };
}

function userTexts(conversation: Conversation): string[] {
  if (conversation.turns.length) return capped(conversation.turns.filter((t) => t.role === 'user').map((t) => t.content));
  return capped(
    readyMessages(conversation)
      .filter((m) => m.role === 'user')
      .map((m) => contentText(m.content)),
  );
}

function allTexts(conversation: Conversation): string[] {
  if (conversation.turns.length) return capped(conversation.turns.filter((t) => t.role !== 'system').map((t) => t.content));
  return capped(
    readyMessages(conversation)
      .filter((m) => m.role === 'user' || m.role === 'assistant')
      .map((m) => contentText(m.content)),
  );
}

function readyMessages(conversation: Conversation): { role?: unknown; content?: unknown }[] {
  return (conversation.ready?.messages ?? []) as { role?: unknown; content?: unknown }[];
}

/**
 * The conversation's language: the one the language stage set, or detected now (stages used on
 * their own, e.g. in tests or with the language stage left out). The detector's best guess is
 * kept even when it is unsure (short conversations), except that a short text in Latin letters
 * whose guess is a language without name rules is taken for English (`languageOrEnglish`); `und`
 * only when it has no answer at all.
 */
export function conversationLanguage(conversation: Conversation): string {
  if (conversation.language) return conversation.language;
  const { user, all } = languageTexts(conversation);
  const romanized = romanizedLanguage(user) ?? romanizedLanguage(all);
  if (romanized) return romanized;
  return languageOrEnglish(detectConversationLanguage(user, all), all.join('\n'));
}

export type LanguageSummary = {
  /** Conversations per detected language (ISO 639-1; `hi-Latn` and `ar-Latn` for Hindi and Arabic in Latin letters; `und` when undetermined). */
  conversations: Record<string, number>;
  /** Of those, how many the detector was unsure about (too short, or a low score). */
  unsure: number;
};

const CLEARLY_ENGLISH = { code: 'en', confidence: 1, reliable: true } as const;

/**
 * First quality stage: detects each conversation's language once (tinyld, from the customer's
 * turns) and stores it on the conversation, where the reply rules, the safety screen and the
 * curated record read it.
 */
export function createLanguageStage(): ConversationStage {
  const conversations: Record<string, number> = {};
  let unsure = 0;
  return {
    name: 'language',
    async apply(conversation: Conversation): Promise<StageResult> {
      const user = userTexts(conversation);
      // The usual input needs no detector: tinyld costs ~1 µs a character, more than the rest of
      // the per-conversation work together; the check costs a regex pass.
      let detected: { code: string; reliable: boolean } = CLEARLY_ENGLISH;
      let language = 'en';
      if (!isClearlyEnglish(user.join('\n'))) {
        const all = allTexts(conversation);
        const romanized = romanizedLanguage(user) ?? romanizedLanguage(all);
        if (romanized) {
          // Hindi or Arabic in Latin letters, which tinyld has no model for (see language/romanized.ts).
          detected = { code: romanized, reliable: true };
          language = romanized;
        } else {
          detected = detectConversationLanguage(user, all);
          // Unsure, in Latin letters, and a guess without name rules: English (see languageOrEnglish).
          language = languageOrEnglish(detected, all.join('\n'));
        }
      }
      conversations[language] = (conversations[language] ?? 0) + 1;
      if (!detected.reliable) unsure++;
      return { action: 'keep', conversation: { ...conversation, language } };
    },
    summary(): LanguageSummary {
      return { conversations: { ...conversations }, unsure };
    },
  };
}
