import type { RoleMapper } from './roles';

// Not jsonl's isJsonObject: jsonl reads this module's problem lines (a cycle otherwise).
function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Slack's workspace export ("Export data": a ZIP holding `users.json`, `channels.json` (and for
 * private exports `groups.json`, `dms.json`, `mpims.json`) beside one folder per channel or direct
 * message, each holding a JSON array of the day's messages, `<channel>/2026-12-01.json`). Support
 * teams answer customers in shared (Slack Connect) channels and in help channels, in threads: a
 * thread's replies stand in the day files of the days they were written, so a conversation is read
 * across files. The export's day files are joined into one file of message rows
 * (`slack-messages.jsonl`, one JSON line per message, read as any JSON message rows are: grouped by
 * conversation, repeats read once), each line keeping the message as Slack wrote it.
 *
 * - **Conversation**: a thread (its first message and its replies), `slack-<channel>-<thread ts>`;
 *   the messages of a channel outside threads on one day, `slack-<channel>-<day>`.
 * - **Who is who**: the business is the workspace that exported (the team most of `users.json`'s
 *   people belong to); a person of another team (a customer's, in a shared channel) is the
 *   customer. `TUNELOOP_SPEAKER_ROLES` decides first, by the person's name. Without a team to tell
 *   by, the row's speaker is the person's name, which the mapping must then name.
 * - **Not messages**: Slack's notices (joins, topic changes, pins: any subtype but a person's
 *   message, a shared file or a thread reply sent to the channel) and apps' and bots' posts are
 *   rows of the system speaker, which training replaces with the system prompt.
 * - Text: Slack's markup as the reader saw it (`<@U1>` as `@name`, `<url|label>` as `label (url)`,
 *   `&lt;` as `<`).
 * - A day file that cannot be read is one line of its own in the joined file (`slack_problem`, and
 *   its text when within the size limit), rejected when the rows are read: the joined file holds
 *   everything, wherever it is read (a ZIP, a folder given to `prepare`, a folder `drop` uploads).
 */

export const JOINED_SLACK = 'slack-messages.jsonl';

/** The export's files besides the day files, at its top. */
const META_FILES = new Set([
  'users.json',
  'channels.json',
  'groups.json',
  'dms.json',
  'mpims.json',
  'integration_logs.json',
  'canvases.json',
  'org_users.json',
]);
const CONVERSATION_LISTS = ['channels.json', 'groups.json', 'dms.json', 'mpims.json'];
const DAY_FILE = /^(?<channel>[^/]+)\/(?<day>\d{4}-\d{2}-\d{2})\.json$/;

export interface SlackDayFile {
  /** The file's path in the archive. */
  name: string;
  /** The folder: the channel's name, or a direct message's id. */
  channel: string;
  day: string;
}

export interface SlackExportLayout {
  /** The folder holding `users.json` (`''` at the top of the archive, else ending in `/`). */
  root: string;
  /** Paths of `users.json`, `channels.json` and the other files beside the day files. */
  meta: string[];
  days: SlackDayFile[];
}

/**
 * The Slack export among an archive's paths: `users.json` with a list of conversations
 * (`channels.json`, …) beside it and day files in folders beside them. Undefined when there is none.
 */
