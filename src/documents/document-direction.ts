/** inkommen, utgående, upprättad */
export const DOCUMENT_DIRECTIONS = ['incoming', 'outgoing', 'internal'] as const;
export type DocumentDirection = (typeof DOCUMENT_DIRECTIONS)[number];
