import { HttpStatus } from '@nestjs/common';

export interface FieldProblem {
  field: string;
  messages: string[];
}

/** An error with a stable `code` that the global filter turns into the API's error shape. */
export class DomainError extends Error {
  constructor(
    readonly status: HttpStatus,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  static validation(problems: FieldProblem[]): DomainError {
    const message = problems.map((p) => p.messages.join('; ')).join('; ');
    return new DomainError(HttpStatus.BAD_REQUEST, 'validation_failed', message, problems);
  }

  static notFound(entity: string, id: string | number): DomainError {
    return new DomainError(HttpStatus.NOT_FOUND, 'not_found', `${entity} ${id} was not found`);
  }

  static conflict(code: string, message: string, details?: unknown): DomainError {
    return new DomainError(HttpStatus.CONFLICT, code, message, details);
  }

  static badRequest(code: string, message: string, details?: unknown): DomainError {
    return new DomainError(HttpStatus.BAD_REQUEST, code, message, details);
  }
}
