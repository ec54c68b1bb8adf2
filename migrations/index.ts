// Every migration in the order it runs; `npm run migration:generate` adds new ones here.
import { CreateDirectoryUsersAudit1795334400000 } from './1795334400000-CreateDirectoryUsersAudit.js';

export const MIGRATIONS = [CreateDirectoryUsersAudit1795334400000];
