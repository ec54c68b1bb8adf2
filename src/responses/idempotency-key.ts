import { DomainError } from '../common/domain-error.js';

/** The `Idempotency-Key` header: at most 100 of A–Z, a–z, 0–9 and . _ : -, or absent. */
export function parseIdempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  if (!/^[A-Za-z0-9._:-]{1,100}$/.test(header)) {
    throw DomainError.validation([
      {
        field: 'Idempotency-Key',
        messages: ['Idempotency-Key must be 1–100 letters, digits or . _ : -'],
      },
    ]);
  }
  return header;
}
