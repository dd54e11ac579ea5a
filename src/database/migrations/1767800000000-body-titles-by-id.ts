import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each body's title by its id, in an index of its own: a list of Fristen sorts by the title of
 * each Frist's body. Looked up through the primary key, every title meant reading the body's
 * projection row, which stands beside its stored context (kilobytes each): with 200,000 met Fristen
 * a page of them took over a second for that alone.
 */
export class BodyTitlesById1767800000000 implements MigrationInterface {
  name = 'BodyTitlesById1767800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX bodies_titles_by_id ON bodies (id, title)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX bodies_titles_by_id');
  }
}
