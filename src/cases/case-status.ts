import { HttpStatus } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';

export const CASE_STATUSES = ['open', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

// avslutat ärende can be reopened (återupptaget); both moves are audited with a reason
const TRANSITIONS: Record<CaseStatus, readonly CaseStatus[]> = {
  open: ['closed'],
  closed: ['open'],
};

export function assertCaseTransition(from: CaseStatus, to: CaseStatus): void {
  if (!TRANSITIONS[from].includes(to)) {
    throw new DomainError(
      HttpStatus.CONFLICT,
      'invalid_transition',
      `A case that is ${from} cannot become ${to}`,
    );
  }
}
