/**
 * The offline verifier: checks an audit export (export-format.ts) with nothing but the file and
 * the public signing key — no database, no network, no trust in the server that wrote it.
 *
 * It recomputes every hash and chain, checks every checkpoint's signature and root against the
 * exported events, checks that the statechart definitions the events name are the ones this
 * verifier replays with, and replays every body whose chain holds: each event must have been
 * allowed at its point, and the result must equal the exported projection. Checkpoints signed
 * with an earlier key (one declared lost and replaced) are taken as the service takes them: their
 * claims are compared with the log, their signatures checked where that key is given. The tree
 * head (size and Merkle root) every checkpoint claims, exported or published, is recomputed from
 * the exported events whatever key signed it (`RootCheck`): the root check needs no key. The
 * report is in German and names places.
 */
import type { KeyObject } from 'node:crypto';
import { canonicalJson } from '../json/canonical-json';
import type { EventRecord } from '../event-log/event-hash';
import type { AuditLogEntry } from './audit-log';
import type { ContactEvent } from './contact-log';
import { registerProblems, type DecisionEvent, type DecisionState } from '../decisions/register';
import {
  ChainVerifier,
  linkOfAuditLogEntry,
  linkOfContactEvent,
  linkOfDecisionEvent,
  linkOfEvent,
  verifyChains,
  verifyStream,
  type ChainBreak,
  type ChainLink,
  type MissingVersions,
  type StoredEvent,
  type UnreadableEvent,
} from './chain-verifier';
import {
  CHECKPOINT_FORMAT,
  CheckpointVerifier,
  LEAF_ORDER,
  LogOrderPlacement,
  checkpointDigest,
  hasValidSignature,
  inLogOrder,
  keyIdOf,
  orderLeaves,
  treeHeadProblem,
  verifyCheckpoints,
  type CheckpointPayload,
  type CheckpointProblem,
  type Leaf,
  type SignedCheckpoint,
  type Signer,
  type TreeHead,
} from './checkpoint';
import { CompactRange, MerkleAccumulator, leafHashOfHex } from './merkle';
import { EXPORT_FORMAT, type ExportCounts, type ExportLine } from './export-format';
import { machineFingerprint, machineVersion } from './machine-versions';
import { replayVerdict, type StoredProjection } from './replay';
import { createHash } from 'node:crypto';
import { germanDateTime } from '../../machines';

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export type FindingArea = 'file' | 'machine' | 'chain' | 'checkpoint' | 'replay' | 'register';

export interface Finding {
  severity: 'error' | 'warning';
  area: FindingArea;
  /** The stream (body id or `audit-log`) and version the finding points at, where it has one. */
  stream: string | null;
  version: number | null;
  message: string;
  /** A chain whose versions run with a gap (or start late): the missing versions, between which recorded events. */
  missing?: MissingVersions;
  /** A checkpoint whose tree head the exported events do not reproduce: what it claims and what they give. */
  treeHead?: { sequence: number; keyId: string; claimed: TreeHead; found: TreeHead };
}

export type { TreeHead } from './checkpoint';

export interface OfflineReport {
  ok: boolean;
  counts: ExportCounts;
  streams: number;
  checkpoints: {
    count: number;
    last: { sequence: number; createdAt: string; treeSize: number } | null;
    uncovered: number;
    /** The checkpoints signed with an earlier key that is not among the keys given: their signatures were not checked (their claims were). */
    signaturesUnchecked: number[];
    /** The sequences of the exported checkpoints whose tree head was recomputed from the exported events (whatever key signed them). */
    rootsRecomputed: number[];
    /** Those whose tree head could not be: the log order before them is not known (a checkpoint missing or unreadable). */
    rootsNotRecomputed: number[];
  };
  /** The sequences of the published checkpoints compared with the export; null when none were given (no `--published`). */
  published: number[] | null;
  findings: Finding[];
}

export interface VerifyOptions {
  /** Checkpoints the auditor kept from where they were published. */
  published?: readonly SignedCheckpoint[];
  /**
   * The public keys of earlier signing keys the auditor trusts (keys declared lost and replaced:
   * GREMIENLAUF_SIGNING_KEY_LOST). A checkpoint signed with another key than the current one
   * before the first checkpoint under the current key is an earlier key's: its claims are
   * compared with the log either way, and where its key is among these, its signature is checked
   * with it; otherwise the report notes that it could not be.
   */
  earlierKeys?: readonly KeyObject[];
}

/** The export's lines: a list, or a function that opens them afresh (a file); a one-shot stream is read into memory first. */
export type ExportSource = Iterable<string> | AsyncIterable<string> | (() => Iterable<string> | AsyncIterable<string>);

/**
 * Verifies the export's lines (each one JSON object, as the file holds them). `published` are
 * checkpoints the auditor kept from where they were published: each must be in the export
 * unchanged and must still hold over the exported events — that is what makes a rewrite of
 * history detectable even for someone who holds the signing key. Without `published` the report
 * says that none were compared (`published: null`); an empty list is a warning of its own.
 *
 * An export in the order the service writes it is checked in constant memory (see
 * `verifyStreaming`); any other file (lines moved around, odd formatting) is read into memory
 * and checked as a whole, with the same findings.
 */
export async function verifyExport(source: ExportSource, publicKey: KeyObject, options: VerifyOptions = {}): Promise<OfflineReport> {
  const open = await reopenable(source);
  return (await verifyStreaming(open, publicKey, options)) ?? verifyInMemory(open(), publicKey, options);
}

async function reopenable(source: ExportSource): Promise<() => Iterable<string> | AsyncIterable<string>> {
  if (typeof source === 'function') return source;
  const iterable = source as Partial<Iterable<string>>;
  // A list hands out a new iterator each time; a generator or stream only itself.
  if (typeof iterable[Symbol.iterator] === 'function' && (iterable as Iterable<string>)[Symbol.iterator]() !== iterable) return () => source;
  const lines: string[] = [];
  for await (const line of source) lines.push(line);
  return () => lines;
}

