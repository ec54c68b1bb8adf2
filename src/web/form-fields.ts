import Handlebars from 'handlebars';
import type { FormState } from './forms.js';

/** An option of a select, radio group or checkbox group. */
export interface Choice {
  value: string;
  label: string;
}

const escape = (value: string | number | null | undefined): string =>
  Handlebars.Utils.escapeExpression(value === null || value === undefined ? '' : String(value));

function stateOf(form: unknown): FormState {
  const state = form as FormState | undefined;
  if (!state || typeof state !== 'object' || !state.values || !Array.isArray(state.errors)) {
    throw new Error('A form field needs the page’s form state (values and errors)');
  }
  return state;
}

function errorOf(form: FormState, name: string): string | null {
  return form.errors.find((error) => error.field === name)?.message ?? null;
}

function valuesOf(form: FormState, name: string): string[] {
  const value = form.values[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

interface FieldOptions {
  hint?: string;
  options?: Choice[];
  rows?: number;
  accept?: string;
  multiple?: boolean;
  autocomplete?: string;
  type?: string;
}

/** The label, hint and message around a control; ids follow the field name (`#title`). */
function field(
  form: FormState,
  name: string,
  label: string,
  options: FieldOptions,
  control: (attributes: string) => string,
): Handlebars.SafeString {
  const error = errorOf(form, name);
  const described = [options.hint ? `${name}-hint` : null, error ? `${name}-error` : null].filter(
    Boolean,
  );
  const attributes =
    `id="${escape(name)}" name="${escape(name)}"` +
    (described.length ? ` aria-describedby="${described.join(' ')}"` : '') +
    (error ? ' aria-invalid="true"' : '');
  return new Handlebars.SafeString(
    `<div class="ds-field remiss-field">` +
      `<label class="ds-label" for="${escape(name)}">${escape(label)}</label>` +
      (options.hint
        ? `<div class="remiss-hint" id="${escape(name)}-hint">${escape(options.hint)}</div>`
        : '') +
      (error
        ? `<div class="ds-validation-message" data-color="danger" id="${escape(name)}-error">${escape(error)}</div>`
        : '') +
      control(attributes) +
      `</div>`,
  );
}

/** A group of radios or checkboxes: a fieldset whose legend is the label; ids `name`, `name-2`… */
function group(
  form: FormState,
  name: string,
  label: string,
  options: FieldOptions,
  type: 'radio' | 'checkbox',
): Handlebars.SafeString {
  const error = errorOf(form, name);
  const chosen = valuesOf(form, name);
  const described = [options.hint ? `${name}-hint` : null, error ? `${name}-error` : null].filter(
    Boolean,
  );
  const inputs = (options.options ?? [])
    .map((choice, index) => {
      const id = index === 0 ? name : `${name}-${index + 1}`;
      return (
        `<div class="ds-field remiss-choice"><input class="ds-input" type="${type}" id="${escape(id)}" ` +
        `name="${escape(name)}" value="${escape(choice.value)}"` +
        (chosen.includes(choice.value) ? ' checked' : '') +
        (error ? ' aria-invalid="true"' : '') +
        `><label class="ds-label" for="${escape(id)}">${escape(choice.label)}</label></div>`
      );
    })
    .join('');
  return new Handlebars.SafeString(
    `<fieldset class="ds-fieldset remiss-field"` +
      (described.length ? ` aria-describedby="${described.join(' ')}"` : '') +
      `><legend class="ds-label">${escape(label)}</legend>` +
      (options.hint
        ? `<div class="remiss-hint" id="${escape(name)}-hint">${escape(options.hint)}</div>`
        : '') +
      (error
        ? `<div class="ds-validation-message" data-color="danger" id="${escape(name)}-error">${escape(error)}</div>`
        : '') +
      inputs +
      `</fieldset>`,
  );
}

type Hash = { hash: FieldOptions };

/**
 * The form helpers every page uses instead of hand-written field markup, each as
 * `{{textField form "name" "Label" hint="…"}}`: the label tied to the control, the hint and the
 * field's message linked by `aria-describedby`, `aria-invalid` when refused, the typed value kept.
 */
export const FORM_HELPERS: Record<string, Handlebars.HelperDelegate> = {
  textField(form: unknown, name: string, label: string, options: Hash) {
    const state = stateOf(form);
    return field(
      state,
      name,
      label,
      options.hash,
      (attributes) =>
        `<input class="ds-input" type="${escape(options.hash.type ?? 'text')}" ${attributes}` +
        (options.hash.autocomplete ? ` autocomplete="${escape(options.hash.autocomplete)}"` : '') +
        ` value="${escape(valuesOf(state, name)[0] ?? '')}">`,
    );
  },
  textarea(form: unknown, name: string, label: string, options: Hash) {
    const state = stateOf(form);
    return field(
      state,
      name,
      label,
      options.hash,
      (attributes) =>
        `<textarea class="ds-input" rows="${Number(options.hash.rows ?? 5)}" ${attributes}>` +
        `${escape(valuesOf(state, name)[0] ?? '')}</textarea>`,
    );
  },
  dateField(form: unknown, name: string, label: string, options: Hash) {
    const state = stateOf(form);
    return field(
      state,
      name,
      label,
      { ...options.hash, hint: options.hash.hint ?? 'Till exempel 2026-12-02' },
      (attributes) =>
        `<input class="ds-input" type="text" inputmode="numeric" data-width="auto" size="10" ${attributes}` +
        ` value="${escape(valuesOf(state, name)[0] ?? '')}">`,
    );
  },
  selectField(form: unknown, name: string, label: string, options: Hash) {
    const state = stateOf(form);
    const chosen = valuesOf(state, name)[0] ?? '';
    return field(
      state,
      name,
      label,
      options.hash,
      (attributes) =>
        `<select class="ds-input" ${attributes}>` +
        (options.hash.options ?? [])
          .map(
            (choice) =>
              `<option value="${escape(choice.value)}"${choice.value === chosen ? ' selected' : ''}>` +
              `${escape(choice.label)}</option>`,
          )
          .join('') +
        `</select>`,
    );
  },
  fileField(form: unknown, name: string, label: string, options: Hash) {
    const state = stateOf(form);
    return field(
      state,
      name,
      label,
      options.hash,
      (attributes) =>
        `<input class="ds-input" type="file" ${attributes}` +
        (options.hash.accept ? ` accept="${escape(options.hash.accept)}"` : '') +
        (options.hash.multiple ? ' multiple' : '') +
        '>',
    );
  },
  radios(form: unknown, name: string, label: string, options: Hash) {
    return group(stateOf(form), name, label, options.hash, 'radio');
  },
  checkboxes(form: unknown, name: string, label: string, options: Hash) {
    return group(stateOf(form), name, label, options.hash, 'checkbox');
  },
  /** The error summary at the top of a refused form: a focused alert linking to each field. */
  errorSummary(form: unknown) {
    const state = stateOf(form);
    if (state.errors.length === 0) return '';
    return new Handlebars.SafeString(
      `<div class="ds-error-summary" data-color="danger" tabindex="-1" role="alert" ` +
        `aria-labelledby="error-summary-heading" id="error-summary">` +
        `<h2 class="ds-heading" id="error-summary-heading">Det finns fel i formuläret</h2><ul class="ds-list">` +
        state.errors
          .map(
            (error) =>
              `<li><a class="ds-link" href="#${escape(error.field)}">${escape(error.message)}</a></li>`,
          )
          .join('') +
        `</ul></div>`,
    );
  },
};
