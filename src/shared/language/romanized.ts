/**
 * Hindi and Urdu typed in Latin letters ("Hinglish": "mera order abhi tak nahi aaya"), as much of
 * Indian and Pakistani chat is written. tinyld has no model for it and answers with whatever Latin
 * language is nearest (Latin, Irish, Finnish, Tagalog…), a language without reply rules or name
 * rules, so such a conversation was neither screened nor had its names redacted. It is told by its
 * function words and verb forms, which no language tinyld confuses it with writes so often.
 *
 * The code is the BCP 47 tag `hi-Latn`: Hindi (spoken Hindi and Urdu differ little in chat) in
 * Latin script. `src/shared/quality/languages/hiLatn.ts` holds its reply rules.
 */
export const ROMANIZED_HINDI = 'hi-Latn';

/**
 * Words of romanized Hindi/Urdu that English and the Latin-script languages of the detector do not
 * write (or write rarely: "hai" is Vietnamese "two", which is why two different ones are needed).
 * Left out on purpose: "main", "to", "hi", "ho", "ye", "jab", "tab", "pata", "se", "ki", "ke", "ko",
 * "kal", "din", "tak", "mein", "thi" — words of English, German, Turkish, Polish, Vietnamese or
 * Romanian as well.
 */
const MARKERS = new Set(
  (
    'hai hain hoon hun nahi nahin nhi kya kyu kyun kyon mera meri mere mujhe mujhko aap aapka aapki aapke aapko apka apki apke apko ' +
    'humara humari hamara hamari humko hamko hume humein kripya krupya dhanyavaad dhanyawad shukriya liye karo karna karke karein ' +
    'kariye kijiye raha rahi rahe hua hui hue gaya gayi gaye jayega jayegi jaayega jaega jaegi abhi kab kaise kaisa kitna kitne ' +
    'kitni bahut bohot accha acha achha theek thik haan bhai yaar madad paisa paise wapas wapis batao bataiye bataye chahiye ' +
    'chahta chahti sakta sakti sakte milega milegi aaya aayi aaye lekin kyunki waala wala wali kaun kahan usko isko unko inko kuch ' +
    'ekdum bilkul zaroor jaroor jaldi hoga hogi honge karunga karungi karenge denge dega degi dijiye lijiye boliye samajh maaf ' +
    'maafi kshama asuvidha aapse apse humne hamne maine karti karta karte karegi karega karu karun sirf shayad dekhte dekhiye ' +
    'rha rhi diya diye liya hamare humare tera teri tere tumhara tumhari thoda zyada jaake ghante shaam'
  ).split(' '),
);

/**
 * Arabic typed in Latin letters ("Arabizi", "franco": "ana 3ayez a2ghi el talab"), with digits for
 * the letters Latin has none for (3 ع, 7 ح, 2 ء, 5 خ, 8/9 غ/ق). tinyld answered Spanish or Finnish.
 * Stored as `ar-Latn`; `src/shared/quality/languages/arLatn.ts` holds its reply rules.
 */
export const ROMANIZED_ARABIC = 'ar-Latn';

/**
 * Words of Arabizi (Egyptian, Levantine and Gulf chat) that English and the Latin-script languages
 * of the detector do not write; a word with one of the digit letters between or before letters
 * ("sa7", "3ayez", "a2dar") counts too. Left out: "el", "fi", "ya", "law", "bas", "tab", "ana",
 * "tamam" — Spanish, Italian, Hindi, Turkish or English words as well.
 */
const ARABIZI_MARKERS = new Set(
  (
    'enta enti ehna e7na howa heya keda kda leh lesh ezay ezzay izzay fein feen wein emta imta mesh msh mish mush lessa lsa ' +
    'khalas shukran shokran habibi inshallah inshalla yalla tayeb tayyeb aywa aiwa mafeesh mafish wallah ahlan marhaba momken ' +
    'mumkin kaman kteer ktir shwaya shwya dilwa2ti delwa2ty bardo ba2a'
  ).split(' '),
);
/**
 * One digit letter (2 3 5 7 8 9) among two or more letters, a vowel among them, the digit standing
 * for an Arabic letter ("sa7", "3ayez", "la2"); not a time, a quantity with its unit or a technical
 * word shaped so ("2am", "5kg", "mp3", "b2b", "f8bc" of an id: no vowel).
 */
const ARABIZI_WORD = /^(?=(?:[^a-z]*[a-z]){2})(?=[^aeiouy]*[aeiouy])[a-z]*[235789][a-z]*$/;
const NUMBER_WITH_UNIT =
  /^[235789](?:am|pm|st|nd|rd|th|min|mins|hrs?|secs?|days?|yrs?|years?|kg|km|cm|mm|ml|gb|mb|kb|tb|in|ft|oz|lbs?|pcs|x)$/;
const NOT_ARABIZI = new Set('2fa h2o a2z g2a sha2 md5 ec2'.split(' '));

/** Whether texts are Arabic in Latin letters: as `isRomanizedHindi`, with words holding a digit letter counted. */
export function isArabizi(texts: readonly string[]): boolean {
  return countMarkers(
    texts,
    (word) => ARABIZI_MARKERS.has(word) || (ARABIZI_WORD.test(word) && !NUMBER_WITH_UNIT.test(word) && !NOT_ARABIZI.has(word)),
    true,
  );
}

/**
 * Whether texts are romanized Hindi/Urdu: at least two different marker words, making up at least
 * a fifth of the words (English nouns and verbs are mixed in: "aapka refund process ho gaya hai").
 * Text with letters outside ASCII is never taken for it (Devanagari Hindi is `hi`, and accented
 * Latin letters belong to other languages).
 */
export function isRomanizedHindi(texts: readonly string[]): boolean {
  return countMarkers(texts, (word) => MARKERS.has(word), false);
}

/**
 * At least two different marker words, making up at least a fifth of the words; `false` at once
 * on a letter outside ASCII. A word is a run of ASCII letters (and digits, with `digits`),
 * lower-cased. Runs on every conversation the language stage cannot take for English at a glance:
 * one pass over character codes, a substring only per word.
 */
function countMarkers(texts: readonly string[], isMarker: (word: string) => boolean, digits: boolean): boolean {
  let words = 0;
  let hits = 0;
  const seen = new Set<string>();
  for (const text of texts) {
    let start = -1;
    for (let i = 0; i <= text.length; i++) {
      const c = i < text.length ? text.charCodeAt(i) : 32;
      // A letter of another script or an accented letter: not this.
      if (c >= 0x80 && LETTER.test(text[i])) return false;
      if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (digits && c >= 48 && c <= 57)) {
        if (start < 0) start = i;
        continue;
      }
      if (start >= 0) {
        words++;
        const word = text.slice(start, i).toLowerCase();
        if (isMarker(word)) {
          hits++;
          seen.add(word);
        }
        start = -1;
      }
    }
  }
  return seen.size >= 2 && hits * 5 >= words;
}

const LETTER = /\p{L}/u;

/** `hi-Latn` or `ar-Latn` when texts are Hindi or Arabic in Latin letters, else undefined. */
export function romanizedLanguage(texts: readonly string[]): string | undefined {
  if (isRomanizedHindi(texts)) return ROMANIZED_HINDI;
  if (isArabizi(texts)) return ROMANIZED_ARABIC;
  return undefined;
}

/** Whether a language code is one of the romanized ones above: text in Latin letters whose names follow the English rules. */
export function isRomanizedLanguage(code: string | undefined): boolean {
  return code === ROMANIZED_HINDI || code === ROMANIZED_ARABIC;
}
