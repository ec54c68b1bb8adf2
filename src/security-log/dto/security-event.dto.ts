import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/pagination.js';
import {
  SECURITY_EVENT_KINDS,
  type SecurityEvent,
  type SecurityEventKind,
} from '../security-event.entity.js';

export class SecurityEventQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SECURITY_EVENT_KINDS })
  @IsOptional()
  @IsIn(SECURITY_EVENT_KINDS, {
    message: `kind must be one of ${SECURITY_EVENT_KINDS.join(', ')}`,
  })
  kind?: SecurityEventKind;

  @ApiPropertyOptional({ example: '192.0.2.10', description: "Only this client's events" })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  clientAddress?: string;

  @ApiPropertyOptional({ example: 'registrator@exempel.se', description: 'Only this account' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  account?: string;
}

export class SecurityEventDto {
  @ApiProperty({ example: '311' })
  id: string;

  @ApiProperty({ enum: SECURITY_EVENT_KINDS })
  kind: SecurityEventKind;

  @ApiProperty({ example: '192.0.2.10', description: '`*` when a flood was folded together' })
  clientAddress: string;

  @ApiProperty({ example: 'POST' })
  method: string;

  @ApiProperty({ example: '/api/auth/login', description: 'The route pattern, never the path' })
  route: string;

  @ApiProperty({
    example: 'registrator@exempel.se',
    description:
      'The e-mail address tried or the account refused; empty when none; `*` when folded',
  })
  account: string;

  @ApiProperty({ nullable: true, type: Number })
  userId: number | null;

  @ApiProperty({
    example: 12,
    description: 'Events in this row (same minute, kind, route, account)',
  })
  count: number;

  @ApiProperty({ example: '2026-12-02T08:15:02.113Z' })
  firstAt: string;

  @ApiProperty({ example: '2026-12-02T08:15:41.870Z' })
  lastAt: string;

  @ApiProperty({ nullable: true, type: String, description: 'Server id of the first request' })
  requestId: string | null;

  @ApiProperty({ nullable: true, type: String, description: "The caller's own X-Request-Id" })
  clientRequestId: string | null;

  static from(event: SecurityEvent): SecurityEventDto {
    return {
      id: event.id,
      kind: event.kind,
      clientAddress: event.clientAddress,
      method: event.method,
      route: event.route,
      account: event.account,
      userId: event.userId,
      count: event.count,
      firstAt: event.firstAt.toISOString(),
      lastAt: event.lastAt.toISOString(),
      requestId: event.requestId,
      clientRequestId: event.clientRequestId,
    };
  }
}

export class SecurityEventPageDto {
  @ApiProperty({ type: [SecurityEventDto] })
  items: SecurityEventDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor: string | null;
}
