import { Inject, Injectable } from '@nestjs/common';
import { resolve } from 'node:path';
import { TemplateSet } from '../common/templates.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import type { RespondViewDto } from '../referral-rounds/dto/round.dto.js';
import type { RecipientStatus } from '../referral-rounds/round-status.js';
import { POSITION_LABELS } from './positions.js';
import { POSITIONS } from './response.entity.js';

const STATUS_TEXT: Record<RecipientStatus, string> = {
  pending: 'Inte skickad',
  sent: 'Väntar på svar',
  answered: 'Besvarad',
  declined: 'Avstår från att svara',
  failed: 'Utskicket kunde inte levereras',
};

/** What was filled in, by form field name, and what was wrong with it. */
export interface FormState {
  values: Record<string, string>;
  errors: { field: string; message: string }[];
}

export interface Receipt {
  roundTitle: string;
  sender: string;
  caseNumber: string;
  organisation: string;
  documentNumber: string;
  positionLabel: string;
  submittedOn: string;
  late: boolean;
}

/** The form field of a section's comment. */
export const commentField = (index: number) => `comment_${index}`;

/** The Swedish HTML pages a secure link opens, from `templates/web/`. */
@Injectable()
export class ResponsePage {
  private readonly respond: (context: object) => string;
  private readonly receipt: (context: object) => string;
  private readonly invalid: (context: object) => string;
  private readonly rateLimited: (context: object) => string;
  private readonly tooLarge: (context: object) => string;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const set = new TemplateSet(resolve(config.templatesDir, 'web'));
    set.registerPartials('.', ['page-head', 'page-foot']);
    this.respond = set.compile('respond.hbs', true);
    this.receipt = set.compile('receipt.hbs', true);
    this.invalid = set.compile('link-invalid.hbs', true);
    this.rateLimited = set.compile('rate-limited.hbs', true);
    this.tooLarge = set.compile('too-large.hbs', true);
  }

  /** The round, its documents and the answer form (with what was entered and its errors). */
  render(
    view: RespondViewDto,
    token: string,
    form: FormState = { values: {}, errors: [] },
  ): string {
    const fieldErrors = Object.fromEntries(
      [...form.errors].reverse().map((error) => [error.field, error.message]),
    );
    return this.respond({
      municipalityName: this.config.municipalityName,
      pageTitle: `${form.errors.length ? 'Fel i svaret: ' : ''}Remiss: ${view.roundTitle}`,
      view,
      statusText: STATUS_TEXT[view.status],
      answered: view.status === 'answered' || view.status === 'declined',
      // Relative, so the page works behind any proxy path.
      documentBase: `../api/respond/${token}/documents/`,
      positions: POSITIONS.map((value) => ({
        value,
        label: POSITION_LABELS[value],
        checked: form.values.position === value,
      })),
      sections: view.sections.map((section, index) => ({
        ...section,
        field: commentField(index),
        value: form.values[commentField(index)] ?? '',
        error: fieldErrors[commentField(index)] ?? null,
      })),
      values: {
        summary: form.values.summary ?? '',
        decision_organ: form.values.decision_organ ?? '',
        decision_date: form.values.decision_date ?? '',
        decision_paragraph: form.values.decision_paragraph ?? '',
        decision_case_number: form.values.decision_case_number ?? '',
      },
      fieldErrors: {
        position: fieldErrors.position ?? null,
        summary: fieldErrors.summary ?? null,
        decision_date: fieldErrors.decision_date ?? null,
        decision_paragraph: fieldErrors.decision_paragraph ?? null,
        decision_case_number: fieldErrors.decision_case_number ?? null,
        files: fieldErrors.files ?? null,
      },
      errors: form.errors,
    });
  }

  renderReceipt(receipt: Receipt): string {
    return this.receipt({
      municipalityName: this.config.municipalityName,
      pageTitle: 'Ert svar är registrerat',
      ...receipt,
    });
  }

  renderInvalid(): string {
    return this.invalid({
      municipalityName: this.config.municipalityName,
      pageTitle: 'Länken fungerar inte',
    });
  }

  /** The 429 page: the link's address was rate-limited; wait this many seconds. */
  renderRateLimited(retryAfterSeconds: number): string {
    const minutes = Math.ceil(retryAfterSeconds / 60);
    return this.rateLimited({
      municipalityName: this.config.municipalityName,
      pageTitle: 'För många försök',
      waitText: retryAfterSeconds <= 60 ? 'en minut' : `${minutes} minuter`,
    });
  }

  /** The 413 page: the posted form or a file was over the limit. */
  renderTooLarge(): string {
    return this.tooLarge({
      municipalityName: this.config.municipalityName,
      pageTitle: 'Svaret är för stort',
      maxFileMb: Math.floor(this.config.uploadMaxBytes / (1024 * 1024)),
    });
  }
}
