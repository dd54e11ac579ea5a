import { Inject, Injectable } from '@nestjs/common';
import type { StateValue } from 'xstate';
import { eventLabel, germanDate, germanDateTime, statePaths, type BodyProfile } from '../../machines';
import { Clock } from '../common/clock';
import { LifecycleRefusal, NotFoundError, ValidationError } from '../common/errors';
import type { EventRecord } from '../event-log/event-hash';
import { isDecisionStream, registerProblems } from '../decisions/register';
import { AUDIT_LOG_STREAM, isBackfillEntry, isErasure, isSessionEntry, type AuditLogEntry, type ContactErasedData, type SessionData } from './audit-log';
import { isContactStream } from './contact-log';
import type { PendingSystemEvent } from '../deadlines/pending-events';
import { AuditStore, type CheckpointColumns, type DerivedRow, type ErasureUndone, type IndexRowsWithoutBody, type IndexTable, type OrphanedObligations, type SessionDays } from './audit.store';
import { contactIdsOf, linkedBodyIds, searchTextOf } from '../event-log/named-ids';
import { ChainVerifier, isUnreadable, place, type MissingVersions, type StreamVerdict } from './chain-verifier';
import { feedVerifiers } from './chain-feed';
import { CitationColumnCheck } from './citation-column';
import { SUBTREE_LEVEL, withSubtreeHasher } from './subtree-hasher';
import {
  CheckpointVerifier,
  LEAF_ORDER,
  coveredVersion,
  inLogOrder,
  LogCheckpointBuilder,
  checkpointDigest,
  checkpointPayloadText,
  signCheckpoint,
  type CheckpointPayload,
  type SignedCheckpoint,
} from './checkpoint';
import { EXPORT_FORMAT, exportLine, type ExportCounts } from './export-format';
import { machineFingerprint, machineVersion } from './machine-versions';
import { describeLimit, isTimeLimit, notAfter, replayRecords, replayVerdict, stateAt, withinTimes, type ReplayVerdict, type StateAt } from './replay';
import { tamperedVerdict, tamperingWarning, type TamperedVerdict } from './stream-integrity';
import { consistencyBundle, findLeaf, inclusionBundle, rangeRoots, type ProvenEntry } from './proofs';
import { consistencyProofRanges, inclusionProofRanges, type LeafRange } from './merkle';
import type { ReadView } from '../database/database';
import { checkpointNoteText, noteVerifierKey, signNote } from './signed-note';
import type { SigningKey } from './signing-key';

export const SIGNING_KEY = 'AUDIT_SIGNING_KEY';

export interface AuditProblem {
  area: 'chain' | 'projection' | 'checkpoint';
  kind: string;
  stream: string | null;
  version: number | null;
  eventId: string | null;
  message: string;
  /** A chain's gap (or late start): the versions missing and the recorded events on either side. */
  missing?: MissingVersions;
}

/**
 * What auditors ask of the log: is it intact (chains, projections, checkpoints), does replay
 * reproduce each body, what was a body's state at a date, and a signed, exportable record.
 */
@Injectable()
export class AuditService {
  /** The height of the Merkle subtrees hashed on another thread (SubtreeHasher); the tests take small ones. */
  subtreeLevel = SUBTREE_LEVEL;

  constructor(
    private readonly store: AuditStore,
    private readonly clock: Clock,
    @Inject(SIGNING_KEY) private readonly key: SigningKey,
  ) {}

  /** The last read of the key the database is bound to, for `foreignKeyHeld`. */
  private bound: { keyId: string | null; readAt: number; reading: Promise<string | null> | null } = { keyId: null, readAt: -Infinity, reading: null };

  /**
   * Whether this instance holds another signing key than the one the database is bound to (then
   * it writes no checkpoint and gives no verdict): both key ids and the reason in German, or null.
   * The recorded key is read at most every `maxAgeMs` (a health check asks often; the binding
   * changes only when an operator replaces a lost key), by wall time, not the business clock.
   */
  async foreignKeyHeld(maxAgeMs = 5000): Promise<{ keyId: string; boundKeyId: string; reason: string } | null> {
    if (performance.now() - this.bound.readAt >= maxAgeMs) {
      this.bound.reading ??= this.store
        .boundKey()
        .then((recorded) => {
          this.bound = { keyId: recorded?.keyId ?? null, readAt: performance.now(), reading: null };
          return this.bound.keyId;
        })
        .finally(() => (this.bound.reading = null));
      await this.bound.reading;
    }
    const bound = this.bound.keyId;
    if (bound === null || bound === this.key.keyId) return null;
    return { keyId: this.key.keyId, boundKeyId: bound, reason: this.foreignKey(bound) };
  }

