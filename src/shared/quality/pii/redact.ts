import { withRepeatedNames } from './repeatedNames';
import type { Conversation, ToolCall } from '../../ingest/types';
import type { ConversationStage, StageResult } from '../../dataset/stages';
import { detectConversationLanguage, detectLanguage } from '../../language/detect';
import { detectAddresses, detectNames, type NameRecognizer } from './entities';
import { isClearlyEnglish } from './englishCheck';
import { textProfile } from './profile';
import { NAME_DETECTOR_LANGUAGES, sameNameInCase } from './names';
import { participantName } from './participantName';
import { detectHandles } from './handles';
import { isRomanizedLanguage, romanizedLanguage, ROMANIZED_ARABIC, ROMANIZED_HINDI } from '../../language/romanized';
import { detectArabiziNames, detectRomanizedHindiNames } from './romanizedNames';
import { followsUnsureGuess, languageOrEnglish, nameRulesCode } from './nameLanguage';
import { detectStructuredIn, foldDigits, type StructuredOptions } from './structured';
import { foldForMatching } from '../../language/fullWidth';
import { PII_TYPES, type DetectHint, type PiiDetector, type PiiSpan, type PiiType } from './types';

export interface LocalDetectorOptions extends StructuredOptions {
  /** Person-name recogniser (default `gazetteer`, chosen by measurement; see docs/data-quality.md). */
  names?: NameRecognizer | false;
  addresses?: boolean;
  /**
   * ISO 639-1 language of the text. Names are found only in the languages the name detector
   * covers (`NAME_DETECTOR_LANGUAGES`); in any other language only structured types and street
   * addresses are. Absent: detected from the text itself.
   */
  language?: string;
}

/**
 * The language whose name rules apply to a text: the hint, else the text's detected language.
 * A short or mixed text in Latin letters the detector cannot judge, in a language it does not
 * cover, is taken for English (the pipeline's usual input; `languageOrEnglish`); a reliable
 * answer is always followed.
 */
export function nameLanguage(text: string, hint?: string): string {
  if (hint && hint.length === 2 && hint === hint.toLowerCase()) return nameRulesCode(hint);
  // Hindi or Arabic in Latin letters: English rules plus their own cues (see detectFolded), not
  // the rules of their script.
  if (hint !== undefined && isRomanizedLanguage(hint)) return hint;
  const code = (hint ?? '').toLowerCase().split(/[-_]/)[0];
  if (code && code !== 'und') return nameRulesCode(code);
  if (isClearlyEnglish(text)) return 'en';
  const romanized = romanizedLanguage([text]);
  if (romanized) return romanized;
  const detected = detectLanguage(text);
  return detected.code === 'und' ? 'en' : languageOrEnglish(detected, text);
}

/** Characters of a conversation the language is told from (tinyld costs ~1 µs a character). */
const LANGUAGE_SAMPLE_CHARS = 300;

/** Distinct texts remembered per detector (one detector serves one blob or one `prepare` run). */
const DETECT_CACHE_ENTRIES = 10000;
/** Longer texts rarely repeat; they are not worth the memory. */
const DETECT_CACHE_MAX_CHARS = 2000;

/**
 * Validated patterns for structured types + the local name/address recogniser. Detection is a
 * pure function of the text, so each distinct text is analysed once per detector: agent
 * boilerplate and short customer replies ("Thanks, that is all I needed.") repeat across a file,
 * and name recognition is the costliest step of preprocessing.
 */
