/**
 * The offline verifier: checks an audit export (export-format.ts) with nothing but the file and
 * the public signing key — no database, no network, no trust in the server that wrote it.
 *
 * It recomputes every hash and chain, checks every checkpoint's signature and root against the
 * exported events, checks that the statechart definitions the events name are the ones this
 * verifier replays with, and replays every body whose chain holds: each event must have been
 * allowed at its point, and the result must equal the exported projection. Checkpoints signed
 * with an earlier key (one declared lost and replaced) are taken as the service takes them: their
 * claims are compared with the log, their signatures checked where that key is given. The report
 * is in German and names places.
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
  type StoredEvent,
  type UnreadableEvent,
} from './chain-verifier';
import {
  CheckpointVerifier,
  checkpointDigest,
  hasValidSignature,
  keyIdOf,
  orderLeaves,
  verifyCheckpoints,
  type CheckpointProblem,
  type Leaf,
  type SignedCheckpoint,
} from './checkpoint';
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
}

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

  if (!header || header.format !== EXPORT_FORMAT) {
    add('error', 'file', `Die Datei ist kein Export im Format ${EXPORT_FORMAT}.`);
  }
  if (!end) {
    add('error', 'file', 'Die Schlusszeile fehlt: der Export ist unvollständig (abgeschnitten).');
  } else if (canonicalJson({ decisionEvent: 0, contactEvent: 0, decision: 0, ...end.counts }) !== canonicalJson(counts)) {
    add('error', 'file', `Die Zeilenzahlen stimmen nicht mit der Schlusszeile überein (angekündigt ${canonicalJson(end.counts)}, enthalten ${canonicalJson(counts)}): Zeilen wurden entfernt oder hinzugefügt.`);
  }

  // The statechart versions: the export's definitions must be the ones this verifier replays with.
  const named = new Set<string>();
  for (const event of events) if (!('unreadable' in event)) named.add(`${event.machine.id}@${event.machine.version}`);
  findings.push(...machineFindings(machines, named));

  // Hash chains.
  const chains = verifyChains(events, auditLog, decisionEvents, contactEvents);
  for (const broken of chains.breaks) add('error', 'chain', broken.message, broken.stream, broken.version);

  // The decision register: each row as the fold of its stream gives it.
  for (const problem of registerProblems(decisionEvents, decisions)) add('error', 'register', problem.message, problem.stream);

  // Checkpoints.
  const leaves: Leaf[] = [
    ...events.map((e) => ({ stream: e.bodyId, version: e.version, hash: e.hash })),
    ...auditLog.map((e) => ({ stream: 'audit-log', version: e.version, hash: e.hash })),
    ...decisionEvents.map((e) => ({ stream: e.stream, version: e.version, hash: e.hash })),
    ...contactEvents.map((e) => ({ stream: e.stream, version: e.version, hash: e.hash })),
  ];
  const earlier = new EarlierKeys(publicKey, options.earlierKeys);
  const checkpointCheck = new CheckpointVerifier(checkpoints, publicKey, [], { earlierKeys: true });
  for (const leaf of orderLeaves(leaves)) checkpointCheck.add(leaf);
  findings.push(...earlier.findings(checkpointCheck.finish(), checkpointCheck.notes, checkpoints));
  const last = [...checkpoints].sort((a, b) => a.payload.sequence - b.payload.sequence).at(-1) ?? null;
  const uncovered = last ? Math.max(0, leaves.length - last.payload.treeSize) : leaves.length;
  findings.push(...coverageFindings(last, uncovered));

  // Checkpoints published elsewhere: the export must hold each of them unchanged, and they must
  // hold over the exported events (checked on their own, outside the export's sequence).
  findings.push(...nonePublished(options.published));
  for (const published of options.published ?? []) {
    findings.push(...publishedFindings(published, checkpoints));
    for (const problem of publishedProblems(verifyCheckpoints([published], leaves, publicKey, checkpoints, { earlierKeys: true }))) {
      add('error', 'checkpoint', `veröffentlicht: ${problem.message}`, problem.stream, problem.version);
    }
    findings.push(...earlier.publishedFindings(published));
  }

  // Replay every body whose chain holds.
  const byBody = new Map<string, StoredEvent[]>();
  for (const event of events) {
    const stream = byBody.get(event.bodyId);
    if (stream) stream.push(event);
    else byBody.set(event.bodyId, [event]);
  }
  const broken = new Map(chains.breaks.map((b) => [b.stream, b]));
  for (const [bodyId, stream] of byBody) findings.push(...replayFindings(bodyId, stream, bodies.get(bodyId) ?? null, broken.get(bodyId) ?? null));
  for (const bodyId of bodies.keys()) {
    if (!byBody.has(bodyId)) add('error', 'replay', `Gremium ${bodyId}: Es gibt einen gespeicherten Stand, aber keine Ereignisse (alle entfernt).`, bodyId, 1);
  }

  return {
    ok: findings.every((f) => f.severity !== 'error'),
    counts,
    streams: chains.streams.length,
    checkpoints: {
      count: checkpoints.length,
      last: last ? { sequence: last.payload.sequence, createdAt: last.payload.createdAt, treeSize: last.payload.treeSize } : null,
      uncovered,
      signaturesUnchecked: earlier.unchecked,
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
 * through the chain and checkpoint checks and are replayed against its stored state, then are
 * dropped. The findings are the ones `verifyInMemory` gives, in the same order. Null when the
 * file is not in that order (events or bodies out of order or written differently).
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
    leaves++;
  };
  const othersBefore = (stream: string | null) => {
    while (nextOther < others.length && (stream === null || others[nextOther].stream < stream)) take(others[nextOther++]);
  };

  const named = new Set<string>();
  const replayed: Finding[] = [];
  const withoutEvents: Finding[] = [];
  const noEvents = (id: string) =>
    withoutEvents.push(finding('error', 'replay', `Gremium ${id}: Es gibt einen gespeicherten Stand, aber keine Ereignisse (alle entfernt).`, id, 1));
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

  // The findings in the order of the whole-file check.
  const findings: Finding[] = lineFindings.sort((a, b) => a.line - b.line).map((f) => f.finding);
  const add = (severity: Finding['severity'], area: FindingArea, message: string, stream: string | null = null, version: number | null = null) =>
    findings.push(finding(severity, area, message, stream, version));
  if (!header || header.format !== EXPORT_FORMAT) {
    add('error', 'file', `Die Datei ist kein Export im Format ${EXPORT_FORMAT}.`);
  }
  if (!end) {
    add('error', 'file', 'Die Schlusszeile fehlt: der Export ist unvollständig (abgeschnitten).');
  } else if (canonicalJson({ decisionEvent: 0, contactEvent: 0, decision: 0, ...end.counts }) !== canonicalJson(counts)) {
    add('error', 'file', `Die Zeilenzahlen stimmen nicht mit der Schlusszeile überein (angekündigt ${canonicalJson(end.counts)}, enthalten ${canonicalJson(counts)}): Zeilen wurden entfernt oder hinzugefügt.`);
  }
  findings.push(...machineFindings(machines, named));
  const report = chains.finish();
  for (const broken of report.breaks) add('error', 'chain', broken.message, broken.stream, broken.version);
  for (const problem of registerProblems(decisionEvents, decisions)) add('error', 'register', problem.message, problem.stream);
  const earlier = new EarlierKeys(publicKey, options.earlierKeys);
  findings.push(...earlier.findings(checkpointCheck.finish(), checkpointCheck.notes, checkpoints));
  const last = [...checkpoints].sort((a, b) => a.payload.sequence - b.payload.sequence).at(-1) ?? null;
  const uncovered = last ? Math.max(0, leaves - last.payload.treeSize) : leaves;
  findings.push(...coverageFindings(last, uncovered));
  findings.push(...nonePublished(options.published));
  (options.published ?? []).forEach((published, i) => {
    findings.push(...publishedFindings(published, checkpoints));
    for (const problem of publishedProblems(publishedChecks[i].finish())) {
      add('error', 'checkpoint', `veröffentlicht: ${problem.message}`, problem.stream, problem.version);
    }
    findings.push(...earlier.publishedFindings(published));
  });
  findings.push(...replayed, ...withoutEvents);
  return {
    ok: findings.every((f) => f.severity !== 'error'),
    counts,
    streams: report.streams.length,
    checkpoints: {
      count: checkpoints.length,
      last: last ? { sequence: last.payload.sequence, createdAt: last.payload.createdAt, treeSize: last.payload.treeSize } : null,
      uncovered,
      signaturesUnchecked: earlier.unchecked,
    },
    published: publishedSequences(options.published),
    findings,
  };
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

/**
 * A published checkpoint is checked alone: where it stands in the sequence is the export's to
 * show (`sequence`), and that no checkpoint under the current key follows it in a list of one says
 * nothing (`earlierKey`); its earlier key's signature is `EarlierKeys.publishedFindings`'.
 */
function publishedProblems(problems: readonly CheckpointProblem[]): CheckpointProblem[] {
  return problems.filter((p) => p.kind !== 'sequence' && p.kind !== 'earlierKey');
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
  for (const finding of report.findings) out.push(`${finding.severity === 'error' ? 'FEHLER' : 'Hinweis'}: ${finding.message}`);
  if (report.published === null) {
    out.push('Hinweis: Ohne --published wurde mit keinem veröffentlichten Checkpoint verglichen: eine mit dem richtigen Schlüssel neu signierte Geschichte wäre so nicht zu erkennen.');
  }
  const unchecked = report.checkpoints.signaturesUnchecked.length;
  const signatures = unchecked > 0 ? `Checkpoint-Signaturen (bis auf ${count(unchecked, 'Checkpoint', 'Checkpoints')} eines früheren Schlüssels, siehe Hinweise)` : 'Checkpoint-Signaturen';
  out.push(
    report.ok
      ? `Ergebnis: Alle Prüfungen bestanden — Hashes, Ketten, ${signatures}${published.length > 0 ? ', die veröffentlichten Checkpoints' : ''} und die Wiederholung jedes Gremiums stimmen.`
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
