import { HttpStatus } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';

export const ROUND_STATUSES = ['draft', 'sent', 'closed'] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];

// A draft is prepared and may be dropped (closed) unsent; sending is repeated for late additions.
const ROUND_TRANSITIONS: Record<RoundStatus, readonly RoundStatus[]> = {
  draft: ['sent', 'closed'],
  sent: ['sent', 'closed'],
  closed: [],
};

export function assertRoundTransition(from: RoundStatus, to: RoundStatus): void {
  if (!ROUND_TRANSITIONS[from].includes(to)) {
    throw new DomainError(
      HttpStatus.CONFLICT,
      'invalid_transition',
      `A round that is ${from} cannot become ${to}`,
    );
  }
}

export const RECIPIENT_STATUSES = ['pending', 'sent', 'answered', 'declined', 'failed'] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

/** As the API shows a recipient: `sent` splits into `queued` until the mail server accepts it. */
export const RECIPIENT_VIEW_STATUSES = [...RECIPIENT_STATUSES, 'queued'] as const;
export type RecipientViewStatus = (typeof RECIPIENT_VIEW_STATUSES)[number];

// pending: not yet sent to; failed: the invitation could not be delivered (resend retries it)
const RECIPIENT_TRANSITIONS: Record<RecipientStatus, readonly RecipientStatus[]> = {
  pending: ['sent'],
  sent: ['sent', 'answered', 'declined', 'failed'],
  failed: ['sent', 'answered', 'declined'],
  answered: ['answered', 'declined'],
  declined: ['answered', 'declined'],
};

export function assertRecipientTransition(from: RecipientStatus, to: RecipientStatus): void {
  if (!RECIPIENT_TRANSITIONS[from].includes(to)) {
    throw new DomainError(
      HttpStatus.CONFLICT,
      'invalid_transition',
      `A recipient that is ${from} cannot become ${to}`,
    );
  }
}
