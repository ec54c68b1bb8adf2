import { Body, Get, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Roles } from '../auth/decorators.js';
import type { Actor } from '../common/actor.js';
import { assertDaysInRange, DEADLINE_RANGE } from '../common/calendar-day.js';
import { Clock } from '../common/clock.js';
import { DomainError, type FieldProblem } from '../common/domain-error.js';
import { parseId } from '../common/parse-id.pipe.js';
import { CasesService } from '../cases/cases.service.js';
import { DocumentsService } from '../documents/documents.service.js';
import { ORGANISATION_KINDS, type OrganisationKind } from '../organisations/organisation-kind.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import type { OrganisationDto } from '../organisations/dto/organisation.dto.js';
import { CreateRoundDto } from '../referral-rounds/dto/round-input.dto.js';
import { RoundDeskService } from '../referral-rounds/round-desk.service.js';
import { RoundDispatchService } from '../referral-rounds/round-dispatch.service.js';
import { RoundQueriesService } from '../referral-rounds/round-queries.service.js';
import { RoundsService } from '../referral-rounds/rounds.service.js';
import type { Choice } from './form-fields.js';
import {
  emptyForm,
  formErrorsOf,
  typedValues,
  bodyToDto,
  type FormDefinition,
  type FormError,
  type FormState,
} from './forms.js';
import { swedishWarnings } from './send-warnings.js';
import { WebActor, WebPages } from './web-auth.guard.js';
import { WebViews } from './web-views.js';

/** The choice that stands for both committees and companies ("alla nämnder och bolag"). */
export const COMMITTEES_AND_COMPANIES = 'committee+company';

const KIND_CHOICES: Choice[] = [
  { value: COMMITTEES_AND_COMPANIES, label: 'Alla nämnder och bolag' },
  { value: 'committee', label: 'Alla nämnder' },
  { value: 'company', label: 'Alla bolag' },
  { value: 'council', label: 'Kommunfullmäktige och kommunstyrelsen' },
  { value: 'federation', label: 'Alla kommunalförbund' },
  { value: 'external', label: 'Alla externa organisationer (föreningar, myndigheter)' },
];

const KIND_GROUPS: Record<OrganisationKind, string> = {
  council: 'Kommunfullmäktige och kommunstyrelsen',
  committee: 'Nämnder',
  company: 'Bolag',
  federation: 'Kommunalförbund',
  external: 'Externa organisationer',
};

const REMINDER_CHOICES: Choice[] = [
  { value: 'default', label: 'Standard (7 och 1 dagar före, 1 dag efter)' },
  { value: 'none', label: 'Inga påminnelser' },
  { value: 'custom', label: 'Egna' },
];

const ROWS = 5;
const MAX_ROWS = 500;

