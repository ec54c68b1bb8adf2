import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/decorators.js';
import { parseId } from '../common/parse-id.pipe.js';
import type { Actor } from '../common/actor.js';
import {
  CreateUserDto,
  SsoLinkPermitDto,
  UpdateUserDto,
  UserDto,
  UserPageDto,
  UserQueryDto,
} from './dto/user.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiCreatedResponse({ type: UserDto })
  @ApiConflictResponse({ description: 'The e-mail address is taken' })
  create(@Body() body: CreateUserDto, @CurrentActor() actor: Actor): Promise<UserDto> {
    return this.users.create(body, actor);
  }

  @Get()
  @ApiOkResponse({ type: UserPageDto })
  list(@Query() query: UserQueryDto): Promise<UserPageDto> {
    return this.users.list(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: UserDto })
  get(@Param('id', parseId()) id: number): Promise<UserDto> {
    return this.users.get(id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: UserDto })
  update(
    @Param('id', parseId()) id: number,
    @Body() body: UpdateUserDto,
    @CurrentActor() actor: Actor,
  ): Promise<UserDto> {
    return this.users.update(id, body, actor);
  }

  @Post(':id/sso-link')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: SsoLinkPermitDto })
  @ApiNotFoundResponse({ description: 'No such user' })
  @ApiConflictResponse({ description: 'The account already has an identity at the provider' })
  allowSsoLink(
    @Param('id', parseId()) id: number,
    @CurrentActor() actor: Actor,
  ): Promise<SsoLinkPermitDto> {
    return this.users.allowSsoLink(id, actor);
  }
}
