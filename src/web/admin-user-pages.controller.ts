import { Get, HttpStatus, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/decorators.js';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { parseId } from '../common/parse-id.pipe.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { CreateUserDto, UpdateUserDto, UserQueryDto, type UserDto } from '../users/dto/user.dto.js';
import { UsersService } from '../users/users.service.js';
import {
  adminFormErrors,
  adminNav,
  choicesOf,
  pagerOf,
  positionOf,
  ROLE_TEXT,
} from './admin-pages.js';
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
import { pageDate, pageTime, WebViews } from './web-views.js';

const USER_FORM: FormDefinition = {
  name: { label: 'Namn' },
  email: { label: 'E-postadress' },
  password: { label: 'Lösenord' },
  roles: { label: 'Roller', kind: 'list', chosen: true },
  organisationIds: { label: 'Organisationer', kind: 'list', chosen: true },
};
const EDIT_FORM: FormDefinition = {
  name: USER_FORM.name,
  roles: USER_FORM.roles,
  organisationIds: USER_FORM.organisationIds,
};
const PASSWORD_FORM: FormDefinition = { password: { label: 'Nytt lösenord' } };
const ACTIVE_FORM: FormDefinition = { active: { label: 'Kontot', kind: 'boolean' } };
const FILTER_FORM: FormDefinition = { role: { label: 'Roll' } };

const PAGE_SIZE = 50;
const PASSWORD_HINT = 'Minst 12 tecken. Lämna lösenordet till användaren på ett säkert sätt.';

/** The user page's three forms; one of them may come back refused. */
interface UserForms {
  edit: FormState;
  password: FormState;
  active: FormState;
}

/**
 * Administration › Användare: the users with roles, organisations and state; creating a user,
 * changing roles and organisations, a new password, deactivating and reactivating. Everything goes
 * through the service and DTOs of `/api/users` (admin only), so its rules hold here too: the last
 * active admin stays, and a new password or a deactivation ends the user's sessions at once.
 */
@WebPages('admin/users')
@Roles('admin')
export class AdminUserPagesController {
  constructor(
    private readonly views: WebViews,
    private readonly users: UsersService,
    private readonly organisations: OrganisationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async list(@Query() query: Record<string, unknown>, @Res() response: Response): Promise<void> {
    const filters = { role: query.role };
    const at = positionOf(query);
    const context = {
      title: 'Användare',
      adminNav: adminNav('/admin/users'),
      form: emptyForm(typedValues(filters)),
      roleChoices: [{ value: '', label: 'Alla roller' }, ...choicesOf(ROLE_TEXT)],
    };
    let page;
    try {
      const dto = await formToDto(UserQueryDto, FILTER_FORM, filters);
      page = await this.users.list({
        ...dto,
        limit: PAGE_SIZE,
        ...(at.cursor ? { cursor: at.cursor } : {}),
      });
    } catch (error) {
      if (error instanceof DomainError && error.status === HttpStatus.BAD_REQUEST) {
        // A role or cursor that is not one of ours: start again with the whole list.
        response.redirect(HttpStatus.SEE_OTHER, '/admin/users');
        return;
      }
      throw error;
    }
    this.views.render(response, 'admin/users', {
      ...context,
      rows: page.items.map(rowOf),
      ...pagerOf('/admin/users', filters, at, page.nextCursor),
    });
  }

  @Get('new')
  async newUser(@Res() response: Response): Promise<void> {
    await this.renderNew(response, emptyForm(), 200);
  }

  @Post('new')
  async create(
    @Req() request: Request,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    let created: UserDto;
    try {
      const dto = await bodyToDto(CreateUserDto, withIds(formToBody(USER_FORM, request.body)));
      created = await this.users.create(dto, actor);
    } catch (error) {
      const errors = adminFormErrors(USER_FORM, error);
      if (!errors) throw error;
      const values = typedValues(request.body);
      // A refused password is typed again, never sent back to the browser.
      delete values.password;
      await this.renderNew(response, { values, errors }, 400);
      return;
    }
    await this.views.flash(response, `Användaren ${created.name} skapades`);
    response.redirect(HttpStatus.SEE_OTHER, `/admin/users/${created.id}`);
  }

  @Get(':id')
  async show(@Param('id', parseId()) id: number, @Res() response: Response): Promise<void> {
    const user = await this.users.get(id);
    await this.renderUser(response, user, {
      edit: emptyForm(valuesOf(user)),
      password: emptyForm(),
      active: emptyForm(),
    });
  }

  @Post(':id')
  async update(
    @Param('id', parseId()) id: number,
    @Req() request: Request,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    await this.change(id, EDIT_FORM, 'edit', request.body, actor, response, 'sparades');
  }

  @Post(':id/password')
  async password(
    @Param('id', parseId()) id: number,
    @Req() request: Request,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    const changed = 'fick ett nytt lösenord; användarens inloggningar avslutades';
    await this.change(id, PASSWORD_FORM, 'password', request.body, actor, response, changed);
  }

  @Post(':id/deactivate')
  async deactivate(
    @Param('id', parseId()) id: number,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    const changed = 'inaktiverades; användarens inloggningar avslutades';
    await this.change(id, ACTIVE_FORM, 'active', { active: 'false' }, actor, response, changed);
  }

  @Post(':id/activate')
  async activate(
    @Param('id', parseId()) id: number,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    await this.change(
      id,
      ACTIVE_FORM,
      'active',
      { active: 'true' },
      actor,
      response,
      'aktiverades',
    );
  }

  /** Allows linking the account to the identity provider: POST /api/users/:id/sso-link. */
  @Post(':id/sso-link')
  async allowSsoLink(
    @Param('id', parseId()) id: number,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    let until: Date;
    try {
      until = new Date((await this.users.allowSsoLink(id, actor)).allowedUntil);
    } catch (error) {
      // Linked meanwhile: the page shows that it signs in through the provider now.
      if (!(error instanceof DomainError) || error.status !== HttpStatus.CONFLICT) throw error;
      await this.views.flash(response, 'Kontot är redan kopplat till jobbkontot');
      response.redirect(HttpStatus.SEE_OTHER, `/admin/users/${id}`);
      return;
    }
    await this.views.flash(
      response,
      `Kontot kan kopplas till jobbkontot vid nästa inloggning, senast ${pageDate(until)} ${pageTime(until)}`,
    );
    response.redirect(HttpStatus.SEE_OTHER, `/admin/users/${id}`);
  }

  /** One of the user page's forms: PATCH /api/users/:id with its fields. */
  private async change(
    id: number,
    form: FormDefinition,
    which: keyof UserForms,
    body: unknown,
    actor: Actor,
    response: Response,
    done: string,
  ): Promise<void> {
    let changed: UserDto;
    try {
      const dto = await bodyToDto(UpdateUserDto, withIds(formToBody(form, body)));
      changed = await this.users.update(id, dto, actor);
    } catch (error) {
      const errors = adminFormErrors(form, error);
      if (!errors) throw error;
      const user = await this.users.get(id);
      const forms: UserForms = {
        edit: emptyForm(valuesOf(user)),
        password: emptyForm(),
        active: emptyForm(),
      };
      const values = which === 'edit' ? typedValues(body) : {};
      forms[which] = { values, errors };
      await this.renderUser(response, user, forms, 400);
      return;
    }
    await this.views.flash(response, `${changed.name} ${done}`);
    response.redirect(HttpStatus.SEE_OTHER, `/admin/users/${id}`);
  }

  private async renderNew(response: Response, form: FormState, status: number): Promise<void> {
    this.views.render(
      response,
      'admin/user-new',
      {
        title: 'Ny användare',
        adminNav: adminNav('/admin/users'),
        form,
        passwordHint: PASSWORD_HINT,
        roleChoices: choicesOf(ROLE_TEXT),
        organisationChoices: await this.organisationChoices([]),
      },
      { status },
    );
  }

  private async renderUser(
    response: Response,
    user: UserDto,
    forms: UserForms,
    status = 200,
  ): Promise<void> {
    this.views.render(
      response,
      'admin/user',
      {
        title: user.name,
        adminNav: adminNav('/admin/users'),
        account: rowOf(user),
        ssoLink: await this.ssoLinkOf(user),
        forms,
        passwordHint: PASSWORD_HINT,
        roleChoices: choicesOf(ROLE_TEXT),
        organisationChoices: await this.organisationChoices(user.organisationIds),
      },
      { status },
    );
  }

  /** Linking to the identity provider: offered while single sign-on is on and not linked yet. */
  private async ssoLinkOf(user: UserDto) {
    if (this.config.oidc === null || user.signIn === 'oidc') return null;
    const until = await this.users.ssoLinkAllowedUntil(user.id);
    return { allowedUntil: until === null ? null : until.toISOString() };
  }

  /** The active organisations, and any inactive ones the user already acts for, by name. */
  private async organisationChoices(chosen: readonly number[]) {
    const choices: { value: string; label: string }[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.organisations.list({ limit: 200, cursor });
      for (const organisation of page.items) {
        if (!organisation.active && !chosen.includes(organisation.id)) continue;
        choices.push({
          value: String(organisation.id),
          label: organisation.active ? organisation.name : `${organisation.name} (inaktiv)`,
        });
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return choices;
  }
}

/** A form's organisation ids (strings) as the numbers the API's DTO takes. */
function withIds(body: Record<string, unknown>): Record<string, unknown> {
  const ids = body.organisationIds;
  if (!Array.isArray(ids)) return body;
  return {
    ...body,
    organisationIds: ids.map((id: unknown) =>
      typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : id,
    ),
  };
}

function valuesOf(user: UserDto): Record<string, string | string[]> {
  return {
    name: user.name,
    roles: [...user.roles],
    organisationIds: user.organisationIds.map(String),
  };
}

function rowOf(user: UserDto) {
  return {
    ...user,
    roleTexts: user.roles.map((role) => ROLE_TEXT[role]),
    organisationNames: user.organisations.map((organisation) => organisation.name),
    // How the user signs in: through the identity provider (single sign-on) or with a password.
    signInText: user.signIn === 'oidc' ? 'OIDC' : 'Lösenord',
  };
}
