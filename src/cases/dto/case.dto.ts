import type { Actor } from '../../common/actor.js';
import { Secrecy } from '../../common/secrecy.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { IsText } from '../../common/text.js';
import { PageQueryDto } from '../../common/pagination.js';
import { CASE_STATUSES, type CaseStatus } from '../case-status.js';
import type { Case } from '../case.entity.js';

const CLASSIFICATION = /^[0-9A-Za-z.-]{1,32}$/;
const CLASSIFICATION_MESSAGE =
  'classification must be a code such as 1.4.2 (letters, digits, . and -)';

export class CreateCaseDto {
  @ApiProperty({ example: 'Strategi för etnisk och kulturell inkludering' })
  @IsText({ max: 500, line: true })
  title: string;

  @ApiPropertyOptional({
    example: 'Förslag till strategi som skickas på remiss till nämnder och bolag.',
  })
  @IsText({ max: 20_000, nullable: true })
  description?: string | null;

  @ApiProperty({
    example: 2,
    description: 'Owning organisation; its seriesCode picks the number series',
  })
  @IsInt()
  @Min(1)
  organisationId: number;

  @ApiPropertyOptional({ example: 3, description: 'Case officer (handläggare), a user id' })
  @IsOptional()
  @IsInt()
  @Min(1)
  officerId?: number;

  @ApiPropertyOptional({ example: '1.4.2', description: 'Classification code (klassificering)' })
  @IsOptional()
  @Matches(CLASSIFICATION, { message: CLASSIFICATION_MESSAGE })
  classification?: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  confidential?: boolean;
}

/** Every field optional; `null` clears description, officerId and classification. */
export class UpdateCaseDto {
  @ApiPropertyOptional()
  @IsText({ max: 500, line: true, optional: true })
  title?: string;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsText({ max: 20_000, nullable: true })
  description?: string | null;

  @ApiPropertyOptional({ nullable: true, type: Number })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsInt()
  @Min(1)
  officerId?: number | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @Matches(CLASSIFICATION, { message: CLASSIFICATION_MESSAGE })
  classification?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  confidential?: boolean;
}

export class CaseStatusChangeDto {
  @ApiProperty({ example: 'Beslut fattat i KS § 42; inget mer att handlägga.' })
  @IsText({ max: 2_000 })
  reason: string;
}

export class CaseQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Words in title or description, or (part of) a case number' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: CASE_STATUSES })
  @IsOptional()
  @IsIn(CASE_STATUSES, { message: `status must be one of ${CASE_STATUSES.join(', ')}` })
  status?: CaseStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  organisationId?: number;
}

/** What {@link CaseDto.from} reads of a case. */
type CaseFields = Pick<
  Case,
  | 'id'
  | 'caseNumber'
  | 'title'
  | 'description'
  | 'organisationId'
  | 'officerId'
  | 'classification'
  | 'confidential'
  | 'status'
  | 'closedReason'
  | 'closedAt'
  | 'documentCount'
  | 'version'
  | 'createdAt'
  | 'updatedAt'
>;

/** The columns a case's DTO needs, for lean list queries over `case_record c`. */
export const CASE_ROW_COLUMNS =
  'c.id, c.case_number, c.title, c.description, c.organisation_id, c.officer_id, ' +
  'c.classification, c.confidential, c.status, c.closed_reason, c.closed_at, ' +
  'c.document_count, c.version, c.created_at, c.updated_at';

