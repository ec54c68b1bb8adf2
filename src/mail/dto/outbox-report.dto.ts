import { ApiProperty } from '@nestjs/swagger';
import { OUTBOX_STATUSES, type OutboxStatus } from '../mail-outbox.entity.js';

/** Mails of one state by age (since they were committed); each mail counts once. */
export class OutboxAgesDto {
  @ApiProperty({ enum: OUTBOX_STATUSES })
  status: OutboxStatus;

  @ApiProperty()
  total: number;

  @ApiProperty({ description: 'Committed less than a minute ago' })
  underOneMinute: number;

  @ApiProperty({ description: '1 to 15 minutes ago' })
  underFifteenMinutes: number;

  @ApiProperty({ description: '15 minutes to an hour ago' })
  underOneHour: number;

  @ApiProperty({ description: '1 to 24 hours ago' })
  underOneDay: number;

  @ApiProperty({ description: 'More than a day ago' })
  older: number;
}

export class StuckMailDto {
  @ApiProperty({ description: 'The outbox id, as in the log lines' })
  id: number;

  @ApiProperty({ example: 'round-invitation' })
  kind: string;

  @ApiProperty({ nullable: true, type: Number, description: 'The round, for mails to recipients' })
  roundId: number | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'Job last seen live',
  })
  queuedAt: string | null;

  @ApiProperty({ description: 'SMTP attempts made' })
  attempts: number;

  @ApiProperty({ description: 'Times handed to the queue again after its job was lost' })
  offers: number;

  @ApiProperty({ nullable: true, type: String })
  lastError: string | null;
}

export class OutboxReportDto {
  @ApiProperty({ type: [OutboxAgesDto], description: 'Every state, even when empty' })
  states: OutboxAgesDto[];

  @ApiProperty({ description: 'Mails pending for more than 15 minutes' })
  stuckTotal: number;

  @ApiProperty({ type: [StuckMailDto], description: 'The oldest 100 of them, oldest first' })
  stuck: StuckMailDto[];
}
