/**
 * The rows of an `UPDATE … RETURNING`. TypeORM hands them over as they are on SQLite, but as
 * `[rows, affectedCount]` on PostgreSQL.
 */
export function returnedRows<T>(result: unknown[]): T[] {
  if (result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
