import type { ChatRole } from './types';

/**
 * Speaker names in exports are free text ("customer", "Agent Smith", "bot", "Support - Jane").
 * They map to chat roles by whole words; `speakerRoles` (exact name, case-insensitive) wins over
 * the words, for names the words cannot know ("Alice" → assistant).
 */
const ROLE_WORDS: ReadonlyArray<[ChatRole, ReadonlySet<string>]> = [
  ['system', new Set(['system', 'sys'])],
  [
    'assistant',
    new Set([
      'agent',
      'assistant',
      'bot',
      'chatbot',
      'support',
      'representative',
      'rep',
      'advisor',
      'adviser',
      'operator',
      'staff',
      'helpdesk',
      'csr',
      'associate',
      'specialist',
      'concierge',
      'wizard',
    ]),
  ],
  ['user', new Set(['customer', 'user', 'client', 'caller', 'guest', 'visitor', 'buyer', 'shopper', 'human', 'consumer'])],
];

export interface RoleMapper {
  /** The role of a speaker name, or undefined when neither `speakerRoles` nor the words decide it. */
  roleOf(speaker: string): ChatRole | undefined;
  /**
   * The role `speakerRoles` (TUNELOOP_SPEAKER_ROLES) gives the name itself, without reading role
   * words: what overrides what a format says of a speaker (a customer may be called "IT Support Kimura").
   */
  mappedRoleOf?(speaker: string): ChatRole | undefined;
}

/**
 * Role names that are a role only as the whole name: "developer" is the chat API's newer name for
 * the system message (logs of OpenAI-based bots), but "developer" inside a speaker's name is a
 * person (an engineer answering an escalated ticket), not a system prompt.
 */
const EXACT_ROLE_NAMES = new Map<string, ChatRole>([['developer', 'system']]);

export function createRoleMapper(speakerRoles: Record<string, ChatRole> = {}): RoleMapper {
  const explicit = new Map<string, ChatRole>();
  for (const [name, role] of Object.entries(speakerRoles)) explicit.set(name.trim().toLowerCase(), role);
  const cache = new Map<string, ChatRole | undefined>();
  return {
    roleOf(speaker: string): ChatRole | undefined {
      const key = speaker.trim().toLowerCase();
      if (cache.has(key)) return cache.get(key);
      const role = explicit.get(key) ?? EXACT_ROLE_NAMES.get(key) ?? roleFromWords(key);
      if (cache.size < 10_000) cache.set(key, role);
      return role;
    },
    mappedRoleOf: (speaker) => explicit.get(speaker.trim().toLowerCase()),
  };
}

/** Whether a lower-case word is one of the speaker words above ("agent", "customer", "bot"…). */
export function isRoleWord(word: string): boolean {
  return ROLE_WORDS.some(([, set]) => set.has(word));
}

function roleFromWords(name: string): ChatRole | undefined {
  const words = name
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  const found = new Set<ChatRole>();
  for (const word of words) {
    for (const [role, set] of ROLE_WORDS) if (set.has(word)) found.add(role);
  }
  // "customer support bot" names both sides; a name that does is not decidable by words.
  return found.size === 1 ? [...found][0] : undefined;
}

/**
 * Two-party chats where one side is named ("Agent Smith") and the other is a person's name
 * ("John"): the unnamed speaker is the other party. Only applied when exactly one speaker is
 * unresolved and every resolved speaker is on the same side, so no guess is ever ambiguous.
 */
export function inferMissingRoles(speakers: readonly string[], mapper: RoleMapper): Map<string, ChatRole> | { unknown: string[] } {
  const roles = new Map<string, ChatRole>();
  const unknown: string[] = [];
  for (const speaker of speakers) {
    const role = mapper.roleOf(speaker);
    if (role) roles.set(speaker, role);
    else unknown.push(speaker);
  }
  if (unknown.length === 0) return roles;
  const sides = new Set([...roles.values()].filter((r) => r !== 'system'));
  if (unknown.length === 1 && sides.size === 1) {
    roles.set(unknown[0], sides.has('user') ? 'assistant' : 'user');
    return roles;
  }
  return { unknown };
}
