import { Injectable } from '@nestjs/common';
import type { StateValue } from 'xstate';
import type { EventRow } from '../event-log/event-store';
import { obligationsSql, WHOLE_CONTEXT_SQLITE, wholeContextText } from '../event-log/stored-context';
import { BODY_LINE_SQLITE, bodyLine, EVENT_LINE_SQLITE, eventLine, unreadableEventLine } from './export-format';
import { Database, isUniqueViolation, placeholders, type Queries, type ReadView, type SqlValue, type Transaction } from '../database/database';
import type { ChainedRow } from '../database/chained-row';
import { ConcurrencyConflict } from '../common/errors';
import { pendingSystemEvents, type PendingSystemEvent } from '../deadlines/pending-events';
import { AUDIT_LOG_STREAM, hashAuditLogEntry, type AuditLogEntry } from './audit-log';
import { timeOrderedId } from '../common/time-ordered-id';
import { isContactStream, type ContactEvent } from './contact-log';
import { isDecisionStream } from '../decisions/register';
import { linkOfAuditLogEntry, linkOfContactEvent, linkOfDecisionEvent, linkOfEvent, type ChainLink, type StoredEvent } from './chain-verifier';
import type { CitationColumnCheck } from './citation-column';
import { E, EVENT_TUPLE_COLUMNS, rowOfTuple, storedHashHolds, type EventTuple } from './event-tuple';
import { DECISION_COLUMNS, DECISION_EVENT_COLUMNS, toDecisionEvent, toDecisionState, type DecisionEventRow, type DecisionRow } from '../decisions/decision-rows';
import type { DecisionEvent, DecisionState } from '../decisions/register';
import type { KeyObject } from 'node:crypto';
import { checkpointPayloadText, factsFromText, type CheckpointPayload, type Leaf, type SignedCheckpoint, type TextFacts } from './checkpoint';
import type { RecordedKey, StoredCheckpoints } from './signing-key';
import { readCheckedStream, toStoredEvent, type CheckedStream } from './stream-integrity';

export { toStoredEvent };

type AuditLogRow = ChainedRow;

interface CheckpointRow extends CheckpointColumns {
  payload: string;
  signature: string;
  key_id: string;
}

/** The columns of a checkpoint's row that repeat its payload, as stored (numbers read as numbers). */
export interface CheckpointColumns {
  sequence: number;
  created_at: string;
  tree_size: number;
  root_hash: string;
}

/** A system event the scheduler has still to record for a body (its timer is pending). */
export interface ProjectionRow {
  id: string;
  version: number;
  machineVersion: number;
  lastHash: string;
  state: StateValue;
  context: unknown;
}

const AUDIT_LOG_COLUMNS = 'id, version, type, data, actor_id, actor_role, occurred_at, recorded_at, prev_hash, hash';

const EVENT_COLUMNS =
  'id, body_id, version, type, data, actor_id, actor_role, occurred_at, recorded_at, machine_id, machine_version, decision, prev_hash, hash';

/** Rows per batch when the audit walks through the whole log: small batches die young (less garbage collection, less memory). */
const PAGE = 250;

/** Lines of the export (whole lines, as text or UTF-8 bytes) and how many they are. */
export interface LinePage {
  lines: string | Uint8Array;
  count: number;
}

/** A page of lines the database wrote: NULL lines (rows it left to us) are left out of `lines` and not counted in `written`. */
interface SqlitePage {
  lines: Uint8Array;
  count: number | bigint;
  written: number | bigint;
}

/** A projection row [id, version, machine_version, state, context head, obligations] as the export's tuple, its context whole. */
function projectionTuple([id, version, machineVersion, state, context, obligations]: unknown[]): unknown[] {
  return [id, version, machineVersion, state, wholeContextText(String(context), obligations as string | null)];
}

/** An event's export line from its tuple, also when its stored JSON does not parse. */
function eventLineOfTuple(tuple: EventTuple): string {
  return eventLine(tuple) ?? unreadableEventLine(toStoredEvent(rowOfTuple(tuple)));
}

/** A stored hash chain link with its checkpoint leaf, in checkpoint order. */
export interface OrderedLink {
  link: ChainLink;
  leaf: Leaf;
}

/**
 * A body's whole stream found intact (versions 1..n, starting with `registered` and no
 * predecessor, every link naming the stored hash before it, every stored hash shown by
 * `storedHashHolds`): what verifyStream would find for its links, given without them.
 */
export interface IntactStream {
  stream: string;
  events: number;
  /** The stored hashes, in version order. */
  hashes: string[];
}

/** What `chainItems` yields: links, or a whole intact stream. */
export type ChainItem = OrderedLink[] | IntactStream;

/** Whether a stream is a body's own (its name is no other chain's: audit log, decisions, contacts). */
function isBodyStream(stream: string): boolean {
  return stream !== AUDIT_LOG_STREAM && !isDecisionStream(stream) && !isContactStream(stream);
}

/** The stream of a body's event tuples (all of it, in version order) as an IntactStream, or null where verifyStream must look at its links. */
function intactStream(tuples: readonly EventTuple[]): IntactStream | null {
  const stream = tuples[0][E.bodyId];
  if (typeof stream !== 'string' || !isBodyStream(stream) || tuples[0][E.type] !== 'registered') return null;
  const hashes: string[] = [];
  let previous: string | null = null;
  for (let i = 0; i < tuples.length; i++) {
    const tuple = tuples[i];
    if (Number(tuple[E.version]) !== i + 1 || tuple[E.prevHash] !== previous || !storedHashHolds(tuple)) return null;
    previous = tuple[E.hash] as string;
    hashes.push(previous);
  }
  return { stream, events: tuples.length, hashes };
}

