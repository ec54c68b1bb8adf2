import { Get, HttpStatus, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Roles } from '../auth/decorators.js';
import { AuditService } from '../audit/audit.service.js';
import { AuditQueryDto, type AuditEventDto } from '../audit/dto/audit-event.dto.js';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { UsersService } from '../users/users.service.js';
import {
  adminFormErrors,
  adminNav,
  choicesOf,
  pagerOf,
  positionOf,
  searchOf,
} from './admin-pages.js';
import { emptyForm, formToDto, typedValues, type FormDefinition } from './forms.js';
import { WebActor, WebPages } from './web-auth.guard.js';
import { WebViews } from './web-views.js';

const FILTER_FORM: FormDefinition = {
  entity: { label: 'Typ' },
  entityId: { label: 'Id' },
  actorUserId: { label: 'Användare', kind: 'number' },
  from: { label: 'Från och med', kind: 'date' },
  to: { label: 'Till och med', kind: 'date' },
};

/** The kinds of entity the log records, in Swedish. */
const ENTITY_TEXT: Record<string, string> = {
  organisation: 'Organisation',
  user: 'Användare',
  case: 'Ärende',
  document: 'Handling',
  referral_round: 'Remiss',
  referral_round_reminder: 'Påminnelse',
  meeting: 'Sammanträde',
  meeting_item: 'Paragraf',
  paragraph_sequence: 'Paragrafnummer',
  archive_export: 'Arkivleverans',
};

const ACTION_TEXT: Record<string, string> = {
  'organisation.created': 'Organisationen skapades',
  'organisation.updated': 'Organisationen ändrades',
  'user.created': 'Användaren skapades',
  'user.updated': 'Användaren ändrades',
  'user.password_changed': 'Lösenordet byttes',
  'user.logged_in': 'Användaren loggade in',
  'case.created': 'Ärendet registrerades',
  'case.updated': 'Ärendet ändrades',
  'case.closed': 'Ärendet avslutades',
  'case.reopened': 'Ärendet återupptogs',
  'document.registered': 'Handlingen registrerades',
  'round.created': 'Remissen skapades',
  'round.sent': 'Remissen skickades',
  'round.extension_granted': 'Anstånd beviljades',
  'round.response_submitted': 'Ett svar kom in',
  'round.recipient_failed': 'Utskicket misslyckades',
  'round.recipient_resent': 'Remissen skickades igen',
  'round.compilation_registered': 'Sammanställningen registrerades',
  'reminders.queued': 'Påminnelser köades',
  'meeting.created': 'Sammanträdet skapades',
  'meeting_item.created': 'Paragrafen skapades',
  'meeting_item.updated': 'Paragrafen ändrades',
  'meeting_item.reordered': 'Paragraferna ordnades om',
  'meeting_item.adjusted': 'Paragrafen justerades',
  'meeting_item.dispatched': 'Protokollsutdraget skickades',
  'meeting_item.extract_registered': 'Protokollsutdraget registrerades',
  'paragraph_sequence.set': 'Paragrafnumreringen ändrades',
  'archive_export.requested': 'Ett arkivpaket begärdes',
  'archive_export.ready': 'Arkivpaketet blev klart',
  'archive_export.failed': 'Arkivpaketet kunde inte skapas',
  'archive_export.downloaded': 'Arkivpaketet hämtades',
};

/** The fields of the recorded states in Swedish; others are shown by their API name. */
const FIELD_TEXT: Record<string, string> = {
  id: 'Id',
  name: 'Namn',
  kind: 'Slag',
  seriesCode: 'Diarieserie',
  email: 'E-postadress',
  parentId: 'Överordnad organisation (id)',
  active: 'Aktiv',
  paragraphNumbering: 'Paragrafnumrering',
  version: 'Version',
  createdAt: 'Skapad',
  updatedAt: 'Ändrad',
  lastLoginAt: 'Senast inloggad',
  roles: 'Roller',
  organisationIds: 'Organisationer (id)',
  organisations: 'Organisationer',
  title: 'Rubrik',
  status: 'Status',
  confidential: 'Sekretess',
  reason: 'Skäl',
};

const PAGE_SIZE = 50;
/** A changed value longer than this is cut on the page (the API has the whole). */
const VALUE_LIMIT = 300;

/**
 * Administration › Logg: the audit log through the service of `/api/audit`, with its filters, its
 * keyset cursor and its redaction (before/after withheld where the API withholds them).
 */
@WebPages('admin/audit')
@Roles('admin')
export class AdminAuditPagesController {
  constructor(
    private readonly views: WebViews,
    private readonly audit: AuditService,
    private readonly users: UsersService,
  ) {}

