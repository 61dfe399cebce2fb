import { createHash } from 'node:crypto';
import { foldFullWidth } from '../language/fullWidth';
import { asNfkcMadeIt } from './text';

/**
 * A conversation id derived from content, for inputs without one (FAQ rows, ready-made lines):
 * the same content always gets the same id, so the dataset split and duplicate removal stay stable.
 */
export function contentId(prefix: string, ...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\u0000');
  return `${prefix}-${hash.digest('hex').slice(0, 16)}`;
}

/**
 * `contentId` of cleaned turn texts. Cleaning keeps full-width punctuation and compatibility
 * characters (m², ½, ℃, ①…) as written since it stopped spelling them out with NFKC; the id is taken
 * of the text with them folded as NFKC did, so a
 * conversation without an id of its own keeps the id (and so its split: a holdout conversation
 * does not move into training) that earlier runs gave it. (Not quite for ￣, the full-width macron
 * of kaomoji, which NFKC made a space and a combining mark and the fold makes one macron.)
 */
export function cleanedContentId(prefix: string, ...cleaned: string[]): string {
  return contentId(prefix, ...cleaned.map((text) => foldFullWidth(asNfkcMadeIt(text))));
}

/**
 * The id of a conversation that is a whole file and names none (a chat exported alone as CSV or
 * text): a hash of the file's own name (without its folders and extension) and of the first
 * message. A later export of the same chat (more messages, another folder or machine) keeps the id,
 * so it replaces the earlier one; two chats exported under one file name ("chat.csv") keep theirs
 * apart. Hashed, as the name often names the customer ("Chat with Dana Lee.csv", a Discord direct
 * message's export) and the id is written with every curated record; folders are left out, as a
 * local path names whose machine it is.
 */
export function wholeFileId(prefix: string, file: string, firstSpeaker: string, firstText: string): string {
  const name = (file.split(/[\\/]/).pop() ?? file).replace(/\.[A-Za-z0-9]{1,5}$/, '');
  return contentId(prefix, name, firstSpeaker.trim(), firstText.trim());
}
