import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { LifecycleRefusal, NotFoundError, ValidationError } from '../common/errors';
import type { EventRecord } from '../event-log/event-hash';
import { AUDIT_LOG_STREAM } from './audit-log';
import { AuditStore, type AuditSnapshot } from './audit.store';
import { isUnreadable, verifyChains, type StreamVerdict } from './chain-verifier';
import {
  LEAF_ORDER,
  buildCheckpoint,
  checkpointDigest,
  signCheckpoint,
  verifyCheckpoints,
  type Leaf,
  type SignedCheckpoint,
} from './checkpoint';
import { EXPORT_FORMAT, exportLine, type ExportCounts } from './export-format';
import { machineFingerprint, machineVersion } from './machine-versions';
import { describeLimit, isTimeLimit, replayRecords, replayVerdict, stateAt, type ReplayVerdict } from './replay';
import type { SigningKey } from './signing-key';

export const SIGNING_KEY = 'AUDIT_SIGNING_KEY';

export interface AuditProblem {
  area: 'chain' | 'projection' | 'checkpoint';
  kind: string;
  stream: string | null;
  version: number | null;
  eventId: string | null;
  message: string;
}

const leavesOf = (snapshot: Pick<AuditSnapshot, 'events' | 'auditLog'>): Leaf[] => [
  ...snapshot.events.map((e) => ({ stream: e.bodyId, version: e.version, hash: e.hash })),
  ...snapshot.auditLog.map((e) => ({ stream: AUDIT_LOG_STREAM, version: e.version, hash: e.hash })),
];

