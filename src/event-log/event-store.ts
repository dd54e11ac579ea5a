import { Injectable } from '@nestjs/common';
import { statePaths, type DecisionFacts, type PersistedBody } from '../../machines';
import { ConcurrencyConflict } from '../common/errors';
import { Database, isUniqueViolation, type Queries, type SqlValue, type Transaction } from '../database/database';
import type { ChainedRow } from '../database/chained-row';
import { canonicalJson } from '../json/canonical-json';
import { writeNamedIds } from './named-ids';
import type { EventRecord } from './event-hash';
import { contextHeadText, obligationsSql, wholeContext, writeObligations } from './stored-context';

/** A decision as an event of the body cited it: the decision's own facts, then the event's type, version and time. */
export interface CitedDecisionFacts extends DecisionFacts {
  event: string;
  version: number;
  occurredAt: string;
}

/** Where a body's stream stands: its version, the machine version it follows, the chain's head. */
export interface BodyHead {
  version: number;
  machineVersion: number;
  lastHash: string;
  lastOccurredAt: string;
}

/** The projection row of a body: the cache of its current state that replay must reproduce. */
export interface BodyRow extends BodyHead {
  id: string;
  persisted: PersistedBody;
}

interface HeadRow {
  version: number | string;
  machine_version: number | string;
  last_hash: string;
  last_occurred_at: string;
}

function toHead(row: HeadRow): BodyHead {
  return {
    version: Number(row.version),
    machineVersion: Number(row.machine_version),
    lastHash: row.last_hash,
    lastOccurredAt: row.last_occurred_at,
  };
}

export interface BodyProjection {
  title: string;
  status: string;
  statePaths: string[];
  persisted: PersistedBody;
  searchText: string;
  machineVersion: number;
}

/** A row of the events table as the database returns it (PostgreSQL may give numbers as strings). */
export interface EventRow extends ChainedRow {
  body_id: string;
  machine_id: string;
  machine_version: number | string;
  decision: string | null;
}

const EVENT_COLUMNS =
  'id, body_id, version, type, data, actor_id, actor_role, occurred_at, recorded_at, machine_id, machine_version, decision_number, decision, prev_hash, hash';

/** SQL for the event log and the bodies projection. Appends run inside the caller's transaction. */
@Injectable()
export class EventStore {
  constructor(private readonly db: Database) {}

  /**
   * Where the body's stream stands, read to write the next event: on PostgreSQL the row stays
   * locked until the transaction ends, so writers of one body take turns.
   */
  async loadVersion(tx: Queries, bodyId: string): Promise<BodyHead | null> {
    const [row] = await tx.query<HeadRow>(
      `SELECT version, machine_version, last_hash, last_occurred_at FROM bodies WHERE id = ?${this.db.forUpdate}`,
      [bodyId],
    );
    return row ? toHead(row) : null;
  }

  async loadBody(tx: Queries, bodyId: string): Promise<BodyRow | null> {
    const [row] = await tx.query<HeadRow & { id: string; state: string; context: string; obligations: string | null }>(
      `SELECT id, version, machine_version, last_hash, last_occurred_at, state, context, ${obligationsSql()} AS obligations FROM bodies WHERE id = ?`,
      [bodyId],
    );
    if (!row) return null;
    return { id: row.id, ...toHead(row), persisted: { value: JSON.parse(row.state), context: wholeContext(row.context, row.obligations) } };
  }