/** One row of {@link CASE_ROW_COLUMNS} as mysql2 returns it. */
export interface CaseRow {
  id: number;
  case_number: string;
  title: string;
  description: string | null;
  organisation_id: number;
  officer_id: number | null;
  classification: string | null;
  confidential: number;
  status: CaseStatus;
  closed_reason: string | null;
  closed_at: Date | null;
  document_count: number;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export class CaseDto {
  @ApiProperty({ example: 12 })
  id: number;

  @ApiProperty({ example: 'KS 2026/0001' })
  caseNumber: string;

  @ApiProperty({ nullable: true, type: String, description: 'null when redacted' })
  title: string | null;

  @ApiProperty({ nullable: true, type: String })
  description: string | null;

  @ApiProperty({ example: 2 })
  organisationId: number;

  @ApiProperty({ nullable: true, type: Number })
  officerId: number | null;

  @ApiProperty({ nullable: true, type: String, example: '1.4.2' })
  classification: string | null;

  @ApiProperty({ type: Boolean })
  confidential: boolean;

  @ApiProperty({
    type: Boolean,
    description: 'true when confidential details are withheld from this user',
  })
  redacted: boolean;

  @ApiProperty({ enum: CASE_STATUSES })
  status: CaseStatus;

  @ApiProperty({ nullable: true, type: String })
  closedReason: string | null;

  @ApiProperty({ nullable: true, type: String })
  closedAt: string | null;

  @ApiProperty({ example: 3 })
  documentCount: number;

  @ApiProperty({ example: 1 })
  version: number;

  @ApiProperty({ example: '2026-11-22T08:00:00.000Z', description: 'When the case was registered' })
  createdAt: string;

  @ApiProperty({ example: '2026-11-22T08:00:00.000Z' })
  updatedAt: string;

  /** A row of {@link CASE_ROW_COLUMNS}, as a user sees it (see {@link CaseDto.from}). */
  static fromRow(row: CaseRow, actor: Actor): CaseDto {
    return CaseDto.from(
      {
        id: Number(row.id),
        caseNumber: row.case_number,
        title: row.title,
        description: row.description,
        organisationId: Number(row.organisation_id),
        officerId: row.officer_id === null ? null : Number(row.officer_id),
        classification: row.classification,
        confidential: Number(row.confidential) === 1,
        status: row.status,
        closedReason: row.closed_reason,
        closedAt: row.closed_at,
        documentCount: Number(row.document_count),
        version: Number(row.version),
        createdAt: row.created_at,
        updatedAt: row.updated_at,
      },
      actor,
    );
  }

  /** The case as a user sees it: confidential details only for those allowed to read them. */
  static from(entity: CaseFields, actor?: Actor): CaseDto {
    const redacted =
      actor !== undefined && !Secrecy.maySee(actor, { caseConfidential: entity.confidential });
    return {
      id: entity.id,
      caseNumber: entity.caseNumber,
      title: redacted ? null : entity.title,
      description: redacted ? null : entity.description,
      organisationId: entity.organisationId,
      officerId: entity.officerId,
      classification: redacted ? null : entity.classification,
      confidential: entity.confidential,
      redacted,
      status: entity.status,
      closedReason: redacted ? null : entity.closedReason,
      closedAt: entity.closedAt?.toISOString() ?? null,
      documentCount: entity.documentCount,
      version: entity.version,
      createdAt: entity.createdAt.toISOString(),
      updatedAt: entity.updatedAt.toISOString(),
    };
  }
}

/** A case on the other side of a remiss: the sender's, or a consultee's own. */
export class RelatedCaseDto {
  @ApiProperty({
    enum: ['remiss_received_from', 'remiss_sent_to'],
    description:
      "remiss_received_from: this case is the consultee's and the other sent the remiss; remiss_sent_to: this case sent it to the other",
  })
  relation: 'remiss_received_from' | 'remiss_sent_to';

  @ApiProperty({ example: 12 })
  caseId: number;

  @ApiProperty({ example: 'SFN 2026/0130' })
  caseNumber: string;

  @ApiProperty({ example: 'Servicenämnden' })
  organisation: string;

  @ApiProperty({ example: 3, description: 'The referral round that links them' })
  roundId: number;
}

export class CaseDetailDto extends CaseDto {
  @ApiProperty({ type: [RelatedCaseDto] })
  relatedCases: RelatedCaseDto[];
}

export class CasePageDto {
  @ApiProperty({ type: [CaseDto] })
  items: CaseDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor: string | null;
}