/**
 * The other chains' links (audit log, decision register, contacts), small and held in memory,
 * handed out in checkpoint order as the event streams go by.
 */
class OtherLinks {
  private readonly links: OrderedLink[];
  private next = 0;

  constructor(auditLog: readonly AuditLogEntry[], decisionEvents: readonly DecisionEvent[], contactEvents: readonly ContactEvent[]) {
    this.links = [
      ...contactEvents.map((e) => ({ link: linkOfContactEvent(e), leaf: { stream: e.stream, version: e.version, hash: e.hash } })),
      ...auditLog.map((entry) => ({ link: linkOfAuditLogEntry(entry), leaf: { stream: AUDIT_LOG_STREAM, version: entry.version, hash: entry.hash } })),
      ...decisionEvents.map((e) => ({ link: linkOfDecisionEvent(e), leaf: { stream: e.stream, version: e.version, hash: e.hash } })),
    ].sort((a, b) => compareLeaves(a.leaf, b.leaf));
  }

  /** Appends to `batch` the links that come before `leaf`. */
  before(leaf: { stream: string; version: number }, batch: OrderedLink[]): void {
    while (this.next < this.links.length && compareLeaves(this.links[this.next].leaf, leaf) < 0) batch.push(this.links[this.next++]);
  }

  /** The links after every event. */
  rest(): OrderedLink[] {
    const rest = this.links.slice(this.next);
    this.next = this.links.length;
    return rest;
  }
}

/** A body's obligation rows that belong to no stored context (AuditStore.orphanedObligations). */
export interface OrphanedObligations {
  bodyId: string;
  /** All of the body's obligation rows. */
  rows: number;
  /** Whether the body has no projection row at all (then every one of its rows is orphaned). */
  bodiless: boolean;
  /** How many of the rows are orphaned. */
  orphans: number;
  /** The first and the last position among the orphaned rows. */
  positions: [number, number];
}

/** The index tables written beside the projection row from its context (src/event-log/named-ids.ts). */
export type IndexTable = 'body_contacts' | 'body_links';

/**
 * A projection row's columns that the write path derives from its state and context
 * (EventStore.updateBody), its rows in the index tables, and the stored state and context head
 * they come from, as stored (AuditStore.derivedRows); with the version and hash of the event it
 * was last written from.
 */
export interface DerivedRow {
  id: string;
  version: number;
  lastHash: string;
  /** The stored state value, JSON text. */
  state: string;
  /**
   * The stored context head as JSON text, or (on SQLite) the parts of it that the derived
   * columns come from (`profile` and `successor`); null where the head is no JSON object.
   */
  context: string | null;
  title: string;
  status: string;
  /** As stored: the paths between spaces, with a space before and after. */
  statePaths: string;
  searchText: string;
  /** The contact ids of the body's `body_contacts` rows, sorted. */
  contacts: string[];
  /** The body ids of the body's `body_links` rows, sorted. */
  links: string[];
}

/**
 * A DerivedRow read from its tuple. Built by a class, not an object literal: where a minor
 * collection happened to find a batch of such literals alive, V8 went on to allocate every later
 * one straight in the old generation, and each row's strings then outlived their batch until the
 * next full collection. A verify of 100,000 bodies peaked at about 310 MiB instead of 210 MiB in
 * about one run of three (not with `--no-allocation-site-pretenuring`, not with this class).
 */
class StoredDerivedRow implements DerivedRow {
  readonly id: string;
  readonly version: number;
  readonly lastHash: string;
  readonly state: string;
  readonly context: string | null;
  readonly title: string;
  readonly status: string;
  readonly statePaths: string;
  readonly searchText: string;
  readonly contacts: string[];
  readonly links: string[];

  constructor([id, version, lastHash, state, context, title, status, statePaths, searchText, contacts, links]: unknown[]) {
    this.id = String(id);
    this.version = Number(version);
    this.lastHash = String(lastHash);
    this.state = String(state);
    this.context = context === null ? null : String(context);
    this.title = String(title);
    this.status = String(status);
    this.statePaths = String(statePaths);
    this.searchText = String(searchText);
    this.contacts = splitIds(contacts);
    this.links = splitIds(links);
  }
}

/** The personal fields of a contact row: empty once the contact is erased (DSGVO Art. 17). */
export const CONTACT_PERSONAL_FIELDS = ['name', 'organization', 'email', 'phone'] as const;

/** A contact the audit log records as erased whose row says otherwise (AuditStore.erasuresUndone). */
export interface ErasureUndone {
  contactId: string;
  /** The personal fields that hold a value again. */
  fields: Array<(typeof CONTACT_PERSONAL_FIELDS)[number]>;
  /** Whether the row is no longer marked erased (`erased_at` empty). */
  unmarked: boolean;
}

/** Rows of an index table whose body has no projection row. */
export interface IndexRowsWithoutBody {
  table: IndexTable;
  bodyId: string;
  rows: number;
}

/** The profile fields the derived columns and index rows read (projectionOf, named-ids.ts). */
const DERIVED_PROFILE_FIELDS = ['title', 'shortName', 'kind', 'parent', 'focusTopic', 'leads', 'contactIds', 'predecessors'];

