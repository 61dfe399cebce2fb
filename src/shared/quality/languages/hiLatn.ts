import type { LanguagePhrases } from './types';
import { withEnglish, type AddedPhrases } from './withEnglish';

// Hindi and Urdu typed in Latin letters ("Hinglish", `hi-Latn`: language/romanized.ts). Agents and
// customers switch to English mid-sentence ("Sorry sir, aapka refund process ho gaya hai"), so the
// English lists are part of this language's lists, and the entries below add the Hindi. Spelling is
// not standard: the entries allow the usual variants (nahi/nahin/nhi, aap/ap, hoon/hun/hu).
// What an apology is for, before it ("aapko hui asuvidha ke liye hum kshama chahte hain").
const APOLOGY_FOR =
  '(?:(?:aapko|apko|hui|hue|huyi|is|iss|es|asuvidha|deri|takleef|pareshani|galti|ke|liye|lie|hum|main|bahut|sir|madam|ji) ){0,8}';
// A hedge may open with a filler word: "dekhiye, ye depend karta hai".
const FILL = '(?:(?:hmm+|umm+|dekhiye|dekho|waise|sach kahun to),? )?';
const HOON = '(?:hoon|hun|hu|hain|he|hai)';

const hindi: AddedPhrases = {
  questionStart: ['kya', 'kaise', 'kab', 'kahan', 'kyu', 'kyun', 'kyon', 'kitna', 'kitne', 'kitni', 'kaun', 'kripya', 'krupya'],
  request: [
    'nahi?n? (?:\\S+ )?(?:aaya|aayi|aaye|aya|ayi|mila|mili|mile|hua|hui|chal raha|chal rahi|khul raha|khul rahi|ho raha|ho rahi|pahuncha|pahunchi|pohcha)',
    'nhi (?:\\S+ )?(?:aaya|aayi|aya|ayi|mila|mili|hua|hui)',
    'kaam nahi?n? kar (?:raha|rahi|rahe)',
    'chahiye',
    'chahta',
    'chahti',
    'chahte',
    'wapas',
    'wapis',
    'badalna',
    'badalni',
    'badal (?:do|dijiye|de|sakte)',
    'madad',
    'dikkat',
    'pareshani',
    'shikayat',
    'galat',
    'toota',
    'tuta',
    'tooti',
    'tuti',
    'kharab',
    'do (?:baar|bar)',
    'kat (?:gaya|gaye|gayi|gye)',
    'kaat (?:liya|liye|li)',
    '(?:kar|bhej|bata|de) (?:do|dijiye|dena|dijie)',
    'bata(?:o|iye|ye|na)',
  ],
  phatic: [
    'namaste',
    'namaskar',
    'dhanyavaad',
    'dhanyawad',
    'shukriya',
    '(?:theek|thik) (?:hai|h)(?: ji)?',
    'acc?h?ha(?: ji)?',
    'haan(?: ji)?',
    'ji',
    'bilkul',
    'alvida',
    // A name given answers the agent ("mera naam rahul sharma hai").
    '(?:mera|meri) (?:naam|name) (?:\\S+ ){1,3}(?:hai|h)',
    // So do an e-mail address or a number ("mera email rahul.k@gmail.com hai").
    '(?:mera|meri) (?:email|mail|e-mail|number|mobile number|phone number|order number|order id) (?:\\S+ ){1,3}(?:hai|h)',
  ],
  handoff: [
    `(?:aapko|apko|aap ko|aapki|aapka|apki|apka) (?:\\S+ ){0,5}(?:transfer|connect|forward|escalate) (?:kar|kiya|karenge|karunga|karungi|karte|karta|karti|kr)`,
    '(?:team|department|vibhag|senior|supervisor|manager|colleague|specialist|expert|technician)(?: \\S+){0,4} (?:aapse|apse|aap se|ap se|aapko|apko) (?:contact|sampark|call|baat) (?:karenge|karega|karegi|karengi|karega)',
    '(?:bank|team|customer care|helpline|department|vibhag|branch) (?:se|ko) (?:directly |seedha |sidha )?(?:contact|sampark|baat|call) (?:karein|kariye|karo|kijiye|karna hoga|karna padega|karen)',
  ],
  apology: ['maaf', 'maafi', 'mafi', 'kshama', 'khed'],
  apologySentence: [
    `${APOLOGY_FOR}(?:maafi|mafi|kshama|maaf)(?: \\S+)? (?:chahte|chahta|chahti|mangte|mangta|mangti|kijiye|karein|kariye|karna) ?${HOON}?\\b.*`,
    `(?:hume|humein|hamein|mujhe) (?:bahut )?(?:khed|afsos) ${HOON}\\b.*`,
    // "bahut bahut sorry sir ji": the English "sorry" said the Hindi way.
    '(?:(?:bahut|bohot|very|really|so) )+sorry\\b.*',
  ],
  apologyTail: 'ke liye lie asuvidha deri takleef pareshani galti iske iss is sir madam ji bahut hui hue',
  acknowledgementSentence: [
    '(?:aapka |aapke )?(?:dhanyavaad|dhanyawad|shukriya)\\b.*',
    `(?:main |hum )?(?:samajh (?:gaya|gayi|sakta|sakti|sakte)|samajhta|samajhti|samajhte) ?${HOON}?\\b.*`,
    '(?:ji|haan ji|theek hai|thik hai|bilkul|zaroor|jaroor|ji haan)\\.?',
  ],
  acknowledgementTail: 'aapke aapka aapki intezaar dhairya sabr patience ke liye contact karne sampark bahut aapki pareshani',
  filler: [
    '(?:ek|1|do|2) (?:minute|min|second|sec|pal)(?: ke liye)?(?: ruk(?:iye|o|en|e))?(?: please| plz)?\\.?',
    '(?:kripya |please )?(?:ruk(?:iye|o|en)|intezaar (?:kariye|karein|kijiye)|hold (?:kariye|karein|kijiye|rakhiye))\\b.*',
    `(?:main |hum )?(?:check|dekh) (?:kar (?:raha|rahi|rahe|ke)|karta|karti|karte)(?: ${HOON})?(?: \\S+)?\\.?`,
    '(?:aur |or )?(?:kuch|koi) (?:aur|or) (?:madad|help|sawal|query)\\b.*',
    // "sun ke bura laga ki aapka parcel toot gaya" repeats the problem back, with any words.
    '(?:yeh |ye )?(?:sun|jaan) ?(?:kar|ke) (?:bahut )?(?:bura|dukh)\\b.*',
  ],
  outOfScope: [
    '(?:sirf|keval|kewal|only) (?:\\S+ ){0,5}(?:mein|me|ke baare mein|ke bare me|se related) (?:hi )?(?:madad|help|jawab|assist)',
    `(?:salah|advice|suggestion|sujhav) (?:nahi?n?|nhi) de (?:sakta|sakti|sakte)`,
    '(?:mere|hamare|humare) (?:scope|daayre|dayre|kaam) (?:ke |se )?(?:bahar|baahar)',
  ],
  hedge: [
    `${FILL}(?:yeh |ye |wo |woh )?(?:depend|nirbhar) (?:karta|karti|karega) (?:hai|h)\\b.*`,
    `${FILL}(?:yeh |ye )?(?:\\S+ ){1,3}(?:pe|par) (?:depend|nirbhar) (?:karta|karti|karega) (?:hai|h)\\.?`,
    `${FILL}(?:shayad|ho sakta hai|ho sakti hai)\\.?`,
    `${FILL}(?:pakka|sure|confirm) (?:nahi?n?|nhi)(?: ${HOON}| pata| keh sakta| keh sakti)?\\b.*`,
    `${FILL}(?:pata nahi?n?|pta nhi|maloom nahi?n?|nahi pata)(?: ji)?\\.?`,
    `${FILL}kehna mushkil (?:hai|h)\\.?`,
    `${FILL}dekhte (?:hain|hai)\\.?`,
  ],
  refusal: [
    'nahi?n? kar (?:sakta|sakti|sakte)',
    'nahi?n? de (?:sakta|sakti|sakte)',
    'sambhav nahi?n?',
    'mumkin nahi?n?',
    'allowed nahi?n?',
  ],
  unsafeRequest: [
    '(?:pichle|purane|saare|sare|sabhi) (?:instructions|nirdesh|rules) (?:ignore|bhool|bhul) (?:karo|kar do|jao|ja)',
    '(?:bomb|hathiyar|zeher|jahar|visphotak) (?:kaise )?(?:banana|banaye|banaun|banate|banau)',
    '(?:kisi|kisi aur|meri ex|mere ex|padosi|dost|biwi|pati) (?:ka|ki|ke) (?:account|insta|instagram|facebook|whatsapp|email|phone) (?:hack|kholna|khol)',
    'mujhe gaali (?:do|de|dijiye)',
  ],
  // Matched as whole words in assistant turns, with the English list. Animals are everyday words (a
  // pet shop sells "kutte ka khana"): as insults only after tu/tum/aap or saala ("tu gadha hai").
  abusive: [
    '(?:tu|tum|aap|ap|saala|sala|saale|sale) (?:\\S+ )?(?:gadha|gadhe|kutta|kutte|kutti|suar|suwar|ullu|janwar|bewakoof|pagal)',
    'chutiya',
    'chutiye',
    'chutia',
    'madarchod',
    'maderchod',
    'behenchod',
    'bhenchod',
    'bhen ?chod',
    'bhosdike',
    'bhosadike',
    'bhosdi',
    'gandu',
    'gaandu',
    'harami',
    'haramzada',
    'haramzade',
    'haramkhor',
    'kamina',
    'kamine',
    'kameena',
    'kameene',
    'ullu ka pattha',
    'kutte ki aulaad',
    'randi',
    'lodu',
    'lavde',
    'lund',
    'jhaatu',
    'bsdk',
    'pagal ho kya',
    'dimag kharab hai kya',
  ],
};

/** The English lists with the Hindi added (see above). */
export const hiLatn: LanguagePhrases = withEnglish('hi-Latn', hindi);
