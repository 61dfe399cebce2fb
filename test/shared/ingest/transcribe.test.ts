import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestItem } from '../../../src/shared/ingest/types';
import { conversations, parseAll, rejections } from './helpers';

/**
 * Amazon Transcribe's batch output with speaker identification (generated in the documented layout,
 * SOURCE.md there). Before, `unknown-format`.
 */
const CALL = readFileSync(join(__dirname, '..', '..', 'fixtures', 'formats', 'transcribe', 'diarized-call.json'), 'utf8');
const reasons = (items: IngestItem[]) => items.map((i) => (i.type === 'rejected' ? i.rejection.reason : i.type));
type Output = { results: { items: Record<string, unknown>[]; speaker_labels?: unknown; audio_segments?: unknown[] } } & Record<
  string,
  unknown
>;

describe('Amazon Transcribe output', () => {
  test("speakers are labels, not roles: the agent's label mapped, the other is the customer; words and punctuation rejoined per turn", async () => {
    const items = await parseAll(CALL, { fileName: 'transcribe/support-line.json', speakerRoles: { spk_0: 'assistant' } }, 512);
    expect(reasons(items)).toEqual(['conversation']);
    const [call] = conversations(items);
    expect(call.conversationId).toBe('transcribe-support-line-2026-11-30-1822');
    expect(call.channel).toBe('voice');
    expect(call.turns.map((t) => `${t.role}: ${t.content}`)).toEqual([
      'assistant: Thank you for calling Northwind Broadband, this is Tomas. How can I help?',
      'user: Hi, my internet keeps dropping every evening since Monday.',
      'assistant: Sorry about that. I can see a fault on your street cabinet; an engineer is fixing it tonight.',
      'user: Great, thanks.',
    ]);
  });

  test('without a mapping the call is unknown-speaker saying what to map; without labels, saying to transcribe with them', async () => {
    const [unmapped] = rejections(await parseAll(CALL, { fileName: 'call.json' }, 512));
    expect(unmapped.reason).toBe('unknown-speaker');
    expect(unmapped.detail).toBe(
      'the Transcribe job "support-line-2026-11-30-1822" labels its speakers "spk_0", "spk_1", not roles: map the agent\'s label with speakerRoles (TUNELOOP_SPEAKER_ROLES={"spk_0":"assistant"}; on inbound calls the agent usually speaks first)',
    );
    const plain = JSON.parse(CALL) as Output;
    delete plain.results.speaker_labels;
    for (const item of plain.results.items) delete item.speaker_label;
    const [unlabelled] = rejections(
      await parseAll(JSON.stringify(plain), { fileName: 'call.json', speakerRoles: { spk_0: 'assistant' } }, 512),
    );
    expect(unlabelled.reason).toBe('unknown-speaker');
    expect(unlabelled.detail).toMatch(
      /has no speaker or channel labels.*speaker identification \(ShowSpeakerLabels\) or channel identification/,
    );
  });

  test('newer outputs: audio segments with their transcripts; channel labels work as speaker labels', async () => {
    const segmented = JSON.parse(CALL) as Output;
    segmented.results.audio_segments = [
      {
        id: 0,
        transcript: 'Thank you for calling Northwind Broadband.',
        start_time: '1.0',
        end_time: '3.1',
        channel_label: 'ch_0',
        items: [],
      },
      { id: 1, transcript: 'My internet keeps dropping.', start_time: '3.5', end_time: '5.0', channel_label: 'ch_1', items: [] },
    ];
    const [call] = conversations(
      await parseAll(JSON.stringify(segmented), { fileName: 'call.json', speakerRoles: { ch_0: 'assistant' } }, 512),
    );
    expect(call.turns.map((t) => `${t.role}: ${t.content}`)).toEqual([
      'assistant: Thank you for calling Northwind Broadband.',
      'user: My internet keeps dropping.',
    ]);
  });
});
