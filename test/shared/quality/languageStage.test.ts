import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Conversation } from '../../../src/shared/ingest/types';
import { detectConversationLanguage } from '../../../src/shared/language/detect';
import { createLanguageStage, type LanguageSummary } from '../../../src/shared/quality/language';
import { starConversation } from '../../../src/shared/quality/ruleLabels';

const STAR = resolve(__dirname, '../../fixtures/corpora/star_dialogues/dialogues');

function conversation(id: string, turns: [string, string][]): Conversation {
  return {
    kind: 'conversation',
    conversationId: id,
    turns: turns.map(([role, content]) => ({ role: role as 'user' | 'assistant', content })),
    source: { file: 'test.jsonl', line: 1, record: '' },
  };
}

/** The texts the stage reads: the first 1,000 characters of each side (as the stage documents). */
function firstChars(texts: string[], max = 1000): string[] {
  const out: string[] = [];
  let length = 0;
  for (const text of texts) {
    if (length >= max) break;
    out.push(text.slice(0, max - length));
    length += text.length;
  }
  return out;
}

async function languageOf(stage: ReturnType<typeof createLanguageStage>, c: Conversation): Promise<string | undefined> {
  const result = await stage.apply(c);
  if (result.action !== 'keep') throw new Error('the language stage never drops');
  return result.conversation.language;
}

describe('language stage', () => {
  // The stage skips tinyld for plainly English customer text (a speed path, issue 10): on real
  // chats the answer must be the detector's own, conversation by conversation.
  it('gives the detector’s answer on every STAR conversation, with or without the English shortcut', async () => {
    const stage = createLanguageStage();
    const files = readdirSync(STAR)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) {
      const { conversation: c } = starConversation(readFileSync(join(STAR, file), 'utf8'), file);
      const user = firstChars(c.turns.filter((t) => t.role === 'user').map((t) => t.content));
      const all = firstChars(c.turns.map((t) => t.content));
      const expected = detectConversationLanguage(user, all).code;
      expect({ file, language: await languageOf(stage, c) }).toEqual({ file, language: expected });
    }
  }, 60_000);

  it('still detects other languages, and counts them', async () => {
    const stage = createLanguageStage();
    const french = conversation('fr-1', [
      ['user', 'Bonjour, je voudrais changer l’adresse de livraison de ma commande, elle part demain.'],
      ['assistant', 'Bien sûr, quelle est la nouvelle adresse ?'],
    ]);
    const german = conversation('de-1', [
      ['user', 'Guten Tag, meine Bestellung ist noch nicht angekommen und die Sendungsverfolgung zeigt nichts.'],
      ['assistant', 'Das tut mir leid, ich sehe sofort nach.'],
    ]);
    const english = conversation('en-1', [
      ['user', 'Hi, can you tell me where my order is? It should have been here by now and the tracking page is empty.'],
      ['assistant', 'Sorry about that, let me check for you.'],
    ]);
    expect(await languageOf(stage, french)).toBe('fr');
    expect(await languageOf(stage, german)).toBe('de');
    expect(await languageOf(stage, english)).toBe('en');
    const summary = stage.summary!() as LanguageSummary;
    expect(summary.conversations).toEqual({ fr: 1, de: 1, en: 1 });
    expect(summary.unsure).toBe(0);
  });

  it('takes short text in Latin letters for English when the unsure guess has no name rules, and keeps other scripts', async () => {
    const stage = createLanguageStage();
    // tinyld: Afrikaans, unsure (no trailing full stop; with one it says English).
    const billed = conversation('pm-1', [
      ['user', 'I was billed twice, my name is Pierre Martin'],
      ['assistant', 'Refunded the second charge, Pierre.'],
    ]);
    const japanese = conversation('ja-1', [
      ['user', '電話は+81 90-1234-5678です。'],
      ['assistant', '承知しました。'],
    ]);
    expect(await languageOf(stage, billed)).toBe('en');
    expect(await languageOf(stage, japanese)).toBe('ja');
    const summary = stage.summary!() as LanguageSummary;
    expect(summary.conversations).toEqual({ en: 1, ja: 1 });
    // Both were judged on little text: still counted as unsure.
    expect(summary.unsure).toBe(2);
  });
});
