import { Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { WebActor, WebPages } from './web-auth.guard.js';
import { menuFor, WebViews } from './web-views.js';

const SECTION_TEXT: Record<string, string> = {
  Remisser: 'följ upp remissrundor: svar, förseningar och påminnelser',
  Ärenden: 'diariet: sök ärenden, handlingar och historik',
  Inkorg: 'remisser till dina organisationer och era svar',
  Sammanträden: 'sammanträden, paragrafer, protokoll och utdrag',
  Administration: 'organisationer, användare och granskningslogg',
};

/** The start page: a greeting and the parts of the service the user's roles open. */
@WebPages()
export class StartController {
  constructor(
    private readonly views: WebViews,
    private readonly clock: Clock,
  ) {}

  @Get()
  start(@WebActor() actor: Actor, @Res() response: Response): void {
    this.views.render(response, 'start', {
      title: 'Start',
      today: this.clock.today(),
      sections: menuFor(actor.roles).map((entry) => ({
        ...entry,
        text: SECTION_TEXT[entry.label],
      })),
    });
  }
}
