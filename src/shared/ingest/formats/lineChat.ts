import { withoutBuddhistEra } from '../calendars';
import { reject, show } from '../records';
import type { RoleMapper } from '../roles';
import { zonedWallClockToEpoch } from '../timeZone';
import type { IngestItem, SourceRef } from '../types';
import { namedChat, type NamedEntry } from './common';
import { halfOfDay, MERIDIEM_WORDS } from './transcript';

/**
 * A chat exported from LINE as text ("Export chat history", one chat per file): a header naming
 * the other party ("[LINE] Chat history with Aminah", "[LINE] Aminahとのトーク履歴",
 * "[LINE] ประวัติการแชทกับ Aminah", "[LINE] 與Aminah的聊天記錄"), a "Saved on" line, then a date line
 * per day ("2026/12/01(Tue)", "2026.12.01 Tuesday", "Tue, 12/1/2026") and a line per message:
 * time, sender and text separated by tabs, a text over several lines in double quotes. The other
 * party the header names is the customer (the business exports its chats), everyone else the
 * support side. Photos, stickers and files are set aside and counted (`media-omitted`), unsent
 * messages too (`deleted-message`); lines of the app's own (joins, calls) have no sender.
 */
const HEADERS: readonly RegExp[] = [
  /^\[LINE\]\s*Chat history with\s+(.+?)\s*$/i,
  /^\[LINE\]\s*(.+?)\s*とのトーク履歴\s*$/,
  /^\[LINE\]\s*ประวัติการ(?:แชท|สนทนา)กับ\s*(.+?)\s*$/,
  /^\[LINE\]\s*[與与]\s*(.+?)\s*的聊天[記记]錄?录?\s*$/,
  /^\[LINE\]\s*(.+?)\s*님과의 대화\s*$/,
  /^\[LINE\]\s*Riwayat (?:obrolan|chat) dengan\s+(.+?)\s*$/i,
];
const ANY_HEADER = /^\[LINE\]/;
const DAY_LINE: readonly RegExp[] = [
  /^(?<y>\d{4})[/.](?<m>\d{1,2})[/.](?<d>\d{1,2})(?:\s*\([^)]{1,12}\)|\s+\p{L}{1,12})?\s*$/u,
  /^\p{L}{2,12},?\s+(?<m>\d{1,2})\/(?<d>\d{1,2})\/(?<y>\d{4})\s*$/u,
];
const MESSAGE = new RegExp(
  String.raw`^(?<pre>${MERIDIEM_WORDS})?\s?(?<h>\d{1,2}):(?<min>\d{2})(?:\s?(?<half>[AaPp])[Mm])?\t(?<sender>[^\t]*)\t(?<text>.*)$`,
);
/** A line of the app's own: a time and one text, no sender ("10:02\tAminah joined the chat."). */
const APP_LINE = new RegExp(String.raw`^(?:${MERIDIEM_WORDS})?\s?\d{1,2}:\d{2}(?:\s?[AaPp][Mm])?\t[^\t]*$`);
const MEDIA =
  /^\[(?:Photo|Photos|Sticker|Video|File|Voice message|Album|Location|Contact|写真|スタンプ|動画|ファイル|ボイスメッセージ|アルバム|位置情報|ภาพ|รูป|สติกเกอร์|วิดีโอ|ไฟล์|ข้อความเสียง|照片|圖片|图片|貼圖|贴图|影片|视频|檔案|文件|사진|스티커|동영상|파일)\]$/;
const UNSENT = /(?:unsent a message\.?|メッセージの送信を取り消しました|ยกเลิกข้อความ|已收回訊息|已撤回消息|메시지를 취소했습니다)$/;

/** Whether a file's head is a LINE chat export: its header, or a day line followed by tab-separated messages. */
export function looksLikeLineChat(head: string): boolean {
  const lines = head.split(/\r?\n/, 40).map((l) => l.replace(/^\uFEFF/, ''));
  const first = lines.find((l) => l.trim() !== '');
  if (first === undefined) return false;
  const messages = lines.filter((l) => MESSAGE.test(l)).length;
  if (ANY_HEADER.test(first)) return messages >= 1 || lines.some((l) => dayOf(l) !== undefined);
  return dayOf(first.trim()) !== undefined && messages >= 2;
}

