import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ORGANISATION_KINDS,
  type OrganisationKind,
} from '../../organisations/organisation-kind.js';
import { RECIPIENT_STATUSES, RECIPIENT_VIEW_STATUSES, ROUND_STATUSES } from '../round-status.js';
import type { RecipientStatus, RecipientViewStatus, RoundStatus } from '../round-status.js';
import { ExtensionDto } from '../../deadlines/dto/deadline.dto.js';
import { ReminderPolicyDto, SectionDto } from './round-input.dto.js';

export class RoundDocumentDto {
  @ApiProperty()
  id: number;

  @ApiProperty({ example: 'KS 2026/0012-1' })
  documentNumber: string;

  @ApiProperty({ nullable: true, type: String, description: 'null when withheld (confidential)' })
  title: string | null;

  @ApiProperty({ nullable: true, type: String })
  fileName: string | null;

  @ApiProperty({ example: 'application/pdf' })
  mimeType: string;

  @ApiProperty()
  size: number;

  @ApiProperty({ description: 'Confidential: linked in the invitation, never attached' })
  confidential: boolean;
}

export class RecipientOrganisationDto {
  @ApiProperty()
  id: number;

  @ApiProperty({ example: 'Servicenämnden' })
  name: string;

  @ApiProperty({ enum: ORGANISATION_KINDS })
  kind: OrganisationKind;

  @ApiProperty({ nullable: true, type: String, description: 'The functional mailbox now' })
  email: string | null;
}

export class RecipientDto {
  @ApiProperty()
  id: number;

  @ApiProperty({ type: RecipientOrganisationDto })
  organisation: RecipientOrganisationDto;

  @ApiProperty({
    enum: RECIPIENT_VIEW_STATUSES,
    description:
      '`queued`: the invitation is committed but the mail server has not accepted it yet; ' +
      '`sent`: it has',
  })
  status: RecipientViewStatus;

  @ApiProperty({ example: '2026-08-20', description: "Own deadline: the round's or an extension" })
  deadline: string;

  @ApiProperty({ description: 'The deadline was extended (anstånd)' })
  extended: boolean;

  @ApiProperty({ description: 'The deadline has passed with neither answer nor decline' })
  overdue: boolean;

  @ApiProperty({ nullable: true, type: String, description: 'Where the latest invitation went' })
  email: string | null;

  @ApiProperty({ description: 'Invitations sent (more than 1 after a resend)' })
  invitations: number;

  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'When the mail server accepted the current invitation; null while queued',
  })
  sentAt: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'As sentAt' })
  deliveredAt: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description:
      'When the consultee first opened the remiss: its link (page, JSON or a document) or, ' +
      'signed in, its memo; null until then. Set once and kept; not a status of its own',
  })
  openedAt: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  answeredAt: string | null;

  @ApiProperty({ description: 'Answered after its own deadline' })
  late: boolean;

  @ApiProperty({
    nullable: true,
    type: String,
    description:
      "Why delivery failed (the mail server's answer); null when withheld (confidential)",
  })
  failureReason: string | null;

  @ApiProperty({ type: [ExtensionDto], description: 'Extensions (anstånd) granted, oldest first' })
  extensions: ExtensionDto[];

  @ApiProperty({
    nullable: true,
    type: Number,
    description: "The consultee's own case for this remiss, registered in its series when sent",
  })
  ownCaseId: number | null;

  @ApiProperty({ nullable: true, type: String, example: 'SFN 2026/0130' })
  ownCaseNumber: string | null;
}

export class RecipientRoundDto {
  @ApiProperty()
  id: number;

  @ApiProperty()
  caseId: number;

  @ApiProperty({ example: 'KS 2026/0012' })
  caseNumber: string;

  @ApiProperty({ nullable: true, type: String, description: 'null when withheld (confidential)' })
  title: string | null;

  @ApiProperty({ enum: ROUND_STATUSES })
  status: RoundStatus;

  @ApiProperty({ example: 'Kommunstyrelsen', description: 'The organisation that sent the remiss' })
  sender: string;
}

/** A recipient in the follow-up list across rounds: who owes what, by when. */
export class RecipientFollowUpDto extends RecipientDto {
  @ApiProperty({ type: RecipientRoundDto })
  round: RecipientRoundDto;
}

