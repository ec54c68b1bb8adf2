import type { SecurityIncident } from './security-log.service.js';

/**
 * Distinct rows one client address may add per minute. Repeats of the same kind, route and account
 * already share a row; beyond this many events from one address (e.g. spraying a new account name
 * with every attempt), its events are folded into one row per kind with `*` as route and account,
 * so a flood from one address costs at most this many rows plus one per kind each minute.
 */
export const ROWS_PER_ADDRESS_PER_MINUTE = 20;

/**
 * Events from all addresses per minute that get rows of their own; beyond it (a botnet) they fold
 * into one row per kind with `*` as the address too. Probing stays visible through the counts.
 */
export const ROWS_PER_MINUTE = 2_000;

export const FOLDED = '*';

export interface Bucket {
  clientAddress: string;
  method: string;
  route: string;
  account: string;
  userId: number | null;
}

/** The UTC minute an event counts in. */
export function minuteOf(instant: Date): Date {
  return new Date(Math.floor(instant.getTime() / 60_000) * 60_000);
}

/** The row an event is counted in, given how many events this minute came before it (and it). */
export function bucketOf(
  incident: SecurityIncident,
  eventsFromAddress: number,
  eventsOverall: number,
): Bucket {
  const { origin } = incident;
  const account = (incident.account ?? '').trim().toLowerCase().slice(0, 254);
  if (eventsOverall > ROWS_PER_MINUTE) {
    return { clientAddress: FOLDED, method: FOLDED, route: FOLDED, account: FOLDED, userId: null };
  }
  if (eventsFromAddress > ROWS_PER_ADDRESS_PER_MINUTE) {
    return {
      clientAddress: origin.clientAddress.slice(0, 64),
      method: FOLDED,
      route: FOLDED,
      account: FOLDED,
      userId: null,
    };
  }
  return {
    clientAddress: origin.clientAddress.slice(0, 64),
    method: origin.method.slice(0, 10),
    route: origin.route,
    account,
    userId: incident.userId ?? null,
  };
}