function dayOf(line: string): string | undefined {
  for (const pattern of DAY_LINE) {
    const g = pattern.exec(line.trim())?.groups;
    if (!g) continue;
    // A phone set to the Thai calendar writes the Buddhist era (2569 for 2026).
    const [y, m, d] = [withoutBuddhistEra(Number(g.y)), Number(g.m), Number(g.d)];
    if (m < 1 || m > 12 || d < 1 || d > new Date(Date.UTC(y, m, 0)).getUTCDate()) return undefined;
    return `${y}-${g.m.padStart(2, '0')}-${g.d.padStart(2, '0')}`;
  }
  return undefined;
}

interface Entry extends NamedEntry {
  line: number;
}

export function parseLineChat(source: SourceRef, text: string, roles: RoleMapper, options: { timeZone?: string } = {}): IngestItem {
  const lines = text.split(/\r\n|\r|\n/);
  let customer: string | undefined;
  let day: string | undefined;
  const entries: Entry[] = [];
  const setAside: Record<string, number> = {};
  let open: Entry | undefined;
  // A text in double quotes runs over lines until the line that closes them.
  let quoted = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/^\uFEFF/, '');
    if (quoted && open) {
      const closes = /(?:^|[^"])(?:"")*"$/.test(line);
      open.text += `\n${closes ? line.slice(0, -1) : line}`;
      if (closes) {
        open.text = open.text.replaceAll('""', '"');
        quoted = false;
      }
      continue;
    }
    if (i < 3 && customer === undefined && ANY_HEADER.test(line)) {
      customer = HEADERS.map((h) => h.exec(line)?.[1]).find((name) => name !== undefined);
      continue;
    }
    const newDay = dayOf(line);
    if (newDay) {
      day = newDay;
      open = undefined;
      continue;
    }
    const m = MESSAGE.exec(line);
    if (m?.groups) {
      const g = m.groups;
      let hours = Number(g.h);
      // Groups that did not take part are undefined (the regex types say string).
      const optional: Record<string, string | undefined> = g;
      const half = halfOfDay(optional.half, optional.pre);
      if (half) hours = (hours % 12) + (half === 'p' ? 12 : 0);
      const wall = day ? Date.parse(`${day}T00:00:00Z`) + (hours * 60 + Number(g.min)) * 60_000 : Number.NaN;
      const ms = Number.isFinite(wall) && options.timeZone ? zonedWallClockToEpoch(wall, options.timeZone) : wall;
      let body = g.text;
      if (body.startsWith('"') && !/(?:^|[^"])(?:"")*"$/.test(body.slice(1))) {
        quoted = true;
        body = body.slice(1);
      } else if (body.length >= 2 && body.startsWith('"') && body.endsWith('"')) body = body.slice(1, -1).replaceAll('""', '"');
      const sender = g.sender.trim();
      const placeholder = MEDIA.test(body.trim()) ? 'media-omitted' : UNSENT.test(body.trim()) ? 'deleted-message' : undefined;
      if (placeholder) {
        setAside[placeholder] = (setAside[placeholder] ?? 0) + 1;
        open = undefined;
        continue;
      }
      open = { sender, text: body, line: i + 1, ...(Number.isFinite(ms) ? { at: new Date(ms).toISOString() } : {}) };
      if (sender) entries.push(open);
      else open = undefined;
      continue;
    }
    if (APP_LINE.test(line)) {
      open = undefined;
      continue;
    }
    // "Saved on: …" before the first day, blank lines, and any other line: more of the message before it.
    if (open && line.trim()) open.text += `\n${line}`;
  }
  if (!entries.length) return reject(source, 'empty-conversation', 'the LINE chat export has no message');

  return namedChat({
    source,
    entries,
    customer,
    roles,
    idPrefix: 'line-chat',
    channel: 'line',
    setAside,
    unknownSpeaker: (unresolved) =>
      `the LINE chat's senders ${unresolved.map((name) => show(name)).join(', ')} cannot be told apart as customer and support: its header names ${customer === undefined ? 'no one' : show(customer)}; keep the header ("[LINE] Chat history with <customer>") or map the business's name (TUNELOOP_SPEAKER_ROLES={"<business name>":"assistant"})`,
  });
}
