import { Transform } from 'class-transformer';
import { registerDecorator, ValidateIf, type ValidationArguments } from 'class-validator';

/** What a text field accepts. Every text a user types into the register goes through these rules. */
export interface TextRules {
  /** At most this many characters, counted after trimming. */
  max: number;
  /**
   * A name or a title: one line, and no invisible or direction-changing characters, which would
   * make the register, file names and mail headers say something other than what is shown.
   */
  line?: boolean;
  /** May be left out; when sent it must not be blank. */
  optional?: boolean;
  /** May be left out, null or blank, all meaning "none" (null). */
  nullable?: boolean;
}

// Free text keeps tab and newline (carriage returns are turned into newlines first).
// eslint-disable-next-line no-control-regex -- control characters are what is refused
const FREE_TEXT_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
const CONTROL = /\p{Cc}/u;
// Format characters (zero-width spaces and joiners, bidi marks, embeddings, overrides and
// isolates, BOM, soft hyphen, …) and the Unicode line and paragraph separators.
const INVISIBLE = /[\p{Cf}\u2028\u2029]/u;
const LONE_SURROGATE = /\p{Cs}/u;

function codePoint(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The text as it is stored: NFC, newlines as `\n` in free text, no surrounding whitespace. */
export function tidyText(value: string, rules: Pick<TextRules, 'line'>): string {
  const composed = LONE_SURROGATE.test(value) ? value : value.normalize('NFC');
  return (rules.line ? composed : composed.replace(/\r\n?/g, '\n')).trim();
}

/** What is wrong with an already tidied value, as a message naming `field`; null when nothing. */
export function textProblem(field: string, value: unknown, rules: TextRules): string | null {
  if (value === undefined || value === null || value === '') {
    if (rules.nullable) return null;
    // An optional field is only checked when sent, so blank there means emptied, not left out.
    return rules.optional ? `${field} must not be empty` : `${field} is required`;
  }
  if (typeof value !== 'string') return `${field} must be text`;
  if (value.length > rules.max) return `${field} must be at most ${rules.max} characters`;
  if (LONE_SURROGATE.test(value)) return `${field} must be valid Unicode text`;
  const control = (rules.line ? CONTROL : FREE_TEXT_CONTROL).exec(value);
  if (control) {
    return rules.line
      ? `${field} must be one line without control characters (found ${codePoint(control[0])})`
      : `${field} must not contain control characters other than tab and newline (found ${codePoint(control[0])})`;
  }
  const invisible = rules.line ? INVISIBLE.exec(value) : null;
  if (invisible) {
    return `${field} must not contain invisible or direction-changing characters (found ${codePoint(invisible[0])})`;
  }
  return null;
}

/**
 * A text field: trimmed (and composed) before it is checked, so whitespace alone is missing;
 * one message per problem ("title is required", "title must be at most 500 characters", …).
 * Blank optional values of `nullable` fields become null.
 */
export function IsText(rules: TextRules): PropertyDecorator {
  return (target, propertyName) => {
    const property = String(propertyName);
    Transform(({ value }: { value: unknown }) => {
      if (typeof value !== 'string') return value;
      const tidy = tidyText(value, rules);
      return rules.nullable && tidy === '' ? null : tidy;
    })(target, propertyName);
    if (rules.nullable) {
      ValidateIf((_: unknown, value: unknown) => value !== undefined && value !== null)(
        target,
        propertyName,
      );
    } else if (rules.optional) {
      ValidateIf((_: unknown, value: unknown) => value !== undefined)(target, propertyName);
    }
    registerDecorator({
      name: 'isText',
      target: target.constructor,
      propertyName: property,
      options: {
        message: (args: ValidationArguments) =>
          textProblem(args.property, args.value, rules) ?? `${args.property} is not valid text`,
      },
      validator: { validate: (value: unknown) => textProblem(property, value, rules) === null },
    });
  };
}

/** A list of names (justerare, närvarande): each one tidied and checked as a name. */
export function IsNameList(maxItems: number, maxLength: number): PropertyDecorator {
  const rules: TextRules = { max: maxLength, line: true };
  return (target, propertyName) => {
    const property = String(propertyName);
    Transform(({ value }: { value: unknown }) =>
      Array.isArray(value)
        ? value.map((entry: unknown) =>
            typeof entry === 'string' ? tidyText(entry, rules) : entry,
          )
        : value,
    )(target, propertyName);
    const problem = (value: unknown): string | null => {
      if (!Array.isArray(value)) return `${property} must be a list of names`;
      if (value.length > maxItems) return `${property} must hold at most ${maxItems} names`;
      for (const entry of value) {
        if (entry === '' || entry === null || entry === undefined) {
          return `${property} must not contain empty names`;
        }
        const found = textProblem(`each name in ${property}`, entry, rules);
        if (found) return found;
      }
      return null;
    };
    registerDecorator({
      name: 'isNameList',
      target: target.constructor,
      propertyName: property,
      options: { message: (args: ValidationArguments) => problem(args.value) ?? '' },
      validator: { validate: (value: unknown) => problem(value) === null },
    });
  };
}
