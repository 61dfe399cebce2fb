import { screenConversation } from '../../../src/shared/quality/safety';
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

/** True when the abuse screen flags `text` as an agent's reply in `language`. */
export function isAbusiveReply(language: string, text: string): boolean {
  const screened = conversation('c', [['assistant', text]], { language, source: { file: 'f', line: 1, record: '' } });
  return screenConversation(screened, { categories: ['abuse'] })?.category === 'abuse';
}
