import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsText } from '../../common/text.js';
import { IsCalendarDay } from '../../common/calendar-day.js';
import { PageQueryDto } from '../../common/pagination.js';
import { DOCUMENT_DIRECTIONS, type DocumentDirection } from '../document-direction.js';
import type { Document } from '../document.entity.js';

const DIRECTION_MESSAGE = `direction must be one of ${DOCUMENT_DIRECTIONS.join(', ')}`;

/** The form fields sent with the file (multipart/form-data). */
export class RegisterDocumentDto {
  @ApiProperty({ example: 'Förslag till strategi för etnisk och kulturell inkludering' })
  @IsText({ max: 500, line: true })
  title: string;

  @ApiProperty({ enum: DOCUMENT_DIRECTIONS, description: 'inkommen, utgående or upprättad' })
  @IsIn(DOCUMENT_DIRECTIONS, { message: DIRECTION_MESSAGE })
  direction: DocumentDirection;

  @ApiPropertyOptional({ example: 'Servicenämnden', description: 'Sender or recipient' })
  @IsText({ max: 300, line: true, nullable: true })
  counterpart?: string;

  @ApiPropertyOptional({
    example: '2026-11-20',
    description: "The document's own date; default today",
  })
  @IsOptional()
  @IsCalendarDay()
  date?: string;

  @ApiPropertyOptional({ example: 'OSL 21 kap. 7 §', description: 'Confidentiality marking' })
  @IsText({ max: 200, line: true, nullable: true })
  confidentiality?: string;
}

export class RegisterDocumentFormDto extends RegisterDocumentDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'The file, at most UPLOAD_MAX_MB' })
  file: unknown;
}

export class DocumentQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '2026-11-01', description: 'First registration day (Stockholm)' })
  @IsOptional()
  @IsCalendarDay()
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-30', description: 'Last registration day (Stockholm)' })
  @IsOptional()
  @IsCalendarDay()
  to?: string;

  @ApiPropertyOptional({ enum: DOCUMENT_DIRECTIONS })
  @IsOptional()
  @IsIn(DOCUMENT_DIRECTIONS, { message: DIRECTION_MESSAGE })
  direction?: DocumentDirection;
}

export class DocumentDto {
  @ApiProperty({ example: 31 })
  id: number;

  @ApiProperty({ example: 12 })
  caseId: number;

  @ApiProperty({ example: 'KS 2026/0001' })
  caseNumber: string;

  @ApiProperty({ example: 'KS 2026/0001-3' })
  documentNumber: string;

  @ApiProperty({ example: 3 })
  number: number;

  @ApiProperty({ enum: DOCUMENT_DIRECTIONS })
  direction: DocumentDirection;

  @ApiProperty({ nullable: true, type: String, description: 'null when redacted' })
  title: string | null;

  @ApiProperty({ nullable: true, type: String })
  counterpart: string | null;

  @ApiProperty({ example: '2026-11-20' })
  date: string;

  @ApiProperty({ example: '2026-11-22T08:00:00.000Z' })
  registeredAt: string;

  @ApiProperty({ nullable: true, type: String, example: 'Förslag till strategi.pdf' })
  fileName: string | null;

  @ApiProperty({ example: 'application/pdf' })
  mimeType: string;

  @ApiProperty({ example: 183211 })
  size: number;

  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' })
  sha256: string;

  @ApiProperty({ nullable: true, type: String, example: 'OSL 21 kap. 7 §' })
  confidentiality: string | null;

  @ApiProperty({ description: 'true when title, counterpart and file are withheld from this user' })
  redacted: boolean;

  static from(document: Document, caseNumber: string, redacted: boolean): DocumentDto {
    return {
      id: document.id,
      caseId: document.caseId,
      caseNumber,
      documentNumber: document.documentNumber,
      number: document.number,
      direction: document.direction,
      title: redacted ? null : document.title,
      counterpart: redacted ? null : document.counterpart,
      date: document.date,
      registeredAt: document.registeredAt.toISOString(),
      fileName: redacted ? null : document.fileName,
      mimeType: document.mimeType,
      size: document.size,
      sha256: document.sha256,
      confidentiality: document.confidentiality,
      redacted,
    };
  }
}

export class DocumentListDto {
  @ApiProperty({ type: [DocumentDto] })
  items: DocumentDto[];
}

export class DocumentPageDto extends DocumentListDto {
  @ApiProperty({ nullable: true, type: String })
  nextCursor: string | null;
}