/** The whole export in memory: for files not in the order the service writes (and for tests, which compare both checks). */
export async function verifyInMemory(
  lines: AsyncIterable<string> | Iterable<string>,
  publicKey: KeyObject,
  options: VerifyOptions = {},
): Promise<OfflineReport> {
  const findings: Finding[] = [];
  const add = (severity: Finding['severity'], area: FindingArea, message: string, stream: string | null = null, version: number | null = null) =>
    findings.push({ severity, area, stream, version, message });

  const small = smallLines();
  const { counts, machines, auditLog, decisionEvents, contactEvents, decisions, checkpoints } = small;
  const events: StoredEvent[] = [];
  const bodies = new Map<string, StoredProjection>();
  let header: Extract<ExportLine, { kind: 'header' }> | null = null;
  let end: Extract<ExportLine, { kind: 'end' }> | null = null;

  let number = 0;
  for await (const raw of lines) {
    number++;
    if (raw.trim() === '') continue;
    let line: ExportLine;
    try {
      line = JSON.parse(raw) as ExportLine;
    } catch {
      add('error', 'file', `Zeile ${number} ist kein gültiges JSON.`);
      continue;
    }
    if (end) add('error', 'file', `Zeile ${number} steht hinter der Schlusszeile.`);
    switch (line.kind) {
      case 'header':
        if (number !== 1 || header) add('error', 'file', `Zeile ${number}: Kopfzeile an falscher Stelle.`);
        header = line;
        break;
      case 'event':
        counts.event++;
        events.push(line.unreadable === undefined ? line.event : unreadableOf(line.event, line.unreadable));
        break;
      case 'body':
        counts.body++;
        bodies.set(line.id, { version: line.version, machineVersion: line.machineVersion, state: line.state, context: line.context });
        break;
      case 'end':
        end = line;
        break;
      default:
        if (!fileSmallLine(line, small)) add('error', 'file', `Zeile ${number}: unbekannte Art „${String((line as { kind?: unknown }).kind)}“.`);
    }
  }

  findings.push(...headerAndEndFindings(header, end, counts));

  // The statechart versions: the export's definitions must be the ones this verifier replays with.
  const named = new Set<string>();
  for (const event of events) if (!('unreadable' in event)) named.add(`${event.machine.id}@${event.machine.version}`);
  findings.push(...machineFindings(machines, named));

  // Hash chains.
  const chains = verifyChains(events, auditLog, decisionEvents, contactEvents);
  for (const broken of chains.breaks) findings.push(chainFinding(broken));

  // The decision register: each row as the fold of its stream gives it.
  for (const problem of registerProblems(decisionEvents, decisions)) add('error', 'register', problem.message, problem.stream);

  // Checkpoints.
  const leaves: Leaf[] = [
    ...events.map((e) => ({ stream: e.bodyId, version: e.version, hash: e.hash })),
    ...auditLog.map((e) => ({ stream: 'audit-log', version: e.version, hash: e.hash })),
    ...decisionEvents.map((e) => ({ stream: e.stream, version: e.version, hash: e.hash })),
    ...contactEvents.map((e) => ({ stream: e.stream, version: e.version, hash: e.hash })),
  ];
  const checkpointCheck = new CheckpointVerifier(checkpoints, publicKey, [], { earlierKeys: true });
  const roots = new RootCheck(checkpoints, options.published, publicKey, options.earlierKeys);
  const ordered = orderLeaves(leaves);
  for (const leaf of ordered) {
    checkpointCheck.add(leaf);
    roots.add(leaf);
  }
  while (roots.endPass()) for (const leaf of ordered) roots.add(leaf);

  // Replay every body whose chain holds.
  const byBody = new Map<string, StoredEvent[]>();
  for (const event of events) {
    const stream = byBody.get(event.bodyId);
    if (stream) stream.push(event);
    else byBody.set(event.bodyId, [event]);
  }
  const broken = new Map(chains.breaks.map((b) => [b.stream, b]));
  const replayed: Finding[] = [];
  for (const [bodyId, stream] of byBody) replayed.push(...replayFindings(bodyId, stream, bodies.get(bodyId) ?? null, broken.get(bodyId) ?? null));
  for (const bodyId of bodies.keys()) if (!byBody.has(bodyId)) replayed.push(withoutEventsFinding(bodyId));

  return checkpointReport(findings, {
    counts,
    streams: chains.streams.length,
    leaves: leaves.length,
    checkpoints,
    checkpointCheck,
    roots,
    // Checked on their own, outside the export's sequence.
    publishedProblems: (published) => verifyCheckpoints([published], leaves, publicKey, checkpoints, { earlierKeys: true }),
    replayed,
    publicKey,
    options,
  });
}

/** The header and the closing line: the format, and the closing line's counts against the lines the file holds. */
function headerAndEndFindings(
  header: Extract<ExportLine, { kind: 'header' }> | null,
  end: Extract<ExportLine, { kind: 'end' }> | null,
  counts: Required<ExportCounts>,
): Finding[] {
  const findings: Finding[] = [];
  const add = (message: string) => findings.push({ severity: 'error', area: 'file', stream: null, version: null, message });
  if (!header || header.format !== EXPORT_FORMAT) add(`Die Datei ist kein Export im Format ${EXPORT_FORMAT}.`);
  if (!end) {
    add('Die Schlusszeile fehlt: der Export ist unvollständig (abgeschnitten).');
  } else if (canonicalJson({ decisionEvent: 0, contactEvent: 0, decision: 0, ...end.counts }) !== canonicalJson(counts)) {
    add(`Die Zeilenzahlen stimmen nicht mit der Schlusszeile überein (angekündigt ${canonicalJson(end.counts)}, enthalten ${canonicalJson(counts)}): Zeilen wurden entfernt oder hinzugefügt.`);
  }
  return findings;
}

const withoutEventsFinding = (bodyId: string): Finding => ({
  severity: 'error',
  area: 'replay',
  stream: bodyId,
  version: 1,
  message: `Gremium ${bodyId}: Es gibt einen gespeicherten Stand, aber keine Ereignisse (alle entfernt).`,
});

/** What both checks found once every leaf went through the checkpoint checks. */
interface CheckedLeaves {
  counts: Required<ExportCounts>;
  streams: number;
  leaves: number;
  checkpoints: readonly SignedCheckpoint[];
  checkpointCheck: CheckpointVerifier;
  roots: RootCheck;
  /** The problems of each published checkpoint over the exported events. */
  publishedProblems: (published: SignedCheckpoint, index: number) => readonly CheckpointProblem[];
  /** The replay findings, which come last. */
  replayed: readonly Finding[];
  publicKey: KeyObject;
  options: VerifyOptions;
}

/**
 * Adds to `findings` (what the file, machines, chains and register gave) the checkpoints'
 * findings in the order both checks share, and makes the report: the exported checkpoints, their
 * coverage, the checkpoints published elsewhere (each must be in the export unchanged and hold
 * over the exported events), then the replays.
 */
