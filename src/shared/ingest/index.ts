export { parseInput, type ParseOptions } from './parse';
export { applyFeedback } from './feedback';
export { IngestError, type IngestErrorCode } from './errors';
export { normalizeText, stripHtml, decodeEntities } from './text';
export { createRoleMapper, type RoleMapper } from './roles';
export * from './types';
