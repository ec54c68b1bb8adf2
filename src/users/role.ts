export const ROLES = ['admin', 'registrar', 'clerk', 'respondent', 'reader'] as const;
export type Role = (typeof ROLES)[number];
