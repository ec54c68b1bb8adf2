import type { ValueTransformer } from 'typeorm';

export const booleanTransformer: ValueTransformer = {
  to: (value: boolean | undefined) => (value === undefined ? undefined : value ? 1 : 0),
  from: (value: number | null) => value === 1,
};

/** JSON kept in LONGTEXT: MariaDB's JSON type is LONGTEXT anyway and mysql2 returns it as text. */
export const jsonTransformer: ValueTransformer = {
  to: (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value)),
  from: (value: string | null): unknown => (value === null ? null : JSON.parse(value)),
};
