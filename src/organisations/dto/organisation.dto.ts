import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
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
import { ORGANISATION_KINDS, type OrganisationKind } from '../organisation-kind.js';
import type { Organisation } from '../organisation.entity.js';
import { PARAGRAPH_NUMBERINGS, type ParagraphNumbering } from '../paragraph-numbering.js';

const SERIES_CODE = /^[A-ZÅÄÖ]{1,10}$/;
const SERIES_CODE_MESSAGE = 'seriesCode must be 1–10 capital letters, such as KS or SFN';

export class CreateOrganisationDto {
  @ApiProperty({ example: 'Servicenämnden' })
  @IsText({ max: 200, line: true })
  name: string;

  @ApiProperty({ enum: ORGANISATION_KINDS, example: 'committee' })
  @IsIn(ORGANISATION_KINDS, { message: `kind must be one of ${ORGANISATION_KINDS.join(', ')}` })
  kind: OrganisationKind;

  @ApiPropertyOptional({ example: 'SFN', nullable: true, description: 'Case-number series' })
  @IsOptional()
  @Matches(SERIES_CODE, { message: SERIES_CODE_MESSAGE })
  seriesCode?: string | null;

  @ApiPropertyOptional({ example: 'servicenamnden@exempel.se', nullable: true })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ example: 1, nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  parentId?: number | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({
    enum: PARAGRAPH_NUMBERINGS,
    default: 'yearly',
    description: 'Paragraph (§) numbers start at 1 each calendar year, or never reset',
  })
  @IsOptional()
  @IsIn(PARAGRAPH_NUMBERINGS, {
    message: `paragraphNumbering must be one of ${PARAGRAPH_NUMBERINGS.join(', ')}`,
  })
  paragraphNumbering?: ParagraphNumbering;
}

/** Every field optional; `null` clears seriesCode, email and parentId. */
export class UpdateOrganisationDto {
  @ApiPropertyOptional({ example: 'Servicenämnden' })
  @IsText({ max: 200, line: true, optional: true })
  name?: string;

  @ApiPropertyOptional({ enum: ORGANISATION_KINDS })
  @IsOptional()
  @IsIn(ORGANISATION_KINDS, { message: `kind must be one of ${ORGANISATION_KINDS.join(', ')}` })
  kind?: OrganisationKind;

  @ApiPropertyOptional({ nullable: true, type: String })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @Matches(SERIES_CODE, { message: SERIES_CODE_MESSAGE })
  seriesCode?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ nullable: true, type: Number })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsInt()
  @Min(1)
  parentId?: number | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({
    enum: PARAGRAPH_NUMBERINGS,
    default: 'yearly',
    description: 'Paragraph (§) numbers start at 1 each calendar year, or never reset',
  })
  @IsOptional()
  @IsIn(PARAGRAPH_NUMBERINGS, {
    message: `paragraphNumbering must be one of ${PARAGRAPH_NUMBERINGS.join(', ')}`,
  })
  paragraphNumbering?: ParagraphNumbering;
}

export class OrganisationPageQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: ORGANISATION_KINDS,
    description: 'One kind or several separated by commas, e.g. committee,company',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',').map((part) => part.trim()) : value,
  )
  @IsIn(ORGANISATION_KINDS, {
    each: true,
    message: `kind must be one of ${ORGANISATION_KINDS.join(', ')}`,
  })
  kind?: OrganisationKind[];

  @ApiPropertyOptional({ description: 'true or false; both when absent' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean({ message: 'active must be true or false' })
  active?: boolean;

  @ApiPropertyOptional({ description: 'Part of the name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class OrganisationDto {
  @ApiProperty({ example: 4 })
  id: number;

  @ApiProperty({ example: 'Servicenämnden' })
  name: string;

  @ApiProperty({ enum: ORGANISATION_KINDS })
  kind: OrganisationKind;

  @ApiProperty({ nullable: true, type: String, example: 'SFN' })
  seriesCode: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'servicenamnden@exempel.se' })
  email: string | null;

  @ApiProperty({ nullable: true, type: Number })
  parentId: number | null;

  @ApiProperty()
  active: boolean;

  @ApiProperty({ enum: PARAGRAPH_NUMBERINGS })
  paragraphNumbering: ParagraphNumbering;

  @ApiProperty({ example: 1, description: 'Increases with every change' })
  version: number;

  @ApiProperty({ example: '2026-11-22T08:00:00.000Z' })
  createdAt: string;

  @ApiProperty({ example: '2026-11-22T08:00:00.000Z' })
  updatedAt: string;

  static from(organisation: Organisation): OrganisationDto {
    return {
      id: organisation.id,
      name: organisation.name,
      kind: organisation.kind,
      seriesCode: organisation.seriesCode,
      email: organisation.email,
      parentId: organisation.parentId,
      active: organisation.active,
      paragraphNumbering: organisation.paragraphNumbering,
      version: organisation.version,
      createdAt: organisation.createdAt.toISOString(),
      updatedAt: organisation.updatedAt.toISOString(),
    };
  }
}

export class OrganisationPageDto {
  @ApiProperty({ type: [OrganisationDto] })
  items: OrganisationDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor: string | null;
}
