import { Secrecy, type SecrecySubject } from '../common/secrecy.js';
import type { EntityManager } from 'typeorm';
import { Case } from '../cases/case.entity.js';
import type { OutgoingMail } from '../mail/outbox.service.js';
import { Organisation } from '../organisations/organisation.entity.js';
import type { ReferralRound } from './referral-round.entity.js';
import { RECIPIENT_ENTITY } from './round-mail-delivery.js';

/** What every mail to a round recipient says about the round and who sent it. */
export interface RecipientMailHeader {
  recipientName: string;
  senderName: string;
  senderEmail: string | null;
  caseNumber: string;
  roundTitle: string;
}

/**
 * The addressing of a mail to a recipient's organisation (its mailbox now) and what it says about
 * the round; null when the organisation has no mailbox.
 */
export async function recipientMail(
  manager: EntityManager,
  round: ReferralRound,
  recipient: { id: number; organisationId: number },
): Promise<{
  address: Pick<OutgoingMail, 'to' | 'entity' | 'entityId'>;
  header: RecipientMailHeader;
  /** What the rule for secrecy needs to know of the round's case. */
  secrecy: SecrecySubject;
} | null> {
  const organisation = await manager.findOneByOrFail(Organisation, {
    id: recipient.organisationId,
  });
  if (!organisation.email) return null;
  const owner = await manager.findOneByOrFail(Case, { id: round.caseId });
  const sender = await manager.findOneByOrFail(Organisation, { id: owner.organisationId });
  return {
    address: {
      to: { address: organisation.email, name: organisation.name },
      entity: RECIPIENT_ENTITY,
      entityId: recipient.id,
    },
    header: {
      recipientName: organisation.name,
      senderName: sender.name,
      senderEmail: sender.email,
      caseNumber: owner.caseNumber,
      roundTitle: Secrecy.mailRoundTitle(round.title, { caseConfidential: owner.confidential }),
    },
    secrecy: { caseConfidential: owner.confidential },
  };
}
