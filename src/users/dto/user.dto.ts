import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { IsText } from '../../common/text.js';
import { PageQueryDto } from '../../common/pagination.js';
import { ROLES, type Role } from '../role.js';
import type { User } from '../user.entity.js';

export class CreateUserDto {
  @ApiProperty({ example: 'Anna Andersson' })
  @IsText({ max: 200, line: true })
  name: string;

  @ApiProperty({ example: 'anna.andersson@exempel.se' })
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: 12, description: 'At least 12 characters' })
  @IsString()
  @MinLength(12)
  @MaxLength(200)
  password: string;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['registrar'] })
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true, message: `each value in roles must be one of ${ROLES.join(', ')}` })
  roles: Role[];

  @ApiProperty({ type: [Number], example: [1], description: 'Organisations the user acts for' })
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(100)
  @IsInt({ each: true })
  @Min(1, { each: true })
  organisationIds: number[];
}

export class UpdateUserDto {
  @ApiPropertyOptional({ example: 'Anna Andersson' })
  @IsText({ max: 200, line: true, optional: true })
  name?: string;

  @ApiPropertyOptional({ minLength: 12 })
  @IsOptional()
  @IsString()
  @MinLength(12)
  @MaxLength(200)
  password?: string;

  @ApiPropertyOptional({ enum: ROLES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true, message: `each value in roles must be one of ${ROLES.join(', ')}` })
  roles?: Role[];

  @ApiPropertyOptional({ type: [Number] })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(100)
  @IsInt({ each: true })
  @Min(1, { each: true })
  organisationIds?: number[];

  @ApiPropertyOptional({ description: 'false deactivates the account; its tokens stop working' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class UserQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  organisationId?: number;
}

export class UserOrganisationDto {
  @ApiProperty({ example: 2 })
  id: number;

  @ApiProperty({ example: 'Servicenämnden' })
  name: string;
}

export class UserDto {
  @ApiProperty({ example: 7 })
  id: number;

  @ApiProperty({ example: 'Anna Andersson' })
  name: string;

  @ApiProperty({ example: 'anna.andersson@exempel.se' })
  email: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  roles: Role[];

  @ApiProperty({ type: [Number] })
  organisationIds: number[];

  @ApiProperty({ type: [UserOrganisationDto] })
  organisations: UserOrganisationDto[];

  @ApiProperty()
  active: boolean;

  @ApiProperty({
    enum: ['oidc', 'password'],
    description: 'How the user signs in: through the identity provider or with a password',
  })
  signIn: 'oidc' | 'password';

  @ApiProperty({ example: '2026-11-22T08:00:00.000Z' })
  createdAt: string;

  @ApiProperty({ nullable: true, type: String })
  lastLoginAt: string | null;

  static from(user: User): UserDto {
    const organisations = [...user.organisations]
      .sort((a, b) => a.id - b.id)
      .map(({ id, name }) => ({ id, name }));
    return {
      id: user.id,
      name: user.name,
      email: user.email,
      roles: [...user.roles].sort((a, b) => ROLES.indexOf(a) - ROLES.indexOf(b)),
      organisationIds: organisations.map((organisation) => organisation.id),
      organisations,
      active: user.active,
      signIn: user.oidcSubject ? 'oidc' : 'password',
      createdAt: user.createdAt.toISOString(),
      lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
    };
  }
}

/** An admin's permit to link a password account to the identity provider at its next sign-in. */
export class SsoLinkPermitDto {
  @ApiProperty({ example: 7 })
  userId: number;

  @ApiProperty({ example: '2026-11-29T08:00:00.000Z', description: 'The permit ends then' })
  allowedUntil: string;
}

export class UserPageDto {
  @ApiProperty({ type: [UserDto] })
  items: UserDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor: string | null;
}
