import type { Conversation, Turn } from '../../../src/shared/ingest/types';

/** A normalised conversation as ingest would produce it (customer → user, agent → assistant). */
export function conversation(id: string, turns: [Turn['role'], string][], extra: Partial<Conversation> = {}): Conversation {
  return {
    kind: 'conversation',
    conversationId: id,
    turns: turns.map(([role, content]) => ({ role, content })),
    source: { file: extra.source?.file ?? 'chats.jsonl', line: extra.source?.line ?? 1, record: JSON.stringify({ id }) },
    ...extra,
  };
}
