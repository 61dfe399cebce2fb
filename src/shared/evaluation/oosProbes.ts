/**
 * Out-of-scope probe questions: a customer-service assistant should decline or redirect these
 * instead of inventing an answer.
 *
 * Source: CLINC150 / OOS-eval, split `oos_test` of `data/data_full.json`
 * (https://github.com/clinc/oos-eval, commit 828f8093932c8fe6ca7936c3d2e52903b1c523de),
 * by Larson et al., "An Evaluation Dataset for Intent Classification and Out-of-Scope Prediction",
 * EMNLP-IJCNLP 2019 (https://www.aclweb.org/anthology/D19-1131). Licensed under Creative Commons
 * Attribution 3.0 Unported (https://creativecommons.org/licenses/by/3.0/). Changes: a subset of
 * 36 queries, selected by hand to leave out queries a customer-service deployment could plausibly
 * own (banking, cards, orders, bookings, payments, devices); text unchanged. `index` is the row in
 * `oos_test`.
 */
export const OOS_PROBES_CREDIT =
  'Out-of-scope probes: CLINC150 (Larson et al., EMNLP-IJCNLP 2019, https://github.com/clinc/oos-eval), oos_test subset, CC BY 3.0 (https://creativecommons.org/licenses/by/3.0/).';

export interface OosProbe {
  index: number;
  text: string;
}

export const OOS_PROBES: readonly OosProbe[] = [
  { index: 1, text: 'how many prime numbers are there between 0 and 100' },
  { index: 24, text: 'what is the amount of blood needed to stay alive' },
  { index: 80, text: 'tell me about the earthquake in california that happened this morning' },
  { index: 132, text: 'who was the first person to discover cells' },
  { index: 231, text: 'what is the median salary for someone with an engineering degree' },
  { index: 257, text: 'what kind of glue is used for gluing pipes together' },
  { index: 281, text: 'how do i use my microwaves defrost' },
  { index: 300, text: 'which came first; greek mythology or roman mythology' },
  { index: 320, text: 'is insomnia curable' },
  { index: 325, text: 'how long does it take to get your yellow belt in karate' },
  { index: 341, text: 'what kind of traits do vampires have' },
  { index: 375, text: 'who makes milky way bars' },
  { index: 376, text: 'how safe is it to consume the substance h2o' },
  { index: 401, text: 'i need for you to look up some of the major gods in mythology' },
  { index: 424, text: 'do they speak english in australia' },
  { index: 444, text: "what films are in the running for best song at this year's oscars" },
  { index: 464, text: 'when will nightwish be touring through my city' },
  { index: 503, text: 'give me a recommendation for a local landscaper' },
  { index: 524, text: 'compile a list of historical events from the boston marathon' },
  { index: 543, text: 'when was the gold rush' },
  { index: 569, text: 'what is the time signature for the castlevania song bloody tears' },
  { index: 590, text: 'can a robot really travel back in time' },
  { index: 612, text: 'tell me who gives the best motivational speeches on the web' },
  { index: 656, text: 'tell me what the longest tributary is in venezuela' },
  { index: 708, text: "what's the amusement park like" },
  { index: 732, text: 'create a 500 word letter expressing love' },
  { index: 787, text: 'find a cleaner that specializes in suede' },
  { index: 816, text: 'describe to me how i can learn to make small talk' },
  { index: 840, text: 'tell me how long until the nascar race begins' },
  { index: 861, text: 'i have a rash, what can i use for it' },
  { index: 900, text: "what movie does it's just a flesh wound come from" },
  { index: 912, text: 'fill out the paperwork for tonys new daycare center' },
  { index: 925, text: 'what is global warming' },
  { index: 934, text: 'find me a good band instructor or two to compare in my area' },
  { index: 950, text: 'how many people die each year while skydiving' },
  { index: 959, text: 'do we actually have a soul' },
];
