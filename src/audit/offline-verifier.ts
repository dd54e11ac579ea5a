/**
 * The offline verifier: checks an audit export (export-format.ts) with nothing but the file and
 * the public signing key — no database, no network, no trust in the server that wrote it.
 *
 * It recomputes every hash and chain, checks every checkpoint's signature and root against the
 * exported events, checks that the statechart definitions the events name are the ones this
 * verifier replays with, and replays every body: each event must have been allowed at its point,
 * and the result must equal the exported projection. The report is in German and names places.
 */
import type { KeyObject } from 'node:crypto';
import { canonicalJson } from '../json/canonical-json';
import type { EventRecord } from '../event-log/event-hash';
import type { AuditLogEntry } from './audit-log';
import type { ContactEvent } from './contact-log';
import { registerProblems, type DecisionEvent, type DecisionState } from '../decisions/register';
import { verifyChains, type StoredEvent, type UnreadableEvent } from './chain-verifier';
import { checkpointDigest, verifyCheckpoints, type Leaf, type SignedCheckpoint } from './checkpoint';
import { EXPORT_FORMAT, type ExportCounts, type ExportLine } from './export-format';
import { machineFingerprint, machineVersion } from './machine-versions';
import { replayVerdict, type StoredProjection } from './replay';
import { createHash } from 'node:crypto';

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
  checkpoints: { count: number; last: { sequence: number; createdAt: string; treeSize: number } | null; uncovered: number };
  findings: Finding[];
}

/**
 * Verifies the export's lines (each one JSON object, as the file holds them). `published` are
 * checkpoints the auditor kept from where they were published: each must be in the export
 * unchanged and must still hold over the exported events — that is what makes a rewrite of
 * history detectable even for someone who holds the signing key.
 */
