import { HEBREW, PERSIAN, THAI } from './gazetteer/uncasedLanguages';
import type { PiiSpan } from './types';

/**
 * Person names in Thai, Hebrew and Persian: no letter case, so, as for Korean or Arabic
 * (`uncasedNames.ts`), only what context or a list says is a name is taken.
 *
 * - Thai (no spaces between words): a name after คุณ, นาย, นาง, นางสาว, น.ส., ด.ช., ด.ญ. or
 *   "ผม/ดิฉัน…ชื่อ"; it runs to a space, punctuation or a word that follows names (ครับ, ค่ะ, จะ,
 *   ได้, ที่, ว่า …), and a surname after one space that ends the same way and is no stop word.
 *   "คุณ" is also "you" ("คุณสามารถ…") and part of words ("ขอบคุณ", "คุณภาพ"): a run that opens
 *   with a verb or such a word is not a name. A listed given name needs no title.
 * - Hebrew: after מר / גב' / גברת / ד"ר (also "למר", "ולגב'"), "שמי", "קוראים לי", "מדברת",
 *   "בברכה", and a greeting in the same sentence ("שלום יוסי,": a listed name, or a word the
 *   sentence ends or breaks after). Listed given names anywhere, also after a prefix
 *   ו/ל/ש/מ/ב/כ ("ליוסי" → "יוסי"); names that are also words ("דוד" uncle, "גיל" age) only
 *   after a cue or beside a listed surname.
 * - Persian: after آقای / خانم / جناب / سرکار خانم / دکتر, "اسم من" / "نام من" / "اینجانب", a
 *   greeting in the same sentence ("سلام مریم جان"), a listed name before خانم/آقا/جان, "من X
 *   هستم" with a listed name, and a listed given name before a listed surname. Words are compared
 *   with ي/ی and ك/ک folded and without the zero-width non-joiner, which the span keeps as written.
 */
export function detectThaiHebrewPersianNames(text: string, language: string, found: PiiSpan[]): void {
  if (language === 'th') {
    if (THAI_LETTER.test(text)) thaiNames(text, found);
  } else if (language === 'he') {
    if (HEBREW_LETTER.test(text)) hebrewNames(text, found);
  } else if (language === 'fa') {
    if (ARABIC_SCRIPT.test(text)) persianNames(text, found);
  }
}

const THAI_LETTER = /[\u0E01-\u0E4E]/u;
const HEBREW_LETTER = /[\u05D0-\u05EA]/u;
const ARABIC_SCRIPT = /[\u0600-\u06FF]/u;

const toSet = (list: string) => new Set(list.split('|').filter(Boolean));
const byLength = (list: string) => [...toSet(list)].sort((a, b) => b.length - a.length);

function push(text: string, start: number, end: number, found: PiiSpan[]): void {
  if (end > start) found.push({ type: 'PERSON', start, end, value: text.slice(start, end), source: 'local-ner' });
}

// ---------------------------------------------------------------------------------------------
// Thai

interface ThaiLists {
  titles: string[];
  given: Set<string>;
  notNames: string[];
  stop: string[];
  follow: string[];
  before: string[];
  notSurnames: string[];
}

let thaiLists: ThaiLists | undefined;
function thai(): ThaiLists {
  thaiLists ??= {
    titles: byLength(THAI.titles),
    given: toSet(THAI.given),
    notNames: byLength(THAI.notNames),
    stop: byLength(THAI.stop),
    follow: byLength(THAI.follow),
    before: byLength(THAI.before),
    notSurnames: byLength(THAI.notSurnames),
  };
  return thaiLists;
}

const isThai = (c: string | undefined) => c !== undefined && THAI_LETTER.test(c);
/** Vowels written before their consonant: a word never ends right after one. */
const LEADING_VOWEL = /[\u0E40-\u0E44]/u;
/** Combining marks (vowels above and below, tone marks): a word never starts with one. */
const THAI_MARK = /[\u0E31\u0E34-\u0E3A\u0E47-\u0E4E]/u;
/** A Thai name is rarely longer (วิภาวดี, กิตติพงษ์, ศรีสุวรรณ); a longer run is a phrase. */
const MAX_THAI_NAME = 14;
const MIN_THAI_NAME = 2;

