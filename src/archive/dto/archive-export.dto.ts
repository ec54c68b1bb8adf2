import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  Matches,
  Min,
} from 'class-validator';
import { IsCalendarDay } from '../../common/calendar-day.js';
import {
  EXPORT_STATUSES,
  type ArchiveExport,
  type ExportStatus,
} from '../archive-export.entity.js';

/**
 * The most cases one export may hold: a delivery is split into series or years beyond this. The
 * worker validates erms.xml in memory at about ten times its size (some 8.6 kB per case), so this
 * bounds a build at about 1 GB of worker memory.
 */
export const MAX_EXPORT_CASES = 10_000;

/** Which closed cases to deliver: every given criterion must hold; at least one is required. */
export class CreateArchiveExportDto {
  @ApiPropertyOptional({ type: [Number], description: 'These cases, which must all be closed' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_EXPORT_CASES)
  @IsInt({ each: true })
  @Min(1, { each: true })
  caseIds?: number[];

  @ApiPropertyOptional({ example: 'KS', description: 'The closed cases of this series' })
  @IsOptional()
  @Matches(/^[A-ZÅÄÖ]{1,10}$/, {
    message: 'series must be 1–10 capital letters, such as KS or SFN',
  })
  series?: string;

  @ApiPropertyOptional({ example: '2026-01-01', description: 'Closed on or after this day (UTC)' })
  @IsOptional()
  @IsCalendarDay()
  closedFrom?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Closed on or before this day (UTC)' })
  @IsOptional()
  @IsCalendarDay()
  closedTo?: string;
}

export class ArchiveExportSelectionDto {
  @ApiPropertyOptional({ type: [Number] })
  caseIds?: number[];

  @ApiPropertyOptional()
  series?: string;

  @ApiPropertyOptional()
  closedFrom?: string;

  @ApiPropertyOptional()
  closedTo?: string;
}

export class ArchiveExportDto {
  @ApiProperty()
  id: number;

  @ApiProperty({ enum: EXPORT_STATUSES })
  status: ExportStatus;

  @ApiProperty({ format: 'uuid', description: 'The package id: the root folder of the package' })
  packageId: string;

  @ApiProperty({ type: ArchiveExportSelectionDto })
  selection: ArchiveExportSelectionDto;

  @ApiProperty({ description: 'Cases in the package' })
  caseCount: number;

  @ApiProperty({ description: 'Documents (files) in the package' })
  documentCount: number;

  @ApiProperty({ description: 'A confidential case is included: only admins may download' })
  confidential: boolean;

  @ApiProperty({ nullable: true, type: Number, description: 'Bytes, once ready' })
  size: number | null;

  @ApiProperty({ nullable: true, type: String, description: 'SHA-256 of the package, once ready' })
  sha256: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'Why it failed' })
  error: string | null;

  @ApiProperty({ nullable: true, type: Number })
  requestedBy: number | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  startedAt: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  finishedAt: string | null;

  static from(row: ArchiveExport): ArchiveExportDto {
    return {
      id: row.id,
      status: row.status,
      packageId: row.packageId,
      selection: row.selection,
      caseCount: row.caseCount,
      documentCount: row.documentCount,
      confidential: row.confidential,
      size: row.size,
      sha256: row.sha256,
      error: row.error,
      requestedBy: row.requestedBy,
      createdAt: row.createdAt.toISOString(),
      startedAt: row.startedAt?.toISOString() ?? null,
      finishedAt: row.finishedAt?.toISOString() ?? null,
    };
  }
}

export class ArchiveExportListDto {
  @ApiProperty({ type: [ArchiveExportDto] })
  items: ArchiveExportDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor: string | null;
}
