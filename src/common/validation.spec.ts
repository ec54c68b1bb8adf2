import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDay } from './calendar-day.js';
import { DomainError, type FieldProblem } from './domain-error.js';
import { IsText } from './text.js';
import { createValidationPipe } from './validation.js';

class Part {
  @IsText({ max: 20, line: true })
  ref: string;
}

class Sample {
  @IsText({ max: 100, line: true })
  title: string;

  @IsInt()
  @Min(1)
  count: number;

  @IsArray()
  @ArrayMaxSize(3)
  @IsInt({ each: true })
  @Min(1, { each: true })
  ids: number[];

  @IsIn(['for', 'against'], { message: 'position must be one of for, against' })
  position: string;

  @IsBoolean()
  flag: boolean;

  @IsCalendarDay()
  day: string;

  // @ValidateNested alone lets an absent object pass: a required one also says @IsDefined.
  @IsDefined()
  @ValidateNested()
  @Type(() => Part)
  part: Part;

  @IsOptional()
  @IsInt()
  maybe?: number;

  @IsText({ max: 100, optional: true })
  rename?: string;

  @ValidateIf((_: unknown, value: unknown) => value !== undefined)
  @IsInt()
  @Min(1)
  whenSent?: number;
}

const complete = {
  title: 'Titel',
  count: 2,
  ids: [1],
  position: 'for',
  flag: true,
  day: '2026-05-04',
  part: { ref: '1' },
};

async function problems(body: Record<string, unknown>): Promise<FieldProblem[]> {
  try {
    await createValidationPipe().transform(body, { type: 'body', metatype: Sample });
  } catch (error) {
    if (error instanceof DomainError && error.code === 'validation_failed') {
      return error.details as FieldProblem[];
    }
    throw error;
  }
  return [];
}

describe('a missing required field', () => {
  it('accepts the complete body', async () => {
    expect(await problems(complete)).toEqual([]);
  });

  it.each(Object.keys(complete))('says only "%s is required" when it is left out', async (key) => {
    const body: Record<string, unknown> = { ...complete };
    delete body[key];
    expect(await problems(body)).toEqual([{ field: key, messages: [`${key} is required`] }]);
  });

  it.each(Object.keys(complete))('says only "%s is required" when it is null', async (key) => {
    expect(await problems({ ...complete, [key]: null })).toEqual([
      { field: key, messages: [`${key} is required`] },
    ]);
  });

  it('names a missing nested field by its full path', async () => {
    expect(await problems({ ...complete, part: {} })).toEqual([
      { field: 'part.ref', messages: ['part.ref is required'] },
    ]);
    expect(await problems({ ...complete, part: { ref: null } })).toEqual([
      { field: 'part.ref', messages: ['part.ref is required'] },
    ]);
  });

  it('still names each broken rule of a value that was sent', async () => {
    expect(await problems({ ...complete, count: 'many', ids: [0, 0, 0, 0] })).toEqual([
      {
        field: 'count',
        messages: ['count must not be less than 1', 'count must be an integer number'],
      },
      {
        field: 'ids',
        messages: [
          'each value in ids must not be less than 1',
          'ids must contain no more than 3 elements',
        ],
      },
    ]);
  });

  it('does not call an optional field required when null is sent to it', async () => {
    expect(await problems({ ...complete, maybe: null })).toEqual([]);
    expect(await problems({ ...complete, rename: null })).toEqual([
      { field: 'rename', messages: ['rename must not be empty'] },
    ]);
    expect(await problems({ ...complete, whenSent: null })).toEqual([
      {
        field: 'whenSent',
        messages: ['whenSent must not be less than 1', 'whenSent must be an integer number'],
      },
    ]);
  });

  it('keeps an unknown field refused as such', async () => {
    expect(await problems({ ...complete, extra: undefined, other: null })).toEqual([
      { field: 'extra', messages: ['property extra should not exist'] },
      { field: 'other', messages: ['property other should not exist'] },
    ]);
  });
});