export function slackExportOf(paths: readonly string[]): SlackExportLayout | undefined {
  const users = paths.filter((p) => p === 'users.json' || p.endsWith('/users.json'));
  for (const path of users) {
    const root = path.slice(0, path.length - 'users.json'.length);
    if (root.split('/').length > 2) continue;
    const inRoot = paths.filter((p) => p.startsWith(root)).map((p) => p.slice(root.length));
    if (!inRoot.some((p) => CONVERSATION_LISTS.includes(p))) continue;
    const days: SlackDayFile[] = [];
    for (const p of inRoot) {
      const m = DAY_FILE.exec(p);
      if (m?.groups) days.push({ name: root + p, channel: m.groups.channel, day: m.groups.day });
    }
    if (!days.length) continue;
    days.sort((a, b) => (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
    return { root, meta: inRoot.filter((p) => META_FILES.has(p)).map((p) => root + p), days };
  }
  return undefined;
}

/** The export's own files (read together, not each on its own): none when there is no export. */
export function slackExportFiles(layout: SlackExportLayout | undefined): Set<string> {
  return new Set(layout ? [...layout.meta, ...layout.days.map((d) => d.name)] : []);
}

interface SlackUser {
  name: string;
  team?: string;
  bot: boolean;
}

export interface SlackPeople {
  users: Map<string, SlackUser>;
  /** The exporting workspace's team: the business. */
  home?: string;
}

/** `users.json` → each person's name and team, and the workspace's own team (most people's). */
export function slackPeople(usersJson: unknown): SlackPeople {
  const users = new Map<string, SlackUser>();
  const teams = new Map<string, number>();
  if (Array.isArray(usersJson))
    for (const u of usersJson) {
      if (!isJsonObject(u) || typeof u.id !== 'string') continue;
      const profile = isJsonObject(u.profile) ? u.profile : {};
      const name = [profile.real_name, u.real_name, profile.display_name, u.name].find((n) => typeof n === 'string' && n.trim() !== '');
      const team = typeof u.team_id === 'string' ? u.team_id : typeof profile.team === 'string' ? profile.team : undefined;
      const bot = u.is_bot === true || u.id === 'USLACKBOT';
      users.set(u.id, { name: typeof name === 'string' ? name.trim() : u.id, ...(team ? { team } : {}), bot });
      if (team && !bot) teams.set(team, (teams.get(team) ?? 0) + 1);
    }
  let home: string | undefined;
  let most = 0;
  for (const [team, n] of teams)
    if (n > most) {
      home = team;
      most = n;
    }
  return { users, ...(home ? { home } : {}) };
}

/** Subtypes that are a person's message; every other subtype is a notice of Slack's or an app's post. */
const PERSON_SUBTYPES = new Set(['thread_broadcast', 'file_share', 'me_message']);

/** Whether a parsed JSON value looks like a Slack message (for a day file given on its own). */
export function isSlackMessage(value: unknown): boolean {
  return (
    isJsonObject(value) &&
    value.type === 'message' &&
    typeof value.ts === 'string' &&
    /^\d+\.\d+$/.test(value.ts) &&
    ('user' in value || 'bot_id' in value || 'subtype' in value)
  );
}

/** Slack's markup (mrkdwn entities) as the reader of the message saw it. */
export function slackText(text: string, people: SlackPeople): string {
  return text
    .replace(/<([^<>]*)>/g, (whole, inner: string) => {
      const [target, label] = splitLabel(inner);
      if (target.startsWith('@')) return `@${label ?? people.users.get(target.slice(1))?.name ?? target.slice(1)}`;
      if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
      if (target.startsWith('!')) {
        const special = target.slice(1).split('^')[0];
        return label ? (label.startsWith('@') ? label : `@${label}`) : `@${special}`;
      }
      if (/^(?:https?|mailto|tel|ftp):/i.test(target)) {
        const bare = target.replace(/^(?:mailto|tel):/i, '');
        return label && label !== target && label !== bare ? `${label} (${bare})` : bare;
      }
      return whole;
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function splitLabel(inner: string): [string, string | undefined] {
  const bar = inner.indexOf('|');
  return bar === -1 ? [inner, undefined] : [inner.slice(0, bar), inner.slice(bar + 1)];
}

export interface SlackRowContext {
  people: SlackPeople;
  roles: RoleMapper;
  /** The day file's path inside the export (`<channel>/<day>.json`). */
  file: string;
  channel: string;
  day: string;
}

/** One message of a day file → its message row, as one JSON line (without the line break). */
export function slackRowLine(message: Record<string, unknown>, context: SlackRowContext): string {
  const { people, channel, day } = context;
  const ts = typeof message.ts === 'string' ? message.ts : '';
  const seconds = Number(ts);
  const threadTs = typeof message.thread_ts === 'string' ? message.thread_ts : undefined;
  const threaded =
    threadTs !== undefined &&
    (threadTs !== ts || (typeof message.reply_count === 'number' && message.reply_count > 0) || Array.isArray(message.replies));
  const userId = typeof message.user === 'string' ? message.user : undefined;
  const user = userId ? people.users.get(userId) : undefined;
  const profile = isJsonObject(message.user_profile) ? message.user_profile : {};
  const name =
    [profile.real_name, profile.display_name, user?.name, message.username, userId].find(
      (n): n is string => typeof n === 'string' && n.trim() !== '',
    ) ?? 'unknown';
  const subtype = typeof message.subtype === 'string' ? message.subtype : undefined;
  const notice = (subtype !== undefined && !PERSON_SUBTYPES.has(subtype)) || (!userId && 'bot_id' in message) || user?.bot === true;
  let speaker: string;
  if (notice) speaker = 'system';
  else {
    const mapped = context.roles.roleOf(name);
    const team = [message.user_team, message.team, profile.team, user?.team].find((t): t is string => typeof t === 'string' && t !== '');
    speaker = mapped
      ? mapped === 'assistant'
        ? 'agent'
        : mapped === 'user'
          ? 'customer'
          : 'system'
      : team && people.home
        ? team === people.home
          ? 'agent'
          : 'customer'
        : name;
  }
  const row = {
    conversation_id: `slack-${channel}-${threaded ? threadTs : day}`,
    speaker,
    text: slackText(typeof message.text === 'string' ? message.text : '', people),
    ...(Number.isFinite(seconds) && seconds > 0 ? { timestamp: new Date(seconds * 1000).toISOString() } : {}),
    message_id: `${channel}/${ts}`,
    channel: 'slack',
    slack_file: context.file,
    slack_user: name,
    slack_message: message,
  };
  return JSON.stringify(row);
}

/** Bigger `users.json` files are not read (names and teams then come from the messages alone). */
const MAX_USERS_BYTES = 64 * 1024 * 1024;
const MAX_DAY_BYTES = 16 * 1024 * 1024;

export interface SlackRowsOptions {
  roles: RoleMapper;
  /** A day file over this size is a problem line without its text (`record-too-long`); default 16 MiB, the record limit. */
  maxDayBytes?: number;
  signal?: AbortSignal;
}

/**
 * The export's messages as message rows, one JSON line each, channel by channel and day by day.
 * `read` gives a file's bytes (its path in the export), or undefined when it is over `limit`.
 */
export async function* slackExportRows(
  layout: SlackExportLayout,
  read: (name: string, limit: number) => Promise<Buffer | undefined>,
  options: SlackRowsOptions,
): AsyncIterable<Buffer> {
  const usersBytes = await read(`${layout.root}users.json`, MAX_USERS_BYTES);
  let usersJson: unknown;
  try {
    usersJson = usersBytes ? JSON.parse(usersBytes.toString('utf8')) : undefined;
  } catch {
    usersJson = undefined;
  }
  const people = slackPeople(usersJson);
  const maxDayBytes = options.maxDayBytes ?? MAX_DAY_BYTES;
  for (const day of layout.days) {
    options.signal?.throwIfAborted();
    const file = day.name.slice(layout.root.length);
    const bytes = await read(day.name, maxDayBytes);
    if (!bytes) {
      yield Buffer.from(problemLine(file, 'record-too-long', `the Slack day file is over the ${maxDayBytes}-byte limit of a record`));
      continue;
    }
    const text = bytes.toString('utf8');
    let messages: unknown;
    try {
      messages = JSON.parse(text);
    } catch (err) {
      yield Buffer.from(
        problemLine(
          file,
          'invalid-json',
          `the Slack day file is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
          text,
        ),
      );
      continue;
    }
    if (!Array.isArray(messages)) {
      yield Buffer.from(problemLine(file, 'invalid-record', 'a Slack day file holds a JSON array of messages', text));
      continue;
    }
    const context = { people, roles: options.roles, file, channel: day.channel, day: day.day };
    let block = '';
    for (const [index, message] of messages.entries()) {
      block += isJsonObject(message)
        ? slackRowLine(message, context) + '\n'
        : problemLine(file, 'invalid-record', `element ${index} of the Slack day file is not a message object`, JSON.stringify(message));
    }
    if (block) yield Buffer.from(block, 'utf8');
  }
}

/** The joined file's line (with its line break) for a day file, or an element of one, that is no message. */
function problemLine(file: string, reason: string, detail: string, text?: string): string {
  return (
    JSON.stringify({ slack_file: file, slack_problem: reason, slack_detail: detail, ...(text !== undefined ? { slack_text: text } : {}) }) +
    '\n'
  );
}

/** A joined export's line for a day file that could not be read: its reason and what to say, naming the file. */
export function slackProblemOf(record: Record<string, unknown>): { reason: string; detail: string } | undefined {
  const { slack_file: file, slack_problem: reason, slack_detail: detail } = record;
  if (typeof file !== 'string' || typeof reason !== 'string' || typeof detail !== 'string') return undefined;
  return { reason, detail: `${file}: ${detail}` };
}

/** What the report says of a joined export. */
export function slackJoinNotice(layout: SlackExportLayout, joined: string): string {
  const channels = new Set(layout.days.map((d) => d.channel)).size;
  const meta = layout.meta.map((m) => m.slice(layout.root.length)).join(', ');
  return `a Slack export, its ${layout.days.length} day file(s) of ${channels} channel(s) joined as ${joined}, one message row per line (${meta} read for names and teams, not stored)`;
}