/**
 * What auditors ask of the log: is it intact (chains, projections, checkpoints), does replay
 * reproduce each body, what was a body's state at a date, and a signed, exportable record.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly store: AuditStore,
    private readonly clock: Clock,
    @Inject(SIGNING_KEY) private readonly key: SigningKey,
  ) {}

  /** Chain, projection and checkpoint verification, of everything or of one body. */
  async verify(bodyId?: string) {
    const snapshot = await this.store.snapshot();
    if (bodyId !== undefined && !snapshot.events.some((e) => e.bodyId === bodyId) && !snapshot.projections.some((p) => p.id === bodyId)) {
      throw new NotFoundError(`Gremium ${bodyId} ist nicht registriert.`);
    }
    const chains = verifyChains(snapshot.events, snapshot.auditLog);
    const problems: AuditProblem[] = [
      ...chains.breaks.map((b) => ({ area: 'chain' as const, kind: b.kind, stream: b.stream, version: b.version, eventId: b.eventId, message: b.message })),
      ...projectionProblems(chains.streams, snapshot),
      ...verifyCheckpoints(snapshot.checkpoints, leavesOf(snapshot), this.key.publicKey).map((p) => ({
        area: 'checkpoint' as const,
        kind: p.kind,
        stream: p.stream,
        version: p.version,
        eventId: null,
        message: p.message,
      })),
    ];
    const inScope = (stream: string | null) => bodyId === undefined || stream === bodyId || stream === null;
    const streams = chains.streams.filter((s) => inScope(s.stream));
    const scoped = problems.filter((p) => inScope(p.stream));
    const last = snapshot.checkpoints.at(-1);
    return {
      scope: bodyId ?? 'all',
      intact: scoped.length === 0,
      checkedAt: this.clock.now().toISOString(),
      events: streams.reduce((n, s) => n + s.events, 0),
      streams: streams.map((s) => ({ ...s, kind: s.stream === AUDIT_LOG_STREAM ? 'auditLog' : 'body' })),
      problems: scoped,
      checkpoints: {
        count: snapshot.checkpoints.length,
        last: last ? { sequence: last.payload.sequence, createdAt: last.payload.createdAt, treeSize: last.payload.treeSize, rootHash: last.payload.rootHash } : null,
        uncoveredEvents: leavesOf(snapshot).length - (last?.payload.treeSize ?? 0),
      },
    };
  }

  /** Replays the body through the machine versions its events name and compares with the stored state. */
  async replay(bodyId: string) {
    const snapshot = await this.store.snapshot(bodyId);
    if (snapshot.events.length === 0) throw new NotFoundError(`Gremium ${bodyId} ist nicht registriert.`);
    const unreadable = snapshot.events.find(isUnreadable);
    const records = snapshot.events.filter((e): e is EventRecord => !isUnreadable(e));
    const projection = snapshot.projections[0] ?? null;
    const verdict: ReplayVerdict = unreadable
      ? {
          verdict: 'diverges',
          events: snapshot.events.length,
          divergence: {
            version: unreadable.version,
            eventId: unreadable.id,
            type: unreadable.type,
            label: null,
            path: 'event',
            expected: 'ein lesbares Ereignis',
            found: unreadable.unreadable,
            message: `Version ${unreadable.version}: ${unreadable.unreadable}`,
          },
        }
      : replayVerdict(records, projection);
    const erasures = snapshot.auditLog.filter((entry) => entry.data?.bodyIds?.includes(bodyId));
    return {
      bodyId,
      ...verdict,
      steps: replayRecords(records).steps,
      erasures: erasures.map(({ version, occurredAt, actor, data, hash }) => ({ auditLogVersion: version, occurredAt, actor, contactId: data.contactId, reason: data.reason, hash })),
    };
  }

  /** The body's state as of a business date and/or as known at a system time. */
  async stateAt(bodyId: string, query: { asOf?: string; asKnownAt?: string }) {
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && !isTimeLimit(value)) {
        throw ValidationError.at(name, 'Erwartet ein Datum (JJJJ-MM-TT) oder einen Zeitpunkt nach ISO 8601, z. B. 2025-03-31T12:00:00Z.');
      }
    }
    const snapshot = await this.store.snapshot(bodyId);
    if (snapshot.events.length === 0) throw new NotFoundError(`Gremium ${bodyId} ist nicht registriert.`);
    const unreadable = snapshot.events.find(isUnreadable);
    if (unreadable) {
      throw new LifecycleRefusal(`Der Stand lässt sich nicht wiederherstellen: Version ${unreadable.version} ist nicht lesbar (${unreadable.unreadable}).`);
    }
    const at = stateAt(snapshot.events as EventRecord[], query);
    if (!at) {
      const when = [query.asOf && `am ${describeLimit(query.asOf)}`, query.asKnownAt && `nach Kenntnisstand ${describeLimit(query.asKnownAt)}`]
        .filter(Boolean)
        .join(' ');
      throw new NotFoundError(`Gremium ${bodyId} war ${when} noch nicht registriert.`);
    }
    return { bodyId, ...at };
  }

  /**
   * Writes a signed checkpoint over the whole log. Refuses to sign a log whose chains or earlier
   * checkpoints do not verify, so a checkpoint never vouches for tampered history. A periodic run
   * (`onlyIfGrown`) writes nothing when the log is unchanged since the last checkpoint.
   */
  async createCheckpoint(options: { onlyIfGrown?: boolean } = {}): Promise<SignedCheckpoint | null> {
    return this.store.consistent(async (tx) => {
      const snapshot = { events: await this.store.events(tx), auditLog: await this.store.auditLog(tx) };
      const checkpoints = await this.store.checkpoints(tx);
      const chains = verifyChains(snapshot.events, snapshot.auditLog);
      const leaves = leavesOf(snapshot);
      const problems = [...chains.breaks.map((b) => b.message), ...verifyCheckpoints(checkpoints, leaves, this.key.publicKey).map((p) => p.message)];
      if (problems.length > 0) {
        throw new LifecycleRefusal(`Kein Checkpoint: das Log besteht die Prüfung nicht. ${problems[0]}`, { violations: problems });
      }
      const last = checkpoints.at(-1);
      const payload = buildCheckpoint(leaves, {
        sequence: (last?.payload.sequence ?? 0) + 1,
        createdAt: this.clock.now().toISOString(),
        previous: last ? checkpointDigest(last) : null,
      });
      if (options.onlyIfGrown && last && last.payload.rootHash === payload.rootHash && last.payload.treeSize === payload.treeSize) return null;
      const signed = signCheckpoint(payload, this.key.privateKey);
      await this.store.insertCheckpoint(tx, signed);
      return signed;
    });
  }

  async checkpoints(): Promise<SignedCheckpoint[]> {
    return this.store.consistent((tx) => this.store.checkpoints(tx));
  }

  publicKey() {
    return {
      algorithm: 'Ed25519',
      keyId: this.key.keyId,
      pem: this.key.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      spki: this.key.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    };
  }

  /** The export as JSON Lines (see export-format.ts), taken from one consistent view of the database. */
  async *exportLines(): AsyncGenerator<string> {
    const snapshot = await this.store.snapshot();
    const counts: ExportCounts = { machine: 0, event: 0, auditLog: 0, body: 0, checkpoint: 0 };
    yield exportLine({ kind: 'header', format: EXPORT_FORMAT, exportedAt: this.clock.now().toISOString(), order: LEAF_ORDER });
    const used = new Map<string, { id: string; version: number }>();
    for (const event of snapshot.events) {
      if (!isUnreadable(event)) used.set(`${event.machine.id}@${event.machine.version}`, event.machine);
    }
    for (const { id, version } of used.values()) {
      const machine = machineVersion(id, version);
      if (!machine) continue; // The offline verifier reports the missing definition.
      counts.machine++;
      yield exportLine({ kind: 'machine', id, version, fingerprint: machineFingerprint(machine), definition: machine.definition() });
    }
    for (const event of snapshot.events) {
      counts.event++;
      yield exportLine(isUnreadable(event) ? { kind: 'event', event: event as unknown as EventRecord, unreadable: event.unreadable } : { kind: 'event', event });
    }
    for (const entry of snapshot.auditLog) {
      counts.auditLog++;
      yield exportLine({ kind: 'auditLog', entry });
    }
    for (const p of snapshot.projections) {
      counts.body++;
      yield exportLine({ kind: 'body', id: p.id, version: p.version, machineVersion: p.machineVersion, state: p.state, context: p.context });
    }
    for (const checkpoint of snapshot.checkpoints) {
      counts.checkpoint++;
      yield exportLine({ kind: 'checkpoint', checkpoint });
    }
    yield exportLine({ kind: 'end', counts });
  }
}

