import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsText } from '../../common/text.js';
import { IsCalendarDay } from '../../common/calendar-day.js';
import { PageQueryDto } from '../../common/pagination.js';
import {
  ORGANISATION_KINDS,
  type OrganisationKind,
} from '../../organisations/organisation-kind.js';
import {
  RECIPIENT_STATUSES,
  ROUND_STATUSES,
  type RecipientStatus,
  type RoundStatus,
} from '../round-status.js';

const KINDS_MESSAGE = `each value in recipientKinds must be one of ${ORGANISATION_KINDS.join(', ')}`;

export class SectionDto {
  @ApiProperty({ example: '4.3 a', description: 'The point as numbered in the draft' })
  @IsString()
  @Matches(/^[0-9A-Za-zÅÄÖåäö][0-9A-Za-zÅÄÖåäö .:()-]{0,19}$/, {
    message: 'ref must be 1–20 letters, digits, spaces or . : ( ) -, such as 4.3 a',
  })
  ref: string;

  @ApiProperty({ example: 'Kompetensutveckling för chefer' })
  @IsText({ max: 300, line: true })
  title: string;
}

// påminnelser
export class ReminderPolicyDto {
  @ApiProperty({ example: [7, 1], description: 'Days before the deadline; [] for none' })
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(365, { each: true })
  daysBefore: number[];

  @ApiProperty({
    example: [1],
    description: 'Days after the deadline (overdue notices); [] for none',
  })
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(365, { each: true })
  overdueDaysAfter: number[];

  @ApiPropertyOptional({ example: 8, default: 8, description: 'Hour of day, Stockholm time' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(23)
  hour?: number;
}

export class CreateRoundDto {
  @ApiProperty({
    example: 'Förslag till strategi för etnisk och kulturell inkludering',
    description:
      'What is sent on remiss; mails and the consultees\' cases add "Remiss:" themselves',
  })
  @IsText({ max: 500, line: true })
  title: string;

  @ApiProperty({ example: '2026-08-20', description: 'Last day for answers (YYYY-MM-DD)' })
  @IsCalendarDay()
  deadline: string;

  @ApiProperty({
    type: [Number],
    example: [12],
    description: 'Documents of the same case: the draft and its attachments, in this order',
  })
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  documentIds: number[];

  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    description:
      'The paragraph (meeting item) of this case that decided the remiss; its adjusted extract is sent along',
  })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsInt()
  @Min(1)
  decisionItemId?: number | null;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'The cover message (missiv), Swedish plain text',
  })
  @IsText({ max: 20_000, nullable: true })
  message?: string | null;

  @ApiPropertyOptional({ type: [SectionDto], description: 'Points of the draft answers may cite' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => SectionDto)
  sections?: SectionDto[];

  @ApiPropertyOptional({
    type: ReminderPolicyDto,
    nullable: true,
    description: 'Own reminder policy; omitted or null = 7 and 1 days before, 1 day after, 08:00',
  })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @ValidateNested()
  @Type(() => ReminderPolicyDto)
  reminders?: ReminderPolicyDto | null;

  @ApiPropertyOptional({ type: [Number], example: [4, 5], description: 'Organisations to consult' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5_000)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  recipientOrganisationIds?: number[];

  @ApiPropertyOptional({
    enum: ORGANISATION_KINDS,
    isArray: true,
    example: ['committee', 'company'],
    description: 'Every active organisation of these kinds, except the case owner',
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(ORGANISATION_KINDS, { each: true, message: KINDS_MESSAGE })
  recipientKinds?: OrganisationKind[];
}

/** Changes a draft round; every field optional. */
export class UpdateRoundDto extends PartialType(
  OmitType(CreateRoundDto, ['recipientOrganisationIds', 'recipientKinds'] as const),
  // null is not "left out": it is checked (and refused where the field cannot be cleared).
  { skipNullProperties: false },
) {}

export class AddRecipientsDto {
  @ApiPropertyOptional({ type: [Number], example: [9] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5_000)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  organisationIds?: number[];

  @ApiPropertyOptional({ enum: ORGANISATION_KINDS, isArray: true, example: ['federation'] })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(ORGANISATION_KINDS, {
    each: true,
    message: `each value in kinds must be one of ${ORGANISATION_KINDS.join(', ')}`,
  })
  kinds?: OrganisationKind[];
}

export class CloseRoundDto {
  @ApiProperty({ example: 'Remisstiden har gått ut; svaren är sammanställda.' })
  @IsText({ max: 2_000 })
  reason: string;
}

export class RoundQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ROUND_STATUSES })
  @IsOptional()
  @IsIn(ROUND_STATUSES, { message: `status must be one of ${ROUND_STATUSES.join(', ')}` })
  status?: RoundStatus;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Deadline on or before this day' })
  @IsOptional()
  @IsCalendarDay()
  dueBefore?: string;

  @ApiPropertyOptional({ example: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  caseId?: number;
}

export class RecipientQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only recipients whose deadline has passed unanswered' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean({ message: 'overdue must be true or false' })
  overdue?: boolean;

  @ApiPropertyOptional({ enum: RECIPIENT_STATUSES })
  @IsOptional()
  @IsIn(RECIPIENT_STATUSES, { message: `status must be one of ${RECIPIENT_STATUSES.join(', ')}` })
  status?: RecipientStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  organisationId?: number;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Own deadline on or before this day' })
  @IsOptional()
  @IsCalendarDay()
  dueBefore?: string;
}