/**
 * An SQLite expression over a row of `bodies`: `{profile: {…}, successor}` with the fields of the
 * context head the derived columns come from, as JSON text; NULL for a head that is no JSON
 * object with a profile (one changed by hand: replay names it).
 */
const DERIVED_FROM_SQLITE =
  `CASE WHEN json_valid(context) AND json_type(context, '$.profile') = 'object' THEN json_object('profile', json_object(` +
  DERIVED_PROFILE_FIELDS.map((f) => `'${f}', context -> '$.profile.${f}'`).join(', ') +
  `), 'successor', context -> '$.successor') END`;

/** Ids aggregated by the database (space-separated, in no particular order), sorted as JavaScript sorts. */
function splitIds(value: unknown): string[] {
  return typeof value === 'string' && value !== '' ? value.split(' ').sort() : [];
}

/**
 * The audit's SQL. It reads the event log itself, and tolerantly: a row whose stored JSON no
 * longer parses (because someone edited the database) comes back as an UnreadableEvent to be
 * reported at its place, not as an exception.
 */
/** A session of the calendar as verify compares it with the audit log. */
export interface SessionDays {
  issuer: string;
  number: number;
  date: string;
  /** The days it had before it was moved, oldest first. */
  earlier: string[];
}

@Injectable()
export class AuditStore {
  /** Rows per batch when the audit walks through the whole log (tests make it small, to cross batch boundaries). */
  pageSize = PAGE;

  constructor(private readonly db: Database) {}

