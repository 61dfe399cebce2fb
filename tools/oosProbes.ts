/**
 * Selects the out-of-scope probes of src/shared/evaluation/oosProbes.ts from CLINC150's `oos_test`
 * and `oos_val` splits, and rewrites that module: `npm run oos:probes` (reads the trimmed corpus copy
 * in test/fixtures/corpora/clinc150, the same rows and indices as upstream).
 *
 * The rule: a probe must be a question a customer-service assistant should decline. Queries a support
 * desk could plausibly own (banking, cards, payments, shopping, orders, shipping, bookings and
 * travel, subscriptions and streaming, devices and telecom, appliances and utilities, cars and
 * insurance, accounts and personal data) are left out, first by the keyword lists below, then by the
 * hand review in HAND_EXCLUDED for what the keywords miss. The hand review also leaves out
 * fragments that ask nothing (a decline cannot be told from a clarifying question there) and queries
 * that could trip a content filter (violence, sex): a filtered prompt is scored as an empty, i.e.
 * answered, reply and counts against the candidate's filtered share.
 *
 * Of what remains, PROBE_COUNT evenly spaced queries are kept (every n/PROBE_COUNT-th of the list
 * in split then row order), so the topics CLINC150's crowd workers wrote in batches all appear.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Enough for the gate's non-inferiority check to conclude at margin 0.05 (docs/evaluation-and-promotion.md). */
export const PROBE_COUNT = 250;

export const OOS_SPLITS = ['oos_test', 'oos_val'] as const;
export type OosSplit = (typeof OOS_SPLITS)[number];

export interface SelectedProbe {
  split: OosSplit;
  /** Row in its split of CLINC150's data_full.json. */
  index: number;
  text: string;
}

/** Topics a customer-service deployment could own, each as the words that give a query away. */
export const SUPPORT_TOPICS: readonly { topic: string; words: RegExp }[] = [
  {
    topic: 'banking, cards, payments, investing',
    words:
      /\b(banks?|banking|accounts?|cards?|credit|debit|loans?|mortgages?|apr|overdraft|deposits?|checking|savings|cash|money|refunds?|fees?|rates?|tax|irs|pay|paid|payments?|bills?|budget|debt|wallet|transfer|venture capital|vc|invest(?:ing|ment)?|portfolio|broker|funds?|bitcoin|crypto(?:currency)?|stocks?|market|dow|nasdaq|s&p|exchange|tip|roi|arbitrage|finance)\b/,
  },
  {
    topic: 'shopping and orders',
    words:
      /\b(orders?|buy|bought|purchase|prices?|costs?|cheap(?:er|est)?|sales?|sell(?:s|ing)?|sold|deals?|coupons?|amazon|ebay|jetcom|costco|store|stores|shop(?:ping)?|mall|warranty|reviews?|reviewed|brands?|product)\b/,
  },
  { topic: 'shipping and delivery', words: /\b(ship|shipping|deliver(?:y|s)?|packages?|tracking|dhl|ups|fedex|mail|stamps?)\b/ },
  {
    topic: 'bookings and travel',
    words:
      /\b(book|booked|booking|reservations?|flights?|airlines?|airports?|airplane|hotels?|tickets?|travel(?:l?ing)? (?:to|abroad)|trips?|tee time|appointment|schedule|first class|rent(?:al)?|hire|delta|southwest|uber|bus|parking|car wash)\b/,
  },
  {
    topic: 'subscriptions, memberships, streaming',
    words: /\b(subscriptions?|renew|membership|plans?|upgrade|cancel(?:ling)?|hbo|netflix|hulu|channels?|subtitles|replay|shows?)\b/,
  },
  {
    topic: 'devices and telecom',
    words:
      /\b(phones?|iphone|android|htc|laptops?|computers?|screen|wifi|internet|router|modems?|tvs?|televisions?|remote|battery|device|apps?|data|carrier|coverage|signal|hotspot|cameras?|nintendo|switch|printer|print|hdmi|voicemails?|calls?|calling|text|contacts?|ram|memory|operating system|windows|microsoft word|ipod|dvds?|rfid|fitness tracker|nanny cam|photos?|pictures|cloud)\b/,
  },
  {
    topic: 'home appliances and utilities',
    words:
      /\b(microwaves?|fridge|appliance|laundry|vacuum(?:ed|ing)?|generator|electric(?:al)?|energy|kilowatts?|outage|utility|sump pump)\b/,
  },
  { topic: 'cars and insurance', words: /\b(cars?|vehicle|tires?|windshield|dashboard|driving|miles|insurance|auto|ford|brakes?|fuel)\b/ },
  {
    topic: 'accounts and personal data',
    words:
      /\b(address|zip ?code|login|password|sign (?:in|out|up|me up)|profile|personal information|email|instagram|search history|my (?:status|file|hours|boss|resume))\b/,
  },
];

