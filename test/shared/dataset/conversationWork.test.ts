import { Readable } from 'node:stream';
import { loadSettings } from '../../../src/shared/config/settings';
import { qualityConfig } from '../../../src/shared/composition/config';
import {
  ConversationWork,
  type BatchResult,
  type TransferredOutcome,
  type WorkOutcome,
} from '../../../src/shared/dataset/conversationWork';
import type { ConversationExecutor } from '../../../src/shared/dataset/conversationPool';
import { MemoryFeedbackStore } from '../../../src/shared/dataset/feedbackStore';
import { emptyStats, preprocessStream } from '../../../src/shared/dataset/preprocess';
import { preprocessStages } from '../../../src/shared/dataset/pipelineStages';
import {
  curatedLine,
  curatedRecordOf,
  exampleText,
  type CuratedRecord,
  type OutgoingCuratedRecord,
} from '../../../src/shared/dataset/records';
import type { ConversationStage } from '../../../src/shared/dataset/stages';
import { jsonFamily } from '../../../src/shared/ingest/jsonl';
import { MemorySignatureStore } from '../../../src/shared/quality/dedup';
import { conversationLine } from './fixtures';

const settings = loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true' });
const builder = { model: 'gpt-4o-mini-2024-07-18', systemPrompt: 'You are a helpful customer service assistant.' };
const lines = [conversationLine('a-1', { issue: 'refund' }), conversationLine('a-2', { issue: 'delivery' })];

function stages(): ConversationStage[] {
  return preprocessStages({ quality: qualityConfig(settings), signatures: new MemorySignatureStore() });
}

async function runLines(work: ConversationWork): Promise<WorkOutcome[]> {
  const family = jsonFamily(JSON.parse(lines[0]) as Record<string, unknown>);
  if (!family) throw new Error('the fixture line is not of a known JSON family');
  const result = await work.runLines({ context: { file: 'chats.jsonl', family }, lines: lines.map((text, i) => ({ line: i + 1, text })) });
  return (result.lines ?? []).map((l) => {
    if (l?.kind !== 'conversation') throw new Error(`expected a conversation, got ${JSON.stringify(l)}`);
    return l.outcome;
  });
}

describe('ConversationWork results that leave the thread (issue #10)', () => {
  it('sends examples as their JSON text and the conversation without its turns, equal to the inline results', async () => {
    const inline = await runLines(new ConversationWork({ stages: stages(), builder }));
    const transferred = await runLines(new ConversationWork({ stages: stages(), builder, transfer: true }));
    expect(transferred).toHaveLength(2);
    for (const [i, outcome] of transferred.entries()) {
      const own = inline[i];
      if (outcome.action !== 'keep' || own.action !== 'keep' || !('textless' in outcome) || 'textless' in own) throw new Error('both kept');
      expect(outcome.textless).toBe(true);
      expect(outcome.conversation.turns).toEqual([]);
      expect(outcome.conversation).not.toHaveProperty('ready');
      const { turns: _turns, ...metadata } = own.conversation;
      expect(outcome.conversation).toEqual({ ...metadata, turns: [] });
      expect(outcome.prepared).toEqual(own.prepared);
      if (!outcome.built.ok || !own.built.ok) throw new Error('both built');
      expect(outcome.built.notes).toEqual(own.built.notes);
      expect(outcome.built.examples).toEqual(
        own.built.examples.map((e) => ({ kind: e.kind, tokens: e.tokens, json: JSON.stringify(e.example) })),
      );
    }
  });

  it('keeps the text when an ordered stage may need it', async () => {
    const needsText: ConversationStage = {
      name: 'reads-text',
      ordered: true,
      apply: async (conversation) => ({ action: 'keep', conversation }),
    };
    // A second ordered stage is not given the fingerprint, so it would need the text too.
    for (const extra of [[needsText], [...stages().filter((s) => s.ordered), needsText]]) {
      const base = stages().filter((s) => !s.ordered);
      const outcomes = await runLines(new ConversationWork({ stages: [...base, ...extra], builder, transfer: true }));
      for (const outcome of outcomes) {
        if (outcome.action !== 'keep' || !('textless' in outcome)) throw new Error('kept and transferred');
        expect(outcome.textless).toBe(false);
        expect(outcome.conversation.turns.length).toBeGreaterThan(0);
      }
    }
  });
});

describe('curated records with the example as text', () => {
  const record: CuratedRecord = {
    conversation_id: 'c-1',
    kind: 'conversation',
    issue_type: 'refund',
    split: 'train',
    tokens: 42,
    source: { file: 'chats.jsonl', line: 3 },
    example: {
      messages: [
        { role: 'user', content: 'Ünïcode "quoted" \\ text' },
        { role: 'assistant', content: 'ok', weight: 1 },
      ],
    },
  };
  const { example, ...rest } = record;
  const asText: OutgoingCuratedRecord = { ...rest, exampleJson: JSON.stringify(example) };

  it('writes the same shard line and fine-tuning line as the object', () => {
    expect(curatedLine(asText)).toBe(curatedLine(record));
    expect(curatedLine(record)).toBe(JSON.stringify(record) + '\n');
    expect(exampleText(asText)).toBe(exampleText(record));
    expect(curatedRecordOf(asText)).toEqual(record);
  });
});

describe('preprocessStream with a textless outcome', () => {
  it('stops with an error naming the conversation when an ordered stage rewrites it', async () => {
    const rewriting: ConversationStage = {
      name: 'rewriting',
      ordered: true,
      preparedSuffices: true,
      prepare: () => ({}),
      apply: async (conversation) => ({ action: 'keep', conversation: { ...conversation, issueType: 'changed' } }),
    };
    const textless: TransferredOutcome = {
      action: 'keep',
      conversation: { kind: 'conversation', conversationId: 'a-1', turns: [], source: { file: 'chats.jsonl', line: 1, record: '' } },
      textless: true,
      prepared: {},
      built: { ok: true, notes: [], examples: [{ kind: 'conversation', tokens: 10, json: '{"messages":[]}' }] },
    };
    // No real component decides this case (tuneloop's only ordered stage keeps the object it is
    // given), so a hand-made executor stands in for the pool and returns the textless outcome.
    const executor: ConversationExecutor = {
      pooled: true,
      concurrency: 1,
      run: async (conversations): Promise<BatchResult> => ({ outcomes: conversations.map(() => textless), summaryDeltas: {} }),
      runLines: () => Promise.reject(new Error('not used: the feedback store is not empty, so lines are parsed here')),
      close: async () => undefined,
    };
    const feedback = new MemoryFeedbackStore();
    await feedback.put({ conversationId: 'someone-else', rating: 5, source: { file: 'ratings.jsonl', line: 1, record: '' } });
    const run = preprocessStream(
      Readable.from([Buffer.from(lines[0] + '\n')]),
      {
        fileName: 'chats.jsonl',
        model: builder.model,
        systemPrompt: builder.systemPrompt,
        shares: { validation: 0.1, holdout: 0.1 },
        stages: [rewriting],
        executor,
        feedback,
        sink: { curated: () => undefined, quarantine: () => undefined },
      },
      emptyStats(),
    );
    await expect(run).rejects.toThrow(/rewrote conversation a-1 \(chats\.jsonl line 1\), whose text stayed on the preprocessing worker/);
  });
});
