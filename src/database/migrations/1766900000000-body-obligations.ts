import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Bodies moved per step of the data move. */
const PAGE = 200;

/**
 * A body's report obligations get a table of their own, one row per obligation (its position in
 * the list and its JSON), so that an event rewrites only the obligations it changes instead of
 * the whole context in the projection row (see src/event-log/stored-context.ts). The row's
 * `context` keeps everything else, with `"obligations":null` in the obligations' place.
 */
export class BodyObligations1766900000000 implements MigrationInterface {
  name = 'BodyObligations1766900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE body_obligations (
      body_id varchar(36) NOT NULL,
      position integer NOT NULL,
      data text NOT NULL,
      PRIMARY KEY (body_id, position)
    )`);
    const p = placeholders(q);
    let after = '';
    for (;;) {
      const rows = (await q.query(`SELECT id, context FROM bodies WHERE id > ${p(1)} ORDER BY id LIMIT ${PAGE}`, [after])) as Array<{ id: string; context: string }>;
      if (rows.length === 0) return;
      for (const row of rows) await moveObligations(q, row.id, row.context);
      after = rows[rows.length - 1].id;
    }
  }

  async down(q: QueryRunner): Promise<void> {
    const p = placeholders(q);
    const rows = (await q.query('SELECT id, context FROM bodies')) as Array<{ id: string; context: string }>;
    for (const row of rows) {
      const obligations = (await q.query(`SELECT data FROM body_obligations WHERE body_id = ${p(1)} ORDER BY position`, [row.id])) as Array<{ data: string }>;
      const context = { ...(JSON.parse(row.context) as object), obligations: obligations.map((o) => JSON.parse(o.data) as unknown) };
      await q.query(`UPDATE bodies SET context = ${p(1)} WHERE id = ${p(2)}`, [JSON.stringify(context), row.id]);
    }
    await q.query('DROP TABLE body_obligations');
  }
}

/** The n-th parameter in the database's own notation (TypeORM passes the SQL on as it is). */
function placeholders(q: QueryRunner): (n: number) => string {
  return q.connection.options.type === 'postgres' ? (n) => `$${n}` : () => '?';
}

async function moveObligations(q: QueryRunner, bodyId: string, text: string): Promise<void> {
  const p = placeholders(q);
  const context = JSON.parse(text) as { obligations?: unknown };
  const obligations = Array.isArray(context.obligations) ? (context.obligations as unknown[]) : [];
  for (const [position, obligation] of obligations.entries()) {
    await q.query(`INSERT INTO body_obligations (body_id, position, data) VALUES (${p(1)}, ${p(2)}, ${p(3)})`, [bodyId, position, JSON.stringify(obligation)]);
  }
  // The spread keeps the key order, as the write path does.
  await q.query(`UPDATE bodies SET context = ${p(1)} WHERE id = ${p(2)}`, [JSON.stringify({ ...context, obligations: null }), bodyId]);
}