export function createLocalDetector(options: LocalDetectorOptions = {}): PiiDetector {
  // One map per language, keyed by the text itself (no concatenated key to build and hash).
  const caches = new Map<string, Map<string, PiiSpan[]>>();
  let cached = 0;
  const detect = (text: string, language: string | undefined, textOptions: LocalDetectorOptions): PiiSpan[] => {
    if (text.length > DETECT_CACHE_MAX_CHARS) return detectLocal(text, textOptions);
    let cache = caches.get(language ?? '');
    if (!cache) caches.set(language ?? '', (cache = new Map<string, PiiSpan[]>()));
    let spans = cache.get(text);
    if (!spans) {
      spans = detectLocal(text, textOptions);
      if (cached >= DETECT_CACHE_ENTRIES) {
        caches.clear();
        caches.set(language ?? '', (cache = new Map<string, PiiSpan[]>()));
        cached = 0;
      }
      cache.set(text, spans);
      cached++;
    }
    // Copies: callers own what they get.
    return spans.length ? spans.map((span) => ({ ...span })) : [];
  };
  return {
    name: 'local',
    async detect(texts, _signal, hint?: DetectHint) {
      // One language for the batch (a conversation): short turns ("Danke!") cannot be judged alone.
      const language = options.language ?? hint?.language ?? nameLanguage(texts.join('\n').slice(0, LANGUAGE_SAMPLE_CHARS));
      const textOptions = language ? { ...options, language } : options;
      return texts.map((text) => {
        const spans = detect(text, language, textOptions);
        // A turn of an English conversation written in another language: English rules take its
        // capitalised nouns for names ("Das Paket kam mit einer kaputten Schachtel an"), so a turn
        // they found a name in is read with its own language's rules when it reliably is one.
        if (language === 'en' && options.language === undefined && spans.some((s) => s.type === 'PERSON')) {
          const own = otherTurnLanguage(text);
          if (own) return detect(text, own, { ...options, language: own });
        }
        return spans;
      });
    },
  };
}

/** Shorter turns ("Danke!", "Danke Anne") are left to the conversation's language. */
const MIN_TURN_LANGUAGE_CHARS = 40;

/**
 * German function words no English sentence uses ("die", "an", "was", "will" are left out: English
 * words too). Three different ones, and a sixth of the words, make a turn German.
 */
const GERMAN_MARKERS = new Set(
  (
    'der das und ist nicht ich wir mit ein eine einer einem einen auf für mein meine meinen meiner bitte habe haben ' +
    'wurde wurden noch auch schon kann können danke sehr ihre ihnen dem des zum zur beim aber oder wenn weil dass ' +
    'leider heute gestern bei nach über nur sind sollte möchte würde hätte keine kein'
  ).split(' '),
);

/**
 * The turn's own language, when an English conversation's turn that English rules found a name in
 * is German. German writes every noun with a capital, which English rules take for names ("Das
 * Paket kam mit einer kaputten Schachtel an" gave Paket and Schachtel); other languages capitalise
 * as English does, so English rules read them well enough. A word scan, not the language detector:
 * it runs for many English turns with names (about 3 % of the bench's turns) and must cost little,
 * and the detector takes short English turns for Dutch or Irish.
 */
function otherTurnLanguage(text: string): string | undefined {
  if (text.length < MIN_TURN_LANGUAGE_CHARS || isClearlyEnglish(text)) return undefined;
  const words = text.toLowerCase().match(/[a-zäöüß]+/g) ?? [];
  const markers = new Set(words.filter((w) => GERMAN_MARKERS.has(w)));
  return markers.size >= 3 && words.filter((w) => GERMAN_MARKERS.has(w)).length * 6 >= words.length ? 'de' : undefined;
}

export function detectLocal(written: string, options: LocalDetectorOptions = {}): PiiSpan[] {
  // Every detector reads the folded copy (digits of other scripts, full-width punctuation: see
  // foldDigits); the spans hold the same places in the text as written, and take their values from it.
  const text = foldDigits(written);
  const spans = detectFolded(text, options);
  if (text !== written) for (const span of spans) span.value = written.slice(span.start, span.end);
  return spans;
}

