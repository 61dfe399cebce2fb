import { HINDI, JAPANESE } from './gazetteer/uncasedLanguages';
import { detectNamesFast } from './names';
import type { PiiSpan } from './types';

/**
 * Person names in Hindi and Japanese, which have no letter case: nothing marks a name by its
 * shape, so this detector takes only what context says is one.
 *
 * - Hindi (Devanagari): "मेरा नाम X है", "मैं X बोल रहा/रही हूँ", "मैं X हूँ" (X a given name or
 *   surname of the lists), forms of address before the name (श्री, श्रीमती, सुश्री, डॉ.) and after
 *   it ("X जी", "X साहब": X a listed name, or the first word of a sentence or after a greeting),
 *   and a listed given name followed by a listed surname anywhere ("राहुल शर्मा").
 * - Japanese: "私の名前はX", "Xと申します", "私は/こちらは/担当のX" and "Xです" opening a message
 *   or sentence (X must start with a listed surname there), and a name before 様/さん/さま/くん/
 *   ちゃん/殿/氏/先生: the run of kanji right before the honorific (at most five; leading words
 *   such as 本日 or 弊社 dropped) or a run of katakana. Roles addressed the same way are not
 *   names: お客様, 皆様, 担当者様, 奥様, 同様, 仕様, 兄さん, ドライバーさん, ヤマト運輸様.
 *
 * Names in Latin letters inside such text ("Contact: Taro Yamada") follow the English rules.
 * Not found: a name with no cue and no form of address ("राहुल ने कॉल किया", "鈴木が対応します"),
 * Japanese given names in hiragana ("さくらさん"), and names in romanised Hindi.
 */
export function detectUncasedNames(text: string, language: string): PiiSpan[] {
  const found: PiiSpan[] = [];
  if (language === 'hi') {
    if (DEVANAGARI.test(text)) hindiNames(text, found);
  } else if (language === 'ja') {
    if (JAPANESE_SCRIPT.test(text)) japaneseNames(text, found);
  }
  if (LATIN_CAPITAL.test(text)) for (const span of detectNamesFast(text, 'en')) found.push(span);
  return withoutOverlaps(found);
}

const DEVANAGARI = /[\u0900-\u097F]/;
const JAPANESE_SCRIPT = /[\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF]/;
const LATIN_CAPITAL = /[A-Z\u00C0-\u00DE]/;

function push(text: string, start: number, end: number, found: PiiSpan[]): void {
  if (end > start) found.push({ type: 'PERSON', start, end, value: text.slice(start, end), source: 'local-ner' });
}

/** The spans in text order, a span inside or across an earlier, longer one dropped. */
function withoutOverlaps(spans: PiiSpan[]): PiiSpan[] {
  if (spans.length <= 1) return spans;
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: PiiSpan[] = [];
  for (const span of sorted) {
    const last = out.at(-1);
    if (last && span.start < last.end) {
      if (span.end - span.start > last.end - last.start) out[out.length - 1] = span;
      continue;
    }
    out.push(span);
  }
  return out;
}

const toSet = (list: string) => new Set(list.split('|').filter(Boolean));

// ---------------------------------------------------------------------------------------------
// Hindi

interface HindiLists {
  given: Set<string>;
  surnames: Set<string>;
  honorifics: Set<string>;
  postHonorifics: Set<string>;
  stop: Set<string>;
}

let hindiLists: HindiLists | undefined;
function hindi(): HindiLists {
  hindiLists ??= {
    given: toSet(HINDI.given),
    surnames: toSet(HINDI.surnames),
    honorifics: toSet(HINDI.honorifics),
    postHonorifics: toSet(HINDI.postHonorifics),
    stop: toSet(HINDI.stop),
  };
  return hindiLists;
}

interface Word {
  start: number;
  end: number;
  text: string;
  /** What stands between the word before and this one. */
  gap: string;
}

const WORD = /[\p{L}\p{M}\u200C\u200D]+/gu;

function wordsOf(text: string): Word[] {
  const out: Word[] = [];
  let last = 0;
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m; m = WORD.exec(text)) {
    out.push({ start: m.index, end: m.index + m[0].length, text: m[0], gap: text.slice(last, m.index) });
    last = m.index + m[0].length;
  }
  return out;
}

