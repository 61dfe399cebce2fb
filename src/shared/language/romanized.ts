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

/** Letters a–z, as the words are read (a word is a run of them). */
function isAsciiLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/**
 * Whether texts are romanized Hindi/Urdu: at least two different marker words, making up at least
 * a fifth of the words (English nouns and verbs are mixed in: "aapka refund process ho gaya hai").
 * Text with letters outside ASCII is never taken for it (Devanagari Hindi is `hi`, and accented
 * Latin letters belong to other languages).
 */
export function isRomanizedHindi(texts: readonly string[]): boolean {
  let words = 0;
  let hits = 0;
  const seen = new Set<string>();
  for (const text of texts) {
    let start = -1;
    for (let i = 0; i <= text.length; i++) {
      const c = i < text.length ? text.charCodeAt(i) : 32;
      if (c >= 0x80) {
        // A letter of another script or an accented letter: not this.
        if (/\p{L}/u.test(text[i])) return false;
      }
      if (isAsciiLetter(c)) {
        if (start < 0) start = i;
        continue;
      }
      if (start >= 0) {
        words++;
        const word = text.slice(start, i).toLowerCase();
        if (MARKERS.has(word)) {
          hits++;
          seen.add(word);
        }
        start = -1;
      }
    }
  }
  return seen.size >= 2 && hits * 5 >= words;
}