/** The projection rows must stand on each stream's head: same version, same hash. */
function projectionProblems(streams: StreamVerdict[], snapshot: AuditSnapshot): AuditProblem[] {
  const problems: AuditProblem[] = [];
  const heads = new Map(streams.filter((s) => s.stream !== AUDIT_LOG_STREAM).map((s) => [s.stream, s.head!]));
  for (const projection of snapshot.projections) {
    const head = heads.get(projection.id);
    const problem = (kind: string, version: number, message: string) =>
      problems.push({ area: 'projection', kind, stream: projection.id, version, eventId: null, message: `Gremium ${projection.id}: ${message}` });
    if (!head) {
      problem('eventsMissing', 1, `Der gespeicherte Stand beruht auf Version ${projection.version}, im Log gibt es aber keine Ereignisse: alle wurden entfernt.`);
    } else if (projection.version > head.version) {
      problem(
        'truncated',
        head.version + 1,
        `Der gespeicherte Stand beruht auf Version ${projection.version}, das Log endet bei Version ${head.version}: Version ${head.version + 1}${projection.version > head.version + 1 ? ` bis ${projection.version}` : ''} wurde entfernt.`,
      );
    } else if (projection.version < head.version) {
      problem('projectionBehind', projection.version + 1, `Der gespeicherte Stand beruht auf Version ${projection.version}, das Log reicht bis Version ${head.version}: Ereignisse wurden nachträglich angefügt.`);
    } else if (projection.lastHash !== head.hash) {
      problem('headChanged', head.version, `Version ${head.version} hat nicht den Hash, auf dem der gespeicherte Stand beruht: das Log wurde umgeschrieben.`);
    }
  }
  for (const stream of heads.keys()) {
    if (!snapshot.projections.some((p) => p.id === stream)) {
      problems.push({ area: 'projection', kind: 'projectionMissing', stream, version: null, eventId: null, message: `Gremium ${stream}: Zu den Ereignissen gibt es keinen gespeicherten Stand.` });
    }
  }
  return problems;
}
