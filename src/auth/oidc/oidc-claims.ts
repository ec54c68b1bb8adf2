import type { OidcSettings } from '../../config/env.schema.js';
import { ROLES, type Role } from '../../users/role.js';

/** What Remiss takes from the provider's claims about a person or client. */
export interface MappedClaims {
  /** Remiss roles, in the order of {@link ROLES}, without repeats. */
  roles: Role[];
  /** Organisation series codes or ids (as written in OIDC_ORGANISATION_MAP), without repeats. */
  organisationKeys: string[];
}

/** The values of a claim: a string, or the strings of an array; anything else counts as none. */
export function claimValues(claims: Record<string, unknown>, name: string): string[] {
  const value = claims[name];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) {
    return value.filter((item): item is string => typeof item === 'string');
  }
  return [];
}

/** Roles and organisations through the maps; claim values not in a map are ignored. */
export function mapClaims(
  claims: Record<string, unknown>,
  settings: Pick<OidcSettings, 'rolesClaim' | 'roleMap' | 'organisationClaim' | 'organisationMap'>,
): MappedClaims {
  const roles = new Set<Role>();
  for (const value of claimValues(claims, settings.rolesClaim)) {
    const role = settings.roleMap.get(value);
    if (role) roles.add(role);
  }
  const organisationKeys = new Set<string>();
  if (settings.organisationClaim !== null) {
    for (const value of claimValues(claims, settings.organisationClaim)) {
      const key = settings.organisationMap.get(value);
      if (key !== undefined) organisationKeys.add(key);
    }
  }
  return {
    roles: ROLES.filter((role) => roles.has(role)),
    organisationKeys: [...organisationKeys],
  };
}

/** The person's name and e-mail address from the standard claims, as far as they are usable. */
export function profileOf(claims: Record<string, unknown>): { name: string; email: string | null } {
  const text = (key: string): string | null => {
    const value = claims[key];
    return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 200) : null;
  };
  const email = text('email');
  const validEmail =
    email !== null && email.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)
      ? email.toLowerCase()
      : null;
  const given = [text('given_name'), text('family_name')].filter(Boolean).join(' ');
  const name = text('name') ?? (given || null) ?? validEmail ?? text('sub') ?? 'Okänd användare';
  return { name, email: validEmail };
}
