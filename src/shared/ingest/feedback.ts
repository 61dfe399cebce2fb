import type { Conversation } from './types';

/**
 * Joins a rating to its conversation: feedback arriving later (or earlier) than the chat wins
 * over a csat the chat export carried, because it is what the customer said afterwards.
 * Returns a new conversation; the input is not changed.
 */
export function applyFeedback(conversation: Conversation, rating: number): Conversation {
  if (!Number.isFinite(rating) || rating < 1 || rating > 5) {
    throw new RangeError(`rating for conversation ${conversation.conversationId} must be 1–5, got ${rating}`);
  }
  return { ...conversation, csat: rating };
}
