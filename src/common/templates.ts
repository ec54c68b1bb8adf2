import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const LONG_DATE = new Intl.DateTimeFormat('sv-SE', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const DECIMAL = new Intl.NumberFormat('sv-SE', { maximumFractionDigits: 1 });

/** `2026-08-20` → `20 augusti 2026` (the day is a calendar day, so no zone shifts it). */
export function longSwedishDate(day: string): string {
  return LONG_DATE.format(new Date(`${day}T00:00:00Z`));
}

/** A round's title without a leading "Remiss:", for texts that say Remiss themselves. */
export function withoutRemissPrefix(title: string): string {
  return title.replace(/^remiss\s*[:–-]\s*/i, '').trim();
}

/** 204800 → `200 kB`, in Swedish notation. */
export function swedishFileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} byte`;
  if (bytes < 1024 * 1024) return `${DECIMAL.format(bytes / 1024)} kB`;
  return `${DECIMAL.format(bytes / (1024 * 1024))} MB`;
}

/**
 * A Handlebars environment with the helpers every template may use. Templates are compiled
 * strictly: a variable the context lacks fails the render instead of printing nothing.
 */
export class TemplateSet {
  private readonly handlebars = Handlebars.create();

  constructor(private readonly root: string) {
    this.handlebars.registerHelper('longDate', (day: unknown) => {
      if (typeof day !== 'string') throw new Error('longDate needs a YYYY-MM-DD day');
      return longSwedishDate(day);
    });
    this.handlebars.registerHelper('fileSize', (bytes: unknown) => swedishFileSize(Number(bytes)));
    this.handlebars.registerHelper('withoutRemissPrefix', (title: unknown) => {
      if (typeof title !== 'string') throw new Error('withoutRemissPrefix needs a title');
      return withoutRemissPrefix(title);
    });
    // Strict mode checks {{value}} but not the value of a block such as {{#if value}}, so a
    // misspelt condition would silently be false. Contexts give absent values as null, never
    // undefined, so undefined here means the template names something the context lacks.
    for (const name of ['if', 'unless', 'each', 'with']) {
      const builtIn = this.handlebars.helpers[name];
      this.handlebars.registerHelper(
        name,
        function (this: unknown, value: unknown, options: Handlebars.HelperOptions) {
          if (value === undefined) {
            const line = (options as { loc?: { start: { line: number } } }).loc?.start.line;
            throw new Error(`{{#${name}}} on line ${line ?? '?'} names a value the context lacks`);
          }
          return builtIn.call(this, value, options) as unknown;
        },
      );
    }
  }

  /** Adds a helper of one template set (the staff pages' form fields, dates). */
  registerHelper(name: string, helper: Handlebars.HelperDelegate): void {
    this.handlebars.registerHelper(name, helper);
  }

  /** Registers every `name.hbs` listed as a partial `{{> name}}`. */
  registerPartials(folder: string, names: readonly string[]): void {
    for (const name of names) {
      this.handlebars.registerPartial(name, this.read(join(folder, `${name}.hbs`)));
    }
  }

  /** Compiles a template file; `escape: false` for plain text (subjects, text bodies). */
  compile<C>(path: string, escape: boolean): (context: C) => string {
    const template = this.handlebars.compile<C>(this.read(path), {
      strict: true,
      noEscape: !escape,
    });
    return (context) => template(context);
  }

  private read(path: string): string {
    const file = join(this.root, path);
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`Template ${file} cannot be read: ${(error as Error).message}`);
    }
  }
}