function checkpointReport(findings: Finding[], checked: CheckedLeaves): OfflineReport {
  const { counts, streams, leaves, checkpoints, checkpointCheck, roots, publicKey, options } = checked;
  const earlier = new EarlierKeys(publicKey, options.earlierKeys);
  const problems = checkpointCheck.finish();
  findings.push(...earlier.findings(withoutRoot(problems), checkpointCheck.notes, checkpoints));
  findings.push(...roots.exportedFindings(problems));
  const last = [...checkpoints].sort((a, b) => a.payload.sequence - b.payload.sequence).at(-1) ?? null;
  const uncovered = last ? Math.max(0, leaves - last.payload.treeSize) : leaves;
  findings.push(...coverageFindings(last, uncovered));
  findings.push(...nonePublished(options.published));
  (options.published ?? []).forEach((published, i) => {
    findings.push(...publishedFindings(published, checkpoints));
    const own = checked.publishedProblems(published, i);
    for (const problem of publishedProblems(own)) {
      findings.push({ severity: 'error', area: 'checkpoint', stream: problem.stream, version: problem.version, message: `veröffentlicht: ${problem.message}` });
    }
    findings.push(...roots.publishedFindings(i, [...problems, ...own]));
    findings.push(...earlier.publishedFindings(published));
  });
  findings.push(...checked.replayed);
  return {
    ok: findings.every((f) => f.severity !== 'error'),
    counts,
    streams,
    checkpoints: {
      count: checkpoints.length,
      last: last ? { sequence: last.payload.sequence, createdAt: last.payload.createdAt, treeSize: last.payload.treeSize } : null,
      uncovered,
      signaturesUnchecked: earlier.unchecked,
      ...roots.recomputed(),
    },
    published: publishedSequences(options.published),
    findings,
  };
}

/** What both checks collect of every line but the events and bodies: the small chains, register rows, checkpoints, machines, and the count of every kind. */
interface SmallLines {
  counts: Required<ExportCounts>;
  machines: Array<Extract<ExportLine, { kind: 'machine' }>>;
  auditLog: AuditLogEntry[];
  decisionEvents: DecisionEvent[];
  contactEvents: ContactEvent[];
  decisions: DecisionState[];
  checkpoints: SignedCheckpoint[];
}

function smallLines(): SmallLines {
  return {
    counts: { machine: 0, event: 0, auditLog: 0, decisionEvent: 0, contactEvent: 0, body: 0, decision: 0, checkpoint: 0 },
    machines: [],
    auditLog: [],
    decisionEvents: [],
    contactEvents: [],
    decisions: [],
    checkpoints: [],
  };
}

/** Files a parsed line of one of the small kinds (machine, small chains, register row, checkpoint) and counts it; false for any other kind. */
function fileSmallLine(line: ExportLine, into: SmallLines): boolean {
  switch (line.kind) {
    case 'machine':
      into.machines.push(line);
      break;
    case 'auditLog':
      into.auditLog.push(line.entry);
      break;
    case 'decisionEvent':
      into.decisionEvents.push(line.event);
      break;
    case 'contactEvent':
      into.contactEvents.push(line.event);
      break;
    case 'decision':
      into.decisions.push(line.decision);
      break;
    case 'checkpoint':
      into.checkpoints.push(line.checkpoint);
      break;
    default:
      return false;
  }
  into.counts[line.kind]++;
  return true;
}

/** How the service writes the lines the streaming check reads in passes of their own. */
const EVENT_PREFIX = '{"kind":"event"';
const BODY_PREFIX = '{"kind":"body"';

/** The file is not in the order the service writes: the caller checks it in memory. */
class NotInExportOrder extends Error {}

type Projection = StoredProjection & { id: string };

/**
 * The check of an export in the order the service writes it, in memory that grows with the
 * checkpoints and the small chains (audit log, register, contacts), not with the events or bodies.
 * Pass 1 reads every line but the events and bodies (header, machines, the small chains,
 * register rows, checkpoints, end). Pass 2 reads the events body by body and, from a second
 * reader of the same lines, the body lines (both in body id order): each body's events go
 * through the chain, checkpoint and root checks and are replayed against its stored state, then
 * are dropped. Only where the events do not add up to the tree sizes the checkpoints claim does
 * the root check read the event lines once more (`RootCheck.endPass`). The findings are the ones
 * `verifyInMemory` gives, in the same order. Null when the file is not in that order (events or
 * bodies out of order or written differently).
 */
async function verifyStreaming(
  open: () => Iterable<string> | AsyncIterable<string>,
  publicKey: KeyObject,
  options: VerifyOptions,
): Promise<OfflineReport | null> {
  try {
    return await streamingReport(open, publicKey, options);
  } catch (error) {
    if (error instanceof NotInExportOrder) return null;
    throw error;
  }
}