  @Get()
  async list(
    @Query() query: Record<string, unknown>,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    const filters = {
      entity: query.entity,
      entityId: query.entityId,
      actorUserId: query.actorUserId,
      from: query.from,
      to: query.to,
    };
    const values = typedValues(filters);
    const context = {
      title: 'Logg',
      adminNav: adminNav('/admin/audit'),
      form: emptyForm(values),
      entityChoices: [{ value: '', label: 'Alla typer' }, ...choicesOf(ENTITY_TEXT)],
      actorChoices: await this.actorChoices(),
      filtered: Object.values(filters).some((value) => typeof value === 'string' && value !== ''),
      rows: [] as unknown[],
      previousHref: null as string | null,
      nextHref: null as string | null,
    };
    let dto: AuditQueryDto;
    try {
      dto = await formToDto(AuditQueryDto, FILTER_FORM, filters);
    } catch (error) {
      const errors = adminFormErrors(FILTER_FORM, error);
      if (!errors) throw error;
      const refused = { ...context, form: { values, errors } };
      this.views.render(response, 'admin/audit', refused, { status: 400 });
      return;
    }
    const at = positionOf(query);
    let page;
    try {
      page = await this.audit.list(
        { ...dto, limit: PAGE_SIZE, ...(at.cursor ? { cursor: at.cursor } : {}) },
        actor,
      );
    } catch (error) {
      if (error instanceof DomainError && error.status === HttpStatus.BAD_REQUEST) {
        // A cursor that is not one of ours: the first page of the same search.
        response.redirect(HttpStatus.SEE_OTHER, `/admin/audit${searchOf(filters)}`);
        return;
      }
      throw error;
    }
    this.views.render(response, 'admin/audit', {
      ...context,
      rows: page.items.map(rowOf),
      ...pagerOf('/admin/audit', filters, at, page.nextCursor),
    });
  }

  /** Everyone who may have done something: the users by name. */
  private async actorChoices() {
    const choices = [{ value: '', label: 'Alla användare' }];
    let cursor: string | undefined;
    do {
      const page = await this.users.list({ limit: 200, cursor });
      for (const user of page.items) {
        choices.push({ value: String(user.id), label: `${user.name} (${user.email})` });
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return choices;
  }
}

function rowOf(event: AuditEventDto) {
  const href =
    event.entity === 'organisation'
      ? `/admin/organisations/${event.entityId}`
      : event.entity === 'user'
        ? `/admin/users/${event.entityId}`
        : event.entity === 'case'
          ? `/cases/${event.entityId}`
          : null;
  const changes = event.redacted ? [] : changesOf(event.before, event.after);
  return {
    occurredAt: event.occurredAt,
    actorLabel: event.actorLabel,
    what: ACTION_TEXT[event.action] ?? event.action,
    action: event.action,
    subject: `${ENTITY_TEXT[event.entity] ?? event.entity} ${event.entityId}`,
    href,
    redacted: event.redacted,
    changes,
    changesText: `${changes.length} ${changes.length === 1 ? 'uppgift' : 'uppgifter'}`,
  };
}

/** The fields that differ between the states before and after (every field of a new thing). */
function changesOf(before: unknown, after: unknown) {
  const old = record(before);
  const now = record(after);
  const fields = [...new Set([...Object.keys(old), ...Object.keys(now)])];
  return fields
    .filter((field) => JSON.stringify(old[field]) !== JSON.stringify(now[field]))
    .map((field) => ({
      field: FIELD_TEXT[field] ?? field,
      before: before === null ? null : shown(old[field]),
      after: after === null ? null : shown(now[field]),
    }));
}

function record(state: unknown): Record<string, unknown> {
  return state !== null && typeof state === 'object' && !Array.isArray(state)
    ? (state as Record<string, unknown>)
    : {};
}

function shown(value: unknown): string {
  const text = plain(value);
  return text.length > VALUE_LIMIT ? `${text.slice(0, VALUE_LIMIT)}…` : text;
}

/** A recorded value as text: yes/no, lists joined, named things by name. */
function plain(value: unknown): string {
  if (value === undefined || value === null) return '–';
  if (typeof value === 'boolean') return value ? 'ja' : 'nej';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    if (value.length === 0) return '–';
    return value
      .map((item: unknown) =>
        item !== null && typeof item === 'object' && 'name' in item
          ? String(item.name)
          : plain(item),
      )
      .join(', ');
  }
  return JSON.stringify(value);
}
