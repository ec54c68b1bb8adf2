/** yearly: § numbers start at 1 each calendar year (the usual way); continuous: never reset. */
export const PARAGRAPH_NUMBERINGS = ['yearly', 'continuous'] as const;
export type ParagraphNumbering = (typeof PARAGRAPH_NUMBERINGS)[number];
