import { randomBytes } from 'node:crypto';
import type { Role } from '../../src/users/role.js';
import { ADMIN, login, TestApp } from './test-app.js';

export interface TestUser {
  id: number;
  email: string;
  password: string;
  auth: string;
}

export async function adminAuth(t: TestApp): Promise<string> {
  return login(t, ADMIN.email, ADMIN.password);
}

export async function createOrganisation(
  t: TestApp,
  auth: string,
  body: Record<string, unknown>,
): Promise<{ id: number; name: string; seriesCode: string | null; version: number }> {
  const response = await t.http().post('/api/organisations').set('Authorization', auth).send(body);
  if (response.status !== 201) {
    throw new Error(
      `creating organisation failed: ${response.status} ${JSON.stringify(response.body)}`,
    );
  }
  return response.body;
}

export async function createUser(
  t: TestApp,
  auth: string,
  roles: Role[],
  organisationIds: number[] = [],
): Promise<TestUser> {
  const email = `${roles.join('-') || 'none'}-${randomBytes(3).toString('hex')}@test.exempel.se`;
  const password = 'a-long-test-password';
  const response = await t
    .http()
    .post('/api/users')
    .set('Authorization', auth)
    .send({ name: `Test ${roles.join(' ')}`, email, password, roles, organisationIds });
  if (response.status !== 201) {
    throw new Error(`creating user failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return { id: response.body.id, email, password, auth: await login(t, email, password) };
}
