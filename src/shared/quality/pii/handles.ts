import { isRoleWord } from '../../ingest/roles';
import { nameWordLookup } from './names';
import type { PiiSpan } from './types';

/**
 * Account handles after an "@" written in lower case ("@dana.lee", "@jsmith42", "@ana_plays"): a
 * mention in a chat names a person by their user name, and Discord's user names and many Slack
 * display names are lower case only. The capitalised mention ("@Dana Lee") is a name run of the
 * name rules (names.ts); this covers what those never look at, in any language.
 *
 * A user name is personal data, so any handle is taken for a person's except what names no one:
 * - the group mentions of chat apps and role words ("@here", "@channel", "@everyone", "@support");
 * - a brand's or team's account ("@sprintcare", "@amazonhelp", "@ask_spectrum", "@acme_bot"), by
 *   the words such accounts are made of; a handle in camel case ("@AppleSupport") is not read here,
 *   as the name rules do not take it for a person either;
 * - an ordinary word, as people write "@" for "at" ("@home", "@work"), unless it is also a given
 *   name ("@mark");
 * - what starts with a digit ("@10am", "@5pm") or looks like a domain ("@gmail.com").
 * The span is the handle without its "@" ("@[PERSON_1]"), as for a capitalised mention.
 */
export function detectHandles(text: string): PiiSpan[] {
  if (!text.includes('@')) return [];
  const spans: PiiSpan[] = [];
  HANDLE.lastIndex = 0;
  for (let m = HANDLE.exec(text); m; m = HANDLE.exec(text)) {
    const handle = m[1];
    if (!isPersonHandle(handle)) continue;
    const start = m.index + 1;
    spans.push({ type: 'PERSON', start, end: start + handle.length, value: handle, source: 'local-ner' });
  }
  return spans;
}

// Not after a letter, digit or mark (an e-mail address), nor after "/" or "." (a URL path, "x.com/@a").
// A handle ends at a letter, digit or "_": "@dana." ends a sentence.
const HANDLE = /(?<![\p{L}\p{M}\p{N}_.+\-@/\\])@(\p{L}[\p{L}\p{M}\p{N}_.\-]{0,38}[\p{L}\p{M}\p{N}_])(?![\p{L}\p{M}\p{N}_@])/gu;

/** Mentions of a group or a room, in Slack, Discord, Teams, GitHub-style trackers. */
const GROUP_MENTIONS = new Set([
  'here',
  'channel',
  'everyone',
  'all',
  'someone',
  'group',
  'room',
  'team',
  'admins',
  'admin',
  'mods',
  'moderators',
  'staff',
  'mentions',
]);

/** Words a brand's or team's account is made of ("sprintcare", "askplaystation", "acme_bot"). */
const ACCOUNT_WORD = /care|help|support|service|official|team|news|info|desk|^ask|bot$|_hq$|hq$|app$|store$|shop$/;

/** Endings of domains people write after an "@" ("@gmail.com", "@outlook.de"). */
const DOMAIN = /\.(?:com|net|org|edu|gov|io|co|uk|de|fr|es|it|nl|ru|jp|cn|in|br|au|ca|info|biz|me|us)$/;

function isPersonHandle(handle: string): boolean {
  // Capitalised words and camel case are the name rules' (names.ts, `isMention`).
  if (!/\p{Ll}/u.test(handle) || /^\p{Lu}|\p{Ll}\p{Lu}/u.test(handle)) return false;
  const key = handle.toLowerCase();
  if (GROUP_MENTIONS.has(key) || isRoleWord(key) || ACCOUNT_WORD.test(key) || DOMAIN.test(key)) return false;
  if (/^\p{L}+$/u.test(key)) {
    const english = nameWordLookup('en');
    if (english?.isAlsoAnotherWord(key) && !english.isListedGivenName(key)) return false;
  }
  return true;
}
