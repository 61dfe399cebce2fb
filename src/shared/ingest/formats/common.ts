import { cleanedContentId } from '../ids';
import { conversationItem, reject, show } from '../records';
import { inferMissingRoles, type RoleMapper } from '../roles';
import { INVALID_TOOL_TURN, unansweredToolCall } from '../toolTurns';
import { buildTurns, sessionTurns, type RawTurn } from '../turns';
import type { ChatRole, Conversation, IngestItem, SourceRef } from '../types';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function has(record: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

/** The first of `keys` present with a non-null value. */
export function firstOf(record: JsonObject, keys: readonly string[]): unknown {
  for (const key of keys) if (record[key] !== undefined && record[key] !== null) return record[key];
  return undefined;
}

/** A string or number id, undefined when absent, null when present but unusable. */
export function idOf(value: unknown): string | undefined | null {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string') return value.trim();
  return null;
}

export interface Built {
  source: SourceRef;
  kind?: Conversation['kind'];
  id: string | undefined;
  idPrefix: string;
  raw: RawTurn[];
  issueType?: string;
  channel?: string;
  csat?: number;
  /** The answering model the record names (see ../answeringModel.ts). */
  model?: string;
  /** Parts of the record left out on purpose (internal notes), by reason. */
  setAside?: Record<string, number>;
  /** Warnings for the run's report (`Conversation.notices`). */
  notices?: string[];
  /** Reject the conversation unless it has a user and an assistant turn (reply threads, tickets). */
  needBothSides?: string;
  /** Tool definitions the record carries (see ../toolTurns.ts). */
  tools?: unknown[];
  /**
   * The record is a whole chat (a messenger's or a channel's export, months of one customer or of
   * many): cut into sessions (`chatSessionsOf`), each giving its own examples.
   */
  wholeChat?: boolean;
  /**
   * A whole chat divided by whom it answers (`raw` is then every thread's turns, in time order): each
   * thread is cut into sessions of its own (`customerThreads`).
   */
  threads?: RawTurn[][];
}

/** Turns cleaned and merged → one conversation, or the rejection saying why not. */
export function finish(built: Built): IngestItem {
  const unanswered = unansweredToolCall(built.raw);
  if (unanswered) return reject(built.source, INVALID_TOOL_TURN, unanswered);
  const turns = built.wholeChat ? sessionTurns(built.raw, built.threads) : buildTurns(built.raw);
  if (turns.length === 0) return reject(built.source, 'empty-conversation', 'no message has any text after clean-up');
  if (built.needBothSides) {
    const roles = new Set(turns.map((t) => t.role));
    if (!roles.has('user') || !roles.has('assistant')) {
      const missing = roles.has('user') ? 'no reply from the support side' : 'no message from the customer';
      return reject(built.source, 'one-sided-conversation', `${built.needBothSides} has ${missing}, so there is nothing to learn from it`);
    }
  }
  const conversation: Conversation = {
    kind: built.kind ?? 'conversation',
    conversationId: built.id ?? cleanedContentId(built.idPrefix, ...turns.map((t) => `${t.role}:${t.content}`)),
    turns,
    source: built.source,
  };
  const issueType = built.issueType?.normalize('NFKC').replace(/\s+/g, ' ').trim();
  if (issueType) conversation.issueType = issueType;
  if (built.channel) conversation.channel = built.channel;
  if (built.csat !== undefined) conversation.csat = built.csat;
  if (built.model) conversation.model = built.model;
  if (built.tools) conversation.tools = built.tools;
  if (built.setAside && Object.keys(built.setAside).length) conversation.setAside = built.setAside;
  if (built.notices?.length) conversation.notices = built.notices;
  if (built.wholeChat) conversation.wholeChat = true;
  return conversationItem(conversation);
}

/** Counts of what a record set aside, by reason, without the reasons that counted nothing (`Built.setAside`). */
export function setAsideCounts(counts: Record<string, number>): Record<string, number> | undefined {
  const kept = Object.entries(counts).filter(([, n]) => n > 0);
  return kept.length ? Object.fromEntries(kept) : undefined;
}

export function unknownRole(source: SourceRef, what: string, value: unknown, n: number, known: string): IngestItem {
  return reject(source, 'unknown-speaker', `${what} ${show(value)} (message ${n}) is not a known role; ${known}`);
}

export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

export type RoleOrSkip = ChatRole | 'skip';

const TRUE_WORDS = new Set(['true', '1', 'yes', 'y']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'n']);

/**
 * A yes/no field as an API writes it (a boolean) or as a spreadsheet or CSV converter rewrites it
 * ("false", 0, "no"); undefined when it says neither. Readers decide what undefined means: where it
 * flags an internal note, anything but a clear "not internal" keeps the text out of training.
 */
export function flagOf(value: unknown): boolean | undefined {
  if (value === true || value === 1) return true;
  if (value === false || value === 0) return false;
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toLowerCase();
  return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : undefined;
}

/** A turn with the time it was written and its place in the record, for ordering by time. */
export interface TimedTurn {
  turn: RawTurn;
  order: number;
}

