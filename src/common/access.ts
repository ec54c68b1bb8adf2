import type { Actor } from './actor.js';

/** Registrars and admins read confidential titles, parties and contents; others see only that they exist. */
export function mayReadConfidential(actor: Actor): boolean {
  return actor.roles.includes('registrar') || actor.roles.includes('admin');
}