/** Punctuation or a line break between two words: they do not belong to one name. */
const broken = (w: Word) => /[^ \t\u00a0]/.test(w.gap);
const GREETINGS = new Set(['नमस्ते', 'नमस्कार', 'धन्यवाद', 'शुक्रिया', 'प्रिय', 'आदरणीय', 'हेलो', 'हैलो']);
const AM = new Set(['हूँ', 'हूं', 'हूँ']);

function hindiNames(text: string, found: PiiSpan[]): void {
  const l = hindi();
  const ws = wordsOf(text);
  const isName = (w: Word | undefined) =>
    w !== undefined && DEVANAGARI.test(w.text) && !l.stop.has(w.text) && !l.honorifics.has(w.text) && !l.postHonorifics.has(w.text);
  /** The end (exclusive) of up to `max` name words in a row from `k`. */
  const collect = (k: number, max: number) => {
    let j = k;
    while (j < ws.length && j - k < max && isName(ws[j]) && (j === k || !broken(ws[j]))) j++;
    return j;
  };
  const name = (from: number, to: number) => push(text, ws[from].start, ws[to - 1].end, found);

  for (let k = 0; k < ws.length; k++) {
    const word = ws[k].text;
    // "मेरा नाम राहुल शर्मा है", and "नाम: राहुल शर्मा" opening a line (a form's field; "उत्पाद का
    // नाम: …" names a product)
    if (word === 'नाम') {
      const mine = ws.at(k - 1)?.text === 'मेरा';
      const field = (k === 0 || /\n/.test(ws[k].gap)) && /^\s*[:：]\s*$/.test(ws.at(k + 1)?.gap ?? '');
      if ((mine && k + 1 < ws.length && !broken(ws[k + 1])) || field) {
        const j = collect(k + 1, 3);
        const after = ws.at(j);
        if (j > k + 1 && (!after || after.text === 'है' || after.text === 'हैं' || broken(after))) name(k + 1, j);
      }
      continue;
    }
    // "मैं राहुल बोल रहा हूँ", "मैं प्रिया शर्मा हूँ"
    if (word === 'मैं') {
      const j = collect(k + 1, 3);
      const after = ws.at(j);
      if (j > k + 1 && after && !broken(after)) {
        const speaking = after.text === 'बोल' && (ws.at(j + 1)?.text === 'रहा' || ws.at(j + 1)?.text === 'रही');
        const listed = l.given.has(ws[k + 1].text) || l.surnames.has(ws[j - 1].text);
        if (speaking || (AM.has(after.text) && listed)) name(k + 1, j);
      }
      continue;
    }
    // "श्री राहुल शर्मा", "डॉ. मेहता"
    if (l.honorifics.has(word)) {
      if (k + 1 < ws.length && /^\.?\s+$/.test(ws[k + 1].gap)) {
        const j = collect(k + 1, 3);
        if (j > k + 1) name(k + 1, j);
      }
      continue;
    }
    // "शर्मा जी", "नमस्ते राहुल जी": a listed name, or the first word of a sentence or after a greeting
    if (l.postHonorifics.has(word) && k > 0 && isName(ws[k - 1]) && !broken(ws[k])) {
      let s = k - 1;
      if (s > 0 && isName(ws[s - 1]) && !broken(ws[s]) && (l.given.has(ws[s - 1].text) || l.surnames.has(ws[s].text))) s--;
      const listed = l.given.has(ws[s].text) || l.surnames.has(ws[s].text) || l.surnames.has(ws[k - 1].text);
      const opening = s === 0 || broken(ws[s]) || GREETINGS.has(ws[s - 1].text);
      if (listed || opening) name(s, k);
      continue;
    }
    // "राहुल शर्मा", "अमित कुमार गुप्ता"
    if (l.given.has(word) && k + 1 < ws.length && l.surnames.has(ws[k + 1].text) && !broken(ws[k + 1])) {
      let j = k + 2;
      while (j < ws.length && l.surnames.has(ws[j].text) && !broken(ws[j])) j++;
      name(k, j);
      k = j - 1;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Japanese

interface JapaneseLists {
  surnames: Set<string>;
  roles: Set<string>;
  /** Roles of two or more characters, also found at the end of a longer run (配達担当者). */
  longRoles: string[];
  katakanaRoles: string[];
  organisationEnds: string[];
  leadingWords: string[];
  notNames: string[];
}

let japaneseLists: JapaneseLists | undefined;
function japanese(): JapaneseLists {
  if (japaneseLists) return japaneseLists;
  const roles = toSet(JAPANESE.roleWords);
  japaneseLists = {
    surnames: toSet(JAPANESE.surnames),
    roles,
    longRoles: [...roles].filter((r) => r.length >= 2),
    katakanaRoles: [...toSet(JAPANESE.katakanaRoles)],
    organisationEnds: [...toSet(JAPANESE.organisationEnds)],
    leadingWords: [...toSet(JAPANESE.leadingWords)].sort((a, b) => b.length - a.length),
    notNames: [...toSet(JAPANESE.notNames)],
  };
  return japaneseLists;
}

const KANJI = /[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF々〆ヶ]/u;
const KATAKANA = /[\u30A1-\u30FA\u30FB\u30FC\uFF66-\uFF9F]/u;
/** Kanji in a name: a family name and a given name rarely take more (長谷川 健太). */
const MAX_KANJI = 5;
const MAX_KATAKANA = 20;

const isKanji = (c: string | undefined) => c !== undefined && KANJI.test(c);
const isKatakana = (c: string | undefined) => c !== undefined && KATAKANA.test(c);
const isSpace = (c: string | undefined) => c === ' ' || c === '\u3000';

/**
 * The run of kanji or katakana that ends at `end`: at most `MAX_KANJI` kanji, with one space
 * allowed between a family name and a given name of up to three kanji each ("山田 太郎様").
 */
function runBefore(text: string, end: number): { start: number; kind: 'kanji' | 'katakana' } | undefined {
  let start = end;
  if (isKanji(text[end - 1])) {
    let kanji = 0;
    let spaceAt = -1;
    while (start > 0) {
      const c = text[start - 1];
      if (isKanji(c) && kanji < MAX_KANJI) {
        kanji++;
        start--;
      } else if (spaceAt < 0 && isSpace(c) && isKanji(text[start - 2]) && end - start <= 3) {
        spaceAt = start - 1;
        start--;
      } else break;
    }
    // The word before the space was longer than a family name: the name is what follows the space.
    if (spaceAt >= 0 && spaceAt - start > 3) start = spaceAt + 1;
    return { start, kind: 'kanji' };
  }
  if (isKatakana(text[end - 1])) {
    while (start > 0 && end - start < MAX_KATAKANA && isKatakana(text[start - 1])) start--;
    return end - start >= 2 ? { start, kind: 'katakana' } : undefined;
  }
  return undefined;
}

/** The end of the kanji or katakana run that starts at `start` (as `runBefore`); `start` when there is none or it is too long for a name. */
function runAfter(text: string, start: number): number {
  let end = start;
  if (isKanji(text[start])) {
    let kanji = 0;
    let spaced = false;
    while (end < text.length) {
      const c = text[end];
      if (isKanji(c)) kanji++;
      else if (!spaced && isSpace(c) && isKanji(text[end + 1]) && end - start <= 3) spaced = true;
      else break;
      end++;
    }
    return kanji <= MAX_KANJI ? end : start;
  }
  while (end < text.length && end - start < MAX_KATAKANA && isKatakana(text[end])) end++;
  return end - start >= 2 ? end : start;
}

/** Leading words before the name in the same run of kanji ("本日山田" → "山田"): the new start. */
function skipLeadingWords(text: string, start: number, end: number, l: JapaneseLists): number {
  for (let again = true; again;) {
    again = false;
    for (const w of l.leadingWords) {
      if (end - start > w.length && text.startsWith(w, start)) {
        start += w.length;
        while (isSpace(text[start])) start++;
        again = true;
        break;
      }
    }
  }
  return start;
}

function isRole(name: string, l: JapaneseLists): boolean {
  const bare = name.replace(/[ \u3000]/g, '');
  if (l.roles.has(bare)) return true;
  if (l.longRoles.some((r) => bare.endsWith(r))) return true;
  if (l.organisationEnds.some((r) => bare.endsWith(r))) return true;
  return l.katakanaRoles.some((r) => bare.includes(r));
}

/** Whether a kanji run reads as a family name (and maybe a given name) of the list. */
function startsWithSurname(name: string, l: JapaneseLists): boolean {
  for (let n = Math.min(3, name.length); n >= 2; n--) if (l.surnames.has(name.slice(0, n))) return true;
  // One-kanji family names (林, 森, 原) are everyday words too: only alone ("林です", not "原因です").
  return name.length === 1 && l.surnames.has(name);
}

const HONORIFIC = /様|さま|さん|くん|君|ちゃん|殿|氏|先生/gu;
/** 様子, 様々, 様式, 氏名, 殿下: the honorific's character starting another word. */
const NOT_HONORIFIC_AFTER: Record<string, RegExp> = { 様: /^[々子式相態]/u, 氏: /^名/u, 殿: /^[下堂]/u };
const SELF_INTRODUCTION = /と(?:申します|申し上げます|申す|いいます|言います)/gu;
const NAME_FIELD = /(?:名前|氏名)(?:は|[:：])[ \u3000]*/gu;
const SELF_CUE = /(?:私|わたし|わたくし|僕|こちら)(?:は|、)|担当(?:者)?(?:は|の|、)/gu;
const OPENING = /(?:^|[\n。！!])[ \u3000]*(?=[\u3400-\u4DBF\u4E00-\u9FFF々])/gu;
/** What may follow a name given after a cue. */
const AFTER_NAME = /^(?:です|でございます|と申|といい|と言い|が|より|から|に|へ|[。、！!？?）)」\s]|$)/u;
const AFTER_OPENING_NAME = /^(?:です|でございます)/u;
const POLITE_PREFIX = /[おご御]/u;

function japaneseNames(text: string, found: PiiSpan[]): void {
  const l = japanese();
  // 山田様, 佐藤さん, ジョンさん
  HONORIFIC.lastIndex = 0;
  for (let m = HONORIFIC.exec(text); m; m = HONORIFIC.exec(text)) {
    const after = NOT_HONORIFIC_AFTER[m[0]] as RegExp | undefined;
    if (after?.test(text.slice(m.index + m[0].length, m.index + m[0].length + 1))) continue;
    const run = runBefore(text, m.index);
    if (!run) continue;
    // お客様, ご主人様, お母さん
    if (POLITE_PREFIX.test(text[run.start - 1] ?? '')) continue;
    const start = run.kind === 'kanji' ? skipLeadingWords(text, run.start, m.index, l) : run.start;
    if (isRole(text.slice(start, m.index), l)) continue;
    push(text, start, m.index, found);
  }
  // 佐藤と申します, ジョン・スミスといいます
  SELF_INTRODUCTION.lastIndex = 0;
  for (let m = SELF_INTRODUCTION.exec(text); m; m = SELF_INTRODUCTION.exec(text)) {
    const run = runBefore(text, m.index);
    if (!run) continue;
    const start = run.kind === 'kanji' ? skipLeadingWords(text, run.start, m.index, l) : run.start;
    if (!isRole(text.slice(start, m.index), l)) push(text, start, m.index, found);
  }
  // 私の名前は山田太郎です, 氏名：鈴木一郎
  NAME_FIELD.lastIndex = 0;
  for (let m = NAME_FIELD.exec(text); m; m = NAME_FIELD.exec(text)) {
    const start = m.index + m[0].length;
    const end = runAfter(text, start);
    const name = text.slice(start, end);
    if (end > start && AFTER_NAME.test(text.slice(end, end + 6)) && !l.notNames.some((w) => name.startsWith(w)) && !isRole(name, l))
      push(text, start, end, found);
  }
  // 私は田中です, こちらは佐藤です, 担当の山田が伺います
  SELF_CUE.lastIndex = 0;
  for (let m = SELF_CUE.exec(text); m; m = SELF_CUE.exec(text)) {
    const start = m.index + m[0].length;
    const end = runAfter(text, start);
    if (end > start && isKanji(text[start]) && startsWithSurname(text.slice(start, end), l) && AFTER_NAME.test(text.slice(end, end + 6)))
      push(text, start, end, found);
  }
  // "山田です。" opening a message or a sentence
  OPENING.lastIndex = 0;
  for (let m = OPENING.exec(text); m; m = OPENING.exec(text)) {
    const start = m.index + m[0].length;
    const end = runAfter(text, start);
    if (end > start && AFTER_OPENING_NAME.test(text.slice(end, end + 6)) && startsWithSurname(text.slice(start, end), l))
      push(text, start, end, found);
    if (OPENING.lastIndex === m.index) OPENING.lastIndex++;
  }
}
