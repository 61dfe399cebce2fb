export { forget, ErasureConflictError, type ErasureReport, type ErasureFinding, type MarkedModel, type ForgetOptions } from './forget';
export { ForgottenStore, excludeForgotten, forgottenKey } from './exclusions';
export {
  conversationTarget,
  matchTarget,
  targetFromMessage,
  erasureMessageSchema,
  textMatcher,
  describeTarget,
  ErasureRequestError,
  type ErasureTarget,
  type ErasureMessage,
} from './target';
export { ERASURE_REWRITE_METADATA, WRITTEN_AT_METADATA } from './markers';