/** A real YYYY-MM-DD day (what the DTO would accept); other text is the DTO's to refuse. */
function isCalendarDay(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`));
}

/** The form's fields by the ids the page gives them; API fields are renamed onto these. */
function formDefinition(rows: number): FormDefinition {
  const form: FormDefinition = {
    title: { label: 'Rubrik' },
    documentIds: { label: 'Handlingar' },
    recipientKinds: { label: 'Remissinstanser' },
    recipientOrganisationIds: { label: 'Remissinstanser' },
  };
  for (let row = 1; row <= rows; row += 1) {
    form[`sectionRef-${row}`] = { label: `Nummer på punkt ${row}` };
    form[`sectionTitle-${row}`] = { label: `Rubrik på punkt ${row}` };
  }
  Object.assign(form, {
    deadline: { label: 'Sista svarsdag' },
    message: { label: 'Följebrev' },
    decisionItemId: { label: 'Beslutsparagraf' },
    reminderChoice: { label: 'Påminnelser' },
    daysBefore: { label: 'Dagar före sista svarsdag' },
    overdueDaysAfter: { label: 'Dagar efter sista svarsdag' },
  });
  return form;
}

const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** "7, 1" → [7, 1]; what is not a number is passed on for the DTO to refuse. */
function days(text: string | undefined): unknown[] {
  return (text ?? '')
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

const number = (text: string): number | string => (/^\d+$/.test(text) ? Number(text) : text);

/**
 * Opening a round on a case (`/cases/:id/rounds/new`): the API's CreateRoundDto and the same
 * RoundsService.create make a draft; a confirmation step then shows the warnings the send would
 * give (the same deadline rules) before the registrar sends it with RoundDispatchService.send.
 */
@WebPages('cases/:caseId/rounds')
@Roles('registrar', 'admin')
export class NewRoundController {
  constructor(
    private readonly views: WebViews,
    private readonly cases: CasesService,
    private readonly documents: DocumentsService,
    private readonly organisations: OrganisationsService,
    private readonly rounds: RoundsService,
    private readonly queries: RoundQueriesService,
    private readonly dispatch: RoundDispatchService,
    private readonly desk: RoundDeskService,
    private readonly clock: Clock,
  ) {}

  @Get('new')
  async form(
    @Param('caseId', parseId('caseId')) caseId: number,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    await this.show(response, caseId, actor, emptyForm({ reminderChoice: 'default' }));
  }

  @Post('new')
  async create(
    @Param('caseId', parseId('caseId')) caseId: number,
    @Body() body: unknown,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    const values = typedValues(body);
    const rowCount = this.rowCount(values);
    // "Fler rader": the same form again with more empty rows, nothing checked or written.
    if (values.addRows !== undefined) {
      delete values.addRows;
      values.rows = String(Math.min(rowCount + ROWS, MAX_ROWS));
      await this.show(response, caseId, actor, emptyForm(values));
      return;
    }
    const { body: input, sectionRows } = this.toBody(values, rowCount);
    const form = formDefinition(rowCount);
    const errors: FormError[] = [];
    let dto: CreateRoundDto | null = null;
    try {
      dto = await bodyToDto(CreateRoundDto, input);
    } catch (error) {
      errors.push(...this.errorsOf(form, error, sectionRows));
    }
    // The service's own range check, so that a past deadline is named with every other problem.
    if (
      typeof input.deadline === 'string' &&
      isCalendarDay(input.deadline) &&
      !errors.some((e) => e.field === 'deadline')
    ) {
      try {
        assertDaysInRange(this.clock.today(), [
          { field: 'deadline', day: input.deadline, range: DEADLINE_RANGE },
        ]);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        errors.push(...this.errorsOf(form, error, sectionRows));
      }
    }
    // The page opens a round to send it: what the send would refuse is asked for here already.
    if (!list(values.documentIds).some(Boolean) && !errors.some((e) => e.field === 'documentIds')) {
      errors.push({ field: 'documentIds', message: 'Välj minst en handling att skicka' });
    }
    if (
      !list(values.recipientKinds).some(Boolean) &&
      !list(values.recipientOrganisationIds).some(Boolean)
    ) {
      errors.push({
        field: 'recipientKinds',
        message: 'Välj remissinstanser: efter slag eller en och en',
      });
    }
    if (dto && errors.length === 0) {
      try {
        const round = await this.rounds.create(caseId, dto, actor);
        await this.views.flash(response, 'Remissen sparades som utkast. Kontrollera och skicka.');
        response.redirect(303, `/cases/${caseId}/rounds/${round.id}/send`);
        return;
      } catch (error) {
        const mapped = this.errorsOf(form, error, sectionRows);
        if (mapped.length === 0) throw error;
        errors.push(...mapped);
      }
    }
    const order = Object.keys(form);
    errors.sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field));
    await this.show(response, caseId, actor, { values, errors }, 400);
  }

  /** The check before sending: the draft's terms and the warnings the send would give. */
  @Get(':roundId/send')
  async confirm(
    @Param('caseId', parseId('caseId')) caseId: number,
    @Param('roundId', parseId('roundId')) roundId: number,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    await this.showConfirm(response, caseId, roundId, actor, []);
  }

  @Post(':roundId/send')
  async send(
    @Param('caseId', parseId('caseId')) caseId: number,
    @Param('roundId', parseId('roundId')) roundId: number,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    await this.roundOfCase(caseId, roundId, actor);
    try {
      const result = await this.dispatch.send(roundId, actor);
      await this.views.flash(response, `Remissen skickades till ${result.queued} mottagare`);
      response.redirect(303, `/rounds/${roundId}`);
    } catch (error) {
      // A conflict (nothing to send, no e-mail address, a passed deadline…) is shown on the page.
      if (!(error instanceof DomainError) || Number(error.status) !== 409) throw error;
      await this.showConfirm(response, caseId, roundId, actor, sendProblems(error), 409);
    }
  }

  private async roundOfCase(caseId: number, roundId: number, actor: Actor) {
    const round = await this.queries.get(roundId, actor);
    if (round.caseId !== caseId) throw DomainError.notFound('Round', roundId);
    return round;
  }

  private async showConfirm(
    response: Response,
    caseId: number,
    roundId: number,
    actor: Actor,
    problems: string[],
    status = 200,
  ): Promise<void> {
    const round = await this.roundOfCase(caseId, roundId, actor);
    const today = this.clock.today();
    const unsent = round.recipients.filter((recipient) => recipient.status === 'pending');
    this.views.render(
      response,
      'rounds/new-confirm',
      {
        title: 'Kontrollera och skicka remissen',
        round,
        caseId,
        unsent,
        draft: round.status === 'draft' || unsent.length > 0,
        closed: round.status === 'closed',
        warnings: swedishWarnings(round.deadline, today),
        problems,
        reminders: reminderText(round.customReminders, round.reminders),
      },
      { status },
    );
  }

  private rowCount(values: Record<string, string | string[]>): number {
    const posted = Math.max(list(values.sectionRef).length, list(values.sectionTitle).length);
    const asked = Number(values.rows);
    const rows = Number.isInteger(asked) && asked > 0 ? asked : ROWS;
    return Math.min(Math.max(rows, posted, ROWS), MAX_ROWS);
  }

  /** The API body from the form: kinds expanded, empty section rows dropped, reminders chosen. */
  private toBody(
    values: Record<string, string | string[]>,
    rowCount: number,
  ): { body: Record<string, unknown>; sectionRows: number[] } {
    const body: Record<string, unknown> = {};
    const text = (name: string) => {
      const value = list(values[name])[0] ?? '';
      return value.trim() === '' ? undefined : value;
    };
    body.title = text('title');
    body.deadline = text('deadline');
    body.documentIds = list(values.documentIds).filter(Boolean).map(number);
    const kinds = list(values.recipientKinds)
      .filter(Boolean)
      .flatMap((kind) => (kind === COMMITTEES_AND_COMPANIES ? ['committee', 'company'] : [kind]));
    body.recipientKinds = [...new Set(kinds)];
    body.recipientOrganisationIds = [
      ...new Set(list(values.recipientOrganisationIds).filter(Boolean).map(number)),
    ];
    body.message = text('message') ?? null;
    const decision = text('decisionItemId');
    body.decisionItemId = decision === undefined ? null : number(decision);
    const refs = list(values.sectionRef);
    const titles = list(values.sectionTitle);
    const sections: { ref: string; title: string }[] = [];
    const sectionRows: number[] = [];
    for (let row = 0; row < rowCount; row += 1) {
      const ref = refs[row] ?? '';
      const title = titles[row] ?? '';
      if (ref.trim() === '' && title.trim() === '') continue;
      sections.push({ ref, title });
      sectionRows.push(row + 1);
    }
    body.sections = sections;
    const choice = list(values.reminderChoice)[0] ?? 'default';
    if (choice === 'none') body.reminders = { daysBefore: [], overdueDaysAfter: [] };
    else if (choice === 'custom') {
      body.reminders = {
        daysBefore: days(list(values.daysBefore)[0]),
        overdueDaysAfter: days(list(values.overdueDaysAfter)[0]),
      };
    } else body.reminders = null;
    for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
    return { body, sectionRows };
  }

  /** The API's field problems on the page's fields (section rows by their row on the page). */
  private errorsOf(form: FormDefinition, error: unknown, sectionRows: number[]): FormError[] {
    if (!(error instanceof DomainError)) return [];
    const rename = (field: string): string => {
      const section = /^sections\.(\d+)\.(ref|title)$/.exec(field);
      if (section) {
        const row = sectionRows[Number(section[1])] ?? 1;
        return `${section[2] === 'ref' ? 'sectionRef' : 'sectionTitle'}-${row}`;
      }
      if (field.startsWith('sections')) return 'sectionRef-1';
      if (field.startsWith('reminders.daysBefore')) return 'daysBefore';
      if (field.startsWith('reminders.overdueDaysAfter')) return 'overdueDaysAfter';
      if (field.startsWith('reminders')) return 'reminderChoice';
      if (field === 'recipientOrganisationIds') return 'recipientKinds';
      return field;
    };
    const problems = Array.isArray(error.details)
      ? (error.details as FieldProblem[])
      : singleProblem(error.details);
    const renamed = new DomainError(
      error.status,
      error.code,
      error.message,
      problems.map((problem) => ({ ...problem, field: rename(problem.field) })),
    );
    return formErrorsOf(form, renamed) ?? [];
  }

  private async show(
    response: Response,
    caseId: number,
    actor: Actor,
    form: FormState,
    status = 200,
  ): Promise<void> {
    const owner = await this.cases.get(caseId, actor);
    const [documents, organisations, decisions] = await Promise.all([
      this.documents.listForCase(caseId, actor),
      this.allActiveOrganisations(),
      this.desk.decisionChoices(caseId),
    ]);
    const rowCount = this.rowCount(form.values);
    const refs = list(form.values.sectionRef);
    const titles = list(form.values.sectionTitle);
    const messageOf = (field: string) =>
      form.errors.find((e) => e.field === field)?.message ?? null;
    const chosen = new Set(list(form.values.recipientOrganisationIds));
    this.views.render(
      response,
      'rounds/new',
      {
        title: 'Ny remiss',
        case: owner,
        form,
        rows: rowCount,
        documentChoices: documents.map((document) => ({
          value: String(document.id),
          label:
            `${document.documentNumber} ${document.title ?? 'Sekretessbelagd handling'}` +
            (document.confidentiality ? ` (sekretess: ${document.confidentiality})` : ''),
        })),
        kindChoices: KIND_CHOICES,
        oneByOne: chosen.size > 0,
        organisationGroups: ORGANISATION_KINDS.map((kind) => ({
          kind,
          legend: KIND_GROUPS[kind],
          organisations: organisations
            .filter((organisation) => organisation.kind === kind)
            .map((organisation) => ({
              id: organisation.id,
              name: organisation.name,
              checked: chosen.has(String(organisation.id)),
            })),
        })).filter((group) => group.organisations.length > 0),
        sectionRows: Array.from({ length: rowCount }, (_, index) => ({
          row: index + 1,
          ref: refs[index] ?? '',
          title: titles[index] ?? '',
          refError: messageOf(`sectionRef-${index + 1}`),
          titleError: messageOf(`sectionTitle-${index + 1}`),
        })),
        decisionChoices: [
          { value: '', label: 'Ingen paragraf anges' },
          ...decisions.map((item) => ({
            value: String(item.id),
            label:
              `§ ${item.paragraph} ${item.organisation} ${item.meetingDate}: ${item.title}` +
              (item.adjusted ? '' : ' (ej justerad)'),
          })),
        ],
        reminderChoices: REMINDER_CHOICES,
      },
      { status },
    );
  }

  /** The active directory, every page of it (a municipality has some hundred organisations). */
  private async allActiveOrganisations(): Promise<OrganisationDto[]> {
    const all: OrganisationDto[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.organisations.list({ active: true, limit: 200, cursor });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined && all.length < 10_000);
    return all;
  }
}

/** A domain error's details that name one field (`{field, message}`), as a problem list. */
function singleProblem(details: unknown): FieldProblem[] {
  if (!details || typeof details !== 'object') return [];
  const { field, message } = details as { field?: unknown; message?: unknown };
  if (typeof field !== 'string') return [];
  return [{ field, messages: [typeof message === 'string' ? message : ''] }];
}

function reminderText(
  custom: boolean,
  policy: { daysBefore: number[]; overdueDaysAfter: number[] },
): string {
  if (!custom) return 'Standard (7 och 1 dagar före, 1 dag efter)';
  if (policy.daysBefore.length === 0 && policy.overdueDaysAfter.length === 0)
    return 'Inga påminnelser';
  const before = policy.daysBefore.length ? `${policy.daysBefore.join(' och ')} dagar före` : '';
  const after = policy.overdueDaysAfter.length
    ? `${policy.overdueDaysAfter.join(' och ')} dagar efter`
    : '';
  return `Egna: ${[before, after].filter(Boolean).join(', ')}`;
}

const SEND_PROBLEMS: [RegExp, (match: RegExpExecArray) => string][] = [
  [/no documents/, () => 'Remissen har inga handlingar att skicka.'],
  [/no recipients/, () => 'Remissen har inga remissinstanser.'],
  [/no e-mail address in the directory for (.*)/, (m) => `E-postadress saknas för ${m[1]}.`],
  [/deadline (\S+) has passed/, (m) => `Sista svarsdag ${m[1]} har passerat.`],
  [/must be adjusted first/, () => 'Beslutsparagrafen måste vara justerad innan remissen skickas.'],
];

/** Why the send refused, in Swedish. */
function sendProblems(error: DomainError): string[] {
  const messages = Array.isArray(error.details)
    ? (error.details as FieldProblem[]).flatMap((problem) => problem.messages)
    : [error.message];
  return messages.map((message) => {
    for (const [pattern, text] of SEND_PROBLEMS) {
      const match = pattern.exec(message);
      if (match) return text(match);
    }
    if (error.code === 'invalid_transition') return 'Remissen är avslutad och kan inte skickas.';
    return 'Remissen kunde inte skickas.';
  });
}