/** The end of the name that starts at `start`: a space, a non-Thai character or a following word; `start` if none fits. */
function thaiNameEnd(text: string, start: number, l: ThaiLists): number {
  let end = start;
  while (end < text.length && isThai(text[end]) && end - start <= MAX_THAI_NAME) {
    if (
      end - start >= MIN_THAI_NAME + 1 &&
      !LEADING_VOWEL.test(text[end - 1]) &&
      !THAI_MARK.test(text[end]) &&
      l.follow.some((w) => text.startsWith(w, end))
    )
      break;
    end++;
  }
  const length = end - start;
  if (length < MIN_THAI_NAME || length > MAX_THAI_NAME) return start;
  const name = text.slice(start, end);
  if (l.stop.some((w) => name.startsWith(w))) return start;
  return end;
}

/** Whether a title or listed name at `at` stands where a word starts: after a non-Thai character or a word that leads into a name. */
function thaiWordStart(text: string, at: number, l: ThaiLists): boolean {
  if (!isThai(text[at - 1])) return true;
  return l.before.some((w) => text.endsWith(w, at));
}

function thaiNames(text: string, found: PiiSpan[]): void {
  const l = thai();
  const taken = (start: number, end: number) => {
    // "นาย สมชาย ใจดี": one space, then a surname that ends where a name ends.
    if (text[end] === ' ' && isThai(text[end + 1])) {
      const surnameEnd = thaiNameEnd(text, end + 1, l);
      const after = text.at(surnameEnd);
      if (
        surnameEnd > end + 1 &&
        !l.titles.some((t) => text.startsWith(t, end + 1)) &&
        !l.notSurnames.some((w) => text.startsWith(w, end + 1)) &&
        (after === undefined || !isThai(after) || l.follow.some((w) => text.startsWith(w, surnameEnd)))
      )
        end = surnameEnd;
    }
    push(text, start, end, found);
    return end;
  };
  for (let i = 0; i < text.length; i++) {
    if (!isThai(text[i])) continue;
    // ผมชื่อสมชาย, ดิฉันชื่อ สมหญิง ใจดี ค่ะ, ชื่อ: สมศรี
    const cue = /^(?:(?:ผม|ดิฉัน|ฉัน|หนู|กระผม|เรา)ชื่อ(?:ว่า)? ?|ชื่อ(?:-นามสกุล| นามสกุล|และนามสกุล)? ?[:：] ?)/u.exec(text.slice(i, i + 24));
    if (cue && (i === 0 || !isThai(text[i - 1]) || /^(?:ผม|ดิฉัน|ฉัน|หนู|กระผม|เรา)/u.test(cue[0]))) {
      const start = i + cue[0].length;
      const end = thaiNameEnd(text, start, l);
      if (end > start) {
        i = taken(start, end) - 1;
        continue;
      }
    }
    const title = l.titles.find((t) => text.startsWith(t, i));
    if (title) {
      // "ขอบคุณ" thanks, "บุญคุณ" gratitude, "ทนาย" lawyer: a title glued to a word before it.
      // "ของคุณ" (your) and "ให้คุณทราบ": "คุณ" glued to a word before it is "you" unless that word leads into a name.
      const okBefore = thaiWordStart(text, i, l);
      let start = i + title.length;
      if (text[start] === ' ') start++;
      if (okBefore && !l.notNames.some((w) => text.startsWith(w, start))) {
        const end = thaiNameEnd(text, start, l);
        if (end > start) {
          i = taken(start, end) - 1;
          continue;
        }
      }
      i += title.length - 1;
      continue;
    }
    // สมชายโทรมาเมื่อวาน: a listed given name where a word starts, then a boundary
    if (thaiWordStart(text, i, l)) {
      const end = thaiNameEnd(text, i, l);
      if (end > i && l.given.has(text.slice(i, end))) {
        i = taken(i, end) - 1;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Hebrew

interface HebrewLists {
  given: Set<string>;
  ambiguous: Set<string>;
  surnames: Set<string>;
  honorifics: Set<string>;
  cues: Set<string>;
  greetings: Set<string>;
  stop: Set<string>;
}

/** Geresh and gershayim typed as apostrophe and quote ("גב׳" / "גב'", "ד״ר" / "ד"ר"). */
const foldHebrew = (word: string) => word.replace(/׳/g, "'").replace(/״/g, '"');

/** One-letter prefixes written onto a word: and, to, that, from, in, as. */
const HEBREW_PREFIXES = ['וש', 'ול', 'וב', 'ומ', 'שב', 'של', 'ו', 'ל', 'ש', 'מ', 'ב', 'כ'];

let hebrewLists: HebrewLists | undefined;
function hebrew(): HebrewLists {
  if (hebrewLists) return hebrewLists;
  const honorifics = toSet(HEBREW.honorifics);
  // "למר", "ולגב'", "לד"ר": a preposition or "and" written onto the form of address.
  for (const h of [...honorifics]) for (const p of ['ל', 'ו', 'ול']) honorifics.add(p + h);
  hebrewLists = {
    given: toSet(HEBREW.given),
    ambiguous: toSet(HEBREW.ambiguousGiven),
    surnames: toSet(HEBREW.surnames),
    honorifics,
    cues: toSet(HEBREW.nameCues),
    greetings: toSet(HEBREW.greetings),
    stop: toSet(HEBREW.stop),
  };
  return hebrewLists;
}

interface Word {
  start: number;
  end: number;
  text: string;
  key: string;
  /** What stands between the word before and this one. */
  gap: string;
}

function wordsOf(text: string, pattern: RegExp, fold: (w: string) => string): Word[] {
  const out: Word[] = [];
  let last = 0;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    out.push({ start: m.index, end: m.index + m[0].length, text: m[0], key: fold(m[0]), gap: text.slice(last, m.index) });
    last = m.index + m[0].length;
  }
  return out;
}

/** Punctuation or a line break between two words: they do not belong to one name. */
const broken = (w: Word) => /[^ \t\u00a0]/u.test(w.gap);
/** Whether the text right after `w` ends or breaks the sentence (a vocative: "שלום דנה,"). */
const endsAfter = (text: string, w: Word) => /^[ \t]*(?:[.,،!?؟:;؛)\n]|$)/u.test(text.slice(w.end, w.end + 3));

const HEBREW_WORD = /[\u05D0-\u05EA]+(?:['"׳״][\u05D0-\u05EA]+)*['׳]?/gu;

function hebrewNames(text: string, found: PiiSpan[]): void {
  const l = hebrew();
  const ws = wordsOf(text, HEBREW_WORD, foldHebrew);
  const listed = (key: string) => l.given.has(key) || l.surnames.has(key);
  const closed = (key: string) => l.stop.has(key) || l.honorifics.has(key) || l.greetings.has(key);
  /**
   * Name words from `k`: the first any word but a stop word, the next ones listed or the last
   * before a break; after a form of address (`titled`) also any word after a listed given name
   * ("מר משה שטיינברג") that does not open with "ו" (and). After a cue the second word must be
   * listed: "מדברת נועה משירות…", "קוראים לי מיכל ויש…" go on with ordinary prefixed words.
   */
  const nameFrom = (k: number, titled = false): number => {
    let j = k;
    while (j < ws.length && j - k < 3) {
      const w = ws[j];
      if (closed(w.key) || (j > k && broken(w))) break;
      const afterGiven = titled && j === k + 1 && (l.given.has(ws[k].key) || l.ambiguous.has(ws[k].key)) && !w.key.startsWith('ו');
      if (j > k && !listed(w.key) && !afterGiven && !(j === k + 1 && endsAfter(text, w))) break;
      j++;
    }
    return j;
  };
  const name = (from: number, to: number) => {
    if (to > from) push(text, ws[from].start, ws[to - 1].end, found);
    return Math.max(from, to - 1);
  };
  /** The listed given name a prefixed word holds ("ליוסי" → 1), 0 when the word is no prefixed name. */
  const prefixOf = (w: Word): number => {
    if (listed(w.key) || l.ambiguous.has(w.key) || l.stop.has(w.key)) return 0;
    for (const p of HEBREW_PREFIXES) {
      const rest = w.key.slice(p.length);
      if (w.key.startsWith(p) && l.given.has(rest) && !l.ambiguous.has(rest)) return p.length;
    }
    return 0;
  };
  for (let k = 0; k < ws.length; k++) {
    const w = ws[k];
    const next = ws.at(k + 1);
    const two = next && !broken(next) ? `${w.key} ${next.key}` : '';
    const three = two && k + 2 < ws.length && !broken(ws[k + 2]) ? `${two} ${ws[k + 2].key}` : '';
    const cueWords = l.cues.has(three) ? 3 : l.cues.has(two) ? 2 : l.cues.has(w.key) ? 1 : 0;
    if (cueWords && k + cueWords < ws.length) {
      const first = ws[k + cueWords];
      // "שמי יוסי", "שם מלא: רחל כהן", and a sign-off on the next line: "בברכה,\nדנה לוי"
      if (!broken(first) || /^\s*[:,]?\s*$/u.test(first.gap)) {
        k = name(k + cueWords, nameFrom(k + cueWords));
        continue;
      }
    }
    if (l.honorifics.has(w.key) && next && !broken(next)) {
      k = name(k + 1, nameFrom(k + 1, true));
      continue;
    }
    const greetingWords = l.greetings.has(two) ? 2 : l.greetings.has(w.key) ? 1 : 0;
    if (greetingWords && k + greetingWords < ws.length) {
      const first = ws[k + greetingWords];
      const inSentence = /^[ \t]*,?[ \t]*$/u.test(first.gap);
      const given = l.given.has(first.key) || l.ambiguous.has(first.key);
      // "שלום יוסי", "תודה, רחל!", "היי דנה," — not "שלום רציתי לשאול"
      if (inSentence && !closed(first.key) && (given || (!broken(first) && endsAfter(text, first)))) {
        k = name(k + greetingWords, nameFrom(k + greetingWords));
        continue;
      }
    }
    // "אני נועה מהשירות": a listed given name that is no everyday word
    if (w.key === 'אני' && next && !broken(next) && l.given.has(next.key) && !l.ambiguous.has(next.key)) {
      k = name(k + 1, nameFrom(k + 1));
      continue;
    }
    // "דוד כהן", "יוסי": a listed given name (one that is also a word only before a listed surname)
    const surnameNext = next !== undefined && !broken(next) && l.surnames.has(next.key);
    if ((l.given.has(w.key) && !l.ambiguous.has(w.key)) || ((l.given.has(w.key) || l.ambiguous.has(w.key)) && surnameNext)) {
      let j = k + 1;
      while (j < ws.length && j - k < 3 && !broken(ws[j]) && l.surnames.has(ws[j].key)) j++;
      k = name(k, j);
      continue;
    }
    // "ליוסי", "ומשה": the name without its prefix
    const p = prefixOf(w);
    if (p) {
      let end = w.end;
      let j = k + 1;
      while (j < ws.length && j - k < 3 && !broken(ws[j]) && l.surnames.has(ws[j].key)) end = ws[j++].end;
      push(text, w.start + p, end, found);
      k = j - 1;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Persian

interface PersianLists {
  given: Set<string>;
  ambiguous: Set<string>;
  surnames: Set<string>;
  surnameEndings: string[];
  honorifics: Set<string>;
  postHonorifics: Set<string>;
  cues: Set<string>;
  greetings: Set<string>;
  stop: Set<string>;
}

/** Arabic yeh and kaf typed for Persian ی and ک, short vowels and the zero-width non-joiner dropped: the key a word is compared by. */
function foldPersian(word: string): string {
  return word
    .replace(/[\u064B-\u065F\u0670\u0640\u200C\u200D]/gu, '')
    .replace(/[يى]/gu, 'ی')
    .replace(/ك/gu, 'ک')
    .replace(/[أإ]/gu, 'ا');
}

let persianLists: PersianLists | undefined;
function persian(): PersianLists {
  const set = (list: string) => new Set([...toSet(list)].map(foldPersian));
  persianLists ??= {
    given: set(PERSIAN.given),
    ambiguous: set(PERSIAN.ambiguousGiven),
    surnames: set(PERSIAN.surnames),
    surnameEndings: [...set(PERSIAN.surnameEndings)],
    honorifics: set(PERSIAN.honorifics),
    postHonorifics: set(PERSIAN.postHonorifics),
    cues: set(PERSIAN.nameCues),
    greetings: set(PERSIAN.greetings),
    stop: set(PERSIAN.stop),
  };
  return persianLists;
}

/** Forms of address that also stand alone as a word ("sir", "the doctor", "the engineer"). */
const WEAK_PERSIAN_TITLES = new Set(['آقا', 'سید', 'دکتر', 'مهندس', 'استاد', 'حاج', 'حاجی'].map(foldPersian));

/** Persian and Arabic letters and the zero-width non-joiner inside a word ("علی‌رضا", "می‌خواهم"); not digits or punctuation. */
const PERSIAN_WORD = /[\u0621-\u065F\u0670-\u06D3](?:[\u0621-\u065F\u0670-\u06D3\u200C\u200D]*[\u0621-\u065F\u0670-\u06D3])?/gu;

/** What one does "with" a person (با X …): contact, talk, arrange, coordinate. */
const PERSIAN_CONTACT = new Set(['تماس', 'صحبت', 'هماهنگ', 'هماهنگی', 'مکاتبه', 'ارتباط'].map(foldPersian));

function persianNames(text: string, found: PiiSpan[]): void {
  const l = persian();
  const ws = wordsOf(text, PERSIAN_WORD, foldPersian);
  const closed = (key: string) => l.stop.has(key) || l.honorifics.has(key) || l.greetings.has(key) || l.postHonorifics.has(key);
  const surnameLike = (key: string) => l.surnames.has(key) || (key.length > 3 && l.surnameEndings.some((e) => key.endsWith(e)));
  const givenAny = (key: string) => l.given.has(key) || l.ambiguous.has(key);
  /** Name words from `k`: the first any word but a stop word, then given names or family names, or one word before a break. */
  const nameFrom = (k: number): number => {
    let j = k;
    while (j < ws.length && j - k < 3) {
      const w = ws[j];
      if (closed(w.key) || (j > k && broken(w))) break;
      if (j > k && !givenAny(w.key) && !surnameLike(w.key) && !(j === k + 1 && endsAfter(text, w))) break;
      j++;
    }
    return j;
  };
  const name = (from: number, to: number) => {
    if (to > from) push(text, ws[from].start, ws[to - 1].end, found);
    return Math.max(from, to - 1);
  };
  for (let k = 0; k < ws.length; k++) {
    const w = ws[k];
    const next = ws.at(k + 1);
    const two = next && !broken(next) ? `${w.key} ${next.key}` : '';
    const four = two && k + 3 < ws.length && !broken(ws[k + 2]) && !broken(ws[k + 3]) ? `${two} ${ws[k + 2].key} ${ws[k + 3].key}` : '';
    const cueWords = l.cues.has(four) ? 4 : l.cues.has(two) ? 2 : l.cues.has(w.key) ? 1 : 0;
    if (cueWords && k + cueWords < ws.length) {
      const first = ws[k + cueWords];
      // "اسم من علی رضایی است", "نام و نام خانوادگی: زهرا احمدی", "با تشکر،\nمریم"
      if (!broken(first) || /^\s*[:،,]?\s*$/u.test(first.gap)) {
        k = name(k + cueWords, nameFrom(k + cueWords));
        continue;
      }
    }
    // "آقای رضایی", "جناب آقای دکتر علی محمدی", "سرکار خانم زهرا احمدی"
    if (l.honorifics.has(w.key) && next && !broken(next)) {
      let j = k + 1;
      while (j < ws.length && l.honorifics.has(ws[j].key) && !broken(ws[j])) j++;
      // "سرکار" alone is "you" ("سرکار عالی"); "آقا" alone "sir" ("آقا ببخشید"), "دکتر" alone "the
      // doctor" ("دکتر گفته بود"): these only before a given name or a family name.
      const after = ws.at(j)?.key ?? '';
      const alone = j === k + 1 && (w.key === 'سرکار' || (WEAK_PERSIAN_TITLES.has(w.key) && !givenAny(after) && !surnameLike(after)));
      if (j < ws.length && !broken(ws[j]) && !alone) {
        k = name(j, nameFrom(j));
        continue;
      }
      k = j - 1;
      continue;
    }
    // "سلام مریم جان", "ممنون علی", "سلام آرش،"
    if (l.greetings.has(w.key) && next && /^[ \t]*[،,]?[ \t]*$/u.test(next.gap) && !closed(next.key)) {
      const dear = ws.at(k + 2) !== undefined && !broken(ws[k + 2]) && l.postHonorifics.has(ws[k + 2].key);
      if (givenAny(next.key) || dear || (!broken(next) && endsAfter(text, next))) {
        k = name(k + 1, nameFrom(k + 1));
        continue;
      }
    }
    // "با مریم تماس بگیرید", "با آقای… " is above: "with" and a listed given name that is no
    // everyday word, then the name's words up to تماس/صحبت/هماهنگ ("contact", "talk", "arrange").
    if (w.key === 'با' && next && !broken(next) && l.given.has(next.key) && !l.ambiguous.has(next.key)) {
      const j = nameFrom(k + 1);
      const verb = ws.at(j)?.key ?? '';
      if (PERSIAN_CONTACT.has(verb)) {
        k = name(k + 1, j);
        continue;
      }
    }
    // "من مریم هستم": a listed given name
    if ((w.key === 'من' || w.key === 'بنده') && next && !broken(next) && l.given.has(next.key) && !l.ambiguous.has(next.key)) {
      k = name(k + 1, nameFrom(k + 1));
      continue;
    }
    // "مریم خانم", "علی آقا", "رضا جان": a listed given name before a form of address
    if (givenAny(w.key) && next && !broken(next) && l.postHonorifics.has(next.key)) {
      k = name(k, k + 1);
      continue;
    }
    // "علی رضایی", "زهرا محمدی": a listed given name before a listed family name
    if (l.given.has(w.key) && next && !broken(next) && l.surnames.has(next.key)) {
      k = name(k, nameFrom(k));
    }
  }
}
