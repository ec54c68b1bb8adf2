import {
  Body,
  Controller,
  Get,
  Headers,
  HttpStatus,
  Param,
  Post,
  Req,
  Res,
  UploadedFiles,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { FilesInterceptor } from '@nestjs/platform-express';
import {
  ApiConsumes,
  ApiCreatedResponse,
  ApiExcludeEndpoint,
  ApiHeader,
  ApiNotFoundResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response as ExpressResponse } from 'express';
import { Public, type AuthenticatedRequest } from '../auth/decorators.js';
import { RespondThrottlerGuard } from '../auth/respond-throttler.guard.js';
import { UploadThrottlerGuard } from '../auth/upload-throttler.guard.js';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { clientRequestIdOf, requestIdOf } from '../common/request-id.js';
import { DiscardUploadInterceptor } from '../documents/discard-upload.interceptor.js';
import type { UploadedFile } from '../documents/documents.service.js';
import { RespondService } from '../referral-rounds/respond.service.js';
import type { LinkHolder } from '../referral-rounds/secure-links.service.js';
import { answerFromForm, formErrors, validAnswer } from './answer-form.js';
import { AnswerDto, ResponseDto } from './dto/response.dto.js';
import { parseIdempotencyKey } from './idempotency-key.js';
import { POSITION_LABELS } from './positions.js';
import { ResponsePage } from './response-page.js';
import { IDEMPOTENCY_HEADER, MAX_ANSWER_FILES } from './responses.controller.js';
import { ResponsesService } from './responses.service.js';

/** Who answers through a link: the recipient organisation, without a user account. */
function linkActor(holder: LinkHolder, request: AuthenticatedRequest): Actor {
  return {
    userId: null,
    label: `link: ${holder.recipient.organisation!.name}`,
    roles: [],
    organisationIds: [holder.recipient.organisationId],
    requestId: requestIdOf(request),
    clientRequestId: clientRequestIdOf(request),
  };
}

/**
 * Answering through a secure link: the JSON route, and the plain Swedish page the mailed link
 * opens, whose form works without JavaScript. Rate-limited per client address, and uploads per link.
 */
@ApiTags('secure links')
@Controller()
@Public()
@SkipThrottle({ login: true })
@UseGuards(RespondThrottlerGuard)
export class LinkResponsesController {
  constructor(
    private readonly respond: RespondService,
    private readonly responses: ResponsesService,
    private readonly page: ResponsePage,
  ) {}

  @Post('api/respond/:token')
  @UseGuards(UploadThrottlerGuard)
  @UseInterceptors(FilesInterceptor('files', MAX_ANSWER_FILES), DiscardUploadInterceptor)
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiCreatedResponse({ type: ResponseDto, description: 'Registered in the case; receipt mailed' })
  @ApiNotFoundResponse({ description: 'Unknown, replaced or closed link' })
  @ApiTooManyRequestsResponse({
    description: 'More than RESPOND_RATE_LIMIT requests, or UPLOAD_RATE_LIMIT uploads, a minute',
  })
  async answer(
    @Param('token') token: string,
    @Body() body: AnswerDto,
    @UploadedFiles() files: UploadedFile[] | undefined,
    @Req() request: AuthenticatedRequest,
    @Headers('idempotency-key') key?: string,
  ): Promise<ResponseDto> {
    const holder = await this.respond.resolve(token);
    return this.responses.submitThroughLink(
      holder.recipient,
      body,
      files ?? [],
      linkActor(holder, request),
      parseIdempotencyKey(key),
    );
  }

  /** The page the mailed link opens: the round, its documents and the answer form. */
  @Get('respond/:token')
  @ApiExcludeEndpoint()
  async show(@Param('token') token: string, @Res() response: ExpressResponse): Promise<void> {
    response.type('html').setHeader('Cache-Control', 'no-store');
    try {
      response.status(200).send(this.page.render(await this.respond.view(token), token));
    } catch (error) {
      this.sendInvalid(error, response);
    }
  }

  /** The form posted: a receipt, or the form again with each problem next to its field. */
  @Post('respond/:token')
  @ApiExcludeEndpoint()
  @UseGuards(UploadThrottlerGuard)
  @UseInterceptors(FilesInterceptor('files', MAX_ANSWER_FILES), DiscardUploadInterceptor)
  async submitForm(
    @Param('token') token: string,
    @Body() body: Record<string, unknown>,
    @UploadedFiles() files: UploadedFile[] | undefined,
    @Req() request: AuthenticatedRequest,
    @Res() response: ExpressResponse,
  ): Promise<void> {
    response.type('html').setHeader('Cache-Control', 'no-store');
    let view;
    let holder: LinkHolder;
    try {
      holder = await this.respond.resolve(token);
      view = await this.respond.viewOf(holder);
    } catch (error) {
      return this.sendInvalid(error, response);
    }
    const { answer, values, commentFields } = answerFromForm(body, holder.round.sections);
    try {
      const registered = await this.responses.submitThroughLink(
        holder.recipient,
        await validAnswer(answer),
        files ?? [],
        linkActor(holder, request),
      );
      response.status(HttpStatus.CREATED).send(
        this.page.renderReceipt({
          roundTitle: view.roundTitle,
          sender: view.sender,
          caseNumber: view.caseNumber,
          organisation: view.recipient,
          documentNumber: registered.documentNumber,
          positionLabel: POSITION_LABELS[registered.position],
          submittedOn: registered.submittedAt.slice(0, 10),
          late: registered.late,
        }),
      );
    } catch (error) {
      const status = error instanceof DomainError ? Number(error.status) : 500;
      if (status >= 500 || status === 404) {
        throw error;
      }
      response.status(HttpStatus.BAD_REQUEST).send(
        this.page.render(view, token, {
          values,
          errors: formErrors(error as DomainError, commentFields),
        }),
      );
    }
  }

  private sendInvalid(error: unknown, response: ExpressResponse): void {
    if (!(error instanceof DomainError) || error.status !== HttpStatus.NOT_FOUND) throw error;
    response.status(HttpStatus.NOT_FOUND).send(this.page.renderInvalid());
  }
}
