import { z } from 'zod';

/** One line of a curated shard, as preprocessing writes it (see docs/preprocessing.md). */
export const curatedRecordSchema = z.object({
  conversation_id: z.string().min(1),
  kind: z.enum(['conversation', 'faq', 'ready', 'intent']),
  issue_type: z
    .string()
    .nullish()
    .transform((v) => v ?? undefined),
  csat: z
    .number()
    .nullish()
    .transform((v) => v ?? undefined),
  split: z.enum(['train', 'validation', 'holdout']),
  tokens: z.number().int().nonnegative(),
  /** `system`: the source the input record named itself (its `source` field), if any. */
  source: z.object({ file: z.string(), line: z.number(), system: z.string().optional() }).loose(),
  /** When the conversation's turns were written (first and last turn time), when they had timestamps. */
  span: z.object({ first: z.string(), last: z.string() }).optional(),
  /** The customer's turns after the last reply, which the example leaves out (see joinedExports.ts). */
  unanswered: z.array(z.string()).optional(),
  /** Which replies (0 = the first) are at weight 0 for want of a customer turn before them (see joinedExports.ts). */
  unprompted: z.array(z.number().int().nonnegative()).optional(),
  /** Which session of a whole chat cut into sessions the example is of (see examples.ts `chatSessions`). */
  session: z.number().int().positive().optional(),
  example: z.object({ messages: z.array(z.record(z.string(), z.unknown())).min(1) }).loose(),
});
export type CuratedRecord = z.infer<typeof curatedRecordSchema>;
