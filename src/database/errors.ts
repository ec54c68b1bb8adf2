import { QueryFailedError } from 'typeorm';

/** True when the error is a unique-key violation, optionally on the named key. */
export function isDuplicateKey(error: unknown, key?: string): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; sqlMessage?: string } | undefined;
  if (driverError?.code !== 'ER_DUP_ENTRY') return false;
  return (
    key === undefined ||
    (driverError.sqlMessage ?? '').includes(`'${key}'`) ||
    (driverError.sqlMessage ?? '').includes(`.${key}'`)
  );
}
