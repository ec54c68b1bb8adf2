import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { plainToInstance, Transform, Type, type ClassConstructor } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDay } from '../../common/calendar-day.js';
import { IsText } from '../../common/text.js';
import { assertPlainBody } from '../../common/validation.js';
import { POSITIONS, RECEIVED_VIA, type Position, type ReceivedVia } from '../response.entity.js';

/**
 * In multipart requests structured fields arrive as JSON strings: parse them, then make class
 * instances of what they hold so they are validated like a JSON body. Anything else stays as it is.
 */
function fromJson(type: ClassConstructor<object>) {
  return ({ value, key }: { value: unknown; key: string }): unknown => {
    let parsed = value;
    if (typeof value === 'string') {
      try {
        parsed = JSON.parse(value) as unknown;
      } catch {
        return value;
      }
      // A form field's JSON did not pass the body's shape check: check it before it is walked.
      assertPlainBody(parsed, key);
    }
    return parsed !== null && typeof parsed === 'object' ? plainToInstance(type, parsed) : parsed;
  };
}

export class CommentDto {
  @ApiProperty({ example: '4.3 a', description: 'One of the round’s sections' })
  @IsText({ max: 20, line: true })
  sectionRef: string;

  @ApiProperty({ example: 'Serviceförvaltningen kan inte vara huvudansvarig för punkten.' })
  @IsText({ max: 20_000 })
  text: string;
}

// the deciding body's own reference: organ, date, paragraph (§) and case number (dnr)
export class DecisionDto {
  @ApiPropertyOptional({ example: 'Servicenämnden' })
  @IsText({ max: 200, line: true, nullable: true })
  organ?: string;

  @ApiPropertyOptional({ example: '2021-09-08' })
  @IsOptional()
  @IsCalendarDay()
  date?: string;

  @ApiPropertyOptional({
    example: '87',
    description: '"§ 87", "87 §", "§87" and "87" are the same paragraph, stored as "87"',
  })
  @IsOptional()
  @Matches(/^(?=.*[0-9A-Za-zÅÄÖåäö])[0-9A-Za-zÅÄÖåäö§ .:/-]{1,20}$/, {
    message: 'paragraph must be a paragraph number such as 87, § 87 or 87 a',
  })
  paragraph?: string;

  @ApiPropertyOptional({
    example: 'SFN 2021/0130',
    description: 'In a series the directory keeps, "SFN 2021/130" is stored as "SFN 2021/0130"',
  })
  @IsOptional()
  @Matches(/^[0-9A-Za-zÅÄÖåäö .:/-]{1,32}$/, {
    message: 'caseNumber must be a case number such as SFN 2021/0130',
  })
  caseNumber?: string;
}

/** An answer: what the consultee says. Sent as JSON, or multipart with `files`. */
export class AnswerDto {
  @ApiProperty({ enum: POSITIONS, example: 'approve_with_comments' })
  @IsIn(POSITIONS, { message: `position must be one of ${POSITIONS.join(', ')}` })
  position: Position;

  @ApiPropertyOptional({ example: 'Nämnden ställer sig bakom strategin med synpunkter på 4.3 a.' })
  @IsText({ max: 20_000, nullable: true })
  summary?: string;

  @ApiPropertyOptional({ type: [CommentDto], description: 'In multipart: a JSON string' })
  @IsOptional()
  @Transform(fromJson(CommentDto))
  @IsArray({ message: 'comments must be a list (a JSON array in a form field)' })
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  comments?: CommentDto[];

  @ApiPropertyOptional({ type: DecisionDto, description: 'In multipart: a JSON string' })
  @IsOptional()
  @Transform(fromJson(DecisionDto))
  @IsObject({ message: 'decision must be an object (a JSON object in a form field)' })
  @ValidateNested()
  decision?: DecisionDto;
}

export class SubmitResponseDto extends AnswerDto {
  @ApiProperty({ example: 4, description: 'The organisation answering; one of the user’s' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  organisationId: number;

  @ApiPropertyOptional({
    enum: ['email', 'paper'],
    description: 'Registrars: an answer that came by mail or on paper (with the file)',
  })
  @IsOptional()
  @IsIn(['email', 'paper'], { message: 'receivedVia must be email or paper' })
  receivedVia?: Extract<ReceivedVia, 'email' | 'paper'>;
}

export class ResponseFileDto {
  @ApiProperty()
  documentId: number;

  @ApiProperty({ example: 'KS 2026/0012-7' })
  documentNumber: string;

  @ApiProperty({ nullable: true, type: String })
  fileName: string | null;
}

export class ResponseDto {
  @ApiProperty()
  id: number;

  @ApiProperty()
  roundId: number;

  @ApiProperty()
  recipientId: number;

  @ApiProperty({ example: { id: 4, name: 'Servicenämnden' } })
  organisation: { id: number; name: string };

  @ApiProperty({ enum: POSITIONS })
  position: Position;

  @ApiProperty({ nullable: true, type: String })
  summary: string | null;

  @ApiProperty({ type: [CommentDto] })
  comments: CommentDto[];

  @ApiProperty({ type: DecisionDto, nullable: true })
  decision: DecisionDto | null;

  @ApiProperty({ enum: RECEIVED_VIA })
  receivedVia: ReceivedVia;

  @ApiProperty({ format: 'date-time' })
  submittedAt: string;

  @ApiProperty({ nullable: true, type: Number, description: 'The user, when not through a link' })
  submittedBy: number | null;

  @ApiProperty({ description: "After the recipient's own deadline" })
  late: boolean;

  @ApiProperty({ description: 'The registered answer (an incoming document of the case)' })
  documentId: number;

  @ApiProperty({ example: 'KS 2026/0012-7' })
  documentNumber: string;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'SFN 2026/0130-3',
    description: "The same answer as an outgoing document of the consultee's own case",
  })
  replyDocumentNumber: string | null;

  @ApiProperty({ type: [ResponseFileDto], description: 'Further files, each a document' })
  attachments: ResponseFileDto[];

  @ApiProperty({ nullable: true, type: Number, description: 'The earlier answer this replaces' })
  supersedesId: number | null;

  @ApiProperty({ description: 'The answer that counts (the latest from its recipient)' })
  current: boolean;

  @ApiProperty({ description: 'Summary and comments are withheld from this user' })
  redacted: boolean;
}

export class ResponseListDto {
  @ApiProperty({ type: [ResponseDto] })
  items: ResponseDto[];
}

export class ResponseQueryDto {
  @ApiPropertyOptional({
    description: 'true: every answer, earlier ones too (default: the latest)',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsIn([true, false], { message: 'history must be true or false' })
  history?: boolean;
}

export class SectionCommentDto {
  @ApiProperty()
  responseId: number;

  @ApiProperty({ example: 'Servicenämnden' })
  organisation: string;

  @ApiProperty({ enum: POSITIONS })
  position: Position;

  @ApiProperty()
  text: string;
}

export class SectionViewDto {
  @ApiProperty({ example: '4.3 a' })
  ref: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ type: [SectionCommentDto] })
  comments: SectionCommentDto[];
}

export class SectionListDto {
  @ApiProperty({ type: [SectionViewDto], description: 'Empty when withheld (confidential)' })
  items: SectionViewDto[];

  @ApiProperty({ description: 'true when the sections and comments are withheld from this user' })
  redacted: boolean;
}