  /**
   * Appends one event. UNIQUE(body_id, version) makes a lost race fail instead of overwriting:
   * the unit of work gets a ConcurrencyConflict (on PostgreSQL from its next awaited statement,
   * see `Transaction.write`) and rolls back.
   * `data` and `decision` are stored in their canonical form (RFC 8785, the form the hash
   * covers): verify and the offline verifier then hash the stored text as it is, where a form
   * in another member order (a registration's, in the order of the form) had to be parsed and
   * canonicalised again for every event.
   */
  append(tx: Transaction, event: EventRecord): void {
    tx.write(
      `INSERT INTO events (${EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        event.id,
        event.bodyId,
        event.version,
        event.type,
        canonicalJson(event.data),
        event.actor.id,
        event.actor.role,
        event.occurredAt,
        event.recordedAt,
        event.machine.id,
        event.machine.version,
        event.decision?.number ?? null,
        event.decision ? canonicalJson(event.decision) : null,
        event.prevHash,
        event.hash,
      ],
      (error) => (isUniqueViolation(error) ? new ConcurrencyConflict({ expectedVersion: null, currentVersion: event.version }) : error),
    );
  }

  insertBody(tx: Transaction, event: EventRecord, projection: BodyProjection): void {
    tx.write(
      `INSERT INTO bodies (${PROJECTION_COLUMNS.join(', ')}, created_at, id) VALUES (${PROJECTION_COLUMNS.map(() => '?').join(', ')}, ?, ?)`,
      [...projectionValues(event, projection), event.recordedAt, event.bodyId],
    );
    writeObligations(tx, event.bodyId, null, projection.persisted.context.obligations);
    writeNamedIds(tx, event.bodyId, {}, projection.persisted.context);
  }

  /**
   * Rewrites the projection row for the event. `previous`: the snapshot the stored rows hold now
   * (the one the event was decided on), so that only the obligations that changed are written,
   * and the title and state only when they changed; without it all of them are.
   */
  updateBody(tx: Transaction, event: EventRecord, projection: BodyProjection, previous: PersistedBody | null = null): void {
    // Title and state are indexed: written again, even unchanged, each is taken out of its indexes
    // and put back. Most events change neither.
    const unchanged = new Set<string>();
    if (previous?.context.profile.title === projection.title) unchanged.add('title');
    if (previous && statePaths(previous.value)[0] === projection.status) unchanged.add('status');
    const values = projectionValues(event, projection).filter((_, i) => !unchanged.has(PROJECTION_COLUMNS[i]));
    tx.write(updateSql(PROJECTION_COLUMNS.filter((column) => !unchanged.has(column))), [...values, event.bodyId]);
    writeObligations(tx, event.bodyId, previous?.context.obligations ?? null, projection.persisted.context.obligations);
    writeNamedIds(tx, event.bodyId, previous?.context ?? null, projection.persisted.context);
  }

  /** A body's events in version order (outside any write unless `tx` is given; on SQLite queued behind them). */
  async readStream(bodyId: string, tx?: Queries): Promise<EventRecord[]> {
    const sql = `SELECT ${EVENT_COLUMNS} FROM events WHERE body_id = ? ORDER BY version`;
    const rows = tx ? await tx.query<EventRow>(sql, [bodyId]) : await this.db.query<EventRow>(sql, [bodyId]);
    return rows.map(toRecord);
  }

  /**
   * The decisions a body's events cite, in version order: each with its own number, issuer, date
   * and type as the event recorded them, and the event's type and business time.
   */
  async citedDecisions(bodyId: string, tx?: Queries): Promise<CitedDecisionFacts[]> {
    const sql = 'SELECT version, type, occurred_at, decision FROM events WHERE body_id = ? AND decision IS NOT NULL ORDER BY version';
    const rows = tx
      ? await tx.query<{ version: number | string; type: string; occurred_at: string; decision: string }>(sql, [bodyId])
      : await this.db.query<{ version: number | string; type: string; occurred_at: string; decision: string }>(sql, [bodyId]);
    return rows.map((row) => ({ ...(JSON.parse(row.decision) as DecisionFacts), event: row.type, version: Number(row.version), occurredAt: row.occurred_at }));
  }

  /** The events that cite a decision, oldest first. */
  async citing(decisionNumber: string): Promise<EventRecord[]> {
    const rows = await this.db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE decision_number = ? ORDER BY recorded_at, body_id, version`,
      [decisionNumber],
    );
    return rows.map(toRecord);
  }
}

/** The columns of the projection row that every event rewrites (title and status only when they changed). */
const PROJECTION_COLUMNS = [
  'title',
  'status',
  'state_paths',
  'state',
  'context',
  'search_text',
  'version',
  'machine_version',
  'last_hash',
  'last_occurred_at',
  'updated_at',
];

/** The UPDATE of these projection columns (four texts in all, each built once). */
const updates = new Map<string, string>();
function updateSql(columns: string[]): string {
  const key = columns.join(',');
  let sql = updates.get(key);
  if (!sql) updates.set(key, (sql = `UPDATE bodies SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`));
  return sql;
}

/** The values of PROJECTION_COLUMNS, in their order. */
function projectionValues(event: EventRecord, projection: BodyProjection): SqlValue[] {
  return [
    projection.title,
    projection.status,
    ` ${projection.statePaths.join(' ')} `,
    JSON.stringify(projection.persisted.value),
    contextHeadText(projection.persisted.context),
    projection.searchText,
    event.version,
    projection.machineVersion,
    event.hash,
    event.occurredAt,
    event.recordedAt,
  ];
}

export function toRecord(row: EventRow): EventRecord {
  return {
    id: row.id,
    bodyId: row.body_id,
    version: Number(row.version),
    type: row.type as EventRecord['type'],
    data: JSON.parse(row.data),
    actor: { id: row.actor_id, role: row.actor_role },
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
    machine: { id: row.machine_id, version: Number(row.machine_version) },
    decision: row.decision ? JSON.parse(row.decision) : null,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