type HandReason = 'support topic' | 'asks nothing' | 'content filter' | 'distress: a plain decline is not the right reply';

/** Rows the keyword lists let through that the hand review left out, with the reason. */
export const HAND_EXCLUDED: Readonly<Record<OosSplit, Readonly<Partial<Record<number, HandReason>>>>> = {
  oos_val: {
    10: 'support topic', // antifreeze (cars)
    11: 'support topic', // earning reports (investing)
    14: 'support topic', // power steering fluid (cars)
    19: 'support topic', // companies to look out for (investing)
    22: 'asks nothing',
    27: 'support topic', // androids (devices)
    37: 'asks nothing',
    38: 'asks nothing',
    49: 'asks nothing',
    67: 'support topic', // firewalls (IT support)
    68: 'content filter', // breaching a network
    74: 'support topic', // wheelchair (medical devices)
    75: 'support topic', // dog food (shopping)
    86: 'support topic', // headphones (devices)
    94: 'asks nothing',
  },
  oos_test: {
    31: 'asks nothing',
    36: 'support topic', // step counter (devices)
    52: 'asks nothing',
    57: 'support topic', // stocks
    60: 'support topic', // opening a website (device control)
    65: 'support topic', // a client's file (accounts)
    70: 'content filter',
    72: 'support topic', // stocks
    81: 'support topic', // colour contrast (device control)
    85: 'asks nothing',
    88: 'support topic', // notes (apps)
    103: 'asks nothing',
    108: 'support topic', // arrival time (travel)
    113: 'support topic', // movies available (streaming)
    116: 'support topic', // store hours
    129: 'support topic', // grace period (cards)
    131: 'support topic', // speed (cars)
    189: 'support topic', // watch repair (devices)
    194: 'support topic', // suits (shopping)
    195: 'support topic',
    213: 'support topic',
    214: 'support topic',
    233: 'support topic', // water supply (utilities)
    260: 'support topic',
    285: 'support topic', // home monitoring (devices)
    286: 'support topic',
    354: 'asks nothing',
    373: 'support topic', // consumption tracker (apps)
    381: 'support topic', // ESPN coverage (streaming)
    392: 'content filter', // black eye
    394: 'support topic', // lipstick (shopping)
    420: 'content filter',
    459: 'content filter',
    460: 'content filter',
    463: 'support topic', // detergent prices (shopping)
    476: 'support topic', // jeans (shopping)
    490: 'support topic', // curtains (shopping)
    512: 'support topic', // starting a movie (streaming)
    514: 'support topic', // avatar (accounts)
    523: 'content filter',
    525: 'support topic', // run timer (apps)
    529: 'content filter',
    553: 'content filter',
    556: 'content filter',
    563: 'content filter',
    571: 'support topic', // browsing (device control)
    574: 'support topic',
    592: 'content filter',
    593: 'content filter',
    594: 'support topic', // sword price (shopping)
    608: 'support topic', // home camera (devices)
    610: 'distress: a plain decline is not the right reply',
    611: 'distress: a plain decline is not the right reply',
    631: 'support topic', // dinner plates (shopping)
    633: 'support topic',
    639: 'support topic', // glasses (optician)
    641: 'support topic', // prescription (accounts)
    650: 'support topic', // weight goals (apps)
    677: 'support topic', // shampoo (shopping)
    680: 'support topic', // watch settings (devices)
    683: 'asks nothing',
    684: 'asks nothing',
    709: 'asks nothing',
    710: 'asks nothing',
    718: 'support topic', // theme park opening (bookings)
    719: 'asks nothing',
    720: 'support topic',
    746: 'asks nothing',
    751: 'support topic', // advertisements (streaming)
    761: 'asks nothing',
    769: 'support topic', // medication stock (pharmacy)
    819: 'asks nothing',
    870: 'support topic', // messages (accounts)
    871: 'asks nothing',
    907: 'content filter',
    910: 'support topic', // risk strategy (investing)
    909: 'content filter',
    928: 'content filter',
    947: 'support topic', // programme on the TV (devices)
    974: 'asks nothing',
    980: 'support topic', // IKEA assembly (retailer)
    996: 'support topic', // locating people (devices)
    997: 'support topic',
    998: 'support topic',
    999: 'support topic',
  },
};

export interface ProbeSelection {
  probes: SelectedProbe[];
  /** Out-of-scope rows read, per split. */
  rows: Record<OosSplit, number>;
  excludedByKeyword: number;
  excludedByHand: number;
  /** Rows left after both exclusions, before the even spacing. */
  eligible: number;
}

export function supportTopicOf(text: string): string | undefined {
  return SUPPORT_TOPICS.find((t) => t.words.test(text))?.topic;
}