function detectFolded(text: string, options: LocalDetectorOptions): PiiSpan[] {
  const profile = textProfile(text);
  const spans = detectStructuredIn(text, options, profile);
  if (options.addresses !== false) for (const span of detectAddresses(text, profile)) spans.push(span);
  if (options.names !== false) {
    const recognizer = options.names || 'gazetteer';
    if (recognizer !== 'gazetteer') spans.push(...detectNames(text, recognizer));
    else {
      const language = nameLanguage(text, options.language);
      if (language === ROMANIZED_HINDI) spans.push(...detectNames(text, recognizer, 'en'), ...detectRomanizedHindiNames(text));
      else if (language === ROMANIZED_ARABIC) spans.push(...detectNames(text, recognizer, 'en'), ...detectArabiziNames(text));
      else if (NAME_DETECTOR_LANGUAGES.includes(language)) spans.push(...detectNames(text, recognizer, language));
    }
    for (const span of detectHandles(text)) spans.push(span);
  }
  if (spans.length <= 1) return spans;
  const addresses = spans.filter((s) => s.type === 'ADDRESS');
  // A national number of two or three short groups inside a detected address ("17151 2450 Crown
  // St") is the building and house number, not a phone.
  const kept = spans.filter(
    (s) =>
      !(
        s.type === 'PHONE' &&
        !/^[+(]|^00/.test(s.value) &&
        s.value.split(/[\s.-]+/).length <= 3 &&
        addresses.some((a) => a.start <= s.start && s.end <= a.end)
      ),
  );
  return resolveOverlaps(kept);
}

// Every PII type has its place in PII_TYPES (fromEntries cannot say so in its type).
const PRIORITY = Object.fromEntries(PII_TYPES.map((t, i) => [t, i])) as Record<PiiType, number>;

/**
 * Keeps non-overlapping spans: validated structured types win over names and addresses (a card
 * number inside an "address" is a card), then longer spans win.
 */
export function resolveOverlaps(spans: PiiSpan[]): PiiSpan[] {
  // Most texts have no span or one: nothing can overlap.
  if (spans.length <= 1) return spans.filter((s) => s.end > s.start);
  const ranked = [...spans].sort((a, b) => PRIORITY[a.type] - PRIORITY[b.type] || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: PiiSpan[] = [];
  // Claimed characters: each check costs the span's length, not the number of kept spans.
  const claimed = new Uint8Array(spans.reduce((n, s) => Math.max(n, s.end), 0));
  for (const span of ranked) {
    if (span.end <= span.start) continue;
    if (claimed.subarray(span.start, span.end).includes(1)) continue;
    claimed.fill(1, span.start, span.end);
    kept.push(span);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/**
 * Numbered placeholders, stable within one conversation: the same value gets the same number. A
 * person named again by part of the name ("Jürgen Müller", then "Herr Müller"; "Lisa", then "Lisa
 * Meyer") gets the number of the one person named before whose words hold the shorter form's, so
 * the model does not learn to greet a "[PERSON_2]" nobody introduced; when two people named before
 * would fit ("John Smith" and "John Doe", then "John"), the part gets a number of its own.
 * Given the conversation's language, a name word in another grammatical case of that language
 * counts as the same word ("Jan Novák", then "pane Nováku"; see `sameNameInCase`).
 */
export class PlaceholderMap {
  private readonly byValue = new Map<string, string>();
  private readonly counters = new Map<PiiType, number>();
  /** The words of each person's names so far, by placeholder. */
  private readonly personWords = new Map<string, Set<string>>();
  private readonly inCase: ((a: string, b: string) => boolean) | undefined;

  /** `language`: ISO 639-1 code of the conversation, for its case endings (absent: none). */
  constructor(language?: string) {
    this.inCase = language ? sameNameInCase(language) : undefined;
  }

  placeholder(type: PiiType, value: string): string {
    const canonicalValue = canonical(type, value);
    const key = `${type}\u0000${canonicalValue}`;
    let placeholder = this.byValue.get(key);
    if (placeholder) return placeholder;
    const words = type === 'PERSON' ? nameWords(canonicalValue) : [];
    placeholder = words.length ? this.samePerson(words) : undefined;
    if (!placeholder) {
      const n = (this.counters.get(type) ?? 0) + 1;
      this.counters.set(type, n);
      placeholder = `[${type}_${n}]`;
    }
    this.byValue.set(key, placeholder);
    if (words.length) {
      const known = this.personWords.get(placeholder) ?? new Set<string>();
      for (const word of words) known.add(word);
      this.personWords.set(placeholder, known);
    }
    return placeholder;
  }

  /** The one person named before whose words hold all of `words`, or whose words `words` hold all of. */
  private samePerson(words: string[]): string | undefined {
    let match: string | undefined;
    for (const [placeholder, known] of this.personWords) {
      const holds = (names: Iterable<string>, word: string) => {
        for (const name of names) if (sameNameWord(name, word, this.inCase)) return true;
        return false;
      };
      const fits = words.every((w) => holds(known, w)) || [...known].every((w) => holds(words, w));
      if (!fits) continue;
      if (match) return undefined;
      match = placeholder;
    }
    return match;
  }
}

/**
 * The words of a person's name that tell people apart: no initials ("J."), no particles of one or
 * two letters; a Japanese family name of two kanji is a word ("山田").
 */
function nameWords(name: string): string[] {
  return name.split(/[\s,]+/).flatMap((w) => {
    const bare = w.replace(/\.$/, '');
    if (ARABIC_LETTER.test(bare)) return bare.length > 2 ? [foldArabicName(bare)] : [];
    // A Chinese or Korean family name alone ("王先生", "김씨") is a word of the name.
    return bare.length > 2 || (bare.length === 2 && JAPANESE_NAME.test(bare)) || (bare.length >= 1 && HAN_OR_HANGUL.test(bare))
      ? [bare]
      : [];
  });
}

const ARABIC_LETTER = /[\u0621-\u064A]/u;
const HAN_OR_HANGUL = /^[\p{Script=Han}\p{Script=Hangul}]+$/u;

/**
 * Arabic name words as typed every way ("أحمد"/"احمد", "فاطمة"/"فاطمه") compare equal, and so do
 * Persian ones typed with Arabic yeh or kaf or without the zero-width non-joiner ("علی"/"علي",
 * "علی‌رضا"/"علیرضا"); Arabic text holds none of ی, ک or the non-joiner, so its keys are unchanged.
 */
function foldArabicName(word: string): string {
  return word
    .replace(/[\u064B-\u065F\u0670\u0640\u200C]/g, '')
    .replace(/ی/g, 'ي')
    .replace(/ک/g, 'ك')
    .replace(/[أإآ]/g, 'ا')
    .replace(/ة/g, 'ه')
    .replace(/ى/g, 'ي');
}

const JAPANESE_NAME = /^[\p{Script=Han}\p{Script=Katakana}々ー・]+$/u;
const CYRILLIC_OR_GREEK = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;
const HANGUL_NAME = /^\p{Script=Hangul}+$/u;

/**
 * Whether two name words (lower case) name the same person's name: the same word, or in Cyrillic
 * and Greek another case form of it ("олена" and "олено", "ивана" and "иван": the same first four
 * letters or more, at most two letters apart), or in Japanese and Chinese a family name alone and
 * the full name it opens ("山田" and "山田太郎", "王" and "王伟"), or in Korean the family name or
 * the given name alone ("김", "민수" and "김민수"). Latin-script words must be equal (Jean and Jeanne are two
 * people), or, in a language with case endings (`inCase`), one name in two of its cases.
 */
function sameNameWord(a: string, b: string, inCase?: (a: string, b: string) => boolean): boolean {
  if (a === b) return true;
  if (CYRILLIC_OR_GREEK.test(a)) {
    let common = 0;
    while (common < a.length && a[common] === b[common]) common++;
    return common >= 4 && Math.max(a.length, b.length) - common <= 2;
  }
  if (JAPANESE_NAME.test(a) && JAPANESE_NAME.test(b)) return a.startsWith(b) || b.startsWith(a);
  // Korean: the family name alone ("김씨") or the given name alone ("민수 씨") of "김민수".
  if (HANGUL_NAME.test(a) && HANGUL_NAME.test(b)) {
    const [short, long] = a.length < b.length ? [a, b] : [b, a];
    return long.startsWith(short) || (short.length >= 2 && long.endsWith(short));
  }
  return inCase !== undefined && LATIN_NAME.test(a) && LATIN_NAME.test(b) && inCase(a, b);
}

const LATIN_NAME = /^[\p{Script=Latin}'’-]+$/u;

function canonical(type: PiiType, written: string): string {
  // "taro＠example．com" and "taro@example.com" are one address (cleaning keeps full-width punctuation).
  const value = foldForMatching(written);
  switch (type) {
    case 'PHONE':
    case 'CARD':
    case 'SSN':
      return value.replace(/\D/g, '');
    case 'IBAN':
      return value.replace(/[\s-]/g, '').toUpperCase();
    case 'EMAIL':
    case 'IP':
    case 'URL':
      return value.toLowerCase();
    default:
      return value.toLowerCase().replace(/\s+/g, ' ').trim();
  }
}

export function applyRedaction(text: string, spans: PiiSpan[], placeholders: PlaceholderMap): string {
  let out = '';
  let at = 0;
  for (const span of resolveOverlaps(spans)) {
    out += text.slice(at, span.start) + placeholders.placeholder(span.type, span.value);
    at = span.end;
  }
  return out + text.slice(at);
}

export interface RedactionOptions {
  detector: PiiDetector;
  /**
   * Language of every conversation (ISO 639-1). Absent: a conversation's own `language` field
   * (set by the language stage) or, failing that, its customer turns' detected language.
   */
  language?: string;
  /**
   * The organisation's own brand and product names (TUNELOOP_PII_KEEP_WORDS): a PERSON span made
   * only of these words is kept. Unknown capitalised words after a cue ("order from Shoply") read
   * as foreign names, and the organisation's own name is in nearly every conversation.
   */
  keepWords?: readonly string[];
}

/** The language a conversation's PII rules follow (see RedactionOptions.language). */
export function conversationLanguage(conversation: Conversation, fixed?: string): string {
  if (fixed) return fixed;
  // The language stage stores a code ("de") or a detection result ({ code: "de", … }).
  const field: unknown = conversation.language;
  const result = typeof field === 'object' && field !== null ? (field as { code?: unknown; reliable?: unknown }) : undefined;
  const stored = result ? result.code : field;
  // (A stored detection result the detector was unsure of is judged below like an undetected one,
  // as `languageOrEnglish` would judge it: the code alone cannot say.)
  const unsure = result?.reliable === false && typeof stored === 'string' && !followsUnsureGuess(stored);
  if (typeof stored === 'string' && stored && stored !== 'und' && !unsure) return nameLanguage('', stored);
  // A sample is enough to tell the language, and detection costs far more per character than redaction.
  const sample = (texts: string[]) => texts.join('\n').slice(0, LANGUAGE_SAMPLE_CHARS);
  const readyTexts = ((conversation.ready?.messages ?? []) as { role?: unknown; content?: unknown }[])
    .filter((m) => typeof m.content === 'string')
    .map((m) => ({ role: m.role, content: m.content as string }));
  const turns = conversation.turns.length ? conversation.turns : readyTexts;
  const user = turns.filter((t) => t.role === 'user').map((t) => t.content);
  const all = turns.map((t) => t.content);
  const userSample = sample(user);
  if (isClearlyEnglish(userSample)) return 'en';
  const allSample = sample(all);
  const detected = detectConversationLanguage([userSample], [allSample]);
  // Too little to tell, in a language without name rules: most input is English.
  if (detected.code === 'und') return 'en';
  return languageOrEnglish(detected, allSample);
}

export type RedactionSummary = {
  detector: string;
  conversations: number;
  conversationsWithPii: number;
  redactions: Record<string, number>;
};

/**
 * The redaction stage: every turn (with the results and arguments of its tool calls), the
 * conversation's tool definitions (and, for ready-made examples, every message's text, tool-call
 * arguments and participant `name`, and the `tools`/`functions` definitions) are redacted with
 * one placeholder map, so "[PERSON_1]" is the same person in
 * the customer's and the agent's turns. Tool-call ids and function names are identifiers and are
 * never touched.
 */
export function createRedactionStage(options: RedactionOptions): ConversationStage {
  const summary: RedactionSummary = {
    detector: options.detector.name,
    conversations: 0,
    conversationsWithPii: 0,
    redactions: Object.fromEntries(PII_TYPES.map((t) => [t, 0])),
  };
  const keepWords = new Set((options.keepWords ?? []).map((w) => w.toLowerCase()));
  const keep = (spans: PiiSpan[]): PiiSpan[] => (keepWords.size ? spans.filter((s) => !onlyKeepWords(s, keepWords)) : spans);
  return {
    name: 'pii-redaction',
    async apply(conversation: Conversation, signal?: AbortSignal): Promise<StageResult> {
      summary.conversations++;
      const readyMessages = (conversation.ready?.messages ?? []) as { content?: unknown }[];
      const readyTexts = readyMessages.map((m) => (typeof m.content === 'string' ? m.content : ''));
      // What tools returned (an order lookup's e-mail and address) goes with the text, after it.
      const resultTexts = conversation.turns.flatMap((t) => t.toolResults?.map((r) => r.content) ?? []);
      const texts = [...conversation.turns.map((t) => t.content), ...readyTexts, ...resultTexts];
      const language = conversationLanguage(conversation, options.language);
      const placeholders = new PlaceholderMap(language);
      const detected = await options.detector.detect(texts, signal, { language });
      // A name found in one turn is the same person where a turn names them again without a cue.
      const found = withRepeatedNames(
        texts,
        texts.map((_, i) => keep(resolveOverlaps(detected[i] ?? []))),
        // Hindi and Arabic in Latin letters are typed in lower case like English chat: their names are looked for as English ones are.
        isRomanizedLanguage(language) ? 'en' : language,
      );
      let total = 0;
      const redacted = texts.map((text, i) => {
        const spans = resolveOverlaps(found[i]);
        for (const span of spans) summary.redactions[span.type] = (summary.redactions[span.type] ?? 0) + 1;
        total += spans.length;
        return spans.length ? applyRedaction(text, spans, placeholders) : text;
      });
      if (total) summary.conversationsWithPii++;
      const local = (text: string) => {
        const spans = keep(detectLocal(text, { language }));
        for (const span of spans) summary.redactions[span.type] = (summary.redactions[span.type] ?? 0) + 1;
        return spans.length ? applyRedaction(text, spans, placeholders) : text;
      };
      let nextResult = conversation.turns.length + readyTexts.length;
      const turns = conversation.turns.map((turn, i) => {
        const out = { ...turn, content: redacted[i] };
        if (turn.toolResults) out.toolResults = turn.toolResults.map((r) => ({ ...r, content: redacted[nextResult++] }));
        return out;
      });
      // Arguments after every text, as for ready-made lines; ids and function names stay.
      for (const turn of turns) {
        if (turn.toolCalls)
          turn.toolCalls = (redactToolArguments({ tool_calls: turn.toolCalls }, local) as { tool_calls: ToolCall[] }).tool_calls;
      }
      const tools = conversation.tools?.map((tool) => redactToolDefinition(tool, local));
      let ready = conversation.ready;
      if (ready) {
        const offset = conversation.turns.length;
        // After every content: a `name` gets the placeholder the content gave that person.
        const named = (message: unknown): unknown => {
          const m = message as { role?: unknown; name?: unknown };
          if (typeof m.name !== 'string') return message;
          const name = participantName(m.role, m.name, placeholders);
          if (name === m.name) return message;
          summary.redactions.PERSON++;
          return { ...m, name };
        };
        const withArguments = readyMessages.map((m, i) =>
          redactToolArguments(typeof m.content === 'string' ? { ...m, content: redacted[offset + i] } : redactParts(m, local), local),
        );
        ready = { ...ready, messages: withArguments.map(named) };
        // After the messages, so a value an argument and an enum share gets the argument's placeholder.
        if (Array.isArray(ready.tools)) ready.tools = ready.tools.map((tool) => redactToolDefinition(tool, local));
        if (Array.isArray(ready.functions)) ready.functions = ready.functions.map((fn) => redactToolDefinition(fn, local));
      }
      return { action: 'keep', conversation: { ...conversation, turns, ready, ...(tools ? { tools } : {}) } };
    },
    summary(): RedactionSummary {
      return { ...summary, redactions: { ...summary.redactions } };
    },
  };
}

/**
 * Array content (text parts) of ready-made examples, and the arguments of their tool calls, are
 * redacted with the local detector (also in azure mode: they are rare and structured).
 */
function redactParts(message: { content?: unknown }, redact: (text: string) => string): { content?: unknown } {
  if (!Array.isArray(message.content)) return message;
  return {
    ...message,
    content: message.content.map((part: unknown) => {
      const p = part as { type?: unknown; text?: unknown } | null | undefined;
      if (typeof p?.text !== 'string') return part;
      return { ...p, text: redact(p.text) };
    }),
  };
}

type ToolCallMessage = {
  // Elements come from JSON: a null among them passes through untouched.
  tool_calls?: ({ function?: { arguments?: unknown } } | null)[];
  function_call?: { arguments?: unknown };
};

/** Tool-call arguments are JSON text: string values are redacted one by one so the JSON stays valid. */
function redactToolArguments(message: { content?: unknown; tool_calls?: unknown }, redact: (text: string) => string): unknown {
  const m = message as ToolCallMessage & { content?: unknown };
  const args = (value: unknown): unknown => {
    if (typeof value !== 'string') return value;
    try {
      const parsed = JSON.parse(value) as unknown;
      const redacted = JSON.stringify(redactJson(parsed, redact));
      // Unchanged arguments keep their original text (and formatting).
      return redacted === JSON.stringify(parsed) ? value : redacted;
    } catch {
      return redact(value);
    }
  };
  let out: unknown = message;
  if (Array.isArray(m.tool_calls)) {
    out = {
      ...(out as object),
      tool_calls: m.tool_calls.map((call) =>
        call?.function ? { ...call, function: { ...call.function, arguments: args(call.function.arguments) } } : call,
      ),
    };
  }
  if (m.function_call && typeof m.function_call === 'object') {
    out = { ...(out as object), function_call: { ...m.function_call, arguments: args(m.function_call.arguments) } };
  }
  return out;
}

function redactJson(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactJson(v, redact));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactJson(v, redact)]));
  }
  return value;
}