  /**
   * Runs `work` in one transaction with a stable view: on SQLite the queue serialises it with the
   * writers; on PostgreSQL REPEATABLE READ gives every statement the same snapshot. Inside a unit
   * of work already (an Idempotency-Key's), it joins that one as it is: PostgreSQL sets the
   * isolation level only before a transaction's first statement.
   */
  consistent<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const joins = this.db.inUnitOfWork;
    return this.db.transaction(async (tx) => {
      if (this.db.kind === 'postgres' && !joins) await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      return work(tx);
    });
  }

  /** Runs `work` on a stable read-only view that holds up no writer (Database.readView). */
  read<T>(work: (view: ReadView) => Promise<T>): Promise<T> {
    return this.db.read(work);
  }

  view(): ReturnType<Database['readView']> {
    return this.db.readView();
  }

  /**
   * One body's events, its projection row (null if it has none) and the system events its timers
   * hold pending, read in one view: what "state as of" needs.
   */
  bodyHistory(bodyId: string): Promise<CheckedStream & { projection: ProjectionRow | null; pending: PendingSystemEvent[] }> {
    return this.read(async (view) => ({
      ...(await readCheckedStream(view, bodyId)),
      projection: (await this.projections(view, bodyId))[0] ?? null,
      pending: await pendingSystemEvents(view, bodyId),
    }));
  }

  /**
   * One body's events, each checked against its hash and its predecessor, its projection row
   * (null if it has none) and the audit log, read in one view: what replay needs.
   */
  bodyReplay(bodyId: string): Promise<CheckedStream & { projection: ProjectionRow | null; auditLog: AuditLogEntry[] }> {
    return this.read(async (view) => ({
      ...(await readCheckedStream(view, bodyId)),
      projection: (await this.projections(view, bodyId))[0] ?? null,
      auditLog: await this.auditLog(view),
    }));
  }

  async events(tx: Queries, bodyId?: string): Promise<StoredEvent[]> {
    const rows = bodyId
      ? await tx.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE body_id = ? ORDER BY version`, [bodyId])
      : await tx.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events ORDER BY body_id, version`);
    return rows.map(toStoredEvent);
  }

  /**
   * The events as tuples (event-tuple.ts) in checkpoint order (by body id, then version), a batch
   * at a time from one cursor: no other statement may run on the view meanwhile.
   */
  eventTuples(view: ReadView): AsyncGenerator<EventTuple[]> {
    return view.batches(`SELECT ${EVENT_TUPLE_COLUMNS} FROM events ORDER BY body_id, version`, [], this.pageSize);
  }

  /**
   * Every link of every chain — the bodies' events, the audit log, the decision register and the
   * contacts' corrections — in checkpoint order (streams by id, then version), with its leaf, a
   * batch at a time. The events come from one cursor; the other chains (small, held in memory)
   * are merged in.
   */
  async *linkBatches(
    view: ReadView,
    auditLog: readonly AuditLogEntry[],
    decisionEvents: readonly DecisionEvent[] = [],
    contactEvents: readonly ContactEvent[] = [],
  ): AsyncGenerator<OrderedLink[]> {
    const others = new OtherLinks(auditLog, decisionEvents, contactEvents);
    for await (const tuples of this.eventTuples(view)) yield linksOf(tuples, others);
    const rest = others.rest();
    if (rest.length > 0) yield rest;
  }

  /**
   * What `linkBatches` gives, with a body's stream that holds from end to end as one
   * IntactStream instead of a link per event: the verifier then neither builds nor sorts its
   * links. The tuples of the stream at hand are kept until it ends (as the verifier keeps its
   * links); a stream that does not hold comes as links, as `linkBatches` gives them.
   */
  async *chainItems(
    view: ReadView,
    auditLog: readonly AuditLogEntry[],
    decisionEvents: readonly DecisionEvent[] = [],
    contactEvents: readonly ContactEvent[] = [],
    citations?: CitationColumnCheck,
  ): AsyncGenerator<ChainItem> {
    const others = new OtherLinks(auditLog, decisionEvents, contactEvents);
    let stream: EventTuple[] = [];
    const ended = function* (): Generator<ChainItem> {
      const intact = intactStream(stream);
      if (intact) {
        const before: OrderedLink[] = [];
        others.before({ stream: intact.stream, version: 1 }, before);
        if (before.length > 0) yield before;
        yield intact;
      } else {
        yield linksOf(stream, others);
      }
    };
    for await (const tuples of this.eventTuples(view)) {
      for (const tuple of tuples) {
        citations?.check(tuple);
        if (stream.length > 0 && stream[0][E.bodyId] !== tuple[E.bodyId]) {
          yield* ended();
          stream = [];
        }
        stream.push(tuple);
      }
    }
    if (stream.length > 0) yield* ended();
    const rest = others.rest();
    if (rest.length > 0) yield rest;
  }

  /**
   * Every leaf of the log (stream, version, hash) in checkpoint order, for the proofs: the body
   * events' hashes from one cursor, the audit log's, the register's (a few per decision) and the
   * contacts' corrections merged in.
   */
  async *eachLeaf(view: ReadView): AsyncGenerator<Leaf> {
    const auditLog = await view.query<{ version: number | string; hash: string }>('SELECT version, hash FROM audit_log');
    const register = await view.query<{ stream: string; version: number | string; hash: string }>('SELECT stream, version, hash FROM decision_events');
    const contacts = await view.query<{ stream: string; version: number | string; hash: string }>('SELECT stream, version, hash FROM contact_events');
    const others: Leaf[] = [
      ...auditLog.map((row) => ({ stream: AUDIT_LOG_STREAM, version: Number(row.version), hash: row.hash })),
      ...register.map((row) => ({ stream: row.stream, version: Number(row.version), hash: row.hash })),
      ...contacts.map((row) => ({ stream: row.stream, version: Number(row.version), hash: row.hash })),
    ].sort(compareLeaves);
    let next = 0;
    for await (const rows of view.batches('SELECT body_id, version, hash FROM events ORDER BY body_id, version', [], this.pageSize)) {
      for (const [stream, version, hash] of rows) {
        const leaf = { stream: stream as string, version: Number(version), hash: hash as string };
        while (next < others.length && compareLeaves(others[next], leaf) < 0) yield others[next++];
        yield leaf;
      }
    }
    while (next < others.length) yield others[next++];
  }

  /** One event or audit-log entry by its id. */
  async entryById(view: Queries, id: string): Promise<{ kind: 'event'; event: StoredEvent } | { kind: 'auditLog'; entry: AuditLogEntry } | null> {
    const [event] = await view.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = ?`, [id]);
    if (event) return { kind: 'event', event: toStoredEvent(event) };
    const [entry] = await view.query<AuditLogRow>(`SELECT ${AUDIT_LOG_COLUMNS} FROM audit_log WHERE id = ?`, [id]);
    return entry ? { kind: 'auditLog', entry: toAuditLogEntry(entry) } : null;
  }

  /** Every event of the decision register, in checkpoint order (by stream id, then version). */
  async decisionEvents(tx: Queries): Promise<DecisionEvent[]> {
    const rows = await tx.query<DecisionEventRow>(`SELECT ${DECISION_EVENT_COLUMNS} FROM decision_events`);
    return rows.map(toDecisionEvent).sort((a, b) => compareLeaves({ stream: a.stream, version: a.version }, { stream: b.stream, version: b.version }));
  }

  /** Every correction of a contact person (or of the one stream), in checkpoint order (by stream id, then version). */
  async contactEvents(tx: Queries, stream?: string): Promise<ContactEvent[]> {
    const sql = 'SELECT id, stream, version, type, data, actor_id, actor_role, occurred_at, recorded_at, prev_hash, hash FROM contact_events';
    const rows = stream
      ? await tx.query<AuditLogRow & { stream: string }>(`${sql} WHERE stream = ?`, [stream])
      : await tx.query<AuditLogRow & { stream: string }>(sql);
    // The same columns as the audit log's, plus the stream.
    return rows
      .map((row) => ({ ...toAuditLogEntry(row), stream: row.stream, type: row.type as ContactEvent['type'], data: parseOr(row.data, row.data) as ContactEvent['data'] }))
      .sort((a, b) => compareLeaves(a, b));
  }

  /** The head of a contact's chain (null before its first correction). */
  async contactHead(tx: Queries, stream: string): Promise<{ version: number; hash: string } | null> {
    const [row] = await tx.query<{ version: number | string; hash: string }>('SELECT version, hash FROM contact_events WHERE stream = ? ORDER BY version DESC LIMIT 1', [stream]);
    return row ? { version: Number(row.version), hash: row.hash } : null;
  }

  async appendContactEvent(tx: Transaction, event: ContactEvent): Promise<void> {
    try {
      await tx.query(
        `INSERT INTO contact_events (id, stream, version, type, data, actor_id, actor_role, occurred_at, recorded_at, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          event.id,
          event.stream,
          event.version,
          event.type,
          JSON.stringify(event.data),
          event.actor.id,
          event.actor.role,
          event.occurredAt,
          event.recordedAt,
          event.prevHash,
          event.hash,
        ],
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConcurrencyConflict({ expectedVersion: null, currentVersion: event.version });
      throw error;
    }
  }

  /** Every row of the decision register (the projection of its streams). */
  async decisions(tx: Queries): Promise<DecisionState[]> {
    const rows = await tx.query<DecisionRow>(`SELECT ${DECISION_COLUMNS} FROM decisions ORDER BY issuer, number`);
    return rows.map(toDecisionState);
  }

  /** Every projection row without its state, for checking it against the heads of the chains. */
  async hasProjection(tx: Queries, bodyId: string): Promise<boolean> {
    return (await tx.query('SELECT 1 AS found FROM bodies WHERE id = ?', [bodyId])).length > 0;
  }

  /**
   * The bodies with obligation rows that belong to no stored context, each with how many rows it
   * has and which of them stand apart. Such a row's body has no projection row, or its position
   * lies outside 0..n-1 for the body's n rows (a gap before it, or a negative one): the list the
   * readers put together (`obligationsSql`) would take it in where no write put it. The database
   * counts each body's rows and hands back only the few that stand apart, so memory does not
   * grow with the table.
   */
  async orphanedObligations(tx: Queries): Promise<OrphanedObligations[]> {
    const rows = await tx.query<Record<string, string | number>>(
      `WITH counts AS (
         SELECT body_id, count(*) AS total, min(position) AS first, max(position) AS last FROM body_obligations GROUP BY body_id
       ), suspects AS (
         SELECT c.body_id, c.total, CASE WHEN b.id IS NULL THEN 1 ELSE 0 END AS bodiless
         FROM counts c LEFT JOIN bodies b ON b.id = c.body_id
         WHERE b.id IS NULL OR c.first <> 0 OR c.last <> c.total - 1
       )
       SELECT s.body_id, s.total, s.bodiless, count(*) AS orphans, min(o.position) AS first, max(o.position) AS last
       FROM suspects s JOIN body_obligations o ON o.body_id = s.body_id
       WHERE s.bodiless = 1 OR o.position < 0 OR o.position >= s.total
       GROUP BY s.body_id, s.total, s.bodiless
       ORDER BY s.body_id`,
    );
    return rows.map((row) => ({
      bodyId: String(row.body_id),
      rows: Number(row.total),
      bodiless: Number(row.bodiless) === 1,
      orphans: Number(row.orphans),
      positions: [Number(row.first), Number(row.last)],
    }));
  }

  /**
   * Each projection row's derived columns and index rows beside the stored state and the parts
   * of the context head they are derived from (or the one body's), by id, a batch at a time from
   * one cursor: no other statement may run on the view meanwhile. SQLite picks those parts out
   * of the head itself (`DERIVED_FROM_SQLITE`): parsing a few kilobytes of head per body in
   * JavaScript cost a verify of 100,000 bodies half a second more.
   */
  async *derivedRows(view: ReadView, bodyId?: string): AsyncGenerator<DerivedRow[]> {
    const ids = (table: string, column: string) => `(SELECT string_agg(${column}, ' ') FROM ${table} x WHERE x.body_id = bodies.id)`;
    const head = this.db.kind === 'sqlite' ? DERIVED_FROM_SQLITE : 'context';
    const sql = `SELECT id, version, last_hash, state, ${head} AS head, title, status, state_paths, search_text, ${ids('body_contacts', 'contact_id')} AS contacts,
      ${ids('body_links', 'linked_id')} AS links FROM bodies${bodyId === undefined ? '' : ' WHERE id = ?'} ORDER BY id`;
    for await (const batch of view.batches(sql, bodyId === undefined ? [] : [bodyId], this.pageSize)) {
      yield batch.map((tuple) => new StoredDerivedRow(tuple));
    }
  }

  /**
   * The bodies that have rows in an index table beside the projection (`body_contacts`,
   * `body_links`) but no projection row, with how many rows each: no stored state names them.
   */
  async indexRowsWithoutBody(tx: Queries): Promise<IndexRowsWithoutBody[]> {
    const orphans = (table: string) =>
      `SELECT '${table}' AS index_table, x.body_id, count(*) AS rows_count FROM ${table} x
       WHERE NOT EXISTS (SELECT 1 FROM bodies b WHERE b.id = x.body_id) GROUP BY x.body_id`;
    const rows = await tx.query<Record<string, string | number>>(`${orphans('body_contacts')} UNION ALL ${orphans('body_links')} ORDER BY 2, 1`);
    return rows.map((row) => ({ table: String(row.index_table) as IndexTable, bodyId: String(row.body_id), rows: Number(row.rows_count) }));
  }

  /**
   * Every projection row as a tuple [id, version, machine_version, state, context] (the stored
   * JSON text; the context whole, its obligations put in), by id, a batch at a time from one cursor.
   */
  async *projectionTuples(view: ReadView): AsyncGenerator<unknown[][]> {
    const sql = `SELECT id, version, machine_version, state, context, ${obligationsSql()} AS obligations FROM bodies ORDER BY id`;
    for await (const batch of view.batches(sql, [], this.pageSize)) yield batch.map(projectionTuple);
  }

  /**
   * The export's event lines in checkpoint order, a page at a time. On SQLite the database writes
   * them (export-format.ts, `EVENT_LINE_SQLITE`) and hands over a page as one buffer of UTF-8
   * bytes; a page with a row it cannot write, and PostgreSQL, get lines written from the tuples.
   */
  async *eventLinePages(view: ReadView): AsyncGenerator<LinePage> {
    if (this.db.kind === 'postgres') {
      for await (const tuples of this.eventTuples(view)) yield { lines: tuples.map(eventLineOfTuple).join(''), count: tuples.length };
      return;
    }
    const after = `(body_id, version) > (?, ?) ORDER BY body_id, version LIMIT ${this.pageSize}`;
    const pages = `WITH page AS (SELECT body_id, version, ${EVENT_LINE_SQLITE} AS line FROM events WHERE ${after}),
      last AS (SELECT body_id, version FROM page ORDER BY body_id DESC, version DESC LIMIT 1)
      SELECT CAST(group_concat(page.line, '' ORDER BY page.body_id, page.version) AS BLOB) AS lines, count(*) AS count,
        count(page.line) AS written, last.body_id AS last_body, last.version AS last_version FROM page, last`;
    for (let key: SqlValue[] = ['', 0]; ; ) {
      const [page] = await view.query<SqlitePage & { last_body: string; last_version: number }>(pages, key);
      if (!page || Number(page.count) === 0) return;
      if (Number(page.written) === Number(page.count)) yield { lines: page.lines, count: Number(page.count) };
      else {
        const rows = await view.query(`SELECT ${EVENT_TUPLE_COLUMNS} FROM events WHERE ${after}`, key);
        yield { lines: rows.map((row) => eventLineOfTuple(Object.values(row))).join(''), count: rows.length };
      }
      key = [page.last_body, page.last_version];
    }
  }

  /**
   * The export's lines of the bodies' stored projections, by id, a page at a time: on SQLite
   * written by the database (`BODY_LINE_SQLITE`) as `eventLinePages` does, otherwise from the tuples.
   */
  async *bodyLinePages(view: ReadView): AsyncGenerator<LinePage> {
    if (this.db.kind === 'postgres') {
      for await (const tuples of this.projectionTuples(view)) yield { lines: tuples.map(bodyLine).join(''), count: tuples.length };
      return;
    }
    const after = `id > ? ORDER BY id LIMIT ${this.pageSize}`;
    const pages = `WITH page AS (SELECT id, ${BODY_LINE_SQLITE} AS line FROM (SELECT id, version, machine_version, state, ${WHOLE_CONTEXT_SQLITE} AS context FROM bodies WHERE ${after}))
      SELECT CAST(group_concat(line, '' ORDER BY id) AS BLOB) AS lines, count(*) AS count, count(line) AS written, max(id) AS last_id FROM page`;
    for (let key: SqlValue[] = ['']; ; ) {
      const [page] = await view.query<SqlitePage & { last_id: string }>(pages, key);
      if (!page || Number(page.count) === 0) return;
      if (Number(page.written) === Number(page.count)) yield { lines: page.lines, count: Number(page.count) };
      else {
        const rows = await view.query(`SELECT id, version, machine_version, state, context, ${obligationsSql()} AS obligations FROM bodies WHERE ${after}`, key);
        yield { lines: rows.map((row) => bodyLine(projectionTuple(Object.values(row)))).join(''), count: rows.length };
      }
      key = [page.last_id];
    }
  }

  /** The machine versions the stored events name. */
  async machinesUsed(tx: Queries): Promise<Array<{ id: string; version: number }>> {
    const rows = await tx.query<{ machine_id: string; machine_version: number | string }>(
      'SELECT DISTINCT machine_id, machine_version FROM events ORDER BY machine_id, machine_version',
    );
    return rows.map((row) => ({ id: row.machine_id, version: Number(row.machine_version) }));
  }

  async hasEvents(tx: Queries, bodyId: string): Promise<boolean> {
    return (await tx.query('SELECT 1 AS found FROM events WHERE body_id = ? LIMIT 1', [bodyId])).length > 0;
  }

  async projections(tx: Queries, bodyId?: string): Promise<ProjectionRow[]> {
    const sql = `SELECT id, version, machine_version, last_hash, state, context, ${obligationsSql()} AS obligations FROM bodies`;
    const rows = bodyId
      ? await tx.query<Record<string, string | number>>(`${sql} WHERE id = ?`, [bodyId])
      : await tx.query<Record<string, string | number>>(`${sql} ORDER BY id`);
    return rows.map(toProjection);
  }

  async auditLog(tx: Queries): Promise<AuditLogEntry[]> {
    const rows = await tx.query<AuditLogRow>(`SELECT ${AUDIT_LOG_COLUMNS} FROM audit_log ORDER BY version`);
    return rows.map(toAuditLogEntry);
  }

  /** Appends the next entry of the audit log (hashed onto the last one) and returns it; a lost race is a ConcurrencyConflict. */
  async recordAuditLog(tx: Transaction, entry: Pick<AuditLogEntry, 'type' | 'data' | 'actor' | 'occurredAt'>, recordedAt: string): Promise<AuditLogEntry> {
    const [last] = await tx.query<{ version: number | string; hash: string }>('SELECT version, hash FROM audit_log ORDER BY version DESC LIMIT 1');
    const unhashed: Omit<AuditLogEntry, 'hash'> = {
      id: timeOrderedId(),
      version: last ? Number(last.version) + 1 : 1,
      ...entry,
      recordedAt,
      prevHash: last?.hash ?? null,
    };
    const appended: AuditLogEntry = { ...unhashed, hash: hashAuditLogEntry(unhashed) };
    await this.appendAuditLog(tx, appended);
    return appended;
  }

  /** The sessions calendar: each session's day and the days it had before (oldest first). */
  async sessionDays(view: Queries): Promise<SessionDays[]> {
    const rows = await view.query<{ issuer: string; number: number | string; held_on: string; earlier_dates: string | null }>(
      'SELECT issuer, number, held_on, earlier_dates FROM sessions ORDER BY issuer, number',
    );
    return rows.map((row) => ({
      issuer: row.issuer,
      number: Number(row.number),
      date: row.held_on,
      earlier: row.earlier_dates ? (JSON.parse(row.earlier_dates) as Array<{ date: string }>).map((e) => e.date) : [],
    }));
  }

  /** The bodies whose deadline monitoring rests (Nacherfassung), with the audit-log entry that began each hold. */
  async backfillHolds(view: Queries): Promise<Array<{ bodyId: string; auditLogVersion: number }>> {
    const rows = await view.query<{ body_id: string; audit_log_version: number | string }>('SELECT body_id, audit_log_version FROM backfill_holds ORDER BY body_id');
    return rows.map((row) => ({ bodyId: row.body_id, auditLogVersion: Number(row.audit_log_version) }));
  }

  async appendAuditLog(tx: Transaction, entry: AuditLogEntry): Promise<void> {
    try {
      await tx.query(
        `INSERT INTO audit_log (id, version, type, data, actor_id, actor_role, occurred_at, recorded_at, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          entry.id,
          entry.version,
          entry.type,
          JSON.stringify(entry.data),
          entry.actor.id,
          entry.actor.role,
          entry.occurredAt,
          entry.recordedAt,
          entry.prevHash,
          entry.hash,
        ],
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConcurrencyConflict({ expectedVersion: null, currentVersion: entry.version });
      throw error;
    }
  }

  async checkpoints(tx: Queries): Promise<SignedCheckpoint[]> {
    return (await this.checkpointRows(tx)).map(toSignedCheckpoint);
  }

  /**
   * The checkpoints with what their stored texts establish (factsFromText): verify and the next
   * checkpoint check their signatures and digests over the texts as stored, which are not kept.
   */
  async checkedCheckpoints(
    tx: Queries,
    publicKey: KeyObject,
  ): Promise<{ checkpoints: SignedCheckpoint[]; fromText: Map<SignedCheckpoint, TextFacts>; columns: Map<SignedCheckpoint, CheckpointColumns> }> {
    const fromText = new Map<SignedCheckpoint, TextFacts>();
    const columns = new Map<SignedCheckpoint, CheckpointColumns>();
    const checkpoints = (await this.checkpointRows(tx)).map((row) => {
      const checkpoint = toSignedCheckpoint(row);
      fromText.set(checkpoint, factsFromText(checkpoint, row.payload, publicKey));
      columns.set(checkpoint, { sequence: Number(row.sequence), created_at: row.created_at, tree_size: Number(row.tree_size), root_hash: row.root_hash });
      return checkpoint;
    });
    return { checkpoints, fromText, columns };
  }

  private checkpointRows(tx: Queries): Promise<CheckpointRow[]> {
    return tx.query<CheckpointRow>('SELECT sequence, created_at, tree_size, root_hash, payload, signature, key_id FROM audit_checkpoints ORDER BY sequence');
  }

  /**
   * How many checkpoints the log holds, the newest one's sequence and key id, and the key the
   * database is bound to: what the choice of signing key needs.
   */
  async storedCheckpoints(): Promise<StoredCheckpoints> {
    const [count] = await this.db.query<{ n: number | string }>('SELECT count(*) AS n FROM audit_checkpoints');
    const [newest] = await this.db.query<{ sequence: number | string; key_id: string }>('SELECT sequence, key_id FROM audit_checkpoints ORDER BY sequence DESC LIMIT 1');
    return { count: Number(count.n), newest: newest ? { sequence: Number(newest.sequence), keyId: newest.key_id } : null, recorded: await this.recordedKey(this.db) };
  }

  /** `recordedKey` outside a read view (the health check). */
  async boundKey(): Promise<RecordedKey | null> {
    return this.recordedKey(this.db);
  }

  /** The signing key recorded last for the database (every instance signs with it); null before a start recorded one. */
  async recordedKey(q: Queries): Promise<RecordedKey | null> {
    const [row] = await q.query<{ position: number | string; key_id: string }>('SELECT position, key_id FROM audit_signing_keys ORDER BY position DESC LIMIT 1');
    return row ? { position: Number(row.position), keyId: row.key_id } : null;
  }

  /**
   * Records the key as the one the database is bound to, after `after` (the key recorded last
   * when the start checked; null: none). False where another instance recorded a key first: the
   * start checks again against that one.
   */
  async recordKey(keyId: string, after: RecordedKey | null, replaces: string | null, recordedAt: string): Promise<boolean> {
    try {
      await this.db.transaction((tx) =>
        tx.query('INSERT INTO audit_signing_keys (position, key_id, replaces, recorded_at) VALUES (?, ?, ?, ?)', [(after?.position ?? 0) + 1, keyId, replaces, recordedAt]),
      );
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /**
   * Stores a checkpoint as the text that was signed (checkpointPayloadText; given where the caller
   * has it already); another instance that stored the same sequence first makes this a conflict.
   */
  async insertCheckpoint(tx: Transaction, checkpoint: SignedCheckpoint, payloadText: string = checkpointPayloadText(checkpoint.payload)): Promise<void> {
    const { payload } = checkpoint;
    try {
      await tx.query(
        'INSERT INTO audit_checkpoints (sequence, created_at, tree_size, root_hash, key_id, payload, signature) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [payload.sequence, payload.createdAt, payload.treeSize, payload.rootHash, checkpoint.keyId, payloadText, checkpoint.signature],
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConcurrencyConflict({ expectedVersion: null, currentVersion: payload.sequence });
      throw error;
    }
  }

  /**
   * Of the given contacts (those the audit log records as erased), the ones whose row holds
   * personal data again or is no longer marked erased: which fields are filled, never their
   * values. Asked a few hundred ids at a time; the rows that hold are not returned.
   */
  async erasuresUndone(tx: Queries, contactIds: readonly string[]): Promise<ErasureUndone[]> {
    const undone: ErasureUndone[] = [];
    const filled = CONTACT_PERSONAL_FIELDS.map((field) => `CASE WHEN ${field} IS NULL OR ${field} = '' THEN 0 ELSE 1 END AS ${field}`).join(', ');
    const unerased = CONTACT_PERSONAL_FIELDS.map((field) => `(${field} IS NOT NULL AND ${field} <> '')`).join(' OR ');
    for (let i = 0; i < contactIds.length; i += 500) {
      const ids = contactIds.slice(i, i + 500);
      const rows = await tx.query<Record<string, string | number | null>>(
        `SELECT id, ${filled}, CASE WHEN erased_at IS NULL THEN 1 ELSE 0 END AS unmarked FROM contacts
         WHERE id IN (${placeholders(ids)}) AND (erased_at IS NULL OR ${unerased})`,
        [...ids],
      );
      for (const row of rows) {
        undone.push({ contactId: String(row.id), fields: CONTACT_PERSONAL_FIELDS.filter((field) => Number(row[field]) === 1), unmarked: Number(row.unmarked) === 1 });
      }
    }
    return undone;
  }

  /**
   * The current titles of the given bodies (those verify found problems with), by id; a body
   * without a projection row is left out. Asked a few hundred ids at a time.
   */
  async titlesOf(tx: Queries, bodyIds: readonly string[]): Promise<Map<string, string>> {
    const titles = new Map<string, string>();
    for (let i = 0; i < bodyIds.length; i += 500) {
      const ids = bodyIds.slice(i, i + 500);
      const rows = await tx.query<{ id: string; title: string }>(`SELECT id, title FROM bodies WHERE id IN (${placeholders(ids)})`, [...ids]);
      for (const row of rows) titles.set(row.id, row.title);
    }
    return titles;
  }

  /** The bodies whose stored events name the contact anywhere in their data (registration, revision, lead change). */
  async bodiesNaming(tx: Queries, contactId: string): Promise<string[]> {
    const rows = await tx.query<{ body_id: string }>('SELECT DISTINCT body_id FROM events WHERE data LIKE ? ORDER BY body_id', [
      `%"${contactId}"%`,
    ]);
    return rows.map((row) => row.body_id);
  }
}

/** Checkpoint order: streams by id (UTF-16 code units, never a database collation), then version. */
function compareLeaves(a: { stream: string; version: number }, b: { stream: string; version: number }): number {
  return a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : a.version - b.version;
}

function toSignedCheckpoint(row: CheckpointRow): SignedCheckpoint {
  return { payload: parseOr(row.payload, {}) as CheckpointPayload, signature: row.signature, keyId: row.key_id };
}

function toAuditLogEntry(row: AuditLogRow): AuditLogEntry {
  return {
    id: row.id,
    version: Number(row.version),
    type: row.type as AuditLogEntry['type'],
    // Unreadable data stays a string: its hash will not match, and the chain check says where.
    data: parseOr(row.data, row.data) as AuditLogEntry['data'],
    actor: { id: row.actor_id, role: row.actor_role },
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** The links of event tuples that come in checkpoint order, the other chains' links merged in. */
function linksOf(tuples: readonly EventTuple[], others: OtherLinks): OrderedLink[] {
  const batch: OrderedLink[] = [];
  for (const tuple of tuples) {
    const link = linkOfTuple(tuple);
    others.before(link, batch);
    // The link names its stream, version and hash: it serves as its own leaf.
    batch.push({ link, leaf: link });
  }
  return batch;
}

/** The chain link of an event tuple: its stored hash shown cheaply where it holds, else the full path (which names what is wrong). */
function linkOfTuple(t: EventTuple): ChainLink {
  if (!storedHashHolds(t)) return linkOfEvent(toStoredEvent(rowOfTuple(t)));
  const hash = t[E.hash] as string;
  return {
    stream: t[E.bodyId] as string,
    version: Number(t[E.version]),
    id: t[E.id] as string,
    type: t[E.type] as string,
    hash,
    prevHash: t[E.prevHash] as string | null,
    recomputed: { hash },
  };
}

function toProjection(row: Record<string, string | number>): ProjectionRow {
  return {
    id: String(row.id),
    version: Number(row.version),
    machineVersion: Number(row.machine_version),
    lastHash: String(row.last_hash),
    state: parseOr(String(row.state), null) as StateValue,
    context: parseOr(wholeContextText(String(row.context), row.obligations as string | null), null),
  };
}

function parseOr(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}