async function streamingReport(
  open: () => Iterable<string> | AsyncIterable<string>,
  publicKey: KeyObject,
  options: VerifyOptions,
): Promise<OfflineReport> {
  const lineFindings: Array<{ line: number; finding: Finding }> = [];
  const finding = (severity: Finding['severity'], area: FindingArea, message: string, stream: string | null = null, version: number | null = null): Finding => ({
    severity,
    area,
    stream,
    version,
    message,
  });
  const fileError = (line: number, message: string) => lineFindings.push({ line, finding: finding('error', 'file', message) });

  const small = smallLines();
  const { counts, machines, auditLog, decisionEvents, contactEvents, decisions, checkpoints } = small;
  let header: Extract<ExportLine, { kind: 'header' }> | null = null;
  let end: Extract<ExportLine, { kind: 'end' }> | null = null;
  let firstEnd = Infinity;

  // Pass 1: everything but the events and the bodies.
  let number = 0;
  for await (const raw of open()) {
    number++;
    if (raw.startsWith(EVENT_PREFIX) || raw.startsWith(BODY_PREFIX) || raw.trim() === '') continue;
    let line: ExportLine;
    try {
      line = JSON.parse(raw) as ExportLine;
    } catch {
      fileError(number, `Zeile ${number} ist kein gültiges JSON.`);
      continue;
    }
    if (end) fileError(number, `Zeile ${number} steht hinter der Schlusszeile.`);
    switch (line.kind) {
      case 'header':
        if (number !== 1 || header) fileError(number, `Zeile ${number}: Kopfzeile an falscher Stelle.`);
        header = line;
        break;
      case 'end':
        end = line;
        firstEnd = Math.min(firstEnd, number);
        break;
      case 'event':
      case 'body':
        throw new NotInExportOrder();
      default:
        if (!fileSmallLine(line, small)) fileError(number, `Zeile ${number}: unbekannte Art „${String((line as { kind?: unknown }).kind)}“.`);
    }
  }

  // The lines pass 2 reads: those of one kind, parsed, with their number.
  async function* linesOf<K extends 'event' | 'body'>(kind: K, prefix: string): AsyncGenerator<Extract<ExportLine, { kind: K }>> {
    let at = 0;
    for await (const raw of open()) {
      at++;
      if (!raw.startsWith(prefix)) continue;
      let line: ExportLine;
      try {
        line = JSON.parse(raw) as ExportLine;
      } catch {
        fileError(at, `Zeile ${at} ist kein gültiges JSON.`);
        continue;
      }
      if (at > firstEnd) fileError(at, `Zeile ${at} steht hinter der Schlusszeile.`);
      if (line.kind !== kind) throw new NotInExportOrder();
      yield line as Extract<ExportLine, { kind: K }>;
    }
  }

  // Pass 2: the events body by body, merged with the small chains in checkpoint order; the body lines from a second reader.
  const chains = new ChainVerifier();
  const checkpointCheck = new CheckpointVerifier(checkpoints, publicKey, [], { earlierKeys: true });
  const publishedChecks = (options.published ?? []).map((published) => new CheckpointVerifier([published], publicKey, checkpoints, { earlierKeys: true }));
  const roots = new RootCheck(checkpoints, options.published, publicKey, options.earlierKeys);
  let leaves = 0;
  const others: ChainLink[] = [
    ...auditLog.map(linkOfAuditLogEntry),
    ...decisionEvents.map(linkOfDecisionEvent),
    ...contactEvents.map(linkOfContactEvent),
  ].sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : a.version - b.version));
  let nextOther = 0;
  const take = (link: ChainLink) => {
    chains.add(link);
    checkpointCheck.add(link);
    for (const check of publishedChecks) check.add(link);
    roots.add(link);
    leaves++;
  };
  const othersBefore = (stream: string | null) => {
    while (nextOther < others.length && (stream === null || others[nextOther].stream < stream)) take(others[nextOther++]);
  };

  const named = new Set<string>();
  const replayed: Finding[] = [];
  const withoutEvents: Finding[] = [];
  const noEvents = (id: string) => withoutEvents.push(withoutEventsFinding(id));
  const bodies = linesOf('body', BODY_PREFIX);
  let pending: Projection | null = null;
  let lastBody: string | null = null;
  const nextBody = async (): Promise<Projection | null> => {
    const next = await bodies.next();
    if (next.done) return null;
    counts.body++;
    const { id, version, machineVersion, state, context } = next.value;
    if (lastBody !== null && !(lastBody < id)) throw new NotInExportOrder();
    lastBody = id;
    return { id, version, machineVersion, state, context };
  };
  /** The stored state of the body (null if none), reporting the bodies before it that have no events. */
  const projectionOf = async (bodyId: string): Promise<StoredProjection | null> => {
    pending ??= await nextBody();
    while (pending && pending.id < bodyId) {
      noEvents(pending.id);
      pending = await nextBody();
    }
    if (!pending || pending.id !== bodyId) return null;
    const { id: _, ...projection } = pending;
    pending = null;
    return projection;
  };

  let lastStream: string | null = null;
  let group: StoredEvent[] = [];
  const closeGroup = async () => {
    if (group.length === 0) return;
    const bodyId = group[0].bodyId;
    othersBefore(bodyId);
    const links = [...group].sort((a, b) => a.version - b.version).map(linkOfEvent);
    for (const link of links) take(link);
    const projection = await projectionOf(bodyId);
    // The chain verifier names this stream's break once the next stream arrives; replay needs it now.
    replayed.push(...replayFindings(bodyId, group, projection, verifyStream(bodyId, links).firstBreak));
    group = [];
  };
  try {
    await eventsThenBodies();
  } finally {
    await bodies.return(undefined);
  }
  async function eventsThenBodies() {
    for await (const line of linesOf('event', EVENT_PREFIX)) {
    counts.event++;
    const event = line.unreadable === undefined ? line.event : unreadableOf(line.event, line.unreadable);
    if (typeof event?.bodyId !== 'string') throw new NotInExportOrder();
    if (!('unreadable' in event)) named.add(`${event.machine.id}@${event.machine.version}`);
    if (event.bodyId !== lastStream) {
      if (lastStream !== null && !(lastStream < event.bodyId)) throw new NotInExportOrder();
      await closeGroup();
      lastStream = event.bodyId;
    }
    group.push(event);
    }
    await closeGroup();
    othersBefore(null);
    for (pending ??= await nextBody(); pending; pending = await nextBody()) noEvents(pending.id);
  }
  // Only where the batches do not add up to the tree sizes the checkpoints claim (a tampered
  // export) does the root check need the leaves once more.
  while (roots.endPass()) for await (const leaf of leavesOfFile(open, others)) roots.add(leaf);

  // The findings in the order of the whole-file check.
  const findings: Finding[] = lineFindings.sort((a, b) => a.line - b.line).map((f) => f.finding);
  const add = (severity: Finding['severity'], area: FindingArea, message: string, stream: string | null = null, version: number | null = null) =>
    findings.push(finding(severity, area, message, stream, version));
  findings.push(...headerAndEndFindings(header, end, counts));
  findings.push(...machineFindings(machines, named));
  const report = chains.finish();
  for (const broken of report.breaks) findings.push(chainFinding(broken));
  for (const problem of registerProblems(decisionEvents, decisions)) add('error', 'register', problem.message, problem.stream);
  return checkpointReport(findings, {
    counts,
    streams: report.streams.length,
    leaves,
    checkpoints,
    checkpointCheck,
    roots,
    publishedProblems: (_, i) => publishedChecks[i].finish(),
    replayed: [...replayed, ...withoutEvents],
    publicKey,
    options,
  });
}

/** The statechart versions: the export's definitions must be the ones this verifier replays with, and every one the events name must be there. */
function machineFindings(machines: ReadonlyArray<Extract<ExportLine, { kind: 'machine' }>>, named: ReadonlySet<string>): Finding[] {
  const findings: Finding[] = [];
  const add = (message: string) => findings.push({ severity: 'error', area: 'machine', stream: null, version: null, message });
  for (const line of machines) {
    const local = machineVersion(line.id, line.version);
    const declared = createHash('sha256').update(canonicalJson(line.definition), 'utf8').digest('hex');
    if (declared !== line.fingerprint) {
      add(`Zustandsautomat ${line.id} Version ${line.version}: der Fingerabdruck passt nicht zur mitgelieferten Definition.`);
    } else if (!local) {
      add(`Zustandsautomat ${line.id} Version ${line.version} ist diesem Prüfprogramm nicht bekannt; bitte eine neuere Fassung verwenden.`);
    } else if (machineFingerprint(local) !== line.fingerprint) {
      add(`Zustandsautomat ${line.id} Version ${line.version}: die Definition im Export weicht von der dieses Prüfprogramms ab (gleiche Versionsnummer, anderer Inhalt).`);
    }
  }
  for (const key of named) {
    const [id, version] = key.split('@');
    if (!machines.some((m) => m.id === id && m.version === Number(version))) {
      add(`Ereignisse nennen Zustandsautomat ${id} Version ${version}, dessen Definition im Export fehlt.`);
    }
  }
  return findings;
}

