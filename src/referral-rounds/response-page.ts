import { Inject, Injectable } from '@nestjs/common';
import { resolve } from 'node:path';
import { TemplateSet } from '../common/templates.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import type { RespondViewDto } from './dto/round.dto.js';
import type { RecipientStatus } from './round-status.js';

const STATUS_TEXT: Record<RecipientStatus, string> = {
  pending: 'Inte skickad',
  sent: 'Väntar på svar',
  answered: 'Besvarad',
  declined: 'Avstår från att svara',
  failed: 'Utskicket kunde inte levereras',
};

/** The Swedish HTML page a secure link opens, from `templates/web/`. */
@Injectable()
export class ResponsePage {
  private readonly respond: (context: object) => string;
  private readonly invalid: (context: object) => string;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const set = new TemplateSet(resolve(config.templatesDir, 'web'));
    set.registerPartials('.', ['page-head', 'page-foot']);
    this.respond = set.compile('respond.hbs', true);
    this.invalid = set.compile('link-invalid.hbs', true);
  }

  render(view: RespondViewDto, token: string): string {
    return this.respond({
      municipalityName: this.config.municipalityName,
      pageTitle: `Remiss: ${view.roundTitle}`,
      view,
      statusText: STATUS_TEXT[view.status],
      // Relative, so the page works behind any proxy path.
      documentBase: `../api/respond/${token}/documents/`,
    });
  }

  renderInvalid(): string {
    return this.invalid({
      municipalityName: this.config.municipalityName,
      pageTitle: 'Länken fungerar inte',
    });
  }
}
