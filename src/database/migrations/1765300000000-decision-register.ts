import { createHash, randomUUID } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { canonicalJson } from '../../json/canonical-json';

interface OldDecisionRow {
  issuer: string;
  number: string;
  decided_on: string;
  procedure_kind: string;
  session_number: number | string | null;
  type: string;
  title: string;
  recorded_at: string;
  recorded_by: string;
}

/**
 * The decision register becomes an audited stream: `decision_events` holds each decision's
 * hash chain (decisionRecorded, decisionAmended, decisionWithdrawn), the `decisions` row is its
 * projection and gains the effects (per body), the withdrawal and the chain's head.
 *
 * Decisions recorded before keep their facts: each gets a `decisionRecorded` event by its
 * original recorder at its original time, with the effects its citing events applied. The hash
 * is written out here (not imported) so that this migration stays as it was released.
 */
export class DecisionRegister1765300000000 implements MigrationInterface {
  name = 'DecisionRegister1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE decision_events (
      id varchar(36) PRIMARY KEY,
      stream varchar(120) NOT NULL,
      version integer NOT NULL,
      type varchar(40) NOT NULL,
      data text NOT NULL,
      actor_id varchar(100) NOT NULL,
      actor_role varchar(40) NOT NULL,
      occurred_at varchar(30) NOT NULL,
      recorded_at varchar(30) NOT NULL,
      prev_hash varchar(64),
      hash varchar(64) NOT NULL,
      CONSTRAINT decision_events_stream_version UNIQUE (stream, version)
    )`);
    await q.query(`ALTER TABLE decisions ADD COLUMN effects text NOT NULL DEFAULT '[]'`);
    await q.query('ALTER TABLE decisions ADD COLUMN withdrawn_at varchar(30)');
    await q.query('ALTER TABLE decisions ADD COLUMN withdrawn_by varchar(100)');
    await q.query('ALTER TABLE decisions ADD COLUMN withdrawal_reason text');
    await q.query('ALTER TABLE decisions ADD COLUMN version integer NOT NULL DEFAULT 1');
    await q.query(`ALTER TABLE decisions ADD COLUMN last_hash varchar(64) NOT NULL DEFAULT ''`);
    await q.query(`ALTER TABLE decisions ADD COLUMN updated_at varchar(30) NOT NULL DEFAULT ''`);

    const postgres = q.connection.driver.options.type === 'postgres';
    const sql = (text: string) => {
      let i = 0;
      return postgres ? text.replace(/\?/g, () => `$${++i}`) : text;
    };
    const rows = (await q.query(
      'SELECT issuer, number, decided_on, procedure_kind, session_number, type, title, recorded_at, recorded_by FROM decisions ORDER BY issuer, number',
    )) as OldDecisionRow[];
    for (const row of rows) {
      const citing = (await q.query(sql('SELECT body_id, type, data, decision FROM events WHERE decision_number = ? ORDER BY body_id, version'), [
        row.number,
      ])) as Array<{ body_id: string; type: string; data: string; decision: string }>;
      const effects = citing
        .filter((e) => (JSON.parse(e.decision) as { issuer: string }).issuer === row.issuer)
        .map((e) => {
          const { note: _note, ...data } = JSON.parse(e.data) as Record<string, unknown>;
          return { body: e.body_id, effect: e.type, data };
        });
      const stream = `decision:${row.issuer}:${row.number}`;
      const unsealed = {
        stream,
        id: randomUUID(),
        version: 1,
        type: 'decisionRecorded',
        data: {
          number: row.number,
          issuer: row.issuer,
          date: row.decided_on,
          procedure: row.procedure_kind,
          session: row.session_number === null ? null : Number(row.session_number),
          type: row.type,
          title: row.title,
          effects,
          reason: null,
        },
        actor: { id: row.recorded_by, role: 'secretariat' },
        occurredAt: row.recorded_at,
        recordedAt: row.recorded_at,
        prevHash: null,
      };
      const hash = createHash('sha256').update(canonicalJson(unsealed), 'utf8').digest('hex');
      await q.query(
        sql(`INSERT INTO decision_events (id, stream, version, type, data, actor_id, actor_role, occurred_at, recorded_at, prev_hash, hash)
             VALUES (?, ?, 1, 'decisionRecorded', ?, ?, 'secretariat', ?, ?, NULL, ?)`),
        [unsealed.id, stream, JSON.stringify(unsealed.data), row.recorded_by, row.recorded_at, row.recorded_at, hash],
      );
      await q.query(sql('UPDATE decisions SET effects = ?, last_hash = ?, updated_at = ? WHERE issuer = ? AND number = ?'), [
        JSON.stringify(effects),
        hash,
        row.recorded_at,
        row.issuer,
        row.number,
      ]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const column of ['updated_at', 'last_hash', 'version', 'withdrawal_reason', 'withdrawn_by', 'withdrawn_at', 'effects']) {
      await q.query(`ALTER TABLE decisions DROP COLUMN ${column}`);
    }
    await q.query('DROP TABLE decision_events');
  }
}