/** The warnings about what no checkpoint covers. */
function coverageFindings(last: SignedCheckpoint | null, uncovered: number): Finding[] {
  const warning = (message: string): Finding => ({ severity: 'warning', area: 'checkpoint', stream: null, version: null, message });
  if (!last) return [warning('Der Export enthält keine Checkpoints: ein vollständig neu berechnetes Log wäre nicht zu erkennen.')];
  if (uncovered > 0) {
    return [warning(`${count(uncovered, 'Ereignis ist', 'Ereignisse sind')} jünger als der letzte Checkpoint (Nr. ${last.payload.sequence} vom ${germanDateTime(last.payload.createdAt)}) und noch durch keinen Checkpoint bezeugt.`)];
  }
  return [];
}

/**
 * Replay of one body against its exported state, where its chain holds. Where it broke, the
 * events are not what was recorded: a replay of them would blame the stored state for differing
 * from a forged value („erwartet <forged>, gespeichert <recorded>“), so nothing is compared and a
 * note says why, after the chain break that names the tampering.
 */
function replayFindings(bodyId: string, stream: readonly StoredEvent[], projection: StoredProjection | null, broken: ChainBreak | null): Finding[] {
  if (broken) {
    return [
      {
        severity: 'warning',
        area: 'replay',
        stream: bodyId,
        version: broken.version,
        message: `Gremium ${bodyId}: Die Kette ist bei Version ${broken.version} gebrochen (oben): was der Export hält, ist nicht, was aufgezeichnet wurde; die Wiederholung wird darum nicht mit dem gespeicherten Stand verglichen.`,
      },
    ];
  }
  const verdict = replayVerdict(stream as EventRecord[], projection);
  if (verdict.verdict !== 'diverges') return [];
  return [{ severity: 'error', area: 'replay', stream: bodyId, version: verdict.divergence.version, message: `Gremium ${bodyId}: ${verdict.divergence.message}` }];
}

/** A chain's first break as a finding; a gap with the versions missing and the recorded events on either side. */
function chainFinding(broken: ChainBreak): Finding {
  const { stream, version, message, missing } = broken;
  return { severity: 'error', area: 'chain', stream, version, message, ...(missing ? { missing } : {}) };
}

/**
 * A published checkpoint is checked alone: where it stands in the sequence is the export's to
 * show (`sequence`), and that no checkpoint under the current key follows it in a list of one says
 * nothing (`earlierKey`); its earlier key's signature is `EarlierKeys.publishedFindings`', its
 * root `RootCheck`'s.
 */
function publishedProblems(problems: readonly CheckpointProblem[]): CheckpointProblem[] {
  return withoutRoot(problems).filter((p) => p.kind !== 'sequence' && p.kind !== 'earlierKey');
}

/**
 * The checkpoint check's problems but its root comparison: that one holds only for checkpoints
 * whose signature it can check, and is left out where a head already names the change. The roots
 * are `RootCheck`'s, for every checkpoint whatever key signed it.
 */
function withoutRoot(problems: readonly CheckpointProblem[]): CheckpointProblem[] {
  return problems.filter((p) => p.kind !== 'root');
}

/**
 * The root check: the tree head (size and Merkle root) that every checkpoint claims, each exported
 * one and each published one, recomputed from the exported events whatever key signed it and
 * whether that key is given, so a rewrite of what a lost key's checkpoint covers is named by its
 * root as by any other's. A checkpoint of format 2 or 3 has as its tree the log order fixed by
 * the heads of the checkpoints before it: for the exported checkpoints the exported ones, for the published ones
 * the published copies where given, the exported ones otherwise. A format-1 checkpoint's tree
 * holds the leaves it covers in checkpoint order. The leaves go by once, in checkpoint order, and
 * once more only where the batches do not add up to the claimed tree sizes (`endPass`); memory
 * grows with the checkpoints and the streams they name, never with the events.
 */
class RootCheck {
  private readonly current: string;
  private readonly exported: SignedCheckpoint[];
  /** Each published checkpoint, or the exported one it is identical with (the same payload object, so that its tree is shared). */
  private readonly published: SignedCheckpoint[];
  /** The exported checkpoints' log order, and (where it differs) the published checkpoints'. */
  private readonly passes: Array<{ order: CheckpointPayload[]; tree: TreeHeads; realigned: boolean; heads: Map<number, TreeHead> | null }>;
  private readonly publishedPass: number;
  /** Format 1: each checkpoint's own tree over the leaves it covers (stream → its head's version). */
  private readonly ownTrees = new Map<CheckpointPayload, { covers: Map<string, number>; tree: MerkleAccumulator }>();
  private firstPass = true;
  /** The sequence of the first exported checkpoint under the current key: another key's before it is an earlier key's. */
  private readonly firstCurrent: number | null;
  /** The keys given, by key id: a checkpoint under one of them whose signature fails had its claims changed itself. */
  private readonly keys = new Map<string, KeyObject>();

  constructor(exported: readonly SignedCheckpoint[], published: readonly SignedCheckpoint[] = [], currentKey: KeyObject, earlierKeys: readonly KeyObject[] = []) {
    this.current = keyIdOf(currentKey);
    for (const key of [currentKey, ...earlierKeys]) if (!this.keys.has(keyIdOf(key))) this.keys.set(keyIdOf(key), key);
    this.exported = [...exported].sort((a, b) => a.payload.sequence - b.payload.sequence);
    this.firstCurrent = this.exported.find((c) => c.keyId === this.current)?.payload.sequence ?? null;
    const bySequence = new Map<number, SignedCheckpoint>();
    for (const checkpoint of this.exported) if (!bySequence.has(checkpoint.payload.sequence)) bySequence.set(checkpoint.payload.sequence, checkpoint);
    this.published = published.map((checkpoint) => {
      const copy = bySequence.get(checkpoint.payload?.sequence);
      return copy && checkpointDigest(copy) === checkpointDigest(checkpoint) ? copy : checkpoint;
    });
    const exportedOrder = logOrderOf(this.exported);
    const publishedOrder = logOrderOf([...this.published, ...this.exported]);
    const same = publishedOrder.length === exportedOrder.length && publishedOrder.every((payload, i) => payload === exportedOrder[i]);
    // Only log-order checkpoints (formats 2 and 3) need the log-order tree (format 1 has a tree of its own).
    this.passes = (same ? [exportedOrder] : [exportedOrder, publishedOrder]).map((order) => ({
      order,
      tree: new TreeHeads(order),
      realigned: false,
      heads: order.some(inLogOrder) ? null : new Map(),
    }));
    this.publishedPass = same ? 0 : 1;
    for (const { payload } of [...this.exported, ...this.published]) {
      if (!readableClaim(payload) || inLogOrder(payload) || this.ownTrees.has(payload)) continue;
      this.ownTrees.set(payload, { covers: new Map(payload.heads.map((head) => [head.stream, head.version])), tree: new MerkleAccumulator() });
    }
  }