  /**
   * Chain, projection and checkpoint verification, of everything or of one body. The events are
   * read page by page from one read view and checked as they go by: memory grows with the
   * number of streams, not of events, and no writer waits.
   */
  async verify(bodyId?: string) {
    return this.store.read(async (view) => {
      const { checkpoints, fromText, columns } = await this.store.checkedCheckpoints(view, this.key.publicKey);
      // A body whose events and row were all removed is still the one a checkpoint names: its verify names the removal.
      if (
        bodyId !== undefined &&
        !(await this.store.hasProjection(view, bodyId)) &&
        !(await this.store.hasEvents(view, bodyId)) &&
        coveredVersion(checkpoints.map((c) => c.payload), bodyId) === 0
      ) {
        throw new NotFoundError(`Gremium ${bodyId} ist nicht registriert.`);
      }
      const auditLog = await this.store.auditLog(view);
      const decisionEvents = await this.store.decisionEvents(view);
      const contactEvents = await this.store.contactEvents(view);
      const decisions = await this.store.decisions(view);
      const recorded = await this.store.recordedKey(view);
      // An instance holding another key than the database's would judge its checkpoints unlike the others: no verdict from it.
      if (recorded && recorded.keyId !== this.key.keyId) throw new LifecycleRefusal(`Keine Prüfung: ${this.foreignKey(recorded.keyId)}`, { keyId: this.key.keyId, boundKeyId: recorded.keyId });
      const chainVerifier = new ChainVerifier();
      const citations = new CitationColumnCheck();
      // The checkpoints' Merkle trees are hashed on another thread while the log is read.
      const { checkpointVerifier, leaves } = await withSubtreeHasher(async (hasher) => {
        const checkpointVerifier = new CheckpointVerifier(checkpoints, this.key.publicKey, [], { earlierKeys: true, fromText, hasher });
        const fed = await feedVerifiers(this.store.chainItems(view, auditLog, decisionEvents, contactEvents, citations), chainVerifier, checkpointVerifier);
        return { checkpointVerifier, leaves: fed.leaves };
      }, this.subtreeLevel);
      const chains = chainVerifier.finish();
      const orphanedObligations = await this.store.orphanedObligations(view);
      // Each projection row against its stream's head, then its derived columns and index rows,
      // body by body from one cursor; only the problems stay.
      const projected = new ProjectionCheck(chains.streams);
      const derived: AuditProblem[] = [];
      const states = new Map<string, string[] | null>();
      for await (const rows of this.store.derivedRows(view, bodyId)) {
        for (const row of rows) {
          projected.check(row);
          derived.push(...derivedProblems(row, states));
        }
      }
      const unindexed = await this.store.indexRowsWithoutBody(view);
      const erasures = erasuresOf(auditLog);
      const undone = await this.store.erasuresUndone(view, [...erasures.keys()]);
      const holds = backfillHoldProblems(auditLog, await this.store.backfillHolds(view));
      const sessions = sessionProblems(auditLog, await this.store.sessionDays(view));
      const problems: AuditProblem[] = [
        ...chains.breaks.map((b) => ({
          area: 'chain' as const,
          kind: b.kind,
          stream: b.stream,
          version: b.version,
          eventId: b.eventId,
          message: b.message,
          ...(b.missing ? { missing: b.missing } : {}),
        })),
        ...projected.finish(bodyId),
        ...citations.problems,
        ...orphanedObligations.map(obligationProblem),
        ...derived,
        ...unindexed.map(indexRowsProblem),
        ...holds,
        ...sessions,
        ...registerProblems(decisionEvents, decisions).map((p) => ({
          area: 'projection' as const,
          kind: 'decisionDiverges',
          stream: p.stream,
          version: null,
          eventId: null,
          message: p.message,
        })),
        ...checkpointVerifier.finish().map((p) => ({
          area: 'checkpoint' as const,
          kind: p.kind,
          stream: p.stream,
          version: p.version,
          eventId: null,
          message: p.message,
        })),
        ...checkpointVerifier.counted().flatMap((checkpoint) => checkpointColumnProblems(checkpoint, columns.get(checkpoint)!)),
      ];
      const inScope = (stream: string | null) => bodyId === undefined || stream === bodyId || stream === null;
      const streams = chains.streams.filter((s) => inScope(s.stream));
      // An undone erasure belongs to the bodies the erasure touched.
      const erasureProblems = undone
        .map((u) => ({ undone: u, entry: erasures.get(u.contactId)! }))
        .filter(({ entry }) => bodyId === undefined || entry.data.bodyIds?.includes(bodyId))
        .map(({ undone: u, entry }) => erasureUndoneProblem(u, entry));
      const scoped = [...problems.filter((p) => inScope(p.stream)), ...erasureProblems];
      // Each body a problem concerns (and the one asked for) named by its current title too, looked up for those bodies only.
      const named = new Set(scoped.map((p) => p.stream).filter((stream): stream is string => stream !== null && streamKind(stream) === 'body'));
      if (bodyId !== undefined) named.add(bodyId);
      const titles = await this.store.titlesOf(view, [...named]);
      // Only a checkpoint whose signature holds is evidence of what it covered.
      const last = checkpointVerifier.lastSigned();
      // In a body's answer, its own events beyond the newest head of its stream that the checkpoints up to that one name.
      const covered =
        bodyId === undefined
          ? (last?.payload.treeSize ?? 0)
          : coveredVersion(
              checkpointVerifier.counted().filter((c) => c.payload.sequence <= (last?.payload.sequence ?? 0)).map((c) => c.payload),
              bodyId,
            );
      const counted = bodyId === undefined ? leaves : streams.reduce((n, s) => n + s.events, 0);
      return {
        scope: bodyId ?? 'all',
        title: bodyId === undefined ? null : (titles.get(bodyId) ?? null),
        intact: scoped.length === 0,
        checkedAt: this.clock.now().toISOString(),
        events: streams.reduce((n, s) => n + s.events, 0),
        // Written out, not spread: a spread copy of 100,000 verdicts took about three times the memory.
        streams: streams.map((s) => ({ stream: s.stream, events: s.events, head: s.head, intact: s.intact, firstBreak: s.firstBreak, kind: streamKind(s.stream) })),
        problems: scoped.map((p) => ({ ...p, title: titles.get(p.stream ?? '') ?? null })),
        /** What the check could not establish, without a problem found: checkpoints signed with an earlier key. */
        notes: checkpointVerifier.notes.map((n) => ({ area: 'checkpoint' as const, kind: n.kind, stream: null, title: null, version: null, eventId: null, message: n.message })),
        checkpoints: {
          count: checkpoints.length,
          last: last ? { sequence: last.payload.sequence, createdAt: last.payload.createdAt, treeSize: last.payload.treeSize, rootHash: last.payload.rootHash } : null,
          uncoveredEvents: Math.max(0, counted - covered),
        },
      };
    });
  }

  /**
   * Replays the body through the machine versions its events name and compares with the stored
   * state. First each event is checked against its stored hash and its predecessor: where one is
   * not what was recorded, the verdict is "tampered", naming it, and nothing is compared (a
   * comparison would take the changed event for the truth and blame the projection).
   */
  async replay(bodyId: string) {
    const { events, tampered, projection, auditLog } = await this.store.bodyReplay(bodyId);
    if (events.length === 0) throw new NotFoundError(`Gremium ${bodyId} ist nicht registriert.`);
    const records = events.filter((e): e is EventRecord => !isUnreadable(e));
    const replayed = replayRecords(records);
    const verdict: ReplayVerdict | TamperedVerdict = tampered.length > 0 ? tamperedVerdict(events.length, tampered) : replayVerdict(records, projection, replayed);
    const erasures = auditLog.filter(isErasure).filter((entry) => entry.data?.bodyIds?.includes(bodyId));
    return {
      bodyId,
      ...verdict,
      tampered,
      steps: replayed.steps,
      erasures: erasures.map(({ version, occurredAt, actor, data, hash }) => ({ auditLogVersion: version, occurredAt, actor, contactId: data.contactId, reason: data.reason, hash })),
    };
  }