/**
 * Keys of a tool definition (and of the JSON schema of its parameters) whose values are text a
 * person wrote or values an argument may take: an e-mail address or a name can stand in them
 * ("Escalates to jane.doe@shoply.com"). The other keys are structure (`name`, `type`,
 * `required`, `pattern`, property names) and stay as they are, so calls keep matching.
 */
const TOOL_TEXT_KEYS = new Set(['description', 'title', 'enum', 'const', 'examples', 'default']);
/** Keys whose object maps names to schemas: the names are identifiers, the schemas are walked. */
const SCHEMA_MAP_KEYS = new Set(['properties', 'patternProperties', '$defs', 'definitions']);

/**
 * A `tools` entry (`{type, function: {name, description, parameters}}`) or a legacy `functions`
 * entry with the personal data in its descriptions, enum values and examples redacted; enum values
 * get the placeholders the arguments got, so the arguments still match them.
 */
function redactToolDefinition(definition: unknown, redact: (text: string) => string): unknown {
  if (Array.isArray(definition)) return definition.map((d) => redactToolDefinition(d, redact));
  if (!definition || typeof definition !== 'object') return definition;
  return Object.fromEntries(
    Object.entries(definition as Record<string, unknown>).map(([key, value]) => {
      if (TOOL_TEXT_KEYS.has(key)) return [key, redactJson(value, redact)];
      if (SCHEMA_MAP_KEYS.has(key) && value && typeof value === 'object' && !Array.isArray(value)) {
        return [
          key,
          Object.fromEntries(
            Object.entries(value as Record<string, unknown>).map(([name, schema]) => [name, redactToolDefinition(schema, redact)]),
          ),
        ];
      }
      return [key, redactToolDefinition(value, redact)];
    }),
  );
}

/** A name made only of the organisation's own brand words ("Shoply", "Shoply Pay"). */
function onlyKeepWords(span: PiiSpan, keepWords: ReadonlySet<string>): boolean {
  if (span.type !== 'PERSON') return false;
  const words = span.value
    .toLowerCase()
    .split(/[^\p{L}\p{M}\p{N}'’-]+/u)
    .filter(Boolean);
  return words.length > 0 && words.every((w) => keepWords.has(w));
}
