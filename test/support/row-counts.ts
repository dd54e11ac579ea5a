import type { Database } from '../../src/database/database';

/** The row count of every table of the schema: what a refused request must leave as it was. */
export async function rowCounts(db: Database): Promise<Record<string, number>> {
  const tables =
    db.kind === 'sqlite'
      ? await db.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      : await db.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
  const counts: Record<string, number> = {};
  for (const { name } of tables) counts[name] = Number((await db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${name}`))[0].n);
  return counts;
}
