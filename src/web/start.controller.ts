import { Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { RoundDeskService } from '../referral-rounds/round-desk.service.js';
import { WebActor, WebPages } from './web-auth.guard.js';
import { menuFor, WebViews } from './web-views.js';

const SECTION_TEXT: Record<string, string> = {
  Remisser: 'följ upp remissrundor: svar, förseningar och påminnelser',
  Ärenden: 'diariet: sök ärenden, handlingar och historik',
  Inkorg: 'remisser till dina organisationer och era svar',
  Sammanträden: 'sammanträden, paragrafer, protokoll och utdrag',
  Administration: 'organisationer, användare och granskningslogg',
};

/**
 * The start page. Registrars and admins get their desk ("what needs doing": answers to take care
 * of, failed deliveries, deadlines this week, overdue consultees); everyone gets the parts of the
 * service their roles open.
 */
@WebPages()
export class StartController {
  constructor(
    private readonly views: WebViews,
    private readonly clock: Clock,
    private readonly desk: RoundDeskService,
  ) {}

  @Get()
  async start(@WebActor() actor: Actor, @Res() response: Response): Promise<void> {
    const followsUp = actor.roles.includes('registrar') || actor.roles.includes('admin');
    this.views.render(response, 'start', {
      title: 'Start',
      today: this.clock.today(),
      desk: followsUp ? await this.desk.desk(actor) : null,
      sections: menuFor(actor.roles).map((entry) => ({
        ...entry,
        text: SECTION_TEXT[entry.label],
      })),
    });
  }
}
