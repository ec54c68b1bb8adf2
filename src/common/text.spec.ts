import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { IsNameList, IsText, textProblem, tidyText } from './text.js';

class Form {
  @IsText({ max: 30, line: true })
  title: string;

  @IsText({ max: 200 })
  message: string;

  @IsText({ max: 20, line: true, optional: true })
  counterpart?: string;

  @IsText({ max: 200, nullable: true })
  note?: string | null;

  @IsNameList(3, 20)
  names: string[];
}

const VALID = { title: 'Remiss', message: 'Hej', names: ['Anna Berg'] };

/** The form after transformation and the problems, one `field: message` per field. */
function check(input: Record<string, unknown>): { form: Form; problems: string[] } {
  const form = plainToInstance(Form, { ...VALID, ...input });
  const problems = validateSync(form).flatMap((error) =>
    Object.values(error.constraints ?? {}).map((message) => `${error.property}: ${message}`),
  );
  return { form, problems };
}

describe('text rules', () => {
  it('trims before checking and stores the trimmed text', () => {
    const { form, problems } = check({
      title: '  Strategi för inkludering \t',
      message: '\n Hej!\n',
    });
    expect(problems).toEqual([]);
    expect(form.title).toBe('Strategi för inkludering');
    expect(form.message).toBe('Hej!');
  });

  it('counts the length after trimming', () => {
    expect(check({ title: `   ${'x'.repeat(30)}   ` }).problems).toEqual([]);
    expect(check({ title: 'x'.repeat(31) }).problems).toEqual([
      'title: title must be at most 30 characters',
    ]);
  });

  it('takes whitespace alone as missing', () => {
    expect(check({ title: ' \t ', message: '\n\r\n ' }).problems).toEqual([
      'title: title is required',
      'message: message is required',
    ]);
    expect(check({ title: undefined }).problems).toEqual(['title: title is required']);
    expect(check({ title: null }).problems).toEqual(['title: title is required']);
  });

  it('refuses a blank optional field that was sent, and skips one that was not', () => {
    expect(check({ counterpart: '   ' }).problems).toEqual([
      'counterpart: counterpart must not be empty',
    ]);
    expect(check({}).problems).toEqual([]);
  });

  it('turns a blank nullable field into null', () => {
    const { form, problems } = check({ note: '  ' });
    expect(problems).toEqual([]);
    expect(form.note).toBeNull();
    expect(check({ note: null }).problems).toEqual([]);
  });

  it('keeps tab and newline in free text, and turns carriage returns into newlines', () => {
    const { form, problems } = check({ message: 'Rad ett\r\nRad två\rRad tre\tslut' });
    expect(problems).toEqual([]);
    expect(form.message).toBe('Rad ett\nRad två\nRad tre\tslut');
  });

  it.each([
    ['\u0000', 'U+0000'],
    ['\u0007', 'U+0007'],
    ['\u000b', 'U+000B'],
    ['\u001b', 'U+001B'],
    ['\u007f', 'U+007F'],
    ['\u0085', 'U+0085'],
  ])('refuses the control character %j in free text', (character, code) => {
    expect(check({ message: `Hej${character}då` }).problems).toEqual([
      `message: message must not contain control characters other than tab and newline (found ${code})`,
    ]);
  });

  it.each([
    ['\t', 'U+0009'],
    ['\n', 'U+000A'],
    ['\r', 'U+000D'],
    ['\u0000', 'U+0000'],
    ['\u007f', 'U+007F'],
  ])('refuses the control character %j inside a name or title', (character, code) => {
    expect(check({ title: `Remiss${character}x` }).problems).toEqual([
      `title: title must be one line without control characters (found ${code})`,
    ]);
  });

  it.each([
    ['\u202e', 'U+202E'], // right-to-left override
    ['\u202d', 'U+202D'], // left-to-right override
    ['\u2066', 'U+2066'], // left-to-right isolate
    ['\u200f', 'U+200F'], // right-to-left mark
    ['\u200b', 'U+200B'], // zero-width space
    ['\ufeff', 'U+FEFF'], // byte order mark
    ['\u2028', 'U+2028'], // line separator
  ])('refuses the invisible or bidi character %j in a title', (character, code) => {
    expect(check({ title: `Avtal${character}fdp.exe` }).problems).toEqual([
      `title: title must not contain invisible or direction-changing characters (found ${code})`,
    ]);
  });

  it('leaves bidi characters in free text, where they change no name or file', () => {
    expect(check({ message: 'Svar \u202eعربي\u202c här' }).problems).toEqual([]);
  });

  it('composes to NFC, so å typed as a + ring counts as one character', () => {
    const decomposed = `Ga\u030avlegatan${'x'.repeat(10)}`;
    expect(decomposed).toHaveLength(21);
    const { form, problems } = check({ counterpart: decomposed });
    expect(problems).toEqual([]);
    expect(form.counterpart).toBe(`Gåvlegatan${'x'.repeat(10)}`);
    expect(form.counterpart).toHaveLength(20);
  });

  it('refuses lone surrogates and text that is not a string', () => {
    expect(check({ title: 'Remiss \ud800' }).problems).toEqual([
      'title: title must be valid Unicode text',
    ]);
    expect(check({ title: 42 }).problems).toEqual(['title: title must be text']);
  });

  it('checks every name of a list as a name', () => {
    const { form, problems } = check({ names: ['  Anna Berg ', 'Per Lund'] });
    expect(problems).toEqual([]);
    expect(form.names).toEqual(['Anna Berg', 'Per Lund']);
    expect(check({ names: ['Anna', '  '] }).problems).toEqual([
      'names: names must not contain empty names',
    ]);
    expect(check({ names: ['Anna\u202eBerg'] }).problems).toEqual([
      'names: each name in names must not contain invisible or direction-changing characters (found U+202E)',
    ]);
    expect(check({ names: ['a', 'b', 'c', 'd'] }).problems).toEqual([
      'names: names must hold at most 3 names',
    ]);
    expect(check({ names: 'Anna' }).problems).toEqual(['names: names must be a list of names']);
  });

  it('tidies and judges text the same way outside a form', () => {
    expect(tidyText('  a\r\nb  ', {})).toBe('a\nb');
    expect(tidyText('  a\r\nb  ', { line: true })).toBe('a\r\nb');
    expect(textProblem('summary', 'ok', { max: 10 })).toBeNull();
    expect(textProblem('summary', '', { max: 10 })).toBe('summary is required');
  });
});
