import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/decorators.js';
import type { Actor } from '../common/actor.js';
import { parseId } from '../common/parse-id.pipe.js';
import { ROUND_READERS } from '../referral-rounds/round-queries.service.js';
import {
  ExtensionDto,
  GrantExtensionDto,
  ReminderListDto,
  SweepResultDto,
} from './dto/deadline.dto.js';
import { ExtensionsService } from './extensions.service.js';
import { ReminderSweepService } from './reminder-sweep.service.js';
import { RemindersService } from './reminders.service.js';

@ApiTags('deadlines and reminders')
@ApiBearerAuth()
@Controller('api')
export class DeadlinesController {
  constructor(
    private readonly extensions: ExtensionsService,
    private readonly reminderList: RemindersService,
    private readonly sweeps: ReminderSweepService,
  ) {}

  @Post('rounds/:id/recipients/:recipientId/extension')
  @Roles('registrar', 'admin')
  @ApiCreatedResponse({ type: ExtensionDto, description: 'Granted, and confirmed by mail' })
  @ApiConflictResponse({ description: 'The round is not sent, or the recipient has answered' })
  extend(
    @Param('id', parseId()) id: number,
    @Param('recipientId', parseId('recipientId')) recipientId: number,
    @Body() body: GrantExtensionDto,
    @CurrentActor() actor: Actor,
  ): Promise<ExtensionDto> {
    return this.extensions.grant(id, recipientId, body, actor);
  }

  @Get('rounds/:id/reminders')
  @Roles(...ROUND_READERS)
  @ApiOkResponse({ type: ReminderListDto, description: 'Planned, queued and skipped, by time' })
  async reminders(@Param('id', parseId()) id: number): Promise<ReminderListDto> {
    return { items: await this.reminderList.listForRound(id) };
  }

  @Post('admin/reminders/sweep')
  @HttpCode(200)
  @Roles('admin')
  @ApiOkResponse({ type: SweepResultDto, description: 'Runs the reminder sweep now' })
  sweep(@CurrentActor() actor: Actor): Promise<SweepResultDto> {
    return this.sweeps.sweep(actor);
  }
}