  /**
   * The body's state as of a business date and/or as known at a system time; a limit that is no
   * date or time is refused under the name its caller gave the field (`query.asOf`, „Stichtag“).
   */
  async stateAt(bodyId: string, query: { asOf?: string; asKnownAt?: string }, fields: Record<'asOf' | 'asKnownAt', string>) {
    for (const name of ['asOf', 'asKnownAt'] as const) {
      const value = query[name];
      if (value !== undefined && !isTimeLimit(value)) {
        throw ValidationError.at(fields[name], 'Erwartet ein Datum (JJJJ-MM-TT) oder einen Zeitpunkt nach ISO 8601, z. B. 2025-03-31T12:00:00Z.');
      }
    }
    const { events, tampered, projection, pending } = await this.store.bodyHistory(bodyId);
    if (events.length === 0) throw new NotFoundError(`Gremium ${bodyId} ist nicht registriert.`);
    const unreadable = events.find(isUnreadable);
    if (unreadable) {
      throw new LifecycleRefusal(`Der Stand lässt sich nicht wiederherstellen: Version ${unreadable.version} ist nicht lesbar (${unreadable.unreadable}).`);
    }
    // A question about a time after every event is read from the stored projection where it can be.
    const at = stateAt(events as EventRecord[], query, projection);
    if (!at) {
      const when = [query.asOf && `am ${describeLimit(query.asOf)}`, query.asKnownAt && `nach Kenntnisstand ${describeLimit(query.asKnownAt)}`]
        .filter(Boolean)
        .join(' ');
      const title = ((events[0] as EventRecord).data as { title?: string } | null)?.title;
      throw new NotFoundError(`${title ? `„${title}“` : `Gremium ${bodyId}`} war ${when} noch nicht registriert.`);
    }
    // The events the answer folds, or (read from the projection) stands on: a changed one is named.
    const changed = tampered.filter((t) => withinTimes(events.find((e) => e.id === t.eventId) as EventRecord, query));
    return {
      bodyId,
      ...at,
      notYetRecorded: notYetRecorded(at, pending, query.asOf, this.clock.now().toISOString()),
      tampered: changed,
      warning: tamperingWarning(changed),
    };
  }

  /**
   * Writes a signed checkpoint over the whole log. Refuses to sign a log whose chains or earlier
   * checkpoints do not verify, so a checkpoint never vouches for tampered history. A periodic run
   * (`onlyIfGrown`) writes nothing when the log is unchanged since the last checkpoint. The log
   * is read page by page from one read view (no writer waits); the checkpoint covers exactly
   * what that view saw, and a checkpoint another instance stored meanwhile makes this a conflict.
   * An instance whose key is not the one the database is bound to (the key recorded last, or
   * the newest checkpoint's on a database without a recorded key) signs nothing: checked on the
   * view and again in the transaction that stores the checkpoint.
   */
  async createCheckpoint(options: { onlyIfGrown?: boolean } = {}): Promise<SignedCheckpoint | null> {
    const written = await this.store.read(async (view) => {
      const auditLog = await this.store.auditLog(view);
      const decisionEvents = await this.store.decisionEvents(view);
      const contactEvents = await this.store.contactEvents(view);
      const { checkpoints, fromText, columns } = await this.store.checkedCheckpoints(view, this.key.publicKey);
      this.assertOwnKey((await this.store.recordedKey(view))?.keyId ?? checkpoints.at(-1)?.keyId);
      const chainVerifier = new ChainVerifier();
      // A lost key's checkpoints count as unsigned claims: the new one is written only where they still hold.
      // As verify reads the log (a body's stream that holds from end to end comes whole, without a
      // link per event), with the Merkle trees hashed on another thread meanwhile.
      const { checkpointVerifier, builder } = await withSubtreeHasher(async (hasher) => {
        const checkpointVerifier = new CheckpointVerifier(checkpoints, this.key.publicKey, [], { earlierKeys: true, fromText, hasher });
        const builder = new LogCheckpointBuilder(checkpoints.map((c) => c.payload), hasher);
        await feedVerifiers(this.store.chainItems(view, auditLog, decisionEvents, contactEvents), chainVerifier, checkpointVerifier, builder);
        return { checkpointVerifier, builder };
      }, this.subtreeLevel);
      // A checkpoint under a lost key that no checkpoint under this key continues yet is no
      // reason to refuse: the new one continues it, where its claims still hold.
      const problems = [
        ...chainVerifier.finish().breaks.map((b) => b.message),
        ...checkpointVerifier
          .finish()
          .filter((p) => p.kind !== 'earlierKey')
          .map((p) => p.message),
        // A row whose columns say otherwise than its signed payload: whoever reads the table by SQL would see another sequence than the one signed.
        ...checkpointVerifier.counted().flatMap((checkpoint) => checkpointColumnProblems(checkpoint, columns.get(checkpoint)!).map((p) => p.message)),
      ];
      if (problems.length > 0) {
        throw new LifecycleRefusal(`Kein Checkpoint: das Log besteht die Prüfung nicht. ${problems[0]}`, { violations: problems });
      }
      const last = checkpoints.at(-1);
      const payload = builder.build({
        sequence: (last?.payload.sequence ?? 0) + 1,
        createdAt: this.clock.now().toISOString(),
        previous: last ? (fromText.get(last)?.digest ?? checkpointDigest(last)) : null,
        origin: this.key.logOrigin,
      });
      // Unchanged since a checkpoint under this key: nothing to write (after a lost key, the first one under the new key is written even so).
      if (options.onlyIfGrown && last && last.keyId === this.key.keyId && last.payload.rootHash === payload.rootHash && last.payload.treeSize === payload.treeSize) return null;
      // Written out once: signed and stored as this very text.
      const text = checkpointPayloadText(payload);
      return { signed: signCheckpoint(payload, this.key.privateKey, text), text };
    });
    if (written) {
      await this.store.consistent(async (tx) => {
        this.assertOwnKey((await this.store.recordedKey(tx))?.keyId);
        await this.store.insertCheckpoint(tx, written.signed, written.text);
      });
    }
    return written?.signed ?? null;
  }