export class RecipientPageDto {
  @ApiProperty({ type: [RecipientFollowUpDto] })
  items: RecipientFollowUpDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor: string | null;
}

export class RoundSummaryDto {
  @ApiProperty()
  total: number;

  @ApiProperty()
  answered: number;

  @ApiProperty()
  declined: number;

  @ApiProperty({ description: 'Not yet answered, deadline not passed (including not yet sent)' })
  pending: number;

  @ApiProperty({ description: 'Sent, deadline passed, neither answered nor declined' })
  overdue: number;

  @ApiProperty({ description: 'The invitation could not be delivered' })
  failed: number;
}

class RoundHeadDto {
  @ApiProperty()
  id: number;

  @ApiProperty()
  caseId: number;

  @ApiProperty({ example: 'KS 2026/0012' })
  caseNumber: string;

  @ApiProperty({ nullable: true, type: String, description: 'null when withheld (confidential)' })
  title: string | null;

  @ApiProperty({ example: '2026-08-20' })
  deadline: string;

  @ApiProperty({ enum: ROUND_STATUSES })
  status: RoundStatus;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  sentAt: string | null;

  @ApiProperty({ type: RoundSummaryDto })
  summary: RoundSummaryDto;

  @ApiProperty({ description: 'Title, message and document names are withheld from this user' })
  redacted: boolean;
}

export class RoundListItemDto extends RoundHeadDto {}

export class RoundDto extends RoundHeadDto {
  @ApiProperty({ nullable: true, type: String })
  message: string | null;

  @ApiProperty({ nullable: true, type: Number, description: 'The § that decided the remiss' })
  decisionItemId: number | null;

  @ApiProperty({ type: [SectionDto] })
  sections: SectionDto[];

  @ApiProperty({ type: ReminderPolicyDto, description: 'The policy in force' })
  reminders: ReminderPolicyDto;

  @ApiProperty({ description: 'The round sets its own reminder policy' })
  customReminders: boolean;

  @ApiProperty({ type: [RoundDocumentDto] })
  documents: RoundDocumentDto[];

  @ApiProperty({ type: [RecipientDto] })
  recipients: RecipientDto[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  closedAt: string | null;

  @ApiProperty({ nullable: true, type: String })
  closedReason: string | null;

  @ApiProperty()
  version: number;
}

export class RoundPageDto {
  @ApiProperty({ type: [RoundListItemDto] })
  items: RoundListItemDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor: string | null;
}

export class SendWarningDto {
  @ApiProperty({ example: 'deadline_not_working_day' })
  code: string;

  @ApiProperty({ example: 'The deadline 2026-12-24 falls on julafton, not a working day' })
  message: string;
}

export class SendResultDto {
  @ApiProperty({ type: RoundDto })
  round: RoundDto;

  @ApiProperty({ description: 'Invitations queued by this call (0 when all were sent before)' })
  queued: number;

  @ApiProperty({ type: [SendWarningDto] })
  warnings: SendWarningDto[];
}

export class RespondDocumentDto {
  @ApiProperty()
  id: number;

  @ApiProperty({ example: 'KS 2026/0012-1' })
  documentNumber: string;

  @ApiProperty()
  title: string;

  @ApiProperty()
  fileName: string;

  @ApiProperty()
  mimeType: string;

  @ApiProperty()
  size: number;
}

/** What a secure-link holder sees: their own invitation, nothing about other recipients. */
export class RespondViewDto {
  @ApiProperty({ example: 'Remiss: Strategi för etnisk och kulturell inkludering' })
  roundTitle: string;

  @ApiProperty({ example: 'KS 2026/0012' })
  caseNumber: string;

  @ApiProperty({ example: 'Kommunstyrelsen' })
  sender: string;

  @ApiPropertyOptional({ nullable: true, type: String })
  senderEmail: string | null;

  @ApiProperty({ example: 'Servicenämnden' })
  recipient: string;

  @ApiProperty({ nullable: true, type: String })
  message: string | null;

  @ApiProperty({ example: '2026-08-20' })
  deadline: string;

  @ApiProperty()
  extended: boolean;

  @ApiProperty({ enum: RECIPIENT_STATUSES })
  status: RecipientStatus;

  @ApiProperty({ type: [SectionDto] })
  sections: SectionDto[];

  @ApiProperty({ type: [RespondDocumentDto] })
  documents: RespondDocumentDto[];
}
