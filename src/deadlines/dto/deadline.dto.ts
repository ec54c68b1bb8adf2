import { ApiProperty } from '@nestjs/swagger';

import { IsText } from '../../common/text.js';
import { IsCalendarDay } from '../../common/calendar-day.js';
import { REMINDER_STATUSES, type ReminderStatus } from '../reminder.entity.js';

// anstånd
export class GrantExtensionDto {
  @ApiProperty({
    example: '2026-09-15',
    description: 'The new deadline, later than the current one',
  })
  @IsCalendarDay()
  deadline: string;

  @ApiProperty({ example: 'Nämnden sammanträder först den 10 september.' })
  @IsText({ max: 2_000 })
  reason: string;
}

export class ExtensionDto {
  @ApiProperty()
  id: number;

  @ApiProperty()
  recipientId: number;

  @ApiProperty({ example: '2026-08-20' })
  previousDeadline: string;

  @ApiProperty({ example: '2026-09-15' })
  deadline: string;

  @ApiProperty({ nullable: true, type: String, description: 'null when withheld (confidential)' })
  reason: string | null;

  @ApiProperty({ nullable: true, type: Number, description: 'The user who granted it' })
  grantedBy: number | null;

  @ApiProperty({ format: 'date-time' })
  grantedAt: string;
}

export class ReminderDto {
  @ApiProperty()
  id: number;

  @ApiProperty()
  recipientId: number;

  @ApiProperty({ example: 'Servicenämnden' })
  organisation: string;

  @ApiProperty({ enum: ['before', 'overdue'], description: 'Before the deadline, or after it' })
  type: 'before' | 'overdue';

  @ApiProperty({ example: 7, description: 'Days before or after the deadline' })
  days: number;

  @ApiProperty({ example: '2026-08-20', description: 'The deadline it is about' })
  deadline: string;

  @ApiProperty({ format: 'date-time', description: 'When it is (or was) due' })
  dueAt: string;

  @ApiProperty({
    enum: REMINDER_STATUSES,
    description: 'queued = its mail is in the outbox; see delivery for what became of it',
  })
  status: ReminderStatus;

  @ApiProperty({
    nullable: true,
    enum: ['pending', 'sent', 'failed', 'cancelled'],
    description: 'The mail: pending, sent (accepted by the mail server), failed, cancelled',
  })
  delivery: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  sentAt: string | null;
}

export class ReminderListDto {
  @ApiProperty({ type: [ReminderDto] })
  items: ReminderDto[];
}

export class SweepResultDto {
  @ApiProperty({ description: 'Reminders and overdue notices queued by this sweep' })
  queued: number;

  @ApiProperty({ description: 'Due reminders no longer wanted (answered, declined, closed, …)' })
  skipped: number;
}
