import type { PageQuery } from '../../shared/schemas/page';

/**
 * Keyset pagination (SEC26): a cursor is the last item's creation time in
 * microseconds since the epoch and its id. Postgres keeps microseconds and a JS
 * Date only milliseconds, so the key is read and compared in SQL:
 * `keyColumn(alias)` selects it, `afterKey(alias, i)` filters by it with
 * parameters $i (micros) and $i+1 (id).
 */
export interface Keyset {
  micros: number;
  id: string;
}

/** Selects `<alias>.created_at` as whole microseconds (int8), named "keyMicros". */
export const keyColumn = (alias: string) => `(extract(epoch from ${alias}.created_at) * 1000000)::int8 as "keyMicros"`;

/** Items after the key, in (created_at, id) order; `desc` for newest-first lists. Null parameters match everything. */
export const afterKey = (alias: string, i: number, order: 'asc' | 'desc' = 'asc') =>
  `($${i}::int8 is null or (${alias}.created_at, ${alias}.id) ${order === 'asc' ? '>' : '<'} (timestamptz 'epoch' + $${i}::int8 * interval '1 microsecond', $${i + 1}::uuid))`;

export function decodeCursor(cursor: string | undefined): Keyset | null {
  if (cursor === undefined) return null;
  const dot = cursor.indexOf('.');
  return { micros: Number(cursor.slice(0, dot)), id: cursor.slice(dot + 1) };
}

export const encodeCursor = (k: Keyset): string => `${k.micros}.${k.id}`;

/** The page query's key and size (the size defaults to, and is capped by, `max`). */
export function pageOf(q: PageQuery, max: number): { after: Keyset | null; limit: number } {
  return { after: decodeCursor(q.after), limit: Math.min(q.limit ?? max, max) };
}

/**
 * Cuts `rows` (read with one row more than `limit`) to the page and the cursor of
 * the next page (null when this is the last).
 */
export function cutPage<T extends { id: string; keyMicros: number }>(rows: readonly T[], limit: number): { items: T[]; next: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next: rows.length > limit && last ? encodeCursor({ micros: last.keyMicros, id: last.id }) : null };
}
