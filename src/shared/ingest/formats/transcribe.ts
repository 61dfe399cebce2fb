import { reject, show } from '../records';
import { inferMissingRoles, type RoleMapper } from '../roles';
import type { IngestItem, SourceRef } from '../types';
import { finish, idOf, isObject, type JsonObject } from './common';

/**
 * A call transcribed by Amazon Transcribe (batch), as its output JSON is written to S3: `jobName`,
 * `results.transcripts`, `results.items` (each word or punctuation mark with `alternatives[0].content`,
 * `type`, and with speaker identification its `speaker_label`, or with channel identification its
 * `channel_label`), `results.speaker_labels.segments`, and in newer outputs `results.audio_segments`
 * (a speaker's stretch of speech with its `transcript`). A call recorded outside a contact centre
 * that analyses it (Connect's Contact Lens and Transcribe Call Analytics name roles, ./amazonConnect.ts).
 *
 * Transcribe labels speakers (`spk_0`, `spk_1`) or channels (`ch_0`, `ch_1`), not roles: which
 * one is the agent is for `TUNELOOP_SPEAKER_ROLES` to say ({"spk_0":"assistant"}: on inbound
 * calls the agent usually speaks first), the other label then being the customer. Without a
 * mapping, or without speaker or channel labels at all, the call is `unknown-speaker` saying so.
 * One file is one call, `transcribe-<jobName>`; consecutive speech of one label is one turn.
 */
export function isTranscribeOutput(record: JsonObject): boolean {
  const results = record.results;
  return isObject(results) && Array.isArray(results.transcripts) && (Array.isArray(results.items) || Array.isArray(results.audio_segments));
}

interface Spoken {
  label: string;
  text: string;
}

export function parseTranscribeOutput(source: SourceRef, record: JsonObject, roles: RoleMapper): IngestItem {
  const results = record.results as JsonObject;
  const job = idOf(record.jobName);
  const spoken = fromAudioSegments(results) ?? fromItems(results);
  if (spoken === undefined)
    return reject(
      source,
      'unknown-speaker',
      `the Transcribe job ${show(job ?? source.file)} has no speaker or channel labels, so its words cannot be told apart as customer and agent; transcribe the calls with speaker identification (ShowSpeakerLabels) or channel identification`,
    );
  const labels = [...new Set(spoken.map((s) => s.label))];
  const sides = inferMissingRoles(labels, roles);
  if ('unknown' in sides)
    return reject(
      source,
      'unknown-speaker',
      `the Transcribe job ${show(job ?? source.file)} labels its speakers ${labels.map((l) => show(l)).join(', ')}, not roles: map the agent's label with speakerRoles (TUNELOOP_SPEAKER_ROLES={"spk_0":"assistant"}; on inbound calls the agent usually speaks first)`,
    );
  return finish({
    source,
    id: typeof job === 'string' ? `transcribe-${job}` : undefined,
    idPrefix: 'transcribe',
    raw: spoken.flatMap(({ label, text }) => {
      const role = sides.get(label);
      return role && role !== 'system' ? [{ role, text }] : [];
    }),
    channel: 'voice',
    needBothSides: `the Transcribe job ${show(job ?? source.file)}`,
  });
}

/** Newer outputs: each stretch of one speaker's speech with its own transcript. */
function fromAudioSegments(results: JsonObject): Spoken[] | undefined {
  if (!Array.isArray(results.audio_segments) || !results.audio_segments.length) return undefined;
  const spoken: Spoken[] = [];
  for (const segment of results.audio_segments as unknown[]) {
    if (!isObject(segment)) continue;
    const label = labelOf(segment);
    if (label === undefined) return undefined;
    if (typeof segment.transcript === 'string' && segment.transcript.trim()) spoken.push({ label, text: segment.transcript });
  }
  return spoken;
}

/** Words and punctuation, each with its speaker's or channel's label (else found by its start time in the speaker segments). */
function fromItems(results: JsonObject): Spoken[] | undefined {
  const items = Array.isArray(results.items) ? (results.items as unknown[]) : [];
  const byStart = new Map<string, string>();
  const speakerLabels = isObject(results.speaker_labels) ? results.speaker_labels : undefined;
  if (speakerLabels && Array.isArray(speakerLabels.segments))
    for (const segment of speakerLabels.segments as unknown[])
      if (isObject(segment) && Array.isArray(segment.items))
        for (const word of segment.items as unknown[])
          if (isObject(word) && typeof word.start_time === 'string' && typeof word.speaker_label === 'string')
            byStart.set(word.start_time, word.speaker_label);
  const spoken: Spoken[] = [];
  let label: string | undefined;
  for (const item of items) {
    if (!isObject(item)) continue;
    const alternative: unknown = Array.isArray(item.alternatives) ? item.alternatives[0] : undefined;
    const content = isObject(alternative) && typeof alternative.content === 'string' ? alternative.content : '';
    if (!content) continue;
    if (item.type === 'punctuation') {
      // Punctuation belongs to the word before it.
      const last = spoken.at(-1);
      if (last) last.text += content;
      continue;
    }
    label = labelOf(item) ?? (typeof item.start_time === 'string' ? byStart.get(item.start_time) : undefined);
    if (label === undefined) return undefined;
    const last = spoken.at(-1);
    if (last?.label === label) last.text += ` ${content}`;
    else spoken.push({ label, text: content });
  }
  return spoken;
}

function labelOf(value: JsonObject): string | undefined {
  const label = value.speaker_label ?? value.channel_label;
  return typeof label === 'string' && label.trim() ? label.trim() : undefined;
}
