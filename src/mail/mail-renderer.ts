import { Inject, Injectable } from '@nestjs/common';
import { resolve } from 'node:path';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { TemplateSet } from '../common/templates.js';
import {
  MAIL_PARTIALS,
  MAIL_TEMPLATE_NAMES,
  type MailTemplateContexts,
  type MailTemplateName,
} from './mail-templates.js';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

type Compiled = { [Part in keyof RenderedMail]: (context: object) => string };

/** Renders the Swedish mail templates; all are compiled at start-up, so a broken one stops it. */
@Injectable()
export class MailRenderer {
  private readonly templates = new Map<MailTemplateName, Compiled>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const set = new TemplateSet(resolve(config.templatesDir, 'mail'));
    set.registerPartials('partials', MAIL_PARTIALS);
    for (const name of MAIL_TEMPLATE_NAMES) {
      this.templates.set(name, {
        subject: set.compile(`${name}/subject.hbs`, false),
        text: set.compile(`${name}/text.hbs`, false),
        html: set.compile(`${name}/html.hbs`, true),
      });
    }
  }

  render<K extends MailTemplateName>(name: K, context: MailTemplateContexts[K]): RenderedMail {
    const compiled = this.templates.get(name);
    if (!compiled) throw new Error(`No mail template ${name}`);
    const full = { ...context, municipalityName: this.config.municipalityName };
    try {
      return {
        // A subject is one line whatever the template or its variables hold.
        subject: compiled.subject(full).replace(/\s+/g, ' ').trim(),
        text: compiled.text(full),
        html: compiled.html(full),
      };
    } catch (error) {
      throw new Error(`Mail template ${name} failed to render: ${(error as Error).message}`);
    }
  }
}