  /**
   * Where this key replaced one declared lost (the database is bound to it, the newest checkpoint
   * carries another key id), the checkpoint under it that continues the lost key's: written only
   * where their claims still hold (createCheckpoint), it names the last of them as its
   * predecessor, and from then on verify names them as notes. Null where there is nothing to continue.
   */
  async continueReplacedKey(): Promise<SignedCheckpoint | null> {
    const stored = await this.store.storedCheckpoints();
    if (!stored.newest || stored.newest.keyId === this.key.keyId || stored.recorded?.keyId !== this.key.keyId) return null;
    return this.createCheckpoint({ onlyIfGrown: true });
  }

  /** Refuses to sign where the database is bound to another key than this instance's. */
  private assertOwnKey(bound: string | undefined): void {
    if (bound === undefined || bound === this.key.keyId) return;
    throw new LifecycleRefusal(
      `Kein Checkpoint: ${this.foreignKey(bound)} Ein Checkpoint unter diesem Schlüssel ließe die Prüfung der anderen Instanzen scheitern.`,
      { keyId: this.key.keyId, boundKeyId: bound },
    );
  }

  /** What is wrong with an instance that holds another key than the database's, and what to do, in German. */
  private foreignKey(bound: string): string {
    return (
      `Diese Instanz hält den Signaturschlüssel mit der Schlüssel-ID ${this.key.keyId}, die Datenbank ist aber an die Schlüssel-ID ${bound} gebunden ` +
      `(eine andere Instanz hat mit ihm begonnen oder einen verlorenen Schlüssel durch ihn ersetzt). Alle Instanzen müssen mit demselben Schlüssel signieren: ` +
      `starten Sie diese mit dem Schlüssel ${bound} neu (dieselbe Datei über GREMIENLAUF_SIGNING_KEY_FILE oder derselbe Schlüssel in GREMIENLAUF_SIGNING_KEY).`
    );
  }

  async checkpoints(): Promise<SignedCheckpoint[]> {
    return this.store.read((view) => this.store.checkpoints(view));
  }

  /**
   * The checkpoint as a C2SP signed note (c2sp.org/tlog-checkpoint), the newest one or the one of
   * that sequence number; refused for a format-1 checkpoint (its leaves are not in log order) or
   * one signed with another key. Ed25519 is deterministic: the note is the same on every call.
   */
  async checkpointNote(sequence?: number): Promise<string> {
    const checkpoints = await this.checkpoints();
    const checkpoint =
      sequence === undefined ? checkpoints.filter((c) => inLogOrder(c.payload)).at(-1) : checkpoints.find((c) => c.payload.sequence === sequence);
    if (!checkpoint) throw new NotFoundError(sequence === undefined ? 'Es gibt noch keinen Checkpoint im Format 2 oder 3.' : `Checkpoint ${sequence} gibt es nicht.`);
    const note = this.noteOf(checkpoint);
    if (!note) {
      throw new LifecycleRefusal(`Checkpoint ${checkpoint.payload.sequence} hat das Format ${checkpoint.payload.format} oder einen anderen Schlüssel: dafür gibt es keine Checkpoint-Notiz.`);
    }
    return note;
  }

  private noteOf(checkpoint: SignedCheckpoint): string | null {
    const { payload } = checkpoint;
    if (!inLogOrder(payload) || !payload.origin || checkpoint.keyId !== this.key.keyId) return null;
    return signNote(checkpointNoteText(payload.origin, payload.treeSize, payload.rootHash), payload.origin, this.key.privateKey);
  }

  /**
   * The checkpoints on the view and the tree size the newest fixes: proofs reach no further,
   * what lies beyond has no fixed place in the log yet.
   */
  private async provable(view: ReadView) {
    const checkpoints = await this.store.checkpoints(view);
    const payloads = checkpoints.map((c) => c.payload);
    const covered = payloads.at(-1)?.treeSize ?? 0;
    if (covered === 0) throw new LifecycleRefusal('Es gibt noch keinen Checkpoint: Beweise beziehen sich auf die Baumgröße eines Checkpoints.');
    return { checkpoints, payloads, covered };
  }

  /** The roots of the ranges, from the log's leaves read page by page on the view. */
  private async rangeRoots(view: ReadView, payloads: CheckpointPayload[], ranges: readonly LeafRange[]): Promise<Buffer[]> {
    const roots = await rangeRoots(this.store.eachLeaf(view), payloads, ranges);
    if (!roots) throw new LifecycleRefusal('Die Blätter des Logs ergeben die Checkpoints nicht: das Log besteht die Prüfung nicht (GET /api/audit/verify).');
    return roots;
  }

  private checkpointOfSize(checkpoints: readonly SignedCheckpoint[], treeSize: number): SignedCheckpoint | null {
    return checkpoints.filter((c) => inLogOrder(c.payload) && c.payload.treeSize === treeSize).at(-1) ?? null;
  }

  private checkTreeSize(name: string, value: number, covered: number, min = 1) {
    if (value < min || value > covered) {
      throw ValidationError.at(name, `Erwartet eine Baumgröße von ${min} bis ${covered} (die des neuesten Checkpoints); spätere Ereignisse bezeugt erst der nächste Checkpoint.`);
    }
  }