export async function verifyExport(
  lines: AsyncIterable<string> | Iterable<string>,
  publicKey: KeyObject,
  options: { published?: readonly SignedCheckpoint[] } = {},
): Promise<OfflineReport> {
  const findings: Finding[] = [];
  const add = (severity: Finding['severity'], area: FindingArea, message: string, stream: string | null = null, version: number | null = null) =>
    findings.push({ severity, area, stream, version, message });

  const counts: Required<ExportCounts> = { machine: 0, event: 0, auditLog: 0, decisionEvent: 0, contactEvent: 0, body: 0, decision: 0, checkpoint: 0 };
  const machines: Array<Extract<ExportLine, { kind: 'machine' }>> = [];
  const events: StoredEvent[] = [];
  const auditLog: AuditLogEntry[] = [];
  const decisionEvents: DecisionEvent[] = [];
  const contactEvents: ContactEvent[] = [];
  const decisions: DecisionState[] = [];
  const bodies = new Map<string, StoredProjection>();
  const checkpoints: SignedCheckpoint[] = [];
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
      case 'machine':
        counts.machine++;
        machines.push(line);
        break;
      case 'event':
        counts.event++;
        events.push(line.unreadable === undefined ? line.event : unreadableOf(line.event, line.unreadable));
        break;
      case 'auditLog':
        counts.auditLog++;
        auditLog.push(line.entry);
        break;
      case 'decisionEvent':
        counts.decisionEvent++;
        decisionEvents.push(line.event);
        break;
      case 'contactEvent':
        counts.contactEvent++;
        contactEvents.push(line.event);
        break;
      case 'decision':
        counts.decision++;
        decisions.push(line.decision);
        break;
      case 'body':
        counts.body++;
        bodies.set(line.id, { version: line.version, machineVersion: line.machineVersion, state: line.state, context: line.context });
        break;
      case 'checkpoint':
        counts.checkpoint++;
        checkpoints.push(line.checkpoint);
        break;
      case 'end':
        end = line;
        break;
      default:
        add('error', 'file', `Zeile ${number}: unbekannte Art „${String((line as { kind?: unknown }).kind)}“.`);
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
  for (const line of machines) {
    const local = machineVersion(line.id, line.version);
    const declared = createHash('sha256').update(canonicalJson(line.definition), 'utf8').digest('hex');
    if (declared !== line.fingerprint) {
      add('error', 'machine', `Zustandsautomat ${line.id} Version ${line.version}: der Fingerabdruck passt nicht zur mitgelieferten Definition.`);
    } else if (!local) {
      add('error', 'machine', `Zustandsautomat ${line.id} Version ${line.version} ist diesem Prüfprogramm nicht bekannt; bitte eine neuere Fassung verwenden.`);
    } else if (machineFingerprint(local) !== line.fingerprint) {
      add('error', 'machine', `Zustandsautomat ${line.id} Version ${line.version}: die Definition im Export weicht von der dieses Prüfprogramms ab (gleiche Versionsnummer, anderer Inhalt).`);
    }
  }
  const named = new Set<string>();
  for (const event of events) if (!('unreadable' in event)) named.add(`${event.machine.id}@${event.machine.version}`);
  for (const key of named) {
    const [id, version] = key.split('@');
    if (!machines.some((m) => m.id === id && m.version === Number(version))) {
      add('error', 'machine', `Ereignisse nennen Zustandsautomat ${id} Version ${version}, dessen Definition im Export fehlt.`);
    }
  }

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
  for (const problem of verifyCheckpoints(checkpoints, leaves, publicKey)) {
    add('error', 'checkpoint', problem.message, problem.stream, problem.version);
  }
  const last = [...checkpoints].sort((a, b) => a.payload.sequence - b.payload.sequence).at(-1) ?? null;
  const uncovered = last ? Math.max(0, leaves.length - last.payload.treeSize) : leaves.length;
  if (!last) {
    add('warning', 'checkpoint', 'Der Export enthält keine Checkpoints: ein vollständig neu berechnetes Log wäre nicht zu erkennen.');
  } else if (uncovered > 0) {
    add('warning', 'checkpoint', `${count(uncovered, 'Ereignis ist', 'Ereignisse sind')} jünger als der letzte Checkpoint (${last.payload.sequence} vom ${last.payload.createdAt}) und noch durch keinen Checkpoint bezeugt.`);
  }

  // Checkpoints published elsewhere: the export must hold each of them unchanged, and they must
  // hold over the exported events (checked on their own, outside the export's sequence).
  for (const published of options.published ?? []) {
    const sequence = published.payload?.sequence;
    const exported = checkpoints.find((c) => c.payload.sequence === sequence);
    if (!exported) {
      add('error', 'checkpoint', `Der veröffentlichte Checkpoint ${sequence} fehlt im Export: die Checkpoints wurden entfernt oder neu angelegt.`);
    } else if (checkpointDigest(exported) !== checkpointDigest(published)) {
      add('error', 'checkpoint', `Der Checkpoint ${sequence} im Export weicht vom veröffentlichten ab (Wurzel ${exported.payload.rootHash.slice(0, 16)}… statt ${published.payload.rootHash.slice(0, 16)}…): die Geschichte wurde umgeschrieben und neu signiert.`);
    }
    for (const problem of verifyCheckpoints([published], leaves, publicKey, checkpoints).filter((p) => p.kind !== 'sequence')) {
      add('error', 'checkpoint', `veröffentlicht: ${problem.message}`, problem.stream, problem.version);
    }
  }

  // Replay every body whose events can be read.
  const byBody = new Map<string, StoredEvent[]>();
  for (const event of events) {
    const stream = byBody.get(event.bodyId);
    if (stream) stream.push(event);
    else byBody.set(event.bodyId, [event]);
  }
  for (const [bodyId, stream] of byBody) {
    if (stream.some((e) => 'unreadable' in e)) continue; // Already reported by the chain check.
    const verdict = replayVerdict(stream as EventRecord[], bodies.get(bodyId) ?? null);
    if (verdict.verdict === 'diverges') {
      add('error', 'replay', `Gremium ${bodyId}: ${verdict.divergence.message}`, bodyId, verdict.divergence.version);
    }
  }
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
    },
    findings,
  };
}

function unreadableOf(event: EventRecord, unreadable: string): UnreadableEvent {
  const { id, bodyId, version, type, hash, prevHash } = event;
  return { id, bodyId, version, type, hash, prevHash, unreadable };
}

/** The report as German text lines, for the command line. */
export function formatReport(report: OfflineReport): string[] {
  const out = [
    `Export: ${count(report.counts.event, 'Ereignis', 'Ereignisse')} in ${count(report.streams, 'Strom', 'Strömen')}, ${count(report.counts.auditLog, 'Eintrag', 'Einträge')} im Audit-Protokoll, ${count(report.counts.decisionEvent ?? 0, 'Ereignis', 'Ereignisse')} im Beschlussregister, ${report.counts.contactEvent ? `${count(report.counts.contactEvent, 'Berichtigung', 'Berichtigungen')} von Ansprechpersonen, ` : ''}${count(report.counts.checkpoint, 'Checkpoint', 'Checkpoints')}, ${count(report.counts.machine, 'Automatenversion', 'Automatenversionen')}.`,
  ];
  for (const finding of report.findings) out.push(`${finding.severity === 'error' ? 'FEHLER' : 'Hinweis'}: ${finding.message}`);
  out.push(
    report.ok
      ? 'Ergebnis: Alle Prüfungen bestanden — Hashes, Ketten, Checkpoint-Signaturen und die Wiederholung jedes Gremiums stimmen.'
      : `Ergebnis: NICHT bestanden (${report.findings.filter((f) => f.severity === 'error').length} Fehler).`,
  );
  return out;
}