  /** The next leaf, in checkpoint order (stream id, version); its leaf hash is computed once, and only where a tree takes it. */
  add(leaf: Leaf): void {
    let hashed: Buffer | null = null;
    for (const pass of this.passes) {
      if (pass.heads !== null) continue;
      const batch = pass.tree.batchOf(leaf);
      if (batch !== null) pass.tree.append(batch, (hashed ??= leafHashOfHex(leaf.hash)));
    }
    if (!this.firstPass) return;
    for (const own of this.ownTrees.values()) {
      const until = own.covers.get(leaf.stream);
      if (until !== undefined && leaf.version <= until) own.tree.addLeafHash((hashed ??= leafHashOfHex(leaf.hash)));
    }
  }

  /**
   * Ends a pass over the leaves: true when the batches did not add up to the tree sizes the
   * checkpoints claim, so that the trees after them could not be joined; the next pass places
   * every batch where the leaves showed it begins.
   */
  endPass(): boolean {
    this.firstPass = false;
    let again = false;
    for (const pass of this.passes) {
      if (pass.heads) continue;
      const result = pass.tree.finish();
      if ('heads' in result) {
        pass.heads = result.heads;
      } else {
        if (pass.realigned) throw new Error('Batches placed where the leaves showed them to begin do not join');
        pass.tree = new TreeHeads(pass.order, result.begins);
        pass.realigned = true;
        again = true;
      }
    }
    return again;
  }

  /** Errors for the exported checkpoints whose tree head the exported events do not reproduce. */
  /** `problems`: the checkpoint check's, whose removed or rewritten heads name the place a root's change lies. */
  exportedFindings(problems: readonly CheckpointProblem[]): Finding[] {
    return this.exported.flatMap((checkpoint) => this.compare(checkpoint, 0, '', locatedUpTo(problems, checkpoint.payload.sequence)));
  }

  /** Errors for the `i`th published checkpoint where the exported events do not reproduce its tree head. */
  publishedFindings(i: number, problems: readonly CheckpointProblem[]): Finding[] {
    const checkpoint = this.published[i];
    return this.compare(checkpoint, this.publishedPass, 'veröffentlicht: ', locatedUpTo(problems, checkpoint.payload?.sequence));
  }

  /** The sequences of the exported checkpoints whose tree head was recomputed, and of those whose could not be. */
  recomputed(): { rootsRecomputed: number[]; rootsNotRecomputed: number[] } {
    const recomputed = new Set<number>();
    const not = new Set<number>();
    for (const checkpoint of this.exported) (this.found(checkpoint.payload, 0) ? recomputed : not).add(checkpoint.payload.sequence);
    return { rootsRecomputed: [...recomputed], rootsNotRecomputed: [...not].filter((sequence) => !recomputed.has(sequence)) };
  }

  /** The tree head the leaves give for the payload; null where its tree is not known (a gap or an unreadable checkpoint before it, or its own). */
  private found(payload: CheckpointPayload, pass: number): TreeHead | null {
    if (!readableClaim(payload)) return null;
    const own = this.ownTrees.get(payload);
    if (own) return { size: own.tree.size, root: own.tree.root().toString('hex') };
    const { order, heads } = this.passes[pass];
    // Another checkpoint with the same sequence fixed that place in the log order: the sequence check names it.
    if (order[payload.sequence - 1] !== payload) return null;
    return heads?.get(payload.sequence) ?? null;
  }

  private compare(checkpoint: SignedCheckpoint, pass: number, prefix: string, locatedAt: number | null): Finding[] {
    const { payload, keyId } = checkpoint;
    const found = this.found(payload, pass);
    if (!found) return [];
    const claimed = { size: payload.treeSize, root: payload.rootHash };
    const key = typeof keyId === 'string' ? this.keys.get(keyId) : undefined;
    const message = treeHeadProblem({
      sequence: payload.sequence,
      keyId,
      signer: this.signer(keyId, payload.sequence),
      inLogOrder: inLogOrder(payload),
      claimed,
      found,
      signatureFails: key !== undefined && !hasValidSignature(checkpoint, key),
      locatedAt,
    });
    if (!message) return [];
    return [{ severity: 'error', area: 'checkpoint', stream: null, version: null, message: `${prefix}${message}`, treeHead: { sequence: payload.sequence, keyId, claimed, found } }];
  }

  /** The current key, an earlier one (another key before the first checkpoint under the current one), or another. */
  private signer(keyId: unknown, sequence: number): Signer {
    if (keyId === this.current) return 'current';
    if (this.firstCurrent === null || sequence < this.firstCurrent) return 'earlier';
    return 'other';
  }
}

/** The first checkpoint up to `sequence` that names a head removed or rewritten, as the service's check counts it (CheckpointVerifier.finish). */
function locatedUpTo(problems: readonly CheckpointProblem[], sequence: number): number | null {
  const located = problems.filter((p) => (p.kind === 'truncated' || p.kind === 'headChanged') && p.sequence <= sequence).map((p) => p.sequence);
  return located.length === 0 ? null : Math.min(...located);
}

/**
 * The tree heads of the checkpoints in `order` (sequences 1, 2, … without a gap), from leaves that
 * arrive in checkpoint order (stream id, version). Each checkpoint's batch, the leaves its heads
 * cover beyond those before it (LogOrderPlacement), goes into a compact range that starts at the
 * batch's place in the log: the tree size the checkpoint before it claims, or `begins`, the places
 * the leaves showed in a first pass. Joined in sequence order, the ranges give each checkpoint's
 * tree head. Memory grows with the checkpoints and the streams they name, never with the leaves.
 */
class TreeHeads {
  private readonly placement: LogOrderPlacement;
  private readonly batches: Array<{ range: CompactRange; count: number }>;

  constructor(
    private readonly order: readonly CheckpointPayload[],
    begins?: readonly number[],
  ) {
    this.placement = new LogOrderPlacement(order);
    this.batches = order.map((_, i) => ({ range: new CompactRange(begins?.[i] ?? (i === 0 ? 0 : order[i - 1].treeSize)), count: 0 }));
  }

  /** The batch the next leaf belongs to; null beyond every checkpoint. Leaves must come in checkpoint order, each asked for once. */
  batchOf(leaf: Leaf): number | null {
    return this.placement.place(leaf).batch;
  }

