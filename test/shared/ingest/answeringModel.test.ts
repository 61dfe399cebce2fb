import { Readable } from 'node:stream';
import { answeringModel } from '../../../src/shared/ingest/answeringModel';
import { loadSettings } from '../../../src/shared/config/settings';
import { MemoryFeedbackStore } from '../../../src/shared/dataset/feedbackStore';
import { preprocessStream, emptyStats } from '../../../src/shared/dataset/preprocess';
import { preprocessStages } from '../../../src/shared/dataset/pipelineStages';
import { curatedLine, curatedRecordOf, type CuratedRecord, type QuarantineRecord } from '../../../src/shared/dataset/records';
import { validateExample } from '../../../src/shared/dataset/validate';
import { MemorySignatureStore } from '../../../src/shared/quality/dedup';
import { conversations, feedbacks, jsonl, parseAll, rejections } from './helpers';
import { qualityConfig } from '../../../src/shared/composition/config';

/** The `model`/`deployment` field naming the model that answered (CSAT per answering model). */

const customer = 'Hello, my parcel for order 5521 has not arrived yet, can you check it?';
const agent = 'Sorry about the wait! Order 5521 left our warehouse yesterday and arrives tomorrow.';

describe('answering model in chat logs', () => {
  it('conversation JSONL: the conversation field, or the assistant messages', async () => {
    const items = await parseAll(
      jsonl(
        {
          conversation_id: 'a',
          model: 'ft-shoply-v3',
          messages: [
            { role: 'customer', text: customer },
            { role: 'agent', text: agent },
          ],
        },
        {
          conversation_id: 'b',
          deployment: 'shoply-prod',
          messages: [
            { role: 'customer', text: customer },
            { role: 'agent', text: agent },
          ],
        },
        // Message-level names win over the conversation's (a reply is what the customer rated).
        {
          conversation_id: 'c',
          model: 'ft-old',
          messages: [
            { role: 'customer', text: customer },
            { role: 'agent', text: agent, model: 'ft-new' },
          ],
        },
        // A customer message's "model" names nothing (only replies are written by a model).
        {
          conversation_id: 'd',
          messages: [
            { role: 'customer', text: customer, model: 'ft-x' },
            { role: 'agent', text: agent },
          ],
        },
        // Not a string: names no model, the conversation is still good data (as an out-of-range csat).
        {
          conversation_id: 'e',
          model: 42,
          messages: [
            { role: 'customer', text: customer },
            { role: 'agent', text: agent },
          ],
        },
      ),
    );
    expect(rejections(items)).toEqual([]);
    expect(conversations(items).map((c) => [c.conversationId, c.model])).toEqual([
      ['a', 'ft-shoply-v3'],
      ['b', 'shoply-prod'],
      ['c', 'ft-new'],
      ['d', undefined],
      ['e', undefined],
    ]);
  });

  it('messages that disagree: most replies decide, a tie goes to the last reply', () => {
    expect(answeringModel('conv', ['a', 'b', 'a'])).toBe('a');
    expect(answeringModel('conv', ['a', 'b'])).toBe('b');
    expect(answeringModel('conv', ['b', 'a', 'a', 'b'])).toBe('b');
    expect(answeringModel('conv', [undefined, undefined])).toBe('conv');
    expect(answeringModel(undefined, [])).toBeUndefined();
  });

  it('a JSON array document and a wrapper object carry it too', async () => {
    const doc = JSON.stringify([
      {
        conversation_id: 'j1',
        model: 'ft-a',
        messages: [
          { role: 'user', content: customer },
          { role: 'assistant', content: agent },
        ],
      },
      {
        conversation_id: 'j2',
        messages: [
          { role: 'user', content: customer },
          { role: 'assistant', content: agent, deployment: 'dep-b' },
        ],
      },
    ]);
    expect(conversations(await parseAll(doc, { fileName: 'chats.json' }, 16)).map((c) => c.model)).toEqual(['ft-a', 'dep-b']);
    const wrapped = JSON.stringify({ conversations: JSON.parse(doc) });
    expect(conversations(await parseAll(wrapped, { fileName: 'chats.json' }, 16)).map((c) => c.model)).toEqual(['ft-a', 'dep-b']);
  });

  it('message CSV: a model (or deployment) column on the assistant rows', async () => {
    const csv = [
      'conversation_id,speaker,text,timestamp,model',
      `c1,customer,"${customer}",2026-01-01T10:00:00Z,`,
      `c1,agent,"${agent}",2026-01-01T10:01:00Z,ft-shoply-v3`,
      `c2,customer,"${customer}",2026-01-01T11:00:00Z,`,
      `c2,agent,"${agent}",2026-01-01T11:01:00Z,`,
      `c3,customer,"${customer}",2026-01-01T12:00:00Z,conv-level`,
      `c3,agent,"${agent}",2026-01-01T12:01:00Z,`,
    ].join('\n');
    const items = await parseAll(csv + '\n', { fileName: 'chats.csv' });
    expect(rejections(items)).toEqual([]);
    // CSV conversations come out grouped by bucket, not in file order.
    expect(
      conversations(items)
        .map((c) => [c.conversationId, c.model])
        .sort(),
    ).toEqual([
      ['c1', 'ft-shoply-v3'],
      ['c2', undefined],
      ['c3', 'conv-level'],
    ]);
    const byDeployment = await parseAll(
      `conversation_id,speaker,text,deployment\nd1,customer,"${customer}",\nd1,agent,"${agent}",shoply-prod\n`,
      { fileName: 'd.csv' },
    );
    expect(conversations(byDeployment).map((c) => c.model)).toEqual(['shoply-prod']);
  });

  it('feedback CSV and JSONL: a model or deployment column on the rating row', async () => {
    expect(
      feedbacks(await parseAll('conversation_id,rating,deployment\nc1,4,dep-a\nc2,5,\n', { fileName: 'ratings.csv' })).map((f) => f.model),
    ).toEqual(['dep-a', undefined]);
    expect(feedbacks(await parseAll(jsonl({ conversation_id: 'c1', rating: 2, model: 'ft-x' }))).map((f) => f.model)).toEqual(['ft-x']);
  });

  it('ShareGPT (record or turn), Intercom (custom attribute) and Zendesk (ticket field)', async () => {
    const sharegpt = await parseAll(
      jsonl(
        {
          id: 's1',
          model: 'vicuna-13b',
          conversations: [
            { from: 'human', value: customer },
            { from: 'gpt', value: agent },
          ],
        },
        {
          id: 's2',
          conversations: [
            { from: 'human', value: customer },
            { from: 'gpt', value: agent, model: 'ft-turn' },
          ],
        },
      ),
    );
    expect(conversations(sharegpt).map((c) => c.model)).toEqual(['vicuna-13b', 'ft-turn']);
    const intercom = await parseAll(
      jsonl({
        type: 'conversation',
        id: 'i1',
        custom_attributes: { model: 'ft-intercom' },
        source: { body: customer, author: { type: 'user' } },
        conversation_parts: { conversation_parts: [{ part_type: 'comment', body: agent, author: { type: 'bot' } }] },
      }),
    );
    expect(rejections(intercom)).toEqual([]);
    expect(conversations(intercom).map((c) => c.model)).toEqual(['ft-intercom']);
    const zendesk = await parseAll(
      jsonl({
        id: 7,
        requester_id: 1,
        deployment: 'dep-zendesk',
        comments: [
          { author_id: 1, public: true, plain_body: customer },
          { author_id: 2, public: true, plain_body: agent },
        ],
      }),
    );
    expect(conversations(zendesk).map((c) => c.model)).toEqual(['dep-zendesk']);
  });

  it('lands on the curated line, never in the training example (which stays valid for Azure)', async () => {
    const curated: CuratedRecord[] = [];
    const quarantined: QuarantineRecord[] = [];
    const settings = loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true' });
    const text = jsonl(
      {
        conversation_id: 'm1',
        model: 'ft-shoply-v3',
        issue_type: 'delivery',
        messages: [
          { role: 'customer', text: customer },
          { role: 'agent', text: agent, model: 'ft-shoply-v3' },
        ],
      },
      {
        conversation_id: 'm2',
        messages: [
          { role: 'customer', text: 'Can I pay my invoice 8812 by bank transfer instead of card?' },
          { role: 'agent', text: 'Yes, the bank details are on the invoice.', deployment: 'dep-b' },
        ],
      },
      '{"conversation_id": "broken", "messages": [',
    );
    const stats = await preprocessStream(
      Readable.from([Buffer.from(text)]),
      {
        fileName: 'models.jsonl',
        model: 'gpt-4o-mini-2024-07-18',
        systemPrompt: 'You are a helpful customer service assistant.',
        shares: { validation: 0.1, holdout: 0.1 },
        stages: preprocessStages({ quality: qualityConfig(settings), signatures: new MemorySignatureStore() }),
        feedback: new MemoryFeedbackStore(),
        sink: { curated: (r) => void curated.push(curatedRecordOf(r)), quarantine: (r) => void quarantined.push(r) },
      },
      emptyStats(),
    );
    expect(stats.records_in).toBe(3);
    expect(stats.records_in).toBe(stats.records_used + stats.records_quarantined);
    expect(stats.records_used).toBe(2);
    const conversationsOut = curated.filter((r) => r.kind === 'conversation');
    expect(conversationsOut.map((r) => [r.conversation_id, r.model])).toEqual([
      ['m1', 'ft-shoply-v3'],
      ['m2', 'dep-b'],
    ]);
    for (const r of curated) {
      expect(JSON.stringify(r.example)).not.toMatch(/ft-shoply-v3|dep-b|"model"|"deployment"/);
      expect(validateExample(r.example, { model: 'gpt-4o-mini-2024-07-18' }).issues).toEqual([]);
      // The shard line keeps it next to csat and language, before the example.
      if (r.model) expect(curatedLine(r)).toMatch(/"model":"[^"]+","split":/);
    }
  });
});
