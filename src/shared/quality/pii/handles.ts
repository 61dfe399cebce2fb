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
 * - code pasted into the chat ("@staticmethod", "@app.route(", "@vue/cli": `inCode`);
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
    if (!isPersonHandle(handle) || inCode(text, m.index, m.index + m[0].length, handle)) continue;
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

/**
 * Words a brand's or team's account is made of: a part of the handle on its own ("acme_bot",
 * "ask_spectrum", "dana_info"), or ending a part after a name of three letters or more
 * ("sprintcare", "amazonhelp", "northwindhq"), or "ask" opening a long one ("askplaystation"). Not inside a
 * person's name: "carey", "talbot", "knapp", "askari", "macarena" are people.
 */
const ACCOUNT_WORDS = [
  'care',
  'cares',
  'help',
  'support',
  'service',
  'official',
  'team',
  'news',
  'info',
  'desk',
  'hq',
  'app',
  'store',
  'shop',
];
const ACCOUNT_PART = new RegExp(
  `^(?:${[...ACCOUNT_WORDS, 'bot', 'ask'].join('|')})$|^\\p{L}{3,}(?:${ACCOUNT_WORDS.join('|')})$|^ask\\p{L}{5,}$`,
  'u',
);

function isAccountHandle(key: string): boolean {
  return key.split(/[_.\-\d]+/).some((part) => ACCOUNT_PART.test(part));
}

/**
 * Code pasted into a chat, where "@" opens a decorator, an annotation or a style sheet's rule
 * ("@staticmethod", "@app.route(…)", "@param", "@keyframes") or a package scope ("@vue/cli",
 * "@types/node"), not a mention: a handle followed by "(" or "/", one inside backticks, one of
 * those well-known names, or a dotted one under a well-known module ("@pytest.fixture").
 */
const CODE_NAMES = new Set(
  (
    'staticmethod classmethod property dataclass abstractmethod cached_property override param params return returns throws ' +
    'deprecated see since author version link inheritdoc keyframes media import charset font-face supports namespace ' +
    'page layer apply tailwind mixin include extend use forward each function test before after beforeeach aftereach ' +
    'component injectable input output viewchild hostlistener controller get post put delete patch autowired bean ' +
    'entity table column id transactional service repository suppresswarnings functionalinterface nullable nonnull'
  ).split(' '),
);
const CODE_MODULES = new Set([
  'pytest',
  'app',
  'router',
  'mock',
  'patch',
  'functools',
  'abc',
  'typing',
  'unittest',
  'bot',
  'client',
  'api',
  'blueprint',
  'celery',
  'torch',
  'tf',
  'jit',
]);

function inCode(text: string, at: number, end: number, handle: string): boolean {
  const next = text.charCodeAt(end);
  if (next === 0x28 || next === 0x2f) return true;
  if (at > 0 && text.charCodeAt(at - 1) === 0x60) return true;
  const key = handle.toLowerCase();
  if (CODE_NAMES.has(key)) return true;
  const dot = key.indexOf('.');
  return dot > 0 && CODE_MODULES.has(key.slice(0, dot));
}

/** Endings of domains people write after an "@" ("@gmail.com", "@outlook.de"). */
const DOMAIN = /\.(?:com|net|org|edu|gov|io|co|uk|de|fr|es|it|nl|ru|jp|cn|in|br|au|ca|info|biz|me|us)$/;

function isPersonHandle(handle: string): boolean {
  // Capitalised words and camel case are the name rules' (names.ts, `isMention`).
  if (!/\p{Ll}/u.test(handle) || /^\p{Lu}|\p{Ll}\p{Lu}/u.test(handle)) return false;
  const key = handle.toLowerCase();
  if (GROUP_MENTIONS.has(key) || isRoleWord(key) || isAccountHandle(key) || DOMAIN.test(key)) return false;
  if (/^\p{L}+$/u.test(key)) {
    const english = nameWordLookup('en');
    if (english?.isAlsoAnotherWord(key) && !english.isListedGivenName(key)) return false;
  }
  return true;
}
