import { Controller, Get, Header, Param, StreamableFile, UseGuards } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '../auth/decorators.js';
import { RespondThrottlerGuard } from '../auth/respond-throttler.guard.js';
import { parseId } from '../common/parse-id.pipe.js';
import { fileResponse } from '../documents/file-response.js';
import { RespondViewDto } from './dto/round.dto.js';
import { RespondService } from './respond.service.js';

/** For the holder of a secure link, without an account; rate-limited per client address. */
@ApiTags('secure links')
@Controller()
@Public()
@SkipThrottle({ login: true })
@UseGuards(RespondThrottlerGuard)
export class RespondController {
  constructor(private readonly respond: RespondService) {}

  @Get('api/respond/:token')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: RespondViewDto })
  @ApiNotFoundResponse({ description: 'Unknown, replaced or closed link' })
  @ApiTooManyRequestsResponse({ description: 'Too many requests from this address' })
  view(@Param('token') token: string): Promise<RespondViewDto> {
    return this.respond.view(token);
  }

  @Get('api/respond/:token/documents/:documentId')
  @Header('Cache-Control', 'no-store')
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'A document of the round, byte for byte' })
  @ApiNotFoundResponse({ description: 'Unknown link, or not a document of its round' })
  async document(
    @Param('token') token: string,
    @Param('documentId', parseId('documentId')) documentId: number,
  ): Promise<StreamableFile> {
    return fileResponse(await this.respond.document(token, documentId));
  }
}