  /**
   * RFC 9162 inclusion proof of one event (or audit-log entry, by its id) in the tree of
   * `treeSize` leaves (default: the newest checkpoint's). Two passes over the leaves on one read
   * view: one finds the event's place, the next hashes the subtrees of its audit path.
   */
  async inclusionProof(query: { event: string; treeSize?: number }) {
    return this.store.read(async (view) => {
      const { checkpoints, payloads, covered } = await this.provable(view);
      const treeSize = query.treeSize ?? covered;
      this.checkTreeSize('query.treeSize', treeSize, covered);
      const found = await this.store.entryById(view, query.event);
      if (!found) throw new NotFoundError(`Ereignis ${query.event} gibt es nicht.`);
      if (found.kind === 'event' && isUnreadable(found.event)) throw new LifecycleRefusal(`Das Ereignis ${query.event} ist nicht lesbar: ${found.event.unreadable}`);
      const entry: ProvenEntry = found.kind === 'event' ? { kind: 'event', event: found.event as EventRecord } : found;
      const target = entry.kind === 'event' ? { stream: entry.event.bodyId, version: entry.event.version } : { stream: AUDIT_LOG_STREAM, version: entry.entry.version };
      const place = await findLeaf(this.store.eachLeaf(view), payloads, target);
      const index = place && place.index < covered ? place.index : -1;
      if (!place || index < 0 || index >= treeSize) {
        throw new LifecycleRefusal(
          `Ereignis ${query.event} ist im Baum der Größe ${treeSize} noch nicht enthalten; ${index < 0 ? 'der nächste Checkpoint bezeugt es' : `es steht an Stelle ${index}`}.`,
        );
      }
      const [rootHash, ...path] = await this.rangeRoots(view, payloads, [[0, treeSize], ...inclusionProofRanges(index, treeSize)]);
      const checkpoint = this.checkpointOfSize(checkpoints, treeSize);
      return inclusionBundle({ leaf: place.leaf, leafIndex: index, treeSize, rootHash, path }, entry, checkpoint, checkpoint ? this.noteOf(checkpoint) : null);
    });
  }

  /** RFC 9162 consistency proof between the trees of `from` and `to` leaves (default `to`: the newest checkpoint's), in one pass over the leaves. */
  async consistencyProof(query: { from: number; to?: number }) {
    return this.store.read(async (view) => {
      const { checkpoints, payloads, covered } = await this.provable(view);
      const to = query.to ?? covered;
      this.checkTreeSize('query.to', to, covered);
      this.checkTreeSize('query.from', query.from, to);
      const [fromRoot, toRoot, ...path] = await this.rangeRoots(view, payloads, [[0, query.from], [0, to], ...consistencyProofRanges(query.from, to)]);
      const [older, newer] = [this.checkpointOfSize(checkpoints, query.from), this.checkpointOfSize(checkpoints, to)];
      return consistencyBundle({ from: query.from, to, fromRoot, toRoot, path }, { from: older, to: newer }, { from: older && this.noteOf(older), to: newer && this.noteOf(newer) });
    });
  }

  publicKey() {
    return {
      algorithm: 'Ed25519',
      keyId: this.key.keyId,
      logOrigin: this.key.logOrigin,
      /** The key as C2SP note tools take it (`name+keyid+base64`), for checkpoint notes. */
      noteVerifierKey: noteVerifierKey(this.key.logOrigin, this.key.publicKey),
      pem: this.key.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      spki: this.key.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    };
  }

  /**
   * The export as JSON Lines (see export-format.ts), taken from one read view of the database and
   * read page by page while the lines are written: memory stays the same for any size of log.
   * Each chunk holds one or more whole lines.
   */
  async *exportLines(): AsyncGenerator<string | Uint8Array> {
    const view = await this.store.view();
    try {
      const counts: Required<ExportCounts> = { machine: 0, event: 0, auditLog: 0, decisionEvent: 0, contactEvent: 0, body: 0, decision: 0, checkpoint: 0 };
      yield exportLine({ kind: 'header', format: EXPORT_FORMAT, exportedAt: this.clock.now().toISOString(), order: LEAF_ORDER });
      for (const { id, version } of await this.store.machinesUsed(view)) {
        const machine = machineVersion(id, version);
        if (!machine) continue; // The offline verifier reports the missing definition.
        counts.machine++;
        yield exportLine({ kind: 'machine', id, version, fingerprint: machineFingerprint(machine), definition: machine.definition() });
      }
      // A page of events at a time, each line written from the stored JSON text.
      for await (const page of this.store.eventLinePages(view)) {
        counts.event += page.count;
        yield page.lines;
      }
      for (const entry of await this.store.auditLog(view)) {
        counts.auditLog++;
        yield exportLine({ kind: 'auditLog', entry });
      }
      for (const event of await this.store.decisionEvents(view)) {
        counts.decisionEvent++;
        yield exportLine({ kind: 'decisionEvent', event });
      }
      for (const event of await this.store.contactEvents(view)) {
        counts.contactEvent++;
        yield exportLine({ kind: 'contactEvent', event });
      }
      for await (const page of this.store.bodyLinePages(view)) {
        counts.body += page.count;
        yield page.lines;
      }
      for (const decision of await this.store.decisions(view)) {
        counts.decision++;
        yield exportLine({ kind: 'decision', decision });
      }
      for (const checkpoint of await this.store.checkpoints(view)) {
        counts.checkpoint++;
        yield exportLine({ kind: 'checkpoint', checkpoint });
      }
      yield exportLine({ kind: 'end', counts });
    } finally {
      await view.close();
    }
  }
}

/** What a hash chain records: a body's life, a decision, a contact's corrections, or the audit log. */
export type StreamKind = 'auditLog' | 'decision' | 'contact' | 'body';

function streamKind(stream: string): StreamKind {
  return stream === AUDIT_LOG_STREAM ? 'auditLog' : isDecisionStream(stream) ? 'decision' : isContactStream(stream) ? 'contact' : 'body';
}

/** The projection rows must stand on each stream's head: same version, same hash. */
/**
 * Each projection row against the head of its body's stream: the stored state rests on the
 * version and hash of the last event, so a projection ahead of, behind or beside the log is named,
 * and so is a stream with no projection row at all. The rows come one at a time (AuditStore.derivedRows).
 */
class ProjectionCheck {
  readonly problems: AuditProblem[] = [];
  /** The heads of the body streams no projection row has named yet. */
  private readonly unprojected: Map<string, { version: number; hash: string }>;

