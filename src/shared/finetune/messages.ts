import { z } from 'zod';
import { TuneloopError } from '../errors';

/** Keys are table RowKeys and part of deployment names: keep them simple. */
const jobKey = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:-]+$/, 'only letters, digits and . _ : - are allowed');

/**
 * Messages on the job queue. `submit` comes from the nightly assembly (or anyone who wants a
 * dataset version trained); the others are scheduled by the job loop itself and carry the
 * `token` the job record expects next, so duplicates and stale messages are recognised.
 */
export const submitMessageSchema = z.strictObject({
  kind: z.literal('submit'),
  jobKey,
  datasetVersion: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9._-]+$/, 'a dataset version is a folder name of container datasets'),
  baseModel: z.string().min(1).optional(),
  hyperparameters: z
    .strictObject({
      n_epochs: z.number().int().positive().optional(),
      batch_size: z.number().int().positive().optional(),
      learning_rate_multiplier: z.number().positive().optional(),
    })
    .optional(),
  suffix: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'up to 40 of A-Z a-z 0-9 - _')
    .optional(),
  seed: z.number().int().min(0).max(2147483647).optional(),
  /** Set when the loop re-schedules its own submit step (quota wait, slow file processing). */
  token: z.string().min(1).optional(),
});

const stepMessage = <K extends string>(kind: K) =>
  z.strictObject({
    kind: z.literal(kind),
    jobKey,
    token: z.string().min(1),
  });

export const pollMessageSchema = stepMessage('poll');
export const deployMessageSchema = stepMessage('deploy');
export const evaluateMessageSchema = stepMessage('evaluate');
/** Scheduled by the loop while a candidate waits for approval: reminder, or expiry at the deadline. */
export const approvalCheckMessageSchema = stepMessage('approval-check');

/**
 * A person's decision on a candidate in `awaiting-approval` (from `tuneloop approve|reject` or put on
 * the job queue directly). No token: it is valid whenever the job waits for approval.
 */
const decisionMessage = <K extends string>(kind: K) =>
  z.strictObject({
    kind: z.literal(kind),
    jobKey,
    /** Who decided (a name or e-mail address), recorded with the decision. */
    by: z.string().min(1).max(200),
    reason: z.string().min(1).max(2000).optional(),
  });
export const approveMessageSchema = decisionMessage('approve');
export const rejectMessageSchema = decisionMessage('reject').extend({ reason: z.string().min(1, 'a rejection needs a reason').max(2000) });

export const jobMessageSchema = z.discriminatedUnion('kind', [
  submitMessageSchema,
  pollMessageSchema,
  deployMessageSchema,
  evaluateMessageSchema,
  approvalCheckMessageSchema,
  approveMessageSchema,
  rejectMessageSchema,
]);

export type JobMessage = z.infer<typeof jobMessageSchema>;
export type SubmitMessage = z.infer<typeof submitMessageSchema>;
export type DecisionMessage = z.infer<typeof approveMessageSchema> | z.infer<typeof rejectMessageSchema>;
/** Kinds the loop schedules itself (with a token). */
export type StepMessageKind = Exclude<JobMessageKind, 'approve' | 'reject'>;
export type JobMessageKind = JobMessage['kind'];

/** A message that can never be processed; it goes to the poison/dead-letter queue with `reason`. */
export class MalformedJobMessageError extends TuneloopError {
  constructor(
    readonly reason: string,
    readonly raw: unknown,
  ) {
    super(`malformed fine-tuning job message: ${reason}`);
  }
}

/**
 * Reads a trigger payload: the Functions host hands over parsed JSON for Storage (base64) and
 * Service Bus queues, a string when the body was not JSON, or a Buffer.
 */
export function parseJobMessage(raw: unknown): JobMessage {
  let value = readableBody(raw);
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new MalformedJobMessageError(`body is not JSON: ${truncate(value as string)}`, raw);
    }
  }
  const parsed = jobMessageSchema.safeParse(value);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'message'}: ${i.message}`).join('; ');
    throw new MalformedJobMessageError(reason, raw);
  }
  return parsed.data;
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

/**
 * The message body as text or parsed value, for parsing and for the poison queue: a Buffer becomes
 * text, and a string that is base64 of UTF-8 text (a Storage queue message the host did not
 * decode because its content is not JSON) becomes that text.
 */
export function readableBody(raw: unknown): unknown {
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : raw;
  if (typeof text !== 'string' || text.length < 4 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return text;
  const decoded = Buffer.from(text, 'base64');
  const asText = decoded.toString('utf8');
  // Only when it round-trips and is printable: a plain word like "test" is also valid base64.
  if (decoded.toString('base64') !== text || /[\u0000-\u0008\u000e-\u001f\ufffd]/.test(asText)) return text;
  return asText;
}
