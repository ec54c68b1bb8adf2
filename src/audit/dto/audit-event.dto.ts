import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { IsCalendarDay } from '../../common/calendar-day.js';
import { PageQueryDto } from '../../common/pagination.js';
import type { AuditEvent } from '../audit-event.entity.js';

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'organisation', description: 'Entity type' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z_]{1,64}$/, { message: 'entity must be an entity name such as organisation' })
  entity?: string;

  @ApiPropertyOptional({ example: '12' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  entityId?: string;

  @ApiPropertyOptional({ example: 3, description: 'Only changes made by this user' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  actorUserId?: number;

  @ApiPropertyOptional({ example: '2026-11-01', description: 'First day (Stockholm), inclusive' })
  @IsOptional()
  @IsCalendarDay()
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-30', description: 'Last day (Stockholm), inclusive' })
  @IsOptional()
  @IsCalendarDay()
  to?: string;
}

export class AuditEventDto {
  @ApiProperty({ example: '1041' })
  id: string;

  @ApiProperty({ example: '2026-11-22T08:15:02.113Z' })
  occurredAt: string;

  @ApiProperty({ nullable: true, type: Number, example: 3 })
  actorUserId: number | null;

  @ApiProperty({ example: 'registrator@exempel.se' })
  actorLabel: string;

  @ApiProperty({ example: 'organisation.updated' })
  action: string;

  @ApiProperty({ example: 'organisation' })
  entity: string;

  @ApiProperty({ example: '12' })
  entityId: string;

  @ApiPropertyOptional({ nullable: true, description: 'State before the change' })
  before: unknown;

  @ApiPropertyOptional({ nullable: true, description: 'State after the change' })
  after: unknown;

  @ApiProperty({ nullable: true, type: String })
  requestId: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description: "The caller's own X-Request-Id, when it sent one",
  })
  clientRequestId: string | null;

  @ApiProperty({
    description: 'true when before/after are withheld from this user (a confidential subject)',
  })
  redacted: boolean;

  static from(event: AuditEvent, redacted = false): AuditEventDto {
    return {
      id: event.id,
      occurredAt: event.occurredAt.toISOString(),
      actorUserId: event.actorUserId,
      actorLabel: event.actorLabel,
      action: event.action,
      entity: event.entity,
      entityId: event.entityId,
      before: redacted ? null : event.before,
      after: redacted ? null : event.after,
      requestId: event.requestId,
      clientRequestId: event.clientRequestId,
      redacted,
    };
  }
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEventDto] })
  items: AuditEventDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor: string | null;
}
