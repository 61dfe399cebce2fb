import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestItem } from '../../../src/shared/ingest/types';
import { conversations, parseAll, rejections } from './helpers';

/**
 * Amazon Connect's chat transcripts and Contact Lens output (hand-written in AWS's layouts,
 * SOURCE.md there). Before, both were rejected whole as unknown-format.
 */
const fixture = (name: string) => readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', 'amazon-connect', name), 'utf8');
const CHAT = fixture('chat-transcript.json');
const CALL = fixture('contact-lens-call.json');
const reasons = (items: IngestItem[]) => items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type));

describe('Amazon Connect contacts', () => {
  test("a chat transcript from S3 is one conversation: the customer asks, the agent answers, the flow's greeting and the screenshot are set aside", async () => {
    const items = await parseAll(CHAT, { fileName: 'connect/ChatTranscripts/2026/11/28/5d3f9a2b_20261128T14:06_UTC.json' }, 64);
    expect(reasons(items)).toEqual(['conversation']);
    const [chat] = conversations(items);
    expect(chat.conversationId).toBe('connect-5d3f9a2b-1c4e-4f6a-8b7c-9d0e1f2a3b4c');
    expect(chat.channel).toBe('chat');
    expect(chat.turns.map((t) => `${t.role}: ${t.content.slice(0, 30)}`)).toEqual([
      'user: Hi, my internet has been dropp',
      "assistant: Hello Priya, I'm sorry about t",
      "user: Restarted, it's stable now. Th",
      "assistant: You're welcome. If it drops ag",
    ]);
    expect(chat.turns[0].timestamp).toBe('2026-11-28T14:02:31.877Z');
    expect(chat.setAside).toEqual({ 'bot-message': 1, 'media-omitted': 1 });
  });

  test('transcripts joined into JSON lines are one conversation each', async () => {
    const second = CHAT.replaceAll('5d3f9a2b-1c4e-4f6a-8b7c-9d0e1f2a3b4c', '6e4a0b3c-2d5f-4a7b-9c8d-0e1f2a3b4c5d');
    const items = await parseAll(`${CHAT.trim()}\n${second.trim()}\n`, { fileName: 'transcripts.jsonl' });
    expect(conversations(items).map((c) => c.conversationId)).toEqual([
      'connect-5d3f9a2b-1c4e-4f6a-8b7c-9d0e1f2a3b4c',
      'connect-6e4a0b3c-2d5f-4a7b-9c8d-0e1f2a3b4c5d',
    ]);
  });

  test("Contact Lens output of a call: participants by id, the contact's id from CustomerMetadata, the channel from Channel", async () => {
    const items = await parseAll(CALL, { fileName: 'contact-lens/0b7e4c2a.json' }, 64);
    expect(reasons(items)).toEqual(['conversation']);
    const [call] = conversations(items);
    expect(call.conversationId).toBe('connect-0b7e4c2a-9d1f-4e3b-a5c6-7d8e9f0a1b2c');
    expect(call.channel).toBe('voice');
    expect(call.turns.map((t) => t.role)).toEqual(['assistant', 'user', 'assistant', 'user']);
    // What Contact Lens redacted stays as it wrote it.
    expect(call.turns[1].content).toContain('My name is [PII]');
  });

  test('Transcribe Call Analytics output (a call recorded outside Connect) is one conversation named by its job', async () => {
    // The same layout as Contact Lens's; items name their ParticipantRole, the file its JobName, no contact.
    const contactLens = JSON.parse(CALL) as { Transcript: { ParticipantId?: string; ParticipantRole?: string }[] } & Record<
      string,
      unknown
    >;
    const { CustomerMetadata: _contact, Version: _version, ...rest } = contactLens;
    const analytics = {
      JobName: 'support-line-2026-11-28-0412',
      ...rest,
      Participants: [{ ParticipantRole: 'AGENT' }, { ParticipantRole: 'CUSTOMER' }],
      Transcript: contactLens.Transcript.map(({ ParticipantId, ...item }) => ({ ...item, ParticipantRole: ParticipantId })),
    };
    const items = await parseAll(JSON.stringify(analytics), { fileName: 'transcribe/support-line-2026-11-28-0412.json' }, 64);
    expect(reasons(items)).toEqual(['conversation']);
    const [call] = conversations(items);
    expect(call.conversationId).toBe('transcribe-support-line-2026-11-28-0412');
    expect(call.channel).toBe('voice');
    expect(call.turns.map((t) => t.role)).toEqual(['assistant', 'user', 'assistant', 'user']);
    // Before: rejected, "the contact has no ContactId".
  });

  test('a participant of no known role, or a contact without its id, is rejected saying which', async () => {
    const unknown = CALL.replace('"ParticipantRole": "CUSTOMER"', '"ParticipantRole": "OBSERVER"');
    const [rejected] = rejections(await parseAll(unknown, { fileName: 'call.json' }, 64));
    expect(rejected).toMatchObject({ reason: 'unknown-speaker' });
    expect(rejected.detail).toBe(
      'transcript item 2 is by participant role "OBSERVER", not one of CUSTOMER, AGENT, SUPERVISOR, SYSTEM or CUSTOM_BOT',
    );
    const noId = CHAT.replaceAll('"ContactId":"5d3f9a2b-1c4e-4f6a-8b7c-9d0e1f2a3b4c",', '');
    expect(rejections(await parseAll(noId, { fileName: 'chat.json' }, 64))[0]).toMatchObject({ reason: 'missing-field:ContactId' });
  });

  test('a chat only the flow and the customer spoke in is one-sided', async () => {
    const unanswered = CHAT.replaceAll('"ParticipantRole":"AGENT"', '"ParticipantRole":"CUSTOM_BOT"');
    const [rejected] = rejections(await parseAll(unanswered, { fileName: 'chat.json' }, 64));
    expect(rejected.reason).toBe('one-sided-conversation');
    expect(rejected.detail).toContain(
      'the Amazon Connect contact "5d3f9a2b-1c4e-4f6a-8b7c-9d0e1f2a3b4c" has no reply from the support side',
    );
  });
});
