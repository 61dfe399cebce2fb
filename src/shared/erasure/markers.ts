/** Metadata on a raw-logs blob rewritten by an erasure: its remaining records were already preprocessed. */
export const ERASURE_REWRITE_METADATA = 'tunelooperasure';
/** Metadata on a rewritten curated shard: when it was first written, so "newest shard wins" keeps its order. */
export const WRITTEN_AT_METADATA = 'tuneloopwrittenat';
