/**
 * docs/audit-export.schema.json describes every line of the audit export, for auditors who read
 * it with tools of their own. Every line of a real export with every kind of line (erasure,
 * decision register, contact correction, checkpoints, an event and a projection someone broke in
 * the database) must satisfy it, and a line that drifts from the format must not.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { testDatabaseKinds } from './support/test-app';
import { auditSuite } from './support/audit-suite';
import { exportText } from './support/audit-export';

const SCHEMA = JSON.parse(readFileSync(join(__dirname, '..', 'docs', 'audit-export.schema.json'), 'utf8')) as object;

function lineValidator() {
  // Strict about unknown keywords and formats; `type` is not repeated in every if/then branch.
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
  addFormats(ajv);
  return ajv.compile(SCHEMA);
}

describe.each(testDatabaseKinds())('the audit export schema on %s', (database) => {
  const audit = auditSuite(database, async ({ t, s }) => {
    const decision = (number: string) => `/api/decisions/AL-Runde/${encodeURIComponent(number)}`;
    t.clock.set('2025-04-02T09:00:00Z');
    await t.http.patch(decision('2024/30-AL')).send({ title: 'Verlängerung bis Ende 2025', reason: 'Titel berichtigt' }).expect(200);
    await t.http
      .post('/api/decisions')
      .send({ number: '2025/05', issuer: 'AL-Runde', date: '2025-04-01', procedure: 'Umlaufverfahren', type: 'Empfehlung', title: 'Zurückgezogen', effects: [] })
      .expect(201);
    await t.http.post(`${decision('2025/05-AL')}/withdrawal`).send({ reason: 'Im Umlaufverfahren gescheitert' }).expect(200);
    await t.http.post('/api/audit/checkpoints').expect(201);
    const erika = ((await t.http.get(`/api/bodies/${s.other}`).expect(200)).body.context.profile.contactIds as string[]).at(-1);
    await t.http.patch(`/api/contacts/${erika}`).send({ name: 'Erika Muster-Beispiel', reason: 'Namensänderung' }).expect(200);
    await t.http.post(`/api/contacts/${s.contactIds[0]}/erasure`).send({ reason: 'Antrag der betroffenen Person nach Art. 17 DSGVO' }).expect(200);
    await t.http.post('/api/audit/checkpoints').expect(201);
  });
  const validate = lineValidator();
  const lines = async () => (await exportText(audit.t)).trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  /** What the schema finds wrong with a line (without the "must match then" of the branch by `kind` around it). */
  const problems = (line: unknown) =>
    validate(line) ? [] : validate.errors!.filter((e) => e.keyword !== 'if').map((e) => `${e.instancePath} ${e.message}`);

  test('every line of an export with every kind of line satisfies the schema', async () => {
    const all = await lines();
    expect(new Set(all.map((line) => line.kind))).toEqual(
      new Set(['header', 'machine', 'event', 'auditLog', 'decisionEvent', 'contactEvent', 'body', 'decision', 'checkpoint', 'end']),
    );
    expect(all.flatMap((line) => problems(line).map((problem) => `${String(line.kind)}: ${problem}`))).toEqual([]);
  });

  test('an event and a projection broken in the database still come out as lines the schema describes', async () => {
    const [{ version }] = await audit.db.query<{ version: number | string }>('SELECT min(version) AS version FROM events WHERE body_id = ?', [audit.s.seed]);
    await audit.db.query("UPDATE events SET data = '{\"broken\":' WHERE body_id = ? AND version = ?", [audit.s.seed, version]);
    await audit.db.query("UPDATE bodies SET state = 'kaputt' WHERE id = ?", [audit.s.other]);
    const all = await lines();
    expect(all.filter((line) => line.unreadable !== undefined)).toHaveLength(1);
    expect(all.find((line) => line.kind === 'body' && line.id === audit.s.other)).toMatchObject({ state: null });
    expect(all.flatMap((line) => problems(line))).toEqual([]);
  });

  test('lines that drift from the format are named', async () => {
    const all = await lines();
    const event = all.find((line) => line.kind === 'event' && line.unreadable === undefined) as { event: Record<string, unknown> };
    const checkpoint = all.find((line) => line.kind === 'checkpoint') as { checkpoint: { payload: Record<string, unknown> } };
    expect(problems({ kind: 'event', event: { ...event.event, hash: 'ABC' } })).toEqual(['/event/hash must match pattern "^[0-9a-f]{64}$"']);
    expect(problems({ kind: 'event', event: { ...event.event, extra: 1 } })).toEqual(['/event must NOT have additional properties']);
    expect(problems({ kind: 'checkpoint', checkpoint: { ...checkpoint.checkpoint, payload: { ...checkpoint.checkpoint.payload, sequence: 0 } } })).toEqual([
      '/checkpoint/payload/sequence must be >= 1',
    ]);
    expect(problems({ kind: 'end', counts: { machine: 1 } })).toContain("/counts must have required property 'event'");
    expect(problems({ kind: 'footer' })).toEqual(['/kind must be equal to one of the allowed values']);
  });
});