/**
 * The turns oldest first when every one has a timestamp (stable: equal times keep the record's
 * order); otherwise in the record's order, or reversed when the API lists newest first, since a
 * partial sort would interleave the two orders.
 */
export function inTimeOrder(turns: TimedTurn[], listedNewestFirst = false): RawTurn[] {
  const at = turns.map((t) => (t.turn.timestamp ? Date.parse(t.turn.timestamp) : Number.NaN));
  if (at.every((ms) => !Number.isNaN(ms))) {
    const indexed = turns.map((t, i) => ({ t, ms: at[i] }));
    indexed.sort((a, b) => a.ms - b.ms || a.t.order - b.t.order);
    return indexed.map((x) => x.t.turn);
  }
  const listed = turns.map((t) => t.turn);
  return listedNewestFirst ? listed.reverse() : listed;
}

/** A message kept as a turn, with what tells whom it answers. */
export interface KeptMessage {
  turn: RawTurn;
  /** The author's id (else name). */
  author: string;
  id?: string;
  /** The message it replies to (Discord's `reference.messageId`, Telegram's `reply_to_message_id`). */
  answers?: string;
  /** Ids of the people it mentions. */
  mentions: string[];
}

/**
 * A channel or group where several customers ask (a Discord help channel, a Telegram support group)
 * divided into one thread per customer: their messages, and each support message in the thread of
 * whom it answers: the message it replies to, else the one customer it mentions, else the customer
 * who wrote last (a support message before any customer goes with the first). Undefined when at
 * most one customer wrote: the chat stays as it is. Threads come in the order they open, each in
 * time order; `sessionTurns` then cuts each into its sessions. `untold`: the customers' messages
 * that are no turn (a screenshot alone), by id, so a reply to one goes to its customer's thread
 * (where, without the question, it is no example) rather than to whoever wrote last.
 */
export function customerThreads(
  raw: readonly RawTurn[],
  kept: readonly KeptMessage[],
  untold: ReadonlyMap<string, string> = new Map(),
): RawTurn[][] | undefined {
  const byTurn = new Map(kept.map((m) => [m.turn, m]));
  const customers = new Set([...kept.filter((m) => m.turn.role === 'user').map((m) => m.author), ...untold.values()]);
  if (customers.size < 2) return undefined;
  const threadOfMessage = new Map<string, string>();
  const threads = new Map<string, RawTurn[]>();
  const leading: RawTurn[] = [];
  let lastCustomer: string | undefined;
  // The thread of the message before, when it was a support message by the same author.
  let lastSupport: { author: string; thread: string | undefined } | undefined;
  for (const turn of raw) {
    const message = byTurn.get(turn);
    if (!message) continue;
    let thread: string | undefined;
    if (turn.role === 'user') {
      thread = message.author;
      lastCustomer = thread;
      lastSupport = undefined;
    } else {
      const mentioned = [...new Set(message.mentions.filter((id) => customers.has(id)))];
      thread =
        (message.answers !== undefined ? (threadOfMessage.get(message.answers) ?? untold.get(message.answers)) : undefined) ??
        (mentioned.length === 1 ? mentioned[0] : undefined) ??
        // "…the courier was delayed" right after the same agent's reply to Aminah goes on with Aminah.
        (lastSupport?.author === message.author ? lastSupport.thread : undefined) ??
        lastCustomer;
      lastSupport = { author: message.author, thread };
    }
    if (message.id !== undefined && thread !== undefined) threadOfMessage.set(message.id, thread);
    if (thread === undefined) {
      leading.push(turn);
      continue;
    }
    let turns = threads.get(thread);
    if (!turns) {
      // Support messages before any customer wrote open the first customer's thread.
      turns = threads.size === 0 ? leading : [];
      threads.set(thread, turns);
    }
    turns.push(turn);
  }
  return [...threads.values()];
}

/** Tag names from a list of strings or of tag objects (`{"name": ...}`, Help Scout's `{"tag": ...}`). */
export function tagNames(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const names: string[] = [];
  for (const tag of value) {
    const name = typeof tag === 'string' ? tag : isObject(tag) ? (textOf(tag.name) ?? textOf(tag.tag)) : undefined;
    if (name !== undefined && name.trim() !== '') names.push(name);
  }
  return names;
}

/** A message of a messenger's chat export: its sender's name as written, its text and its instant. */
export interface NamedEntry {
  sender: string;
  text: string;
  at?: string;
  /** Where the export has them (Telegram's HTML): the message's id, the id it replies to, the names it mentions. */
  id?: string;
  answers?: string;
  mentions?: string[];
}

/**
 * A chat a messenger exported whose header names the other party (LINE's text export, a page of
 * Telegram's HTML export): that sender is the customer, the others are resolved by
 * `TUNELOOP_SPEAKER_ROLES` and role words, one remaining sender being the other side. The id is a
 * hash of the first entry and the senders, so a later export of the chat keeps it (no name in it).
 * `unknownSpeaker` says, for the senders left unresolved, what to do.
 */
