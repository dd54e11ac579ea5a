import type { QueryRunner } from 'typeorm';

/*
 * Shared by migrations. A released migration must keep meaning what it meant: nothing here that
 * one of them relies on may change its meaning; add instead.
 */

/** The n-th parameter's placeholder in a migration's SQL: `$n` on PostgreSQL, `?` on SQLite. */
export function placeholder(q: QueryRunner): (n: number) => string {
  return q.connection.options.type === 'postgres' ? (n) => `$${n}` : () => '?';
}

/** Every stored body's id and context text (the projection row as it stands), `page` rows a query, in id order. */
export async function* storedBodies(q: QueryRunner, page: number): AsyncGenerator<{ id: string; context: string }> {
  const p = placeholder(q);
  let after = '';
  for (;;) {
    const rows = (await q.query(`SELECT id, context FROM bodies WHERE id > ${p(1)} ORDER BY id LIMIT ${page}`, [after])) as Array<{ id: string; context: string }>;
    if (rows.length === 0) return;
    yield* rows;
    after = rows[rows.length - 1].id;
  }
}
