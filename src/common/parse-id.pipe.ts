import type { PipeTransform } from '@nestjs/common';
import { DomainError } from './domain-error.js';

const ID = /^[1-9][0-9]*$/;

/** A path id: digits only, no sign, exponent, hex, fraction, padding or leading zero. */
export function isId(value: unknown): boolean {
  return typeof value === 'string' && ID.test(value) && Number(value) <= Number.MAX_SAFE_INTEGER;
}

/**
 * Parses a numeric `:id` path parameter; `1e3`, `0x1`, `1.0`, ` 1`, `0`, `-1` and ids beyond
 * 2^53 − 1 are refused with 400 that names the parameter.
 */
export function parseId(name = 'id'): PipeTransform<string, number> {
  return {
    transform(value: string): number {
      if (!isId(value)) {
        throw DomainError.validation([
          { field: name, messages: [`${name} must be a positive whole number`] },
        ]);
      }
      return Number(value);
    },
  };
}