export function namedChat(options: {
  source: SourceRef;
  entries: readonly NamedEntry[];
  customer: string | undefined;
  roles: RoleMapper;
  idPrefix: string;
  channel: string;
  setAside?: Record<string, number>;
  unknownSpeaker: (unresolved: readonly string[], senders: readonly string[]) => string;
  /**
   * A group (the header names none of the senders) whose replies can be told apart (Telegram's
   * HTML): once a sender is named as the support side, the others are customers and the chat is
   * divided per customer (`customerThreads`); `untold` as there, by message id.
   */
  supportGroup?: { untold: ReadonlyMap<string, string> };
}): IngestItem {
  const { entries, customer } = options;
  const senders = [...new Set(entries.map((e) => e.sender))];
  const known = new Map<string, ChatRole>();
  // The header's name is the customer unless TUNELOOP_SPEAKER_ROLES maps it to the support side: a
  // team posting in its group under the group's own name (Telegram's anonymous admins), or a
  // customer's export of a chat with the business. Only the mapping, not role words: a customer may
  // be called "IT Support Kimura".
  const headerSide = customer ? options.roles.mappedRoleOf?.(customer) : undefined;
  if (customer && senders.includes(customer) && headerSide !== 'assistant' && headerSide !== 'system') known.set(customer, 'user');
  let resolved = inferMissingRoles(senders, { roleOf: (name) => known.get(name) ?? options.roles.roleOf(name) });
  const named = new Map(senders.flatMap((s) => (options.roles.roleOf(s) ? [[s, options.roles.roleOf(s)] as const] : [])));
  // A group (no sender is the header's) whose team is named: everyone else is a customer, and it is
  // divided per customer however many of them the names or the one-left rule already resolved.
  const group = options.supportGroup !== undefined && !known.size && [...named.values()].includes('assistant');
  const assumed = group ? senders.filter((s) => !named.has(s)) : [];
  if (group) resolved = new Map(senders.map((s) => [s, named.get(s) ?? 'user']));
  if ('unknown' in resolved)
    return reject(options.source, 'unknown-speaker', options.unknownSpeaker(resolved.unknown.slice(0, 3), senders));
  const roleOf = resolved;
  const customers = senders.filter((s) => roleOf.get(s) === 'user');
  const raw: RawTurn[] = [];
  const kept: KeptMessage[] = [];
  for (const e of entries) {
    const role = roleOf.get(e.sender) as ChatRole;
    // A group's member named as the system side (a bot) is left out, as in the JSON export's groups.
    if (group && role === 'system') continue;
    const turn: RawTurn = { role, text: e.text, ...(e.at ? { timestamp: e.at } : {}) };
    raw.push(turn);
    kept.push({
      turn,
      author: e.sender,
      ...(e.id !== undefined ? { id: e.id } : {}),
      ...(e.answers !== undefined ? { answers: e.answers } : {}),
      mentions: (e.mentions ?? []).flatMap((m) => mentionedCustomer(m, customers)),
    });
  }
  const untold = new Map(
    [...(options.supportGroup?.untold ?? [])].filter(
      ([, sender]) => (roleOf.get(sender) ?? options.roles.roleOf(sender) ?? 'user') === 'user',
    ),
  );
  const threads = group ? customerThreads(raw, kept, untold) : undefined;
  const first = entries[0];
  return finish({
    source: options.source,
    id: cleanedContentId(
      options.idPrefix,
      `${first.at ?? ''} ${first.sender}: ${first.text}`,
      ...senders.map((s) => s.toLowerCase()).sort(),
    ),
    idPrefix: options.idPrefix,
    raw,
    channel: options.channel,
    wholeChat: true,
    ...(threads ? { threads } : {}),
    ...(options.setAside && Object.keys(options.setAside).length ? { setAside: options.setAside } : {}),
    ...assumedCustomersNotice(options.source.file, 'a group chat', 'members', assumed),
  });
}

/**
 * The report's warning, once per file, when a group or channel was read with every unnamed member
 * as a customer because only the support side was named (a second agent left unnamed would be one).
 */
export function assumedCustomersNotice(file: string, what: string, who: string, assumed: readonly string[]): { notices?: string[] } {
  if (assumed.length < 2) return {};
  const names = `${assumed
    .slice(0, 5)
    .map((s) => show(s))
    .join(', ')}${assumed.length > 5 ? ', …' : ''}`;
  return {
    notices: [
      `${file}: ${what} read with ${assumed.length} ${who} as customers (${names}) because only the support side was named; name any other team member in TUNELOOP_SPEAKER_ROLES`,
    ],
  };
}

/**
 * The customer a mention by name means: the sender of that name, else the one customer whose
 * first name it is (Telegram writes a mention of a member without a user name as the first name).
 */
function mentionedCustomer(mention: string, customers: readonly string[]): string[] {
  if (customers.includes(mention)) return [mention];
  const lower = mention.toLowerCase();
  const byFirstName = customers.filter((c) => c.toLowerCase().split(/\s+/)[0] === lower);
  return byFirstName.length === 1 ? byFirstName : [];
}
