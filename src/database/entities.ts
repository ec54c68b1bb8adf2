import { AuditEvent } from '../audit/audit-event.entity.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { User } from '../users/user.entity.js';

/** Every entity, listed once: the app, the migration CLI and the tests share this list. */
export const ENTITIES = [AuditEvent, Organisation, User];
