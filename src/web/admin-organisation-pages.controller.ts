import { Get, HttpStatus, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/decorators.js';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { parseId } from '../common/parse-id.pipe.js';
import {
  CreateOrganisationDto,
  UpdateOrganisationDto,
  type OrganisationDto,
} from '../organisations/dto/organisation.dto.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { adminFormErrors, adminNav, choicesOf, KIND_TEXT, NUMBERING_TEXT } from './admin-pages.js';
import {
  bodyToDto,
  emptyForm,
  formToBody,
  formToDto,
  typedValues,
  type FormDefinition,
  type FormState,
} from './forms.js';
import { WebActor, WebPages } from './web-auth.guard.js';
import { WebViews } from './web-views.js';

const ORGANISATION_FORM: FormDefinition = {
  name: { label: 'Namn' },
  kind: { label: 'Slag', chosen: true },
  seriesCode: { label: 'Diarieserie' },
  email: { label: 'Funktionsbrevlåda' },
  parentId: { label: 'Överordnad organisation', kind: 'number', chosen: true },
  paragraphNumbering: { label: 'Paragrafnumrering', chosen: true },
  active: { label: 'Aktiv', kind: 'boolean' },
};
/** Fields an edit clears when left empty (the API's `null`). */
const CLEARABLE = ['seriesCode', 'email', 'parentId'] as const;

interface TreeNode extends OrganisationDto {
  kindText: string;
  children: TreeNode[];
}

/**
 * Administration › Organisationer: the directory as a tree, and creating and editing an
 * organisation with the service and DTOs of `/api/organisations` (admin only, as there).
 */
@WebPages('admin/organisations')
@Roles('admin')
export class AdminOrganisationPagesController {
  constructor(
    private readonly views: WebViews,
    private readonly organisations: OrganisationsService,
  ) {}

  @Get()
  async tree(@Res() response: Response): Promise<void> {
    const all = await this.all();
    this.views.render(response, 'admin/organisations', {
      title: 'Organisationer',
      adminNav: adminNav('/admin/organisations'),
      tree: treeOf(all),
      count: all.length,
    });
  }

  @Get('new')
  async newOrganisation(@Res() response: Response): Promise<void> {
    const form = emptyForm({ active: 'true', paragraphNumbering: 'yearly' });
    await this.renderForm(response, null, form, 200);
  }

  @Post('new')
  async create(
    @Req() request: Request,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    let created: OrganisationDto;
    try {
      const dto = await formToDto(CreateOrganisationDto, ORGANISATION_FORM, posted(request.body));
      created = await this.organisations.create(dto, actor);
    } catch (error) {
      const errors = adminFormErrors(ORGANISATION_FORM, error);
      if (!errors) throw error;
      await this.renderForm(response, null, { values: typedValues(request.body), errors }, 400);
      return;
    }
    await this.views.flash(response, `Organisationen ${created.name} skapades`);
    response.redirect(HttpStatus.SEE_OTHER, '/admin/organisations');
  }

  @Get(':id')
  async edit(@Param('id', parseId()) id: number, @Res() response: Response): Promise<void> {
    const organisation = await this.organisations.get(id);
    await this.renderForm(response, organisation, emptyForm(valuesOf(organisation)), 200);
  }

  @Post(':id')
  async update(
    @Param('id', parseId()) id: number,
    @Req() request: Request,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    const { version, ...fields } = (request.body ?? {}) as Record<string, unknown>;
    let updated: OrganisationDto;
    try {
      const body = formToBody(ORGANISATION_FORM, posted(fields));
      for (const name of CLEARABLE) if (!(name in body)) body[name] = null;
      const dto = await bodyToDto(UpdateOrganisationDto, body);
      const expected =
        typeof version === 'string' && /^\d+$/.test(version) ? Number(version) : undefined;
      updated = await this.organisations.update(id, dto, actor, expected);
    } catch (error) {
      const current = await this.organisations.get(id);
      const errors = adminFormErrors(ORGANISATION_FORM, error) ?? movedOn(error);
      if (!errors) throw error;
      // After a refusal the form carries the version now stored, so saving again is deliberate.
      await this.renderForm(response, current, { values: typedValues(fields), errors }, 400);
      return;
    }
    await this.views.flash(response, `Organisationen ${updated.name} sparades`);
    response.redirect(HttpStatus.SEE_OTHER, '/admin/organisations');
  }

  private async renderForm(
    response: Response,
    organisation: OrganisationDto | null,
    form: FormState,
    status: number,
  ): Promise<void> {
    const all = await this.all();
    // An organisation cannot be put under itself or anything under it (the service refuses it).
    const excluded = organisation ? idsUnder(treeOf(all), organisation.id) : new Set<number>();
    const parentChoices = [
      { value: '', label: 'Ingen (högst upp i katalogen)' },
      ...flatten(treeOf(all))
        .filter(({ node }) => !excluded.has(node.id))
        .map(({ node, depth }) => ({
          value: String(node.id),
          label: `${'– '.repeat(depth)}${node.name}`,
        })),
    ];
    this.views.render(
      response,
      'admin/organisation-form',
      {
        title: organisation ? `Ändra ${organisation.name}` : 'Ny organisation',
        adminNav: adminNav('/admin/organisations'),
        action: organisation
          ? `/admin/organisations/${organisation.id}`
          : '/admin/organisations/new',
        version: organisation?.version ?? null,
        historyHref: organisation
          ? `/admin/audit?entity=organisation&entityId=${organisation.id}`
          : null,
        submit: organisation ? 'Spara ändringarna' : 'Skapa organisationen',
        form,
        kindChoices: [{ value: '', label: 'Välj slag' }, ...choicesOf(KIND_TEXT)],
        numberingChoices: choicesOf(NUMBERING_TEXT),
        parentChoices,
        activeChoices: [{ value: 'true', label: 'Organisationen är aktiv' }],
      },
      { status },
    );
  }

  /** The whole directory (a few hundred rows), page by page through the API's list. */
  private async all(): Promise<OrganisationDto[]> {
    const all: OrganisationDto[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.organisations.list({ limit: 200, cursor });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return all;
  }
}

/** The posted form with an unticked "active" box as `false` (a box that is not ticked is not sent). */
function posted(body: unknown): Record<string, unknown> {
  const fields = { ...((body ?? {}) as Record<string, unknown>) };
  fields.active = fields.active === 'true' ? 'true' : 'false';
  return fields;
}

function valuesOf(organisation: OrganisationDto): Record<string, string> {
  return {
    name: organisation.name,
    kind: organisation.kind,
    seriesCode: organisation.seriesCode ?? '',
    email: organisation.email ?? '',
    parentId: organisation.parentId === null ? '' : String(organisation.parentId),
    paragraphNumbering: organisation.paragraphNumbering,
    ...(organisation.active ? { active: 'true' } : {}),
  };
}

/** Someone else saved the organisation since the form was opened. */
function movedOn(error: unknown) {
  if (!(error instanceof DomainError) || error.code !== 'version_mismatch') return null;
  return [
    {
      field: 'name',
      message:
        'Någon annan har ändrat organisationen sedan du öppnade sidan. Kontrollera uppgifterna och spara igen.',
    },
  ];
}

/** The directory as a tree by name; an organisation whose parent is unknown stands at the top. */
function treeOf(all: OrganisationDto[]): TreeNode[] {
  const nodes = new Map<number, TreeNode>(
    all.map((organisation) => [
      organisation.id,
      { ...organisation, kindText: KIND_TEXT[organisation.kind], children: [] },
    ]),
  );
  const roots: TreeNode[] = [];
  // `all` is sorted by name, so every list of children is too.
  for (const node of nodes.values()) {
    const parent = node.parentId === null ? undefined : nodes.get(node.parentId);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

function flatten(nodes: TreeNode[], depth = 0): { node: TreeNode; depth: number }[] {
  return nodes.flatMap((node) => [{ node, depth }, ...flatten(node.children, depth + 1)]);
}

function idsUnder(roots: TreeNode[], id: number): Set<number> {
  const start = flatten(roots).find(({ node }) => node.id === id)?.node;
  return new Set(start ? flatten([start]).map(({ node }) => node.id) : [id]);
}