export function selectOosProbes(
  corpus: Readonly<Record<OosSplit, readonly (readonly [string, string])[]>>,
  count = PROBE_COUNT,
): ProbeSelection {
  const eligible: SelectedProbe[] = [];
  let excludedByKeyword = 0;
  let excludedByHand = 0;
  for (const split of OOS_SPLITS) {
    corpus[split].forEach(([text, label], index) => {
      if (label !== 'oos') throw new Error(`${split}[${index}] is labelled ${label}, not oos`);
      if (supportTopicOf(text)) excludedByKeyword++;
      else if (HAND_EXCLUDED[split][index]) excludedByHand++;
      else eligible.push({ split, index, text });
    });
  }
  if (eligible.length < count) throw new Error(`only ${eligible.length} eligible out-of-scope queries, ${count} wanted`);
  const probes = Array.from({ length: count }, (_, j) => eligible[Math.floor((j * eligible.length) / count)]);
  return {
    probes,
    rows: { oos_test: corpus.oos_test.length, oos_val: corpus.oos_val.length },
    excludedByKeyword,
    excludedByHand,
    eligible: eligible.length,
  };
}

export function renderOosProbesModule(selection: ProbeSelection): string {
  const { probes, rows } = selection;
  const fromVal = probes.filter((p) => p.split === 'oos_val').length;
  const lines = probes.map((p) => `  { split: '${p.split}', index: ${p.index}, text: ${JSON.stringify(p.text)} },`);
  return `/**
 * Out-of-scope probe questions: a customer-service assistant should decline or redirect these
 * instead of inventing an answer.
 *
 * Generated by tools/oosProbes.ts (\`npm run oos:probes\`); edit the selection there, not here.
 *
 * Source: CLINC150 / OOS-eval, splits \`oos_test\` and \`oos_val\` of \`data/data_full.json\`
 * (https://github.com/clinc/oos-eval, commit 828f8093932c8fe6ca7936c3d2e52903b1c523de),
 * by Larson et al., "An Evaluation Dataset for Intent Classification and Out-of-Scope Prediction",
 * EMNLP-IJCNLP 2019 (https://www.aclweb.org/anthology/D19-1131). Licensed under Creative Commons
 * Attribution 3.0 Unported (https://creativecommons.org/licenses/by/3.0/). Changes: a subset of
 * ${probes.length} queries (${probes.length - fromVal} from \`oos_test\`, ${fromVal} from \`oos_val\`), text unchanged.
 *
 * Selection (the rule of tools/oosProbes.ts): of the ${rows.oos_test + rows.oos_val} out-of-scope rows, ${selection.excludedByKeyword} were left out
 * by keyword lists of topics a customer-service deployment could plausibly own (banking, cards,
 * payments, shopping, orders, shipping, bookings and travel, subscriptions and streaming, devices
 * and telecom, appliances and utilities, cars and insurance, accounts and personal data), and
 * ${selection.excludedByHand} more by hand review (such topics the keywords miss, fragments that ask nothing, queries
 * that could trip a content filter); ${probes.length} of the remaining ${selection.eligible} were taken evenly spaced.
 * \`split\` and \`index\` give the row in CLINC150.
 */
export const OOS_PROBES_CREDIT =
  'Out-of-scope probes: CLINC150 (Larson et al., EMNLP-IJCNLP 2019, https://github.com/clinc/oos-eval), oos_test and oos_val subset, CC BY 3.0 (https://creativecommons.org/licenses/by/3.0/).';

export interface OosProbe {
  /** CLINC150 split and row (absent for probes an organisation supplies itself). */
  split?: 'oos_test' | 'oos_val';
  index?: number;
  text: string;
}

export const OOS_PROBES: readonly OosProbe[] = [
${lines.join('\n')}
];
`;
}

export const CORPUS_PATH = path.join('test', 'fixtures', 'corpora', 'clinc150', 'data_full.json');
export const MODULE_PATH = path.join('src', 'shared', 'evaluation', 'oosProbes.ts');

/** \`npm run oos:probes\`: rewrites src/shared/evaluation/oosProbes.ts from the corpus copy in the repository. */
export async function writeOosProbesModule(root: string): Promise<ProbeSelection> {
  const corpus = JSON.parse(fs.readFileSync(path.join(root, CORPUS_PATH), 'utf8')) as Record<OosSplit, [string, string][]>;
  const selection = selectOosProbes(corpus);
  const target = path.join(root, MODULE_PATH);
  // prettier is ESM-only: a dynamic import keeps this module loadable from CommonJS (jest, the build).
  const prettier = await import('prettier');
  const source = await prettier.format(renderOosProbesModule(selection), { ...(await prettier.resolveConfig(target)), filepath: target });
  fs.writeFileSync(target, source);
  return selection;
}

if (require.main === module) {
  writeOosProbesModule(process.cwd()).then(
    (s) =>
      console.log(
        `${MODULE_PATH}: ${s.probes.length} probes of ${s.eligible} eligible (${s.excludedByKeyword} left out by keyword, ${s.excludedByHand} by hand)`,
      ),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
