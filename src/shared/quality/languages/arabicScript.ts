/**
 * Letters of the Arabic script that chat writes or leaves out whatever the language (Arabic,
 * Persian): the short vowels, tanwin, shadda and sukun (harakat), the superscript alef, hamza above
 * as a mark, and the tatweel that stretches a word. Part of both languages' `fold`.
 */
export const ARABIC_SCRIPT_MARKS_DROPPED: Readonly<Record<string, string>> = {
  ـ: '',
  '\u064B': '',
  '\u064C': '',
  '\u064D': '',
  '\u064E': '',
  '\u064F': '',
  '\u0650': '',
  '\u0651': '',
  '\u0652': '',
  '\u0654': '',
  '\u0670': '',
};
