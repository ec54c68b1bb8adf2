import { Brackets, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { decodeCursor, encodeCursor } from '../common/pagination.js';

/**
 * Orders by `name, id` (Swedish collation) and, given a cursor from {@link nextNameCursor}, starts
 * after it: a keyset page that stays stable while rows are inserted.
 */
export function pageByName<T extends ObjectLiteral>(
  builder: SelectQueryBuilder<T>,
  alias: string,
  cursor: string | undefined,
): SelectQueryBuilder<T> {
  builder.orderBy(`${alias}.name`, 'ASC').addOrderBy(`${alias}.id`, 'ASC');
  if (cursor === undefined) return builder;
  const [name, id] = decodeCursor(cursor, ['string', 'number']);
  return builder.andWhere(
    new Brackets((where) =>
      where
        .where(`${alias}.name > :cursorName`, { cursorName: name })
        .orWhere(`(${alias}.name = :cursorName AND ${alias}.id > :cursorId)`, { cursorId: id }),
    ),
  );
}

/** The cursor for the page after `rows` (fetched with limit + 1), or null on the last page. */
export function nextNameCursor(rows: { name: string; id: number }[], limit: number): string | null {
  if (rows.length <= limit) return null;
  const last = rows[limit - 1];
  return encodeCursor([last.name, last.id]);
}
