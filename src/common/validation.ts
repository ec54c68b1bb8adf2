import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { DomainError, FieldProblem } from './domain-error.js';

/** Bodies nested deeper than this are refused before anything walks them recursively. */
export const MAX_BODY_DEPTH = 32;

/** Keys that address an object's prototype: never fields of a DTO, so refused as unknown. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor']);

/**
 * Whether a DTO property is checked only under a condition (`@IsOptional`, `@ValidateIf`, the
 * optional and nullable forms of `@IsText`): such a field is never required, so a null sent there
 * is a value to judge ("title must not be empty"), not a missing field.
 */
function isConditional(target: object | undefined, property: string): boolean {
  if (!target) return false;
  return getMetadataStorage()
    .getTargetValidationMetadatas(target.constructor, '', true, false)
    .some(
      (metadata) =>
        metadata.propertyName === property &&
        metadata.type === ValidationTypes.CONDITIONAL_VALIDATION,
    );
}

/**
 * Whether an error is about a required field that was left out (absent, or sent as null): such a
 * field gets the one message "<field> is required", not one per rule it would have broken.
 * (A required nested object needs `@IsDefined()` beside `@ValidateNested()`, which lets an absent
 * object pass.)
 */
export function isMissing(error: ValidationError): boolean {
  const constraints = error.constraints ?? {};
  if (Object.keys(constraints).length === 0 || 'whitelistValidation' in constraints) return false;
  if (error.value === undefined) return true;
  return error.value === null && !isConditional(error.target, error.property);
}

/** class-validator errors as field problems, nested fields named by their full path. */
export function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const constraints = error.constraints ?? {};
    const missing = isMissing(error);
    const own: FieldProblem[] = error.constraints
      ? [
          {
            field,
            messages: missing
              ? [`${field} is required`]
              : Object.values(constraints).map((message) =>
                  // class-validator names nested fields by their own name only; give the full path.
                  message.startsWith(error.property)
                    ? field + message.slice(error.property.length)
                    : message,
                ),
          },
        ]
      : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * Walks a parsed body without recursion: refuses nesting deeper than {@link MAX_BODY_DEPTH}
 * (class-transformer would overflow the stack on it) and prototype keys (`__proto__`,
 * `constructor`), which would otherwise be dropped silently instead of refused as unknown fields.
 */
export function assertPlainBody(body: unknown, field = '', maxDepth = MAX_BODY_DEPTH): void {
  const stack: { value: unknown; depth: number; path: string }[] = [
    { value: body, depth: 0, path: field },
  ];
  const problems: FieldProblem[] = [];
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop()!;
    if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) continue;
    if (depth >= maxDepth) {
      throw DomainError.badRequest(
        'body_too_deep',
        `The request body is nested deeper than ${maxDepth} levels`,
      );
    }
    for (const key of Object.keys(value)) {
      const field = path ? `${path}.${key}` : key;
      if (PROTOTYPE_KEYS.has(key)) {
        problems.push({ field, messages: [`property ${field} should not exist`] });
        continue;
      }
      stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1, path: field });
    }
  }
  if (problems.length > 0) throw DomainError.validation(problems);
}

/** The global pipe: checks a body's shape first, then validates it against its DTO. */
export class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Path parameters reach their own pipe (parseId) as written: converted here, "1e3" would be 1000.
    if (metadata.type === 'param') return value;
    if (metadata.type === 'body') assertPlainBody(value);
    return super.transform(value, metadata);
  }
}

/** Whitelists DTO fields, refuses unknown ones and names every offending field. */
export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    // Values and targets are kept on the errors (never sent) so that a missing field can be told
    // apart, and a required one from an optional one.
    validationError: { target: true, value: true },
    exceptionFactory: (errors) => DomainError.validation(flatten(errors)),
  });
}
