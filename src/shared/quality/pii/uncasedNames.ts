import { ARABIC, CHINESE, HINDI, JAPANESE, KOREAN, URDU } from './gazetteer/uncasedLanguages';
import { detectNamesFast } from './names';
import { detectThaiHebrewPersianNames } from './thaiHebrewPersianNames';
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
 * - Korean: "이름은/성함은 X입니다", "저는 X입니다/이에요/예요" (X opening with a listed family
 *   name), "X라고 합니다", X before 님/씨 (glued: X a family name and one to three syllables; with a
 *   space: any name of two to four syllables) and before a title ("김민수 고객님", "박 과장님"); the
 *   roles addressed the same way stay (고객님, 선생님, 기사님, 어머님, 날씨, 아저씨); "안녕하세요
 *   (상담사) X입니다" (X of three or four syllables opening with a listed family name, not a company
 *   or department: 이마트, 우체국, 배송팀).
 * - Chinese: "我叫X", "我的名字是/叫X", "叫我X", "我是X" and "姓名：X" (X opening with a listed
 *   family name there), "我姓X" (the family name), and X before 先生/女士/小姐 (a listed family name
 *   and up to two characters; 先生/女士 alone, 这位先生, 各位女士 stay), and "X你好/X您好" at the
 *   start of a sentence (the same X).
 * - Arabic: "اسمي X", "معك X" (an agent's introduction), "أنا X" (X a listed given name that is no
 *   everyday word), forms of address (السيد/السيدة/الأستاذ/الدكتور/عزيزي … X) and sign-offs
 *   ("مع تحياتي، X"), a greeting, thanks or "يا" before a listed given name that is no everyday
 *   word ("مرحبا أحمد", "شكرا يا سارة"); up to four name words (given, father's, family, "بن"/"بنت"), stopping at
 *   words such as العميل (the customer addressed), المحترم, prepositions and "و…".
 *
 * Thai, Hebrew and Persian: `thaiHebrewPersianNames.ts`.
 *
 * Names in Latin letters inside such text ("Contact: Taro Yamada") follow the English rules.
 * Names a sentence refers to (the person contacted, the colleague who handles the case, the one
 * who acted) are taken in zh, ja, ar and hi too; see `CHINESE_REFERENCE`, `COLLEAGUE_ACTS`,
 * `ARABIC_CONTACT` and the ने rule, and docs/data-quality.md ("Names a sentence refers to").
 *
 * Not found: a name with no cue and no form of address ("刘洋说明天到", "田中は休みです"),
 * Japanese given names in hiragana ("さくらさん"), and names in romanised Hindi.
 */
export function detectUncasedNames(text: string, language: string): PiiSpan[] {
  const found: PiiSpan[] = [];
  if (language === 'hi' || language === 'ur') {
    const v = hindustaniOf(language);
    if (v.letters.test(text)) hindustaniNames(text, found, v);
  } else if (language === 'ja') {
    if (JAPANESE_SCRIPT.test(text)) japaneseNames(text, found);
  } else if (language === 'ko') {
    if (HANGUL.test(text)) koreanNames(text, found);
  } else if (language === 'zh') {
    if (HAN.test(text)) chineseNames(text, found);
  } else if (language === 'ar') {
    if (ARABIC_SCRIPT.test(text)) arabicNames(text, found);
  } else {
    detectThaiHebrewPersianNames(text, language, found);
  }
  if (LATIN_CAPITAL.test(text)) for (const span of detectNamesFast(text, 'en')) found.push(span);
  return withoutOverlaps(found);
}

const DEVANAGARI = /[\u0900-\u097F]/;
const HANGUL = /[\uAC00-\uD7A3]/;
const HAN = /[\u3400-\u4DBF\u4E00-\u9FFF]/;
const ARABIC_SCRIPT = /[\u0600-\u06FF]/;
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

/**
 * Hindi and Urdu are one spoken language in two scripts: the same cues ("मेरा नाम X है" / "میرا
 * نام X ہے", "मैं X बोल रहा हूँ" / "میں X بول رہا ہوں", "X जी" / "X صاحب"), written with these words.
 */
interface Hindustani {
  lists: HindiLists;
  letters: RegExp;
  /** "name", "my", "is/are", "I", "speak", "-ing", "am", the doer's postposition, greetings. */
  name: string;
  my: ReadonlySet<string>;
  is: ReadonlySet<string>;
  i: string;
  speak: string;
  speaking: ReadonlySet<string>;
  am: ReadonlySet<string>;
  doer: string;
  greetings: ReadonlySet<string>;
  /** How a word is compared (Urdu typed with Arabic ي, ك and ه). */
  key: (word: string) => string;
}

const hindustani = new Map<string, Hindustani>();
function hindustaniOf(language: 'hi' | 'ur'): Hindustani {
  let v = hindustani.get(language);
  if (v) return v;
  const source = language === 'hi' ? HINDI : URDU;
  const lists: HindiLists = {
    given: toSet(source.given),
    surnames: toSet(source.surnames),
    honorifics: toSet(source.honorifics),
    postHonorifics: toSet(source.postHonorifics),
    stop: toSet(source.stop),
  };
  v =
    language === 'hi'
      ? {
          lists,
          letters: DEVANAGARI,
          name: 'नाम',
          my: new Set(['मेरा']),
          is: new Set(['है', 'हैं']),
          i: 'मैं',
          speak: 'बोल',
          speaking: new Set(['रहा', 'रही']),
          am: new Set(['हूँ', 'हूं', 'हूँ']),
          doer: 'ने',
          greetings: new Set(['नमस्ते', 'नमस्कार', 'धन्यवाद', 'शुक्रिया', 'प्रिय', 'आदरणीय', 'हेलो', 'हैलो']),
          key: (word) => word,
        }
      : {
          lists: {
            given: keyed(lists.given),
            surnames: keyed(lists.surnames),
            honorifics: keyed(lists.honorifics),
            postHonorifics: keyed(lists.postHonorifics),
            stop: keyed(lists.stop),
          },
          letters: ARABIC_SCRIPT,
          name: 'نام',
          my: new Set(['میرا', 'ہمارا']),
          is: new Set(['ہے', 'ہیں']),
          i: 'میں',
          speak: 'بول',
          speaking: new Set(['رہا', 'رہی']),
          am: new Set(['ہوں']),
          doer: 'نے',
          greetings: new Set(['السلام', 'سلام', 'شکریہ', 'آداب', 'ہیلو', 'محترم', 'عزیز']),
          key: urduKey,
        };
  hindustani.set(language, v);
  return v;
}

/** Urdu as typed on an Arabic keyboard: ي, ى → ی, ك → ک, ه → ہ (heh), compared alike. */
function urduKey(word: string): string {
  return word.replace(/[يى]/g, 'ی').replace(/ك/g, 'ک').replace(/ه/g, 'ہ');
}

function keyed(words: ReadonlySet<string>): Set<string> {
  return new Set([...words].map(urduKey));
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
function hindustaniNames(text: string, found: PiiSpan[], v: Hindustani): void {
  const l = v.lists;
  const ws = wordsOf(text).map((w) => ({ ...w, text: v.key(w.text) }));
  const isName = (w: Word | undefined) =>
    w !== undefined && v.letters.test(w.text) && !l.stop.has(w.text) && !l.honorifics.has(w.text) && !l.postHonorifics.has(w.text);
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
    if (word === v.name) {
      const mine = v.my.has(ws.at(k - 1)?.text ?? '');
      const field = (k === 0 || /\n/.test(ws[k].gap)) && /^\s*[:：]\s*$/.test(ws.at(k + 1)?.gap ?? '');
      if ((mine && k + 1 < ws.length && !broken(ws[k + 1])) || field) {
        const j = collect(k + 1, 3);
        const after = ws.at(j);
        if (j > k + 1 && (!after || v.is.has(after.text) || broken(after))) name(k + 1, j);
      }
      continue;
    }
    // "मैं राहुल बोल रहा हूँ", "मैं प्रिया शर्मा हूँ"
    if (word === v.i) {
      const j = collect(k + 1, 3);
      const after = ws.at(j);
      if (j > k + 1 && after && !broken(after)) {
        const speaking = after.text === v.speak && v.speaking.has(ws.at(j + 1)?.text ?? '');
        const listed = l.given.has(ws[k + 1].text) || l.surnames.has(ws[j - 1].text);
        if (speaking || (v.am.has(after.text) && listed)) name(k + 1, j);
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
      const opening = s === 0 || broken(ws[s]) || v.greetings.has(ws[s - 1].text);
      if (listed || opening) name(s, k);
      continue;
    }
    // "राहुल ने कॉल किया": a listed given name as the doer (ने follows the one who acted, almost
    // always a person here; an unlisted word before it may be a company: "बैंक ने").
    if (word === v.doer && k > 0 && !broken(ws[k]) && isName(ws[k - 1]) && l.given.has(ws[k - 1].text)) {
      name(k - 1, k);
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
/** Places named like families (山口県, 石川県から発送): prefecture, city, ward, town, station, port; not 村, which ends 中村 and 木村. */
const PLACE_END = /[県市区町都府道港駅]$/u;
/** が/から/より and what a colleague then does: handles, calls, writes, explains, delivers. */
const COLLEAGUE_ACTS =
  /(?:が|から|より)(?=(?:ご|お)?(?:対応|担当|連絡|電話|案内|説明|確認|折り返|伺|承|発送|手配|返信|回答|届け|訪問|調査))/gu;
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
  // 中村が対応いたしました, 鈴木からご連絡します: a colleague named as the one who handles or
  // calls back. The run must open with a listed family name and be no role (担当者が対応, 弊社から
  // 連絡 stay); a one-kanji family name (林, 森, 原) only as the whole run: before が and such a
  // verb it is no everyday word ("林が対応します"), inside a longer run it may be ("原因").
  COLLEAGUE_ACTS.lastIndex = 0;
  for (let m = COLLEAGUE_ACTS.exec(text); m; m = COLLEAGUE_ACTS.exec(text)) {
    const run = runBefore(text, m.index);
    if (!run || run.kind !== 'kanji') continue;
    const start = skipLeadingWords(text, run.start, m.index, l);
    const name = text.slice(start, m.index);
    if (name.length <= 4 && startsWithSurname(name, l) && !isRole(name, l) && !PLACE_END.test(name)) push(text, start, m.index, found);
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

// ---------------------------------------------------------------------------------------------
// Korean

interface KoreanLists {
  surnames: Set<string>;
  roles: Set<string>;
  titles: Set<string>;
  notNames: string[];
}

let koreanLists: KoreanLists | undefined;
function korean(): KoreanLists {
  koreanLists ??= {
    surnames: toSet(KOREAN.surnames),
    roles: toSet(KOREAN.roles),
    titles: toSet(KOREAN.titles),
    notNames: [...toSet(KOREAN.notNames)],
  };
  return koreanLists;
}

const HANGUL_WORD = /[\uAC00-\uD7A3]+/gu;
/** Particles after a name or an honorific ("님께서", "씨가", "김민수는"). */
const KOREAN_PARTICLE = '(?:께서는|께서|에게서|에게|한테|이랑|이나|께|이|가|은|는|을|를|의|도|만|과|와|랑|요)?';
const HONORIFIC_WORD = new RegExp(`^(.*?)(님|씨)${KOREAN_PARTICLE}$`, 'u');
/** The copula after a name: "김민수입니다", "민수예요", "김민수이고", "김민수라고". */
/** A word and the particle of who does something: 가/이, 께서, and the same after 님. */
const KOREAN_ACTOR = /^(.+?)(?:께서|가|이)$/u;
/** What a colleague then does: contact, call, explain, handle, help, take charge, answer, visit. */
const KOREAN_ACTS = /^(?:연락|전화|안내|처리|도와|도움|담당|상담|답변|회신|방문|접수|환불|교환)/u;
/** Kin and other words that take the same place: a younger sibling, a spouse, a friend, staff; loanwords and brands that open with a family name. */
const KOREAN_NOT_ACTOR =
  /(?:동생|남편|아내|친구|가족|엄마|아빠|부모|언니|오빠|누나|형님|직원|기사|님|자|원)$|^(?:이메일|서비스|마케팅|모바일|노트북|유튜브|오프라인|현대차|기아차|신세계|시스템|배송비|주문서|안내문|안내서|문의글|고객사)$/u;
const COPULA = /^(.+?)(?:입니다만|입니다|이에요|이예요|예요|이고요|이고|이며|인데요|인데|이야|이라고|라고|이요)$/u;
const SELF_WORDS = new Set(['저는', '전', '나는', '난', '제가']);
const NAME_WORDS = new Set(['이름은', '이름이', '성함은', '성함이', '이름', '성함']);
const SAY_AFTER = /^(?:합니다|해요|하고|합니다만|하는|불러|부르)/u;
const GREETING_WORDS = new Set(['안녕하세요', '안녕하십니까', '반갑습니다']);
/** What ends a company or a department introduced the same way ("안녕하세요 이마트입니다", "우체국", "신세계", "배송팀"). */
const KOREAN_ORGANISATION_END = /(?:마트|카드|은행|센터|전자|통신|택배|몰|샵|팀|점|계|국|청|부|실|처|단|회|사|과)$/u;

function startsWithKoreanSurname(name: string, l: KoreanLists): boolean {
  return l.surnames.has(name[0]) || (name.length >= 3 && l.surnames.has(name.slice(0, 2)));
}

function koreanNames(text: string, found: PiiSpan[]): void {
  const l = korean();
  const ws: Word[] = [];
  let last = 0;
  HANGUL_WORD.lastIndex = 0;
  for (let m = HANGUL_WORD.exec(text); m; m = HANGUL_WORD.exec(text)) {
    ws.push({ start: m.index, end: m.index + m[0].length, text: m[0], gap: text.slice(last, m.index) });
    last = m.index + m[0].length;
  }
  const role = (name: string) => l.roles.has(name) || l.notNames.some((w) => name.startsWith(w));
  const isName = (name: string) => name.length >= 2 && name.length <= 4 && !role(name);
  const opensWithRole = (name: string) => [...l.roles].some((r) => r.length >= 2 && name.startsWith(r));
  for (let k = 0; k < ws.length; k++) {
    const w = ws[k];
    const next = ws.at(k + 1);
    const joined = (a: Word | undefined) => a !== undefined && /^[ \t]+$/.test(a.gap);
    // 제 이름은 김민수입니다, 성함: 김민수
    if (NAME_WORDS.has(w.text) && next && (joined(next) || /^\s*[:：]\s*$/.test(next.gap))) {
      const copula = COPULA.exec(next.text);
      const name = copula ? copula[1] : next.text;
      const after = text.slice(next.end, next.end + 2);
      if (isName(name) && (copula || /^(?:[\s.,!?。]|$)/u.test(after) || ws.at(k + 2)?.text === '입니다'))
        push(text, next.start, next.start + name.length, found);
      continue;
    }
    // 저는 김민수입니다, 저는 민수라고 합니다
    if (SELF_WORDS.has(w.text) && next && joined(next)) {
      const copula = COPULA.exec(next.text);
      if (copula) {
        const name = copula[1];
        const saying = /라고$/u.test(next.text) && ws.at(k + 2) !== undefined && SAY_AFTER.test(ws[k + 2].text);
        if (isName(name) && (saying || (name.length >= 3 && startsWithKoreanSurname(name, l))))
          push(text, next.start, next.start + name.length, found);
      }
      continue;
    }
    // 안녕하세요 김민지입니다, 안녕하세요 상담사 김민지입니다: an agent's introduction after the
    // greeting (X opening with a listed family name, three or four syllables, no role).
    if (GREETING_WORDS.has(w.text) && next) {
      const introduced = l.roles.has(next.text) && ws.at(k + 2) && joined(ws.at(k + 2)) ? ws[k + 2] : next;
      const copula = /^(.+?)(?:입니다|이에요|예요)$/u.exec(introduced.text);
      const name = copula?.[1];
      if (
        name &&
        isName(name) &&
        name.length >= 3 &&
        startsWithKoreanSurname(name, l) &&
        !KOREAN_ORGANISATION_END.test(name) &&
        !opensWithRole(name)
      ) {
        push(text, introduced.start, introduced.start + name.length, found);
        continue;
      }
    }
    // 김민수가 연락드릴 거예요, 박지영 님이 처리했습니다 is above: a full name (a listed family name
    // and two syllables) as the one who calls, handles or helps; words that are kin, roles or
    // organisations ("여동생이 연락", "배송팀이 처리", "고객님이") are not.
    const actor = KOREAN_ACTOR.exec(w.text);
    if (actor && next && joined(next) && KOREAN_ACTS.test(next.text)) {
      const name = actor[1];
      const family = startsWithKoreanSurname(name, l);
      if (
        family &&
        name.length === (l.surnames.has(name.slice(0, 2)) ? 4 : 3) &&
        isName(name) &&
        !opensWithRole(name) &&
        !KOREAN_ORGANISATION_END.test(name) &&
        !KOREAN_NOT_ACTOR.test(name)
      ) {
        push(text, w.start, w.start + name.length, found);
        continue;
      }
    }
    // 김민수라고 합니다 (no 저는 before)
    if (/라고$/u.test(w.text) && next && joined(next) && SAY_AFTER.test(next.text)) {
      const name = COPULA.exec(w.text)?.[1];
      if (name && isName(name) && startsWithKoreanSurname(name, l)) push(text, w.start, w.start + name.length, found);
      continue;
    }
    // 김민수 고객님, 박 과장님: the title stays, the name before it goes
    const title = /^(.+?님)(?:께서는|께서|께|이|은|을|의|도|과)?$/u.exec(w.text)?.[1];
    if (title && l.titles.has(title)) {
      const before = ws.at(k - 1);
      if (
        before &&
        joined(w) &&
        (isName(before.text) || (before.text.length === 1 && l.surnames.has(before.text))) &&
        startsWithKoreanSurname(before.text, l)
      )
        push(text, before.start, before.end, found);
      continue;
    }
    // 김민수님, 민수 씨, 김씨
    const honorific = HONORIFIC_WORD.exec(w.text);
    if (!honorific) continue;
    const stem = honorific[1];
    if (stem) {
      const surnameOnly = honorific[2] === '씨' && stem.length === 1 && l.surnames.has(stem);
      if (surnameOnly || (isName(stem) && stem.length >= 3 && startsWithKoreanSurname(stem, l)))
        push(text, w.start, w.start + stem.length, found);
    } else {
      const before = ws.at(k - 1);
      if (before && joined(w) && (isName(before.text) || (before.text.length === 1 && l.surnames.has(before.text))))
        push(text, before.start, before.end, found);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Chinese

interface ChineseLists {
  surnames: Set<string>;
  /** The hundred most frequent family names (the list's first entries). */
  frequent: Set<string>;
  stops: Set<string>;
  leadingWords: string[];
  notNames: string[];
}

let chineseLists: ChineseLists | undefined;
function chinese(): ChineseLists {
  chineseLists ??= {
    surnames: toSet(CHINESE.surnames),
    frequent: new Set([...toSet(CHINESE.surnames)].slice(0, 100)),
    stops: toSet(CHINESE.stops),
    leadingWords: [...toSet(CHINESE.leadingWords)].sort((a, b) => b.length - a.length),
    notNames: [...toSet(CHINESE.notNames)],
  };
  return chineseLists;
}

const isHan = (c: string | undefined) => c !== undefined && HAN.test(c);
const CHINESE_TITLE = /先生|女士|小姐/gu;
const CHINESE_TITLE_AT = /^(?:先生|女士|小姐)/u;
const CHINESE_CUE =
  /我叫|我的名字是|我的名字叫|我名字叫|我名叫|叫我|本人是|我是|姓名[:：]\s*|名字[:：]\s*|联系人[:：]\s*|聯繫人[:：]\s*|联系人是|收件人[:：]\s*|收货人[:：]\s*|收貨人[:：]\s*/gu;

/** The length of the family name `name` opens with (two for 欧阳, 司马 …), 0 if none. */
function chineseSurnameLength(name: string, l: ChineseLists): number {
  if (name.length >= 2 && l.surnames.has(name.slice(0, 2))) return 2;
  return l.surnames.has(name[0]) ? 1 : 0;
}

/** The name right after `start`: up to three characters (four after a two-character family name), cut at a stop character or a title. */
function chineseNameAfter(text: string, start: number, l: ChineseLists): number {
  const max = chineseSurnameLength(text.slice(start, start + 2), l) === 2 ? 4 : 3;
  let end = start;
  while (end < text.length && end - start < max + 1 && isHan(text[end])) {
    if (end > start && (l.stops.has(text[end]) || CHINESE_TITLE_AT.test(text.slice(end, end + 2)))) break;
    end++;
  }
  // A run longer than a name without a stop in it ("我是新来的客服人员"): not a name.
  if (end - start > max) return start;
  return end;
}

function chineseNames(text: string, found: PiiSpan[]): void {
  const l = chinese();
  // 王先生, 王伟女士, 谢谢李小姐
  CHINESE_TITLE.lastIndex = 0;
  for (let m = CHINESE_TITLE.exec(text); m; m = CHINESE_TITLE.exec(text)) {
    if (text[m.index + 2] === '们' || text[m.index + 2] === '們') continue;
    let start = m.index;
    while (start > 0 && m.index - start < 4 && isHan(text[start - 1])) start--;
    // Drop what stands before the name in the same run (谢谢, 请问, 这位 …).
    for (let again = true; again && start < m.index;) {
      again = false;
      for (const w of l.leadingWords)
        if (m.index - start > w.length && text.startsWith(w, start)) {
          start += w.length;
          again = true;
          break;
        }
    }
    // A family name and at most two characters (a two-character family name and two); a longer
    // run keeps its last three.
    if (m.index - start > 3 && !(m.index - start === 4 && chineseSurnameLength(text.slice(start, m.index), l) === 2)) start = m.index - 3;
    while (start < m.index - 1 && !chineseSurnameLength(text.slice(start, m.index), l)) start++;
    // "邻居周杰先生": a rare family name (居) before a frequent one (周) is the end of another word.
    if (m.index - start === 3 && !l.frequent.has(text[start]) && l.frequent.has(text[start + 1])) start++;
    if (start < m.index && chineseSurnameLength(text.slice(start, m.index), l)) push(text, start, m.index, found);
  }
  // 我叫王伟, 我的名字是李娜, 姓名：张三, 我是陈明
  CHINESE_CUE.lastIndex = 0;
  for (let m = CHINESE_CUE.exec(text); m; m = CHINESE_CUE.exec(text)) {
    const start = m.index + m[0].length;
    const end = chineseNameAfter(text, start, l);
    const name = text.slice(start, end);
    if (name.length < 2 && !(name.length === 1 && /[:：]/.test(m[0]))) continue;
    if (l.notNames.some((w) => name.startsWith(w))) continue;
    const needsSurname = !/^(?:我叫|我的名字是|我的名字叫|我名字叫|我名叫|叫我)$/u.test(m[0]);
    if (needsSurname && !chineseSurnameLength(name, l)) continue;
    push(text, start, end, found);
  }
  // 张伟你好, 李娜您好: a name greeted at the start of a sentence or clause (a listed family name
  // and one or two characters; 大家好, 各位您好 open with no family name).
  for (const m of text.matchAll(/(?<![\u3400-\u4DBF\u4E00-\u9FFF])([\u3400-\u4DBF\u4E00-\u9FFF]{2,4}?)(?:你好|您好)/gu)) {
    const name = m[1];
    const n = chineseSurnameLength(name, l);
    if (!n || name.length - n < 1 || name.length - n > 2) continue;
    if (Array.from(name.slice(n)).some((c) => l.stops.has(c)) || l.notNames.some((w) => name.startsWith(w))) continue;
    push(text, m.index, m.index + name.length, found);
  }
  // 我姓王: the family name alone
  for (const m of text.matchAll(/我姓/gu)) {
    const start = m.index + 2;
    const n = chineseSurnameLength(text.slice(start, start + 2), l);
    if (n) push(text, start, start + n, found);
  }
  // 请联系刘洋, 我已经转给李娜, 客服陈静已经处理了, 我是客服小王: the person a customer is sent
  // to or an agent refers to. A listed family name and one or two characters that end at a stop
  // character, punctuation or the end ("联系方式", "联系商家" open with a family name too: left
  // by the list of words that are no names); after a role word, also 小/老 and a family name.
  CHINESE_REFERENCE.lastIndex = 0;
  for (let m = CHINESE_REFERENCE.exec(text); m; m = CHINESE_REFERENCE.exec(text)) {
    let start = m.index + m[0].length;
    const role = CHINESE_ROLE_AT.test(m[0]);
    if (role && /[小老]/u.test(text[start]) && chineseSurnameLength(text.slice(start + 1, start + 3), l) === 1) {
      const after = text[start + 2];
      if (!isHan(after) || l.stops.has(after) || CHINESE_FOLLOWS_NAME.test(text.slice(start + 2, start + 4)))
        push(text, start, start + 2, found);
      continue;
    }
    const n = chineseSurnameLength(text.slice(start, start + 2), l);
    if (!n) continue;
    let end = start + n;
    while (
      end < text.length &&
      end - start < n + 2 &&
      isHan(text[end]) &&
      !l.stops.has(text[end]) &&
      !CHINESE_FOLLOWS_NAME.test(text.slice(end, end + 2))
    )
      end++;
    const name = text.slice(start, end);
    const next = text.slice(end, end + 2);
    const closed = end >= text.length || !isHan(text[end]) || l.stops.has(text[end]) || CHINESE_FOLLOWS_NAME.test(next);
    if (!closed || name.length === n || CHINESE_NOT_PERSON.test(name)) continue;
    // 王经理, 李老师: the title after a family name alone (经理 is no given name)
    if (CHINESE_PERSON_TITLE.test(text.slice(start + n, start + n + 2))) end = start + n;
    push(text, start, end, found);
    start = end;
  }
  // 刘洋会给您回电话, 李娜已经为您办理了: a name opening a clause, right before what a person
  // does for the customer. No cue word stands before it, so both ends are checked: the clause
  // opens (or opens after a word of time: 今天, 稍后) with a listed family name and one or two characters that are no stop character, and
  // what follows is such an act; words that open with a family name and act the same way
  // (余额已经为您退回, 马上为您处理, 何时会给您, 商家会联系您) are left by the list of things.
  for (let at = 0; at < text.length; at++) {
    // Most characters of Chinese text follow another: only a clause start is looked at further.
    if (isHan(text[at - 1]) && !(CHINESE_TIME_WORDS.has(text.slice(at - 2, at)) && !isHan(text[at - 3]))) continue;
    if (!isHan(text[at])) continue;
    const n = chineseSurnameLength(text.slice(at, at + 2), l);
    if (!n) continue;
    for (let given = 2; given >= 1; given--) {
      const end = at + n + given;
      const name = text.slice(at, end);
      if (end > text.length || !Array.from(name.slice(n)).every((c) => isHan(c) && !l.stops.has(c))) continue;
      if (!CHINESE_ACTS.test(text.slice(end, end + 6)) || CHINESE_NOT_PERSON.test(name) || CHINESE_PLACE_END.test(name)) continue;
      // 江经理会联系您: the family name before a title
      push(text, at, CHINESE_PERSON_TITLE.test(name.slice(n)) ? at + n : end, found);
      break;
    }
  }
  // 王经理, 找李老师: a family name alone before a title, opening its run or after a word that
  // leads to a person (值班经理 and 项目经理 have none).
  CHINESE_PERSON_TITLE_ANY.lastIndex = 0;
  for (let m = CHINESE_PERSON_TITLE_ANY.exec(text); m; m = CHINESE_PERSON_TITLE_ANY.exec(text)) {
    for (const n of [2, 1]) {
      const start = m.index - n;
      if (start < 0 || chineseSurnameLength(text.slice(start, m.index), l) !== n) continue;
      const before = text.slice(Math.max(0, start - 2), start);
      if (!isHan(text[start - 1]) || l.leadingWords.some((w) => before.endsWith(w)) || CHINESE_LEADS_TO_PERSON.test(before)) {
        push(text, start, m.index, found);
        break;
      }
    }
  }
}

/** Words after which a person is named: contact, find, hand over to, tell, thank; and the roles agents name each other by. */
const CHINESE_REFERENCE =
  /(?:联系|聯繫|聯絡|联络|找|转给|轉給|转接给|轉接給|交给|交給|告诉|告訴|通知|请教|請教|麻烦|麻煩|客服|专员|專員|顾问|顧問|同事|工程师|工程師|师傅|師傅|快递员|快遞員|主管|店长|店長|组长|組長|客服专员|客服專員)(?:人员|人員)?/gu;
const CHINESE_ROLE_AT = /^(?:客服|专员|專員|顾问|顧問|同事|工程师|工程師|师傅|師傅|快递员|快遞員|主管|店长|店長|组长|組長)/u;
/** Two-character words that follow a name and are no part of it (处理, 负责, 回复 …). */
const CHINESE_FOLLOWS_NAME =
  /^(?:处理|處理|负责|負責|回复|回覆|回电|回電|跟进|跟進|稍后|稍後|马上|馬上|联系|聯繫|核实|核實|确认|確認|帮忙|幫忙|协助|協助|解决|解決|安排|办理|辦理|退款|发货|發貨|那里|那裡|这边|這邊|经理|經理|主管|老师|老師|师傅|師傅|总监|總監|医生|醫生|律师|律師|先生|女士|小姐)/u;
/** Runs that open with a family name and are things, companies or groups, not people. */
const CHINESE_NOT_PERSON =
  /^(?:方式|方法|方面|商家|商城|商店|管理|包裹|包装|包裝|华为|華為|苏宁|蘇寧|申通|万达|萬達|万科|萬科|金额|金額|高级|高級|任何|文件|付款|付费|付費|石油|邮局|郵局|江苏|江蘇|黄金|黃金|龙湖|龍湖|时间|時間|钱包|錢包|关于|關於|关注|關注|单位|單位|单号|單號|单据|單據|平台|安全|程序|段时|白天|明天|车辆|車輛|车主|車主|项目|項目|路上|向您|连接|連接|席位|米饭|费用|費用|宁可|余额|餘額|高兴|高興|马上|馬上|何时|何時|曾经|曾經|方便|支付|师傅|師傅|房东|房東|解决|解決|简单|簡單|商户|商戶|方案)/u;
/** What a person does for the customer, right after the name that opens a clause (会给您回电话, 已经为您办理, 负责您的订单). */
const CHINESE_ACTS =
  /^(?:会|會|将|將|已经|已經|已|正在|稍后|稍後|随后|隨後|今天|明天)?(?:会|會)?(?:给您|給您|为您|為您|帮您|幫您|联系您|聯繫您|回复您|回覆您|致电|致電|回电|回電|跟进|跟進|负责|負責|核实|核實|对接|對接)/u;
/** Last characters of a place, a branch or a team, not of a given name (华东仓, 宁波店, 售后部). */
const CHINESE_PLACE_END = /[仓倉店部司局厂廠站处處所院馆館省市区區县縣镇鎮村路街队隊组組室栏欄]$/u;
/** Words of time that may open the clause before such a name (今天刘洋会给您回电话). */
const CHINESE_TIME_WORDS = new Set('今天|明天|稍后|稍後|随后|隨後|然后|然後|之后|之後|下午|上午|晚上|待会|待會'.split('|'));
const CHINESE_PERSON_TITLE = /^(?:经理|經理|主管|老师|老師|师傅|師傅|总监|總監|医生|醫生|律师|律師)/u;
const CHINESE_PERSON_TITLE_ANY = /经理|經理|主管|老师|老師|师傅|師傅|总监|總監|医生|醫生|律师|律師/gu;
const CHINESE_LEADS_TO_PERSON =
  /(?:联系|聯繫|找|转给|轉給|交给|交給|告诉|告訴|通知|谢谢|謝謝|感谢|感謝|请问|請問|我是|这是|這是|和|跟|与|與|问|問|给|給|让|讓|是)$/u;

// ---------------------------------------------------------------------------------------------
// Arabic

interface ArabicLists {
  given: Set<string>;
  ambiguous: Set<string>;
  surnames: Set<string>;
  honorifics: Set<string>;
  stop: Set<string>;
  cues: Set<string>;
}

/** Alef and hamza forms, ta marbuta, alef maqsura and the short vowels folded: names are typed every way. */
function foldArabic(word: string): string {
  return word
    .replace(/[\u064B-\u065F\u0670\u0640]/g, '')
    .replace(/[أإآ]/g, 'ا')
    .replace(/ة/g, 'ه')
    .replace(/ى/g, 'ي');
}

let arabicLists: ArabicLists | undefined;
function arabic(): ArabicLists {
  if (arabicLists) return arabicLists;
  const set = (list: string) => new Set([...toSet(list)].map(foldArabic));
  const honorifics = set(ARABIC.honorifics);
  // "للسيد", "والسيدة", "بالأستاذ": a preposition or "and" written onto the form of address.
  for (const h of [...honorifics])
    if (h.startsWith('ال'))
      for (const p of ['ل', 'و', 'ول', 'ب', 'وب']) honorifics.add(p === 'ل' || p === 'ول' ? `${p}ل${h.slice(2)}` : p + h);
  arabicLists = {
    given: set(ARABIC.given),
    ambiguous: set(ARABIC.ambiguousGiven),
    surnames: set(ARABIC.surnames),
    honorifics,
    stop: set(ARABIC.stop),
    cues: set(ARABIC.nameCues),
  };
  return arabicLists;
}

const ARABIC_WORD = /[\u0621-\u064A\u0660-\u0669\u066E-\u06D3\u064B-\u065F\u0670\u0640]+/gu;
const NAME_LINKS = new Set(['بن', 'بنت', 'ابن', 'ابو', 'ام', 'عبد']);
/** Greetings and thanks that address the reader by name (folded as `foldArabic` folds): "مرحبا", "أهلا", "صباح الخير", "السلام عليكم", "شكرا". */
/** Contact verbs (folded) whose person follows glued to ب or ل: call, contact, speak, refer. */
const ARABIC_CONTACT = new Set([
  'الاتصال',
  'اتصل',
  'اتصلت',
  'اتصلي',
  'اتصلوا',
  'سأتصل',
  'ساتصل',
  'سنتصل',
  'يتصل',
  'تتصل',
  'التواصل',
  'تواصل',
  'تواصلت',
  'تواصلي',
  'تواصلوا',
  'سأتواصل',
  'ساتواصل',
  'يتواصل',
  'اتصالك',
  'الاستعانه',
  'استعن',
]);
/** Listed given names that with ب/ل in front are everyday words: بعمر "at the age of", لعلي "perhaps I", بحسن "with good". */
const ARABIC_PREFIXED_WORDS = new Set(['عمر', 'علي', 'حسن', 'حسين', 'سلمي', 'امل']);
const ARABIC_GREETINGS = new Set(['مرحبا', 'اهلا', 'اهلين', 'هلا', 'الخير', 'النور', 'عليكم', 'شكرا', 'تسلم', 'تسلمي']);

function arabicNames(text: string, found: PiiSpan[]): void {
  const l = arabic();
  const ws: (Word & { key: string })[] = [];
  let last = 0;
  ARABIC_WORD.lastIndex = 0;
  for (let m = ARABIC_WORD.exec(text); m; m = ARABIC_WORD.exec(text)) {
    ws.push({ start: m.index, end: m.index + m[0].length, text: m[0], gap: text.slice(last, m.index), key: foldArabic(m[0]) });
    last = m.index + m[0].length;
  }
  const listed = (key: string) => l.given.has(key) || l.surnames.has(key);
  /** The name words from `k`: the first any word but a stop word, the next ones listed, family ("ال…") or linked ("بن"). */
  const nameFrom = (k: number, firstMustBeListed: boolean): number => {
    let j = k;
    while (j < ws.length && j - k < 4) {
      const w = ws[j];
      if (l.stop.has(w.key) || l.honorifics.has(w.key)) break;
      if (j > k && broken(w)) break;
      if (j === k) {
        if (firstMustBeListed && (!l.given.has(w.key) || l.ambiguous.has(w.key))) break;
      } else {
        const linked = NAME_LINKS.has(ws[j - 1].key);
        const endsSentence = /^[\s]*(?:[.,،!؟?:؛]|$)/u.test(text.slice(w.end, w.end + 2)) && j === k + 1;
        if (!listed(w.key) && !linked && !NAME_LINKS.has(w.key) && !(w.key.startsWith('ال') && w.key.length > 3) && !endsSentence) break;
        // "و…" glued to the next word: "وطلبي", "ولدي" are not names (وليد is listed).
        if (w.key.startsWith('و') && !listed(w.key)) break;
      }
      j++;
    }
    // A link word cannot end a name.
    while (j > k && NAME_LINKS.has(ws[j - 1].key)) j--;
    return j;
  };
  const name = (from: number, to: number) => {
    if (to > from) push(text, ws[from].start, ws[to - 1].end, found);
  };
  for (let k = 0; k < ws.length; k++) {
    const w = ws[k];
    const two = k + 1 < ws.length ? `${w.key} ${ws[k + 1].key}` : '';
    const three = k + 2 < ws.length ? `${two} ${ws[k + 2].key}` : '';
    const cueWords = l.cues.has(three) ? 3 : l.cues.has(two) ? 2 : l.cues.has(w.key) ? 1 : 0;
    if (cueWords) {
      const j = nameFrom(k + cueWords, false);
      name(k + cueWords, j);
      k = Math.max(k, j - 1);
      continue;
    }
    if (l.honorifics.has(w.key) && k + 1 < ws.length && !broken(ws[k + 1])) {
      const j = nameFrom(k + 1, false);
      name(k + 1, j);
      k = Math.max(k, j - 1);
      continue;
    }
    // "أنا محمد من خدمة العملاء": a listed given name that is no everyday word ("أنا سعيد" is "I am happy")
    if ((w.key === 'انا' || w.key === 'وانا') && k + 1 < ws.length && !broken(ws[k + 1])) {
      const j = nameFrom(k + 1, true);
      name(k + 1, j);
      k = Math.max(k, j - 1);
      continue;
    }
    // "تحدثت مع سارة", "تواصل مع أحمد": "with" and a listed given name that is no everyday word.
    if (w.key === 'مع' && k + 1 < ws.length && !broken(ws[k + 1])) {
      const j = nameFrom(k + 1, true);
      if (j > k + 1) {
        name(k + 1, j);
        k = j - 1;
        continue;
      }
    }
    // "يرجى الاتصال بأحمد", "تواصل بسارة": a contact verb, then the name glued to ب ("with") or
    // ل ("to"); the letter is kept out of the span. Only listed given names that are no everyday
    // word ("بعمر" is also "at the age of").
    if (ARABIC_CONTACT.has(w.key) && k + 1 < ws.length && !broken(ws[k + 1])) {
      const next = ws[k + 1];
      const bare = next.key.slice(1);
      if (
        (next.key.startsWith('ب') || next.key.startsWith('ل')) &&
        l.given.has(bare) &&
        !l.ambiguous.has(bare) &&
        !ARABIC_PREFIXED_WORDS.has(bare)
      ) {
        push(text, next.start + 1, next.end, found);
        k++;
        continue;
      }
    }
    // "مرحبا أحمد", "شكرا يا سارة", "صباح الخير محمد": after a greeting or thanks, or the vocative
    // "يا", a listed given name that is no everyday word ("مرحبا سعيد" stays).
    if ((ARABIC_GREETINGS.has(w.key) || w.key === 'يا') && k + 1 < ws.length && /^[ \t\u00a0,،]*$/u.test(ws[k + 1].gap)) {
      let from = k + 1;
      if (ws[from].key === 'يا' && from + 1 < ws.length && !broken(ws[from + 1])) from++;
      const j = nameFrom(from, true);
      if (j > from) {
        name(from, j);
        k = j - 1;
        continue;
      }
    }
    // A listed given name followed by a listed family name anywhere: "محمد الشمري"
    if (l.given.has(w.key) && !l.ambiguous.has(w.key) && k + 1 < ws.length && !broken(ws[k + 1]) && l.surnames.has(ws[k + 1].key)) {
      const j = nameFrom(k, true);
      name(k, j);
      k = Math.max(k, j - 1);
    }
  }
}