  /** Appends the leaf hash of the leaf `batchOf` placed in `batch`. */
  append(batch: number, hash: Buffer): void {
    this.batches[batch].range.appendLeaf(hash);
    this.batches[batch].count++;
  }

  /**
   * Each checkpoint's tree head, by sequence; or, where a batch does not begin where the tree
   * before it ends (the leaves do not add up to a claimed tree size), the places where the
   * batches begin according to the leaves, for another pass.
   */
  finish(): { heads: Map<number, TreeHead> } | { begins: number[] } {
    const heads = new Map<number, TreeHead>();
    const tree = new CompactRange(0);
    for (const [i, payload] of this.order.entries()) {
      if (!tree.join(this.batches[i].range)) {
        let begin = 0;
        return { begins: this.batches.map(({ count }) => (begin += count) - count) };
      }
      heads.set(payload.sequence, { size: tree.end, root: tree.root().toString('hex') });
    }
    return { heads };
  }
}

/**
 * The checkpoints that fix the log order: by sequence from 1 up to the first that is missing or
 * cannot be read as a claim, each sequence once (the first given).
 */
function logOrderOf(checkpoints: readonly SignedCheckpoint[]): CheckpointPayload[] {
  const bySequence = new Map<number, CheckpointPayload>();
  for (const { payload } of checkpoints) if (readableClaim(payload) && !bySequence.has(payload.sequence)) bySequence.set(payload.sequence, payload);
  const order: CheckpointPayload[] = [];
  for (let sequence = 1; bySequence.has(sequence); sequence++) order.push(bySequence.get(sequence)!);
  return order;
}

/** Whether the payload claims a tree head this build can recompute: a known format, a size, a root and heads. */
function readableClaim(payload: unknown): payload is CheckpointPayload {
  if (typeof payload !== 'object' || payload === null) return false;
  const p = payload as CheckpointPayload;
  return (
    (inLogOrder(p) || (p.format === CHECKPOINT_FORMAT && p.order === LEAF_ORDER)) &&
    Number.isSafeInteger(p.sequence) &&
    p.sequence >= 1 &&
    Number.isSafeInteger(p.treeSize) &&
    p.treeSize >= 0 &&
    typeof p.rootHash === 'string' &&
    Array.isArray(p.heads) &&
    p.heads.every((head) => typeof head === 'object' && head !== null && typeof head.stream === 'string' && Number.isSafeInteger(head.version))
  );
}

/**
 * The leaves of an export in the order the service writes it, read from the file once more, in
 * the order the streaming check takes them: each body's events (by version), and before each body
 * the small chains' links (`others`, sorted) whose stream comes first. Lines that are no JSON are
 * skipped: the first reading named them.
 */
async function* leavesOfFile(open: () => Iterable<string> | AsyncIterable<string>, others: readonly Leaf[]): AsyncGenerator<Leaf> {
  let next = 0;
  let group: Leaf[] = [];
  function* flush(): Generator<Leaf> {
    if (group.length === 0) return;
    const stream = group[0].stream;
    while (next < others.length && others[next].stream < stream) yield others[next++];
    const body = group.sort((a, b) => a.version - b.version);
    group = [];
    yield* body;
  }
  for await (const raw of open()) {
    if (!raw.startsWith(EVENT_PREFIX)) continue;
    let line: ExportLine;
    try {
      line = JSON.parse(raw) as ExportLine;
    } catch {
      continue;
    }
    if (line.kind !== 'event') continue;
    const { bodyId, version, hash } = line.event;
    if (group.length > 0 && group[0].stream !== bodyId) yield* flush();
    group.push({ stream: bodyId, version, hash });
  }
  yield* flush();
  while (next < others.length) yield others[next++];
}

/**
 * The earlier signing keys the auditor gave (VerifyOptions.earlierKeys), by key id. The checkpoint
 * check names each checkpoint of an earlier key as one whose signature it cannot check (kind
 * `earlierKey`: a problem until a checkpoint under the current key continues it, a note after);
 * where that key was given, the signature is checked with it instead: valid, a note; invalid, an error.
 */
class EarlierKeys {
  /** The current key's id. */
  private readonly current: string;
  private readonly keys = new Map<string, KeyObject>();
  /** The sequences of the earlier key's checkpoints whose key was not given. */
  readonly unchecked: number[] = [];

  constructor(current: KeyObject, given: readonly KeyObject[] = []) {
    this.current = keyIdOf(current);
    for (const key of given) {
      const id = keyIdOf(key);
      if (id !== this.current) this.keys.set(id, key);
    }
  }

  /** The checkpoint check's problems (errors) and notes (warnings) as findings, each earlier key's signature checked where its key was given. */
  findings(problems: readonly CheckpointProblem[], notes: readonly CheckpointProblem[], checkpoints: readonly SignedCheckpoint[]): Finding[] {
    // A sequence that occurs twice is the sequence check's to name; its signatures are not attributed.
    const bySequence = new Map<number, SignedCheckpoint | null>();
    for (const checkpoint of checkpoints) bySequence.set(checkpoint.payload.sequence, bySequence.has(checkpoint.payload.sequence) ? null : checkpoint);
    const judged = (problem: CheckpointProblem, severity: Finding['severity']): Finding => {
      const finding = (as: Finding['severity'], message: string): Finding => ({ severity: as, area: 'checkpoint', stream: problem.stream, version: problem.version, message });
      const checkpoint = bySequence.get(problem.sequence);
      if (!checkpoint) return finding(severity, problem.message);
      const key = this.keys.get(checkpoint.keyId);
      const signed = `Checkpoint ${problem.sequence}: mit einem früheren Schlüssel (ID ${checkpoint.keyId.slice(0, 16)}…) signiert`;
      if (problem.kind === 'key' && key) {
        return finding(
          severity,
          `${problem.message} Der Schlüssel ist als früherer gegeben; ein früherer Schlüssel gilt nur vor dem ersten Checkpoint unter dem aktuellen (dem ersten --public-key).`,
        );
      }
      if (problem.kind !== 'earlierKey') return finding(severity, problem.message);
      if (!key) {
        this.unchecked.push(problem.sequence);
        const message = this.keys.size > 0 ? problem.message.replace('mit dem aktuellen Schlüssel nicht prüfbar', 'weder mit dem aktuellen noch mit einem der gegebenen früheren Schlüssel prüfbar') : problem.message;
        // A problem (not a note): no checkpoint of the export holds under the given key, which is what a wrong key looks like too.
        return finding(severity, severity === 'error' ? `${message} Unter dem gegebenen Schlüssel (ID ${this.current.slice(0, 16)}…) ist kein Checkpoint des Exports signiert: ist es der aktuelle Schlüssel des Dienstes?` : message);
      }
      return hasValidSignature(checkpoint, key)
        ? finding('warning', `${signed}; die Signatur ist mit diesem Schlüssel geprüft und gültig.`)
        : finding('error', `${signed}; die Signatur ist mit diesem Schlüssel ungültig: der Checkpoint wurde verändert oder ersetzt.`);
    };
    return [...problems.map((p) => judged(p, 'error')), ...notes.map((n) => judged(n, 'warning'))];
  }

