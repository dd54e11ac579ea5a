import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { ReportObligation } from '../../../machines/body.context';
import { reportTitle } from '../../../machines/labels';
import { reportFristLabel } from '../../../machines/timers';

/**
 * A report's Frist is labelled by the report's title since this release (its own, or for a later
 * period of a recurring series its series': `reportTitle`), no longer by its kind alone, and names
 * its addressee by name (`IT-PLR` → `IT-Planungsrat`, the label the write path derives:
 * `reportFristLabel`). The write
 * path writes the new label with a body's next event; this brings the Fristen of every body that
 * is not written to in line at once, so that the Fristen page and the calendar feeds name all
 * bodies' reports alike. Taken back, nothing needs undoing: the older release wrote its own label
 * with the body's next event too.
 */
export class ReportFristLabels1768400000000 implements MigrationInterface {
  name = 'ReportFristLabels1768400000000';

  async up(q: QueryRunner): Promise<void> {
    const rows = (await q.query(
      `SELECT d.key, d.body_id, d.ref, d.label FROM deadlines d WHERE d.kind = 'report' ORDER BY d.body_id`,
    )) as Array<{ key: string; body_id: string; ref: string; label: string }>;
    const postgres = q.connection.driver.options.type === 'postgres';
    let body: string | null = null;
    let obligations: ReportObligation[] = [];
    for (const row of rows) {
      if (row.body_id !== body) {
        body = row.body_id;
        const stored = (await q.query(`SELECT data FROM body_obligations WHERE body_id = ${postgres ? '$1' : '?'} ORDER BY position`, [body])) as Array<{ data: string }>;
        obligations = stored.map((s) => JSON.parse(s.data) as ReportObligation);
      }
      const obligation = obligations.find((o) => o.id === row.ref);
      if (!obligation) continue;
      const label = reportFristLabel(obligation, reportTitle(obligation, obligations));
      if (label !== row.label) await q.query(`UPDATE deadlines SET label = ${postgres ? '$1' : '?'} WHERE key = ${postgres ? '$2' : '?'}`, [label, row.key]);
    }
  }

  async down(): Promise<void> {
    // Nothing to undo (see above).
  }
}
