import type { LanguagePhrases } from './types';
import { withEnglish, type AddedPhrases } from './withEnglish';

// Arabic typed in Latin letters ("Arabizi", "franco", `ar-Latn`: language/romanized.ts), with digits
// for the letters Latin has none for (3 ع, 7 ح, 2 ء, 5 خ) and English mixed in, mostly Egyptian
// and Levantine chat. Like Hindi in Latin letters, its lists are the English lists with the Arabic
// added; spellings vary (mesh/msh/mish, 3ayez/3awez), so entries allow the usual ones.
const FILL = '(?:(?:emm+|hmm+|bos|boss|shoof|bu2|wallahi),? )?';

const arabic: AddedPhrases = {
  questionStart: [
    'ezay',
    'ezzay',
    'izzay',
    'keef',
    'kif',
    'leh',
    'lesh',
    'lish',
    'emta',
    'imta',
    'fein',
    'feen',
    'wein',
    'kam',
    'shu',
    'shou',
    'momken',
    'mumkin',
    'hal',
  ],
  request: [
    '(?:ana )?(?:3ayez|3ayza|3awez|3awza|3ayzeen|3ayzin|badde|baddi|bade|abgha|abi)',
    '(?:mawsalsh|mawsaletsh|ma wesilsh|ma weselsh|ma wsilsh|ma wasalsh|ma wasal|lessa ma wesilsh|lsa mawsalsh)',
    '(?:mesh|msh|mish|mush|ma) (?:\\S+ )?(?:sha3al|shaghal|sha8al|sha2ghal|byeshtaghal|beyeftah|byefta7|bifta7|ma3mool|3amel)',
    '(?:a2ghi|alghi|elghi|el8i|ilghi|el8a2|elghaa|eleghaa|cancel)',
    '(?:estirdad|esterdad|refund|arga3|arag3|raga3)',
    '(?:moshkela|mushkila|mushkele|moshkla|mshkla)',
    '(?:ghalat|8alat|ghlat)',
    '(?:maksour|mksour|maksoor|bayez|bayza|ta3ban)',
    '(?:etnen marrat|marteen|martain|mrtin)',
    '(?:mosa3da|musa3ada|sa3edni|sa3dni|sa3idni)',
    '(?:a8ayar|aghayar|ghayar|a3del|3adel)',
  ],
  phatic: [
    'ahlan(?: wa sahlan)?',
    'marhaba',
    'mar7aba',
    'salam(?:o|u)? (?:3alaykom|3alaikum|3alekom|alaykum)',
    'assalamu 3alaykum',
    'sabah el (?:kheir|5eir|khair|nour|noor)',
    'masa2 el (?:kheir|5eir|khair|nour|noor)',
    '(?:shukran|shokran|mashkoor|mashkour|merci)(?: (?:gazilan|ktir|kteer|awi|awy))?',
    'tamam',
    'tayeb',
    'aywa',
    'aiwa',
    'akeed',
    'ma3 el salama',
    'bye',
    // A name or an e-mail given answers the agent ("esmi mona ahmed", "el email bta3i …").
    '(?:ana )?(?:esmi|esmy|ismi) (?:\\S+ ){0,2}\\S+',
    '(?:el )?(?:email|mail|rakam|number|raqam) (?:bta3i|bta3y|beta3i|taba3i) (?:\\S+ ){0,2}\\S+',
    // "da el rakam el sa7": the customer confirms what the agent read out.
    '(?:da|dah|di|dih|howa|heya) (?:el )?(?:rakam|raqam|number|email|mail|esm|3enwan)(?: el)? (?:sa7|sah|sahih|saheeh|mazboot|tamam)',
  ],
  handoff: [
    '(?:ha|h|7a|ra7 |hay)?(?:a7awlak|ahawlak|a7wlak|7awelak|7awlak|awasalak|awaslak|wasalak|wassalak|ba7awlak|b7awlak|bawasalak|bwasalak|n7awlak|nwasalak)\\b',
    '(?:el team|el 2esm|el qesm|el esm|el department|zamil|zameel|zamilna|zamelna|zomala2na|zomalaena|zamilty|zameelty|supervisor|manager|el modeer|moshrif)(?: \\S+){0,4} (?:hayetwasal|hyetwasal|7ayetwasal|haytwasal|haykalmak|hykalmak|7aykalmak|haykallemak|hayetasel|bi7ki ma3ak|ra7 yetwasal) ?(?:ma3ak|m3ak|3aleik|3alek|leek|beek)?',
    // "7awelt talabak lel supervisor": passed on already.
    '(?:7awelt|hawelt|7awelna|wasalt|wassalt|ba3att|rafa3t|sallemt) (?:talabak|talabek|shakwetak|shakwetek|el talab|el shakwa|7alatak|mawdoo3ak|el mawdoo3) (?:le|lel|li|ela|ila|l)',
    '(?:kalem|kallem|kalim|etwasal ma3|etasel b|etassel b|klm|tawasal ma3) (?:el )?(?:bank|bnk|support|customer service|khedmet el 3omala2|el far3|el branch)',
  ],
  apology: [
    'asef',
    'aasef',
    'asfa',
    'asfeen',
    'asfin',
    'na3tazer',
    'ne3tazer',
    'bna3tazer',
    'bne3tazer',
    'e3tezar',
    'ma3lesh',
    'ma3lish',
    'ma3leesh',
    'mota2asef',
    'muta2assif',
  ],
  apologySentence: [
    '(?:e7na |ana |ehna |ni7na )?(?:asfeen|asfin|asef|aasef|asfa|bna3tazer|bne3tazer|na3tazer|ne3tazer|ma3lesh|ma3lish|ma3leesh|mota2asef|muta2assif)\\b.*',
    '(?:(?:asfeen|asef|sorry|na3tazer) )?(?:gedan|giddan|awi|awy|kteer|ktir) (?:asfeen|asef|sorry)\\b.*',
  ],
  apologyTail:
    'gedan giddan awi awy kteer ktir 3ala el ta2kheer ta2khir ta2khir el ez3ag iz3aj el moshkela elmoshkela dah da di de el e7rag ya fandem afandem ya basha 3an kol ely 7asal ely hasal',
  acknowledgementSentence: [
    '(?:shukran|shokran|mashkoor|mashkour|merci)\\b.*',
    '(?:ana )?(?:fahem|fahma|fahmak|fahmek|mfahem)\\b.*',
    '(?:tamam|tayeb|aywa|7ader|hader|akeed|ma3lesh|tab3an)\\.?',
  ],
  acknowledgementTail: 'ya fandem afandem 3ala sabrak sabrik el entezar entezarak tawasolak tawasolek gazilan kteer ktir awi awy',
  filler: [
    '(?:lahza|la7za|da2i2a|de2i2a|thanya|sanya|sanye)(?: wa7da| wahda)?(?: men fadlak| law sama7t| lw sm7t)?\\.?',
    '(?:ha|h|7a|ra7 )?(?:ashoof|a4oof|ashof|at2aked|ataked|at2akad)(?: lak| lek| leek)?(?: 7alan| dilwa2ti| delwa2ty| hala2)?\\.?',
    '(?:fe |fi )?(?:7aga|haga|shi) (?:tanya|tania|tani|kaman) (?:a2dar|ne2dar|momken)\\b.*',
    // "…, 3an kol ely 7asal": what an apology is for, after a comma.
    '(?:3ala|3an) (?:kol |kull )?(?:ely|elly|illi|eli) (?:7asal|hasal|sar|9ar)',
  ],
  outOfScope: [
    '(?:mesh|msh|mish|mush|barra|bara) (?:\\S+ ){0,2}(?:ekhtesasi|e5tesasi|ekhtisasi|ekhtesasna|e5tesasna|ekhtesasy)',
    '(?:ba2dar|a2dar|2a2dar|bi2dar|ne2dar) (?:asa3dak|asa3edak|arod|asa3dek|n3awnak) (?:bas|faqat) (?:fi|f|3an)',
    '(?:ma2darsh|maqdarsh|ma 2dar|mesh ha2dar|msh ha2dar) (?:\\S+ ){0,2}(?:nasee7a|nasi7a|estshara|esteshara|nasay7)',
  ],
  hedge: [
    `${FILL}(?:da |di |de )?(?:ye3tamed|yet2ale2|7asab|hasab|bi7sab)\\b.*`,
    `${FILL}(?:momken|mumkin|yemken|rubama|gayez|gayz)\\.?`,
    `${FILL}(?:mesh|msh|mish|mush) (?:mota2aked|mot2aked|mit2aked|3aref|3arfa|3arif|3arfeen)\\b.*`,
    `${FILL}(?:ma a3rafsh|ma3rafsh|m3rfsh|ma ba3ref|mba3ref)(?: wallahi| wallah| walla| bsara7a| besara7a)?\\.?`,
    `${FILL}(?:nshoof|neshoof|hanshoof|menshoof)\\.?`,
  ],
  refusal: ['ma2darsh', 'maqdarsh', 'mesh ha2dar', 'msh ha2dar', 'mamnoo3', 'mamnou3', 'mesh masmoo7', 'msh masmo7'],
  unsafeRequest: [
    '(?:ensa|insa|tanasa|eghnor|tgahel|etgahel) (?:kol |kull )?(?:el )?(?:ta3limat|ta3leemat|instructions|awamer)',
    '(?:ezay|izzay|keef|kif) (?:a3mel|a3ml|asna3|a3mil) (?:2onbela|qonbola|unbula|sala7|sila7|sem|simm)',
    '(?:a5tere2|ekhtera2|a7ack|ahack|hack|a5tra2) (?:\\S+ )?(?:account|7esab|hesab|insta|facebook|whatsapp|email) (?:\\S+ )?(?:mrati|merati|gozi|gary|sa7bi|el ex|7ad tany|had tani)',
  ],
  // Matched as whole words in assistant turns, with the English list. Animals are everyday words (a
  // pet shop sells "akl kelab"): as insults only after the vocative "ya" or "enta/enti".
  abusive: [
    '(?:ya|enta|enti|inta|inti) (?:\\S+ )?(?:7mar|homar|7omar|7ayawan|hayawan|kalb|kalba|ghabi|8aby|8abi|ghaby|7mara|bhema|bahim)',
    'kos omak',
    'kos ommak',
    'kosomak',
    'kos okhtak',
    'koss ekhtak',
    'sharmoota',
    'sharmouta',
    'sharmota',
    'sharmoot',
    'ibn el kalb',
    'ebn el kalb',
    'ibn el sharmoota',
    'ebn el sharmota',
    'a7a',
    'manyak',
    'metnak',
    'metnaka',
    'khawal',
    '5awal',
    'wes5',
    'zebi',
    'zeby',
    'ya ibn el',
  ],
};

/** The English lists with the Arabic added (see above). */
export const arLatn: LanguagePhrases = withEnglish('ar-Latn', arabic);
