import { IsIn, IsInt, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { DomainError } from '../common/domain-error.js';
import {
  formErrorsOf,
  formToBody,
  formToDto,
  swedishMessage,
  type FormDefinition,
} from './forms.js';

class ExampleDto {
  @IsString()
  @MaxLength(10)
  title: string;

  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'deadline must be a date as YYYY-MM-DD' })
  deadline?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  pages?: number;

  @IsOptional()
  @IsIn(['a', 'b'], { each: true })
  kinds?: string[];
}

const FORM: FormDefinition = {
  title: { label: 'Rubrik' },
  deadline: { label: 'Sista svarsdag', kind: 'date' },
  pages: { label: 'Antal sidor', kind: 'number' },
  kinds: { label: 'Slag', kind: 'list' },
};

describe('staff page forms', () => {
  it('turns a posted form into the API body: empty fields left out, numbers and lists converted', () => {
    expect(
      formToBody(FORM, { title: ' Plan ', deadline: '', pages: '12', kinds: 'a', _csrf: 't' }),
    ).toEqual({ title: ' Plan ', pages: 12, kinds: ['a'] });
    expect(formToBody(FORM, { title: 'x', kinds: ['a', 'b', ''] })).toEqual({
      title: 'x',
      kinds: ['a', 'b'],
    });
    expect(formToBody(FORM, { title: 'x' })).toEqual({ title: 'x', kinds: [] });
  });

  it('validates with the API pipe and maps every problem to a Swedish message by label', async () => {
    const refused = await formToDto(ExampleDto, FORM, {
      deadline: '2 december',
      pages: '0',
      kinds: ['c'],
      extra: 'x',
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DomainError);
    expect(formErrorsOf(FORM, refused)).toEqual([
      { field: 'title', message: 'Fyll i rubrik' },
      { field: 'deadline', message: 'Skriv sista svarsdag som ett datum, till exempel 2026-12-02' },
      { field: 'pages', message: 'Antal sidor måste vara minst 1' },
      { field: 'kinds', message: 'Välj slag bland alternativen' },
      { field: 'extra', message: 'Fältet extra hör inte till formuläret' },
    ]);
    await expect(formToDto(ExampleDto, FORM, { title: 'Plan', pages: '3' })).resolves.toEqual(
      Object.assign(new ExampleDto(), { title: 'Plan', pages: 3, kinds: [] }),
    );
  });

  it('translates the usual messages and maps a domain error that names a field', () => {
    expect(swedishMessage('Rubrik', 'title must be shorter than or equal to 10 characters')).toBe(
      'Rubrik får vara högst 10 tecken',
    );
    expect(swedishMessage('Antal', 'pages must be an integer number')).toBe(
      'Skriv antal som ett heltal',
    );
    expect(swedishMessage('Rubrik', 'something else entirely')).toBe('Kontrollera rubrik');
    const conflict = DomainError.conflict('deadline_past', 'The deadline has passed', {
      field: 'deadline',
      message: 'The deadline has passed',
    });
    expect(formErrorsOf(FORM, conflict)).toEqual([
      { field: 'deadline', message: 'Kontrollera sista svarsdag' },
    ]);
    expect(formErrorsOf(FORM, DomainError.notFound('case', 1))).toBeNull();
    expect(formErrorsOf(FORM, new Error('x'))).toBeNull();
  });

  it('asks to choose a missing field that is picked from a list', () => {
    const form: FormDefinition = {
      organisationId: { label: 'Organisation', kind: 'number', chosen: true },
      title: { label: 'Rubrik' },
    };
    const refused = DomainError.validation([
      { field: 'organisationId', messages: ['organisationId is required'] },
      { field: 'title', messages: ['title is required'] },
    ]);
    expect(formErrorsOf(form, refused)).toEqual([
      { field: 'organisationId', message: 'Välj organisation' },
      { field: 'title', message: 'Fyll i rubrik' },
    ]);
  });
});
