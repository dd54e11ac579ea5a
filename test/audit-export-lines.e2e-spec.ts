/**
 * On SQLite the database writes the export's event and body lines itself (export-format.ts,
 * EVENT_LINE_SQLITE and BODY_LINE_SQLITE); the reference is the line written in JavaScript from
 * the row (eventLine, unreadableEventLine, bodyLine). Both must give the same bytes for every row,
 * also for strings that need escaping and for rows someone broke in the database, whatever the
 * page size and wherever in a page such a row stands.
 */
import { bodyLine, eventLine, unreadableEventLine } from '../src/audit/export-format';
import { rowOfTuple } from '../src/audit/event-tuple';
import { toStoredEvent } from '../src/audit/audit.store';
import { testDatabaseKinds } from './support/test-app';
import { auditSuite } from './support/audit-suite';
import { exportText as exportOf } from './support/audit-export';

describe.each(testDatabaseKinds())('the export lines on %s', (database) => {
  const audit = auditSuite(database);

  const exportText = () => exportOf(audit.t);

  /** The event and body lines as JavaScript writes them from the stored rows. */
  const referenceLines = async () =>
    audit.store.read(async (view) => {
      let lines = '';
      for await (const tuples of audit.store.eventTuples(view)) for (const tuple of tuples) lines += eventLine(tuple) ?? unreadableEventLine(toStoredEvent(rowOfTuple(tuple)));
      for await (const tuples of audit.store.projectionTuples(view)) for (const tuple of tuples) lines += bodyLine(tuple);
      return lines;
    });
  const eventAndBodyLines = (text: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith('{"kind":"event"') || line.startsWith('{"kind":"body"'))
      .map((line) => `${line}\n`)
      .join('');
  const versions = async (bodyId: string) =>
    (await audit.db.query<{ version: number | string }>('SELECT version FROM events WHERE body_id = ? ORDER BY version', [bodyId])).map((row) => Number(row.version));

  test('strings that need escaping and broken rows come out as the JavaScript lines, for every page size', async () => {
    const [first, second, third] = await versions(audit.s.seed);
    // Quotes, backslashes, control characters, line separators, umlauts and a character beyond the BMP.
    await audit.db.query('UPDATE events SET actor_id = ? WHERE body_id = ? AND version = ?', ['a"b\\c\u0001\u001f\n\t\u2028ä€😀', audit.s.seed, first]);
    // Stored JSON that does not parse: the line says "unreadable" and holds the raw text.
    await audit.db.query("UPDATE events SET data = '{\"broken\":' WHERE body_id = ? AND version = ?", [audit.s.seed, second]);
    await audit.db.query("UPDATE events SET decision = '[1,]' WHERE body_id = ? AND version = ?", [audit.s.seed, third]);
    // SQLite takes any value in any column: a version that is no number.
    if (database === 'sqlite') await audit.db.query("UPDATE events SET version = 'x' WHERE body_id = ? AND version = ?", [audit.s.other, (await versions(audit.s.other))[0]]);
    await audit.db.query("UPDATE bodies SET state = 'kaputt' WHERE id = ?", [audit.s.seed]);
    await audit.db.query("UPDATE bodies SET context = '{\"obligations\":null,\"obligations\":null}' WHERE id = ?", [audit.s.other]);

    const reference = await referenceLines();
    expect(reference).toContain('"unreadable"');
    expect(reference).toContain('"state":null');
    for (const size of [1, 2, 3, 250]) {
      audit.store.pageSize = size;
      expect(eventAndBodyLines(await exportText())).toBe(reference);
    }
  });
});