  /** A published checkpoint signed with a given earlier key: an error where its signature does not hold. */
  publishedFindings(published: SignedCheckpoint): Finding[] {
    const key = this.keys.get(published.keyId);
    if (!key || hasValidSignature(published, key)) return [];
    return [
      {
        severity: 'error',
        area: 'checkpoint',
        stream: null,
        version: null,
        message: `veröffentlicht: Checkpoint ${published.payload?.sequence}: mit einem früheren Schlüssel (ID ${published.keyId.slice(0, 16)}…) signiert; die Signatur ist mit diesem Schlüssel ungültig: der Checkpoint wurde verändert oder ersetzt.`,
      },
    ];
  }
}

/** `--published` with a file that holds no checkpoint: nothing was compared, which the report must not pass over in silence. */
function nonePublished(published: readonly SignedCheckpoint[] | undefined): Finding[] {
  if (published === undefined || published.length > 0) return [];
  return [
    {
      severity: 'warning',
      area: 'checkpoint',
      stream: null,
      version: null,
      message: 'Die veröffentlichten Checkpoints sind leer: mit keinem veröffentlichten Checkpoint wurde verglichen.',
    },
  ];
}

function publishedSequences(published: readonly SignedCheckpoint[] | undefined): number[] | null {
  return published === undefined ? null : published.map((checkpoint) => checkpoint.payload?.sequence);
}

/** A checkpoint published elsewhere must be in the export unchanged. */
function publishedFindings(published: SignedCheckpoint, checkpoints: readonly SignedCheckpoint[]): Finding[] {
  const error = (message: string): Finding => ({ severity: 'error', area: 'checkpoint', stream: null, version: null, message });
  const sequence = published.payload?.sequence;
  const exported = checkpoints.find((c) => c.payload.sequence === sequence);
  if (!exported) return [error(`Der veröffentlichte Checkpoint ${sequence} fehlt im Export: die Checkpoints wurden entfernt oder neu angelegt.`)];
  if (checkpointDigest(exported) !== checkpointDigest(published)) {
    return [error(`Der Checkpoint ${sequence} im Export weicht vom veröffentlichten ab (Wurzel ${exported.payload.rootHash.slice(0, 16)}… statt ${published.payload.rootHash.slice(0, 16)}…): die Geschichte wurde umgeschrieben und neu signiert.`)];
  }
  return [];
}

function unreadableOf(event: EventRecord, unreadable: string): UnreadableEvent {
  const { id, bodyId, version, type, hash, prevHash } = event;
  return { id, bodyId, version, type, hash, prevHash, unreadable };
}

/** The report as German text lines, for the command line. */
export function formatReport(report: OfflineReport): string[] {
  const out = [
    `Export: ${count(report.counts.event, 'Ereignis', 'Ereignisse')} von ${count(report.counts.body, 'Gremium', 'Gremien')}, ${count(report.counts.auditLog, 'Eintrag', 'Einträge')} im Audit-Protokoll, ${count(report.counts.decisionEvent ?? 0, 'Ereignis', 'Ereignisse')} im Beschlussregister, ${report.counts.contactEvent ? `${count(report.counts.contactEvent, 'Berichtigung', 'Berichtigungen')} von Ansprechpersonen, ` : ''}${count(report.counts.checkpoint, 'Checkpoint', 'Checkpoints')}, ${count(report.counts.machine, 'Automatenversion', 'Automatenversionen')}.`,
  ];
  const published = report.published ?? [];
  if (published.length > 0) out.push(`${count(published.length, 'veröffentlichter Checkpoint', 'veröffentlichte Checkpoints')} geprüft (Nr. ${sequenceRanges(published)}).`);
  const { rootsRecomputed, rootsNotRecomputed } = report.checkpoints;
  if (rootsRecomputed.length > 0) {
    out.push(`Baumköpfe (Größe und Merkle-Wurzel) aus den exportierten Ereignissen nachgerechnet für Checkpoint Nr. ${sequenceRanges(rootsRecomputed)}, gleich mit welchem Schlüssel signiert.`);
  }
  if (rootsNotRecomputed.length > 0) {
    out.push(
      `Hinweis: Die Baumköpfe der Checkpoints Nr. ${sequenceRanges(rootsNotRecomputed)} ließen sich nicht nachrechnen: sie selbst oder ein Checkpoint vor ihnen fehlen oder sind in keinem bekannten Format, so dass die Reihenfolge des Logs nicht feststeht.`,
    );
  }
  for (const finding of report.findings) out.push(`${finding.severity === 'error' ? 'FEHLER' : 'Hinweis'}: ${finding.message}`);
  if (report.published === null) {
    out.push('Hinweis: Ohne --published wurde mit keinem veröffentlichten Checkpoint verglichen: eine mit dem richtigen Schlüssel neu signierte Geschichte wäre so nicht zu erkennen.');
  }
  const unchecked = report.checkpoints.signaturesUnchecked.length;
  // Without a checkpoint in the export no signature was checked: the result must not claim one.
  const none = report.counts.checkpoint === 0;
  const checked = [
    'Hashes',
    'Ketten',
    ...(none ? [] : [unchecked > 0 ? `Checkpoint-Signaturen (bis auf ${count(unchecked, 'Checkpoint', 'Checkpoints')} eines früheren Schlüssels, siehe Hinweise)` : 'Checkpoint-Signaturen']),
    ...(published.length > 0 ? ['die veröffentlichten Checkpoints'] : []),
  ];
  out.push(
    report.ok
      ? `Ergebnis: Alle Prüfungen bestanden — ${checked.join(', ')} und die Wiederholung jedes Gremiums stimmen.` +
          (none ? ' Keine Checkpoints im Export: es war keine Signatur zu prüfen.' : '')
      : `Ergebnis: NICHT bestanden (${report.findings.filter((f) => f.severity === 'error').length} Fehler).`,
  );
  return out;
}

/** `1–3, 7`: sequence numbers, consecutive ones as a range (an hourly checkpoint makes many). */
function sequenceRanges(sequences: readonly number[]): string {
  const sorted = [...new Set(sequences)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const from = sorted[i];
    while (i + 1 < sorted.length && sorted[i + 1] === sorted[i] + 1) i++;
    ranges.push(sorted[i] === from ? String(from) : `${from}–${sorted[i]}`);
  }
  return ranges.join(', ');
}
