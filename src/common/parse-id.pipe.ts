import { ParseIntPipe } from '@nestjs/common';
import { DomainError } from './domain-error.js';

/** Parses a numeric `:id` path parameter, answering 400 that names the parameter otherwise. */
export function parseId(name = 'id'): ParseIntPipe {
  return new ParseIntPipe({
    exceptionFactory: () =>
      DomainError.validation([
        { field: name, messages: [`${name} must be a positive whole number`] },
      ]),
  });
}
