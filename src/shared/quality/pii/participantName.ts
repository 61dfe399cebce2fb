import { isRoleWord } from '../../ingest/roles';
import type { PlaceholderMap } from './redact';

/** Words of a label that name a kind of participant, not a person ("example_user", "ai_model"). */
const LABEL_WORDS = new Set(['example', 'ai', 'model', 'gpt']);

/**
 * Roles whose `name` is the name of a function (required on `function` messages, written by some
 * converters on `tool` ones): an identifier the calls refer to, not a participant.
 */
const FUNCTION_NAME_ROLES = new Set(['function', 'tool']);

/**
 * The `name` of a ready-made message with no personal data in it. `name` labels a participant
 * ("jane_doe", "Agent Tom"); a label of role words and numbers only ("example_user",
 * "support_bot", "agent_2") names no one and is kept. Any other is taken for a person's name (a
 * handle like "jdoe42" cannot be told from one, so none is trusted) and replaced by that person's
 * placeholder: the number the content gave the same name ("jane_doe" and "Hi, I am Jane Doe" →
 * `PERSON_1`), so participants stay apart as the field intends. Without brackets: OpenAI's API
 * reference used to allow only letters, digits and `_` in a name.
 */
export function participantName(role: unknown, name: string, placeholders: PlaceholderMap): string {
  if (typeof role === 'string' && FUNCTION_NAME_ROLES.has(role)) return name;
  const personal = labelWords(name).filter((w) => !/^\d+$/.test(w) && !isRoleWord(w.toLowerCase()) && !LABEL_WORDS.has(w.toLowerCase()));
  if (!personal.length) return name;
  return placeholders.placeholder('PERSON', personal.join(' ')).replace(/^\[|\]$/g, '');
}

/** "jane_doe", "Jane-Doe", "JaneDoe", "jane.doe" → the words Jane, Doe. */
function labelWords(label: string): string[] {
  return label
    .normalize('NFKC')
    .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}