  constructor(streams: readonly StreamVerdict[]) {
    this.unprojected = new Map(streams.filter((s) => streamKind(s.stream) === 'body').map((s) => [s.stream, s.head!]));
  }

  check(projection: Pick<DerivedRow, 'id' | 'version' | 'lastHash'>): void {
    const head = this.unprojected.get(projection.id);
    this.unprojected.delete(projection.id);
    const problem = (kind: string, version: number, message: string) =>
      this.problems.push({ area: 'projection', kind, stream: projection.id, version, eventId: null, message: `Gremium ${projection.id}: ${message}` });
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

  /** The problems found, and the streams (of the one body, where given) no projection row named. */
  finish(bodyId?: string): AuditProblem[] {
    for (const stream of this.unprojected.keys()) {
      if (bodyId !== undefined && stream !== bodyId) continue;
      this.problems.push({ area: 'projection', kind: 'projectionMissing', stream, version: null, eventId: null, message: `Gremium ${stream}: Zu den Ereignissen gibt es keinen gespeicherten Stand.` });
    }
    return this.problems;
  }
}

/** Obligation rows that belong to no stored context: they would be read into a context no event gave. */
function obligationProblem({ bodyId, rows, bodiless, orphans, positions: [first, last] }: OrphanedObligations): AuditProblem {
  const which = orphans === 1 ? `Eine gespeicherte Berichtspflicht (Position ${first})` : `${orphans} gespeicherte Berichtspflichten (zwischen Position ${first} und ${last})`;
  const problem = (kind: string, message: string): AuditProblem => ({ area: 'projection', kind, stream: bodyId, version: null, eventId: null, message: `Gremium ${bodyId}: ${message}` });
  if (bodiless) {
    return problem('obligationsWithoutBody', `${which} ${orphans === 1 ? 'gehört' : 'gehören'} zu keinem gespeicherten Stand: zu diesem Gremium gibt es keinen.`);
  }
  const list = rows === 1 ? 'der einen gespeicherten Berichtspflicht, die Position 0 belegen sollte' : `der ${rows} gespeicherten Berichtspflichten, die die Positionen 0 bis ${rows - 1} belegen sollten`;
  return problem(
    'obligationsOutOfPlace',
    `${which} ${orphans === 1 ? 'liegt' : 'liegen'} außerhalb der Liste ${list}: eine Zeile wurde nachträglich eingefügt oder eine davor entfernt.`,
  );
}

/** What the write path derives from a stored state and context head (`projectionOf`, src/lifecycle; EventStore; named-ids.ts). */
export interface DerivedColumns {
  /** Null where the stored state or context head does not parse (replay names that). */
  title: string | null;
  status: string | null;
  statePaths: string | null;
  searchText: string | null;
  contacts: string[] | null;
  links: string[] | null;
}

/**
 * The columns and index rows the write path derives from a body's stored state value and
 * context head (or the head's `profile` and `successor` alone), in their stored form:
 * `state_paths` between spaces, the search text lower-case, the ids sorted. Null for what the
 * stored JSON text does not let one derive. `known`: the state paths derived so far, by the
 * state's text.
 */
export function derivedColumns(stateText: string, contextText: string | null, known: Map<string, string[] | null> = new Map()): DerivedColumns {
  let paths = known.get(stateText);
  if (paths === undefined) {
    const state = parseJson(stateText) as StateValue | undefined;
    paths = typeof state === 'string' || (typeof state === 'object' && state !== null && !Array.isArray(state)) ? statePathsOf(state) : null;
    // Bodies share a few dozen states: each is derived once per verify (and never more than that many kept).
    if (known.size < 1000) known.set(stateText, paths);
  }
  const head = (contextText === null ? undefined : parseJson(contextText)) as { profile?: Partial<BodyProfile> } | undefined;
  const profile = typeof head === 'object' && head !== null && typeof head.profile === 'object' && head.profile !== null ? head.profile : null;
  return {
    title: typeof profile?.title === 'string' ? profile.title : null,
    status: paths?.[0] ?? null,
    statePaths: paths ? ` ${paths.join(' ')} ` : null,
    searchText: profile ? searchTextOf(profile) : null,
    contacts: head === undefined ? null : contactIdsOf(head),
    links: head === undefined ? null : linkedBodyIds(head),
  };
}

function statePathsOf(state: StateValue): string[] | null {
  try {
    const paths = statePaths(state);
    return paths.every((path) => typeof path === 'string') && paths.length > 0 ? paths : null;
  } catch {
    return null;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** What the German messages call each index table's entries. */
const INDEX_ENTRIES: Record<IndexTable, { one: string; many: string; which: string }> = {
  body_contacts: { one: 'die Ansprechperson', many: 'die Ansprechpersonen', which: 'die' },
  body_links: { one: 'das Gremium', many: 'die Gremien', which: 'das' },
};

/**
 * The columns of a checkpoint's row that repeat its signed payload (sequence, created_at,
 * tree_size, root_hash), each where it differs: whoever reads the table by SQL sees another
 * checkpoint than the signed one. The service goes by the payload; of the columns only
 * `storedCheckpoints` reads `sequence` and `key_id` (the newest checkpoint, for the choice of key).
 */
function checkpointColumnProblems({ payload }: SignedCheckpoint, stored: CheckpointColumns): AuditProblem[] {
  const signed: CheckpointColumns = { sequence: payload.sequence, created_at: payload.createdAt, tree_size: payload.treeSize, root_hash: payload.rootHash };
  return (Object.keys(signed) as Array<keyof CheckpointColumns>)
    .filter((column) => stored[column] !== signed[column])
    .map((column) => ({
      area: 'checkpoint' as const,
      kind: 'columnDiverges',
      stream: null,
      version: null,
      eventId: null,
      message: `Checkpoint ${payload.sequence}: Die Spalte „${column}“ in audit_checkpoints sagt ${stored[column]}, signiert ist ${signed[column]}: wer die Tabelle per SQL liest, sieht einen anderen Checkpoint als den signierten.`,
    }));
}

/**
 * The derived columns and index rows of a projection row that are not what its stored state and
 * context derive: each changes what lists, the search or a lead's access show, and no event
 * gave it.
 */
function derivedProblems(row: DerivedRow, known: Map<string, string[] | null>): AuditProblem[] {
  const derived = derivedColumns(row.state, row.context, known);
  const problems: AuditProblem[] = [];
  const problem = (kind: string, message: string) =>
    problems.push({ area: 'projection', kind, stream: row.id, version: null, eventId: null, message: `Gremium ${row.id}: ${message}` });
  if (derived.title !== null && row.title !== derived.title) {
    problem('titleDiverges', `Die Spalte „title“ lautet „${row.title}“, der gespeicherte Stand nennt den Titel „${derived.title}“: Listen zeigen und ordnen das Gremium unter einem Titel, den kein Ereignis gab.`);
  }
  if (derived.status !== null && row.status !== derived.status) {
    problem('statusDiverges', `Die Spalte „status“ sagt „${row.status}“, der gespeicherte Zustand ist „${derived.status}“: Listen nach Zustand führen das Gremium falsch.`);
  }
  if (derived.statePaths !== null && row.statePaths !== derived.statePaths) {
    problem(
      'statePathsDiverge',
      `Die Spalte „state_paths“ nennt „${row.statePaths.trim()}“, aus dem gespeicherten Zustand folgt „${derived.statePaths.trim()}“: Listen nach Zustand finden das Gremium, wo es nicht steht, oder nicht, wo es steht.`,
    );
  }
  if (derived.searchText !== null && row.searchText !== derived.searchText) {
    problem('searchTextDiverges', `Die Spalte „search_text“ ist nicht der Suchtext des gespeicherten Stands („${derived.searchText}“): die Suche findet das Gremium unter fremden Wörtern oder nicht unter seinen.`);
  }
  const index = (table: IndexTable, kind: string, stored: string[], expected: string[] | null, extra: (many: boolean) => string, missing: (many: boolean) => string) => {
    if (expected === null) return;
    const { one, many, which } = INDEX_ENTRIES[table];
    const ids = (list: string[]) => (list.length === 1 ? `${one} ${list[0]}, ${which}` : `${many} ${list.join(', ')}, die`);
    const added = stored.filter((id) => !expected.includes(id));
    const lost = expected.filter((id) => !stored.includes(id));
    if (added.length > 0) problem(kind, `In „${table}“ ${added.length === 1 ? 'steht' : 'stehen'} ${ids(added)} der gespeicherte Stand nicht nennt: ${extra(added.length > 1)}`);
    if (lost.length > 0) problem(kind, `In „${table}“ ${lost.length === 1 ? 'fehlt' : 'fehlen'} ${ids(lost)} der gespeicherte Stand nennt: ${missing(lost.length > 1)}`);
  };
  index(
    'body_contacts',
    'contactsDiverge',
    row.contacts,
    derived.contacts,
    (many) => `eine Federführung mit ${many ? 'einer dieser Ansprechpersonen' : 'dieser Ansprechperson'} sieht und bearbeitet das Gremium, ohne es zu leiten.`,
    (many) => `eine Federführung mit ${many ? 'einer dieser Ansprechpersonen' : 'dieser Ansprechperson'} sieht das Gremium nicht, obwohl sie es leitet.`,
  );
  index(
    'body_links',
    'linksDiverge',
    row.links,
    derived.links,
    (many) => `der Index verbindet dieses Gremium mit ${many ? 'ihnen' : 'ihm'}, obwohl es ${many ? 'sie' : 'es'} weder als Vorgänger noch als Nachfolger nennt.`,
    (many) => `${many ? 'ihre Seiten zeigen' : 'seine Seite zeigt'} dieses Gremium nicht als Vorgänger oder Nachfolger an.`,
  );
  return problems;
}

/** The erasures the audit log records, by contact (the last one of each). */
function erasuresOf(auditLog: readonly AuditLogEntry[]): Map<string, AuditLogEntry & { data: ContactErasedData }> {
  const erasures = new Map<string, AuditLogEntry & { data: ContactErasedData }>();
  for (const entry of auditLog) {
    // An entry whose data does not parse is the chain check's to name.
    if (isErasure(entry) && typeof entry.data?.contactId === 'string') erasures.set(entry.data.contactId, entry);
  }
  return erasures;
}

/**
 * `backfill_holds` against the audit log: a body is held exactly when its last `backfillBegun` is
 * not followed by a `backfillEnded`, and its row names that entry. A row the log does not back
 * silences the body's monitoring unrecorded; a missing row let the scheduler run where the log
 * says it rests.
 */
function backfillHoldProblems(auditLog: readonly AuditLogEntry[], rows: ReadonlyArray<{ bodyId: string; auditLogVersion: number }>): AuditProblem[] {
  const held = new Map<string, AuditLogEntry>();
  for (const entry of auditLog) {
    if (!isBackfillEntry(entry) || typeof entry.data?.bodyId !== 'string') continue;
    if (entry.type === 'backfillBegun') held.set(entry.data.bodyId, entry);
    else held.delete(entry.data.bodyId);
  }
  const problem = (bodyId: string, message: string, entry?: AuditLogEntry): AuditProblem => ({
    area: 'projection',
    kind: 'backfillHoldDiverges',
    stream: bodyId,
    version: null,
    eventId: entry?.id ?? null,
    message: `Gremium ${bodyId}: ${message}`,
  });
  const problems: AuditProblem[] = [];
  for (const row of rows) {
    const entry = held.get(row.bodyId);
    if (!entry) {
      problems.push(problem(row.bodyId, `In „backfill_holds“ ruht seine Fristenüberwachung (Nacherfassung), doch das Audit-Protokoll hält keine laufende Nacherfassung fest.`));
    } else if (entry.version !== row.auditLogVersion) {
      problems.push(
        problem(row.bodyId, `In „backfill_holds“ verweist die Nacherfassung auf Version ${row.auditLogVersion} des Audit-Protokolls, begonnen wurde sie in Version ${entry.version}.`, entry),
      );
    }
  }
  const stored = new Set(rows.map((row) => row.bodyId));
  for (const [bodyId, entry] of held) {
    if (!stored.has(bodyId)) {
      problems.push(
        problem(
          bodyId,
          `Laut ${place(AUDIT_LOG_STREAM, entry.version, entry.type)} läuft seit ${germanDateTime(entry.occurredAt)} Uhr eine Nacherfassung, doch in „backfill_holds“ fehlt sie: der Scheduler überwacht seine Fristen wieder.`,
          entry,
        ),
      );
    }
  }
  return problems;
}

const PERSONAL_FIELD_NAMES: Record<ErasureUndone['fields'][number], string> = { name: 'Name', organization: 'Organisation', email: 'E-Mail', phone: 'Telefon' };

/** A contact erased by the audit log's entry whose row holds personal data again, or is no longer marked erased. */
function erasureUndoneProblem({ contactId, fields, unmarked }: ErasureUndone, entry: AuditLogEntry): AuditProblem {
  const what = [
    ...(fields.length > 0 ? [`stehen in „contacts“ wieder ${fields.map((f) => PERSONAL_FIELD_NAMES[f]).join(', ')}`] : []),
    ...(unmarked ? ['ist sie dort nicht mehr als gelöscht markiert'] : []),
  ].join(', und ');
  return {
    area: 'projection',
    kind: 'erasureUndone',
    stream: AUDIT_LOG_STREAM,
    version: entry.version,
    eventId: entry.id,
    message: `${place(AUDIT_LOG_STREAM, entry.version, entry.type)}: Die personenbezogenen Daten der Ansprechperson ${contactId} wurden am ${germanDateTime(entry.occurredAt)} Uhr gelöscht (DSGVO Art. 17), doch ${what}: die Löschung wurde rückgängig gemacht.`,
  };
}

/** Rows of an index table for a body without a projection row. */
function indexRowsProblem({ table, bodyId, rows }: IndexRowsWithoutBody): AuditProblem {
  const what = table === 'body_contacts' ? 'Ansprechperson' : 'Vorgänger oder Nachfolger';
  return {
    area: 'projection',
    kind: 'indexWithoutBody',
    stream: bodyId,
    version: null,
    eventId: null,
    message: `Gremium ${bodyId}: In „${table}“ ${rows === 1 ? `steht eine Zeile (${what})` : `stehen ${rows} Zeilen (${what})`} zu diesem Gremium, zu dem es keinen gespeicherten Stand gibt.`,
  };
}

/**
 * The system events due by the answer's date that the log does not hold yet: the scheduler
 * records each at its due instant within a sweep interval, and a write to the body fires them
 * first; until then the answer does not show them (a term that ended still reads "läuft"). They
 * are the timers pending now, derived from the stored state: what recording them makes due in
 * turn (the report reminders of a start) is not among them. Only an answer on every event and on
 * no earlier knowledge has them: before the last event the write path has fired all that fell
 * due. Without a date, those due by now.
 */
function notYetRecorded(at: StateAt, pending: readonly PendingSystemEvent[], asOf: string | undefined, now: string): NotYetRecorded[] {
  if (at.excluded > 0 || at.asKnownAt !== null) return [];
  return pending.filter((p) => notAfter(p.dueAt, asOf ?? now)).map((p) => ({ ...p, label: eventLabel(p.type) }));
}

/** A due system event the log does not hold yet, with its German label (as replay steps carry theirs). */
export interface NotYetRecorded extends PendingSystemEvent {
  label: string;
}

/**
 * The sessions calendar against the audit log: each session's day and the days it had before are
 * the days its `sessionScheduled` and `sessionMoved` entries name, in their order. A day the log
 * does not back moves Fristen unrecorded; a session the log holds and the calendar lacks resolves
 * no Frist any more.
 */
function sessionProblems(auditLog: readonly AuditLogEntry[], calendar: readonly SessionDays[]): AuditProblem[] {
  const logged = new Map<string, { days: string[]; last: AuditLogEntry }>();
  for (const entry of auditLog) {
    if (!isSessionEntry(entry) || typeof entry.data?.issuer !== 'string') continue;
    const key = `${entry.data.issuer}#${entry.data.number}`;
    const known = logged.get(key);
    if (known) {
      known.days.push(entry.data.date);
      known.last = entry;
    } else logged.set(key, { days: [entry.data.date], last: entry });
  }
  const name = (s: { issuer: string; number: number }) => `${s.number}. Sitzung (${s.issuer})`;
  const problem = (message: string, entry?: AuditLogEntry): AuditProblem => ({
    area: 'projection',
    kind: 'sessionDiverges',
    stream: AUDIT_LOG_STREAM,
    version: entry?.version ?? null,
    eventId: entry?.id ?? null,
    message,
  });
  const days = (list: readonly string[]) => list.map(germanDate).join(', ') || 'keine';
  const problems: AuditProblem[] = [];
  for (const session of calendar) {
    const key = `${session.issuer}#${session.number}`;
    const log = logged.get(key);
    logged.delete(key);
    if (!log) {
      problems.push(problem(`Die ${name(session)} steht im Sitzungskalender am ${germanDate(session.date)}, doch das Audit-Protokoll hält sie nicht fest.`));
      continue;
    }
    const day = log.days.at(-1)!;
    if (day !== session.date) {
      problems.push(problem(`Die ${name(session)} steht im Sitzungskalender am ${germanDate(session.date)}, laut ${place(AUDIT_LOG_STREAM, log.last.version, log.last.type)} am ${germanDate(day)}.`, log.last));
    } else if (log.days.slice(0, -1).join() !== session.earlier.join()) {
      problems.push(
        problem(`Die früheren Tage der ${name(session)} im Sitzungskalender (${days(session.earlier)}) weichen vom Audit-Protokoll ab (${days(log.days.slice(0, -1))}).`, log.last),
      );
    }
  }
  for (const { last } of logged.values()) {
    const data = last.data as SessionData;
    problems.push(problem(`Laut ${place(AUDIT_LOG_STREAM, last.version, last.type)} findet die ${name(data)} am ${germanDate(data.date)} statt, doch im Sitzungskalender fehlt sie.`, last));
  }
  return problems;
}
