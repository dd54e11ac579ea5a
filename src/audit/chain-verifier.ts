/**
 * Chain verification: recomputes every stored hash and checks that each stream (a body's events,
 * the audit log) runs through versions 1..n without gaps and that every `prevHash` names the
 * hash of the version before it. For each stream it names the first broken place, in German.
 *
 * Pure: it gets the records, from the database or from an export, and touches nothing else.
 * What it cannot see on its own is a stream cut off at its end or rewritten from some version on
 * with every hash recomputed: that is what checkpoints are for (see checkpoint.ts).
 */
import { EVENT_LABELS } from '../../machines';
import { hashEvent, type EventRecord } from '../event-log/event-hash';
import { DECISION_EVENT_LABELS, decisionStreamName, hashDecisionEvent, isDecisionStream, type DecisionEvent } from '../decisions/register';
import { AUDIT_LOG_LABELS, AUDIT_LOG_STREAM, hashAuditLogEntry, type AuditLogEntry } from './audit-log';
import { CONTACT_EVENT_LABELS, CONTACT_STREAM_PREFIX, hashContactEvent, isContactStream, type ContactEvent } from './contact-log';

/** One stored link of a hash chain, as the verifier needs it. */
export interface ChainLink {
  stream: string;
  version: number;
  id: string;
  type: string;
  hash: string;
  prevHash: string | null;
  /** The hash recomputed from the stored content, or why the stored content cannot be read. */
  recomputed: { hash: string } | { unreadable: string };
}

export type BreakKind =
  | 'unreadable'
  | 'start'
  | 'gap'
  | 'duplicate'
  | 'firstEvent'
  | 'content'
  | 'swapped'
  | 'replaced'
  | 'missingPredecessor';

/** A recorded event beside a gap: its version and id. */
export interface Neighbour {
  version: number;
  eventId: string;
}

/** Versions missing from a stream (`from`..`to`), and the recorded events on either side: none before a missing start. */
export interface MissingVersions {
  from: number;
  to: number;
  after: Neighbour | null;
  before: Neighbour;
}

/** The first place where a stream's chain does not hold. */
export interface ChainBreak {
  stream: string;
  /** The event's version; for a gap or a missing start, the first missing one. */
  version: number;
  /** The event at fault; null for a gap or a missing start (no event holds the missing version). */
  eventId: string | null;
  kind: BreakKind;
  message: string;
  /** For `gap` and `start`: which versions are missing, between which recorded events. */
  missing?: MissingVersions;
}

export interface StreamVerdict {
  stream: string;
  events: number;
  /** The last version and its stored hash, as the log holds them now. */
  head: { version: number; hash: string } | null;
  intact: boolean;
  firstBreak: ChainBreak | null;
}

export interface ChainReport {
  intact: boolean;
  events: number;
  streams: StreamVerdict[];
  breaks: ChainBreak[];
}

/** A stored event the caller could not read back (its data is no valid JSON, say). */
export interface UnreadableEvent {
  id: string;
  bodyId: string;
  version: number;
  type: string;
  hash: string;
  prevHash: string | null;
  unreadable: string;
}

export type StoredEvent = EventRecord | UnreadableEvent;

export function isUnreadable(event: StoredEvent): event is UnreadableEvent {
  return 'unreadable' in event;
}

export function linkOfEvent(event: StoredEvent): ChainLink {
  const base = { stream: event.bodyId, version: event.version, id: event.id, type: event.type, hash: event.hash, prevHash: event.prevHash };
  if (isUnreadable(event)) return { ...base, recomputed: { unreadable: event.unreadable } };
  return { ...base, recomputed: recompute(() => hashEvent(event)) };
}

export function linkOfAuditLogEntry(entry: AuditLogEntry): ChainLink {
  const { id, version, type, hash, prevHash } = entry;
  return { stream: AUDIT_LOG_STREAM, version, id, type, hash, prevHash, recomputed: recompute(() => hashAuditLogEntry(entry)) };
}

export function linkOfDecisionEvent(event: DecisionEvent): ChainLink {
  const { stream, id, version, type, hash, prevHash } = event;
  return { stream, version, id, type, hash, prevHash, recomputed: recompute(() => hashDecisionEvent(event)) };
}

export function linkOfContactEvent(event: ContactEvent): ChainLink {
  const { stream, id, version, type, hash, prevHash } = event;
  return { stream, version, id, type, hash, prevHash, recomputed: recompute(() => hashContactEvent(event)) };
}

function recompute(hash: () => string): ChainLink['recomputed'] {
  try {
    return { hash: hash() };
  } catch (error) {
    return { unreadable: error instanceof Error ? error.message : String(error) };
  }
}

/** Verifies every body's stream, the audit log, the decision register's and the contacts' streams. */
export function verifyChains(
  events: Iterable<StoredEvent>,
  auditLog: Iterable<AuditLogEntry> = [],
  decisionEvents: Iterable<DecisionEvent> = [],
  contactEvents: Iterable<ContactEvent> = [],
): ChainReport {
  const streams = new Map<string, ChainLink[]>();
  const add = (link: ChainLink) => {
    const links = streams.get(link.stream) ?? [];
    links.push(link);
    streams.set(link.stream, links);
  };
  for (const event of events) add(linkOfEvent(event));
  for (const entry of auditLog) add(linkOfAuditLogEntry(entry));
  for (const event of decisionEvents) add(linkOfDecisionEvent(event));
  for (const event of contactEvents) add(linkOfContactEvent(event));
  const verdicts = [...streams.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([stream, links]) => verifyStream(stream, links));
  const breaks = verdicts.flatMap((v) => (v.firstBreak ? [v.firstBreak] : []));
  return { intact: breaks.length === 0, events: verdicts.reduce((n, v) => n + v.events, 0), streams: verdicts, breaks };
}

/**
 * `verifyChains` for links that arrive grouped by stream, streams in order (from a database
 * cursor): only the current stream's links are held, so memory grows with the streams, not the
 * events.
 */
export class ChainVerifier {
  private current: { stream: string; links: ChainLink[] } | null = null;
  private readonly streams: StreamVerdict[] = [];
  private readonly done = new Set<string>();

  add(link: ChainLink): void {
    if (this.current?.stream !== link.stream) {
      this.close();
      if (this.done.has(link.stream)) throw new Error(`Stream ${link.stream} arrives in more than one run`);
      this.current = { stream: link.stream, links: [] };
    }
    this.current.links.push(link);
  }

  /**
   * A whole stream shown intact elsewhere (versions 1..events, every stored hash recomputed and
   * every link in place: what verifyStream would find), as its verdict without its links.
   */
  addIntact(stream: string, events: number, headHash: string): void {
    this.close();
    if (this.done.has(stream)) throw new Error(`Stream ${stream} arrives in more than one run`);
    this.streams.push({ stream, events, head: { version: events, hash: headHash }, intact: true, firstBreak: null });
    this.done.add(stream);
  }

  finish(): ChainReport {
    this.close();
    const breaks = this.streams.flatMap((v) => (v.firstBreak ? [v.firstBreak] : []));
    return { intact: breaks.length === 0, events: this.streams.reduce((n, v) => n + v.events, 0), streams: this.streams, breaks };
  }

  private close(): void {
    if (!this.current) return;
    this.streams.push(verifyStream(this.current.stream, this.current.links));
    this.done.add(this.current.stream);
    this.current = null;
  }
}

/** Verifies one stream's links (in any order) and names its first break. */
export function verifyStream(stream: string, unordered: readonly ChainLink[]): StreamVerdict {
  const links = [...unordered].sort((a, b) => a.version - b.version);
  const last = links.at(-1);
  const verdict = (firstBreak: ChainBreak | null): StreamVerdict => ({
    stream,
    events: links.length,
    head: last ? { version: last.version, hash: last.hash } : null,
    intact: firstBreak === null,
    firstBreak,
  });
  const at = (link: ChainLink, kind: BreakKind, message: string, version = link.version): ChainBreak => ({
    stream,
    version,
    eventId: link.id,
    kind,
    message: `${place(stream, version, version === link.version ? link.type : null)}: ${message}`,
  });

  for (let i = 0; i < links.length; i++) {
    const link = links[i];
    const prev = i > 0 ? links[i - 1] : null;
    const expected = i + 1;

    if (prev && link.version === prev.version) {
      return verdict(at(link, 'duplicate', `Die Version kommt mehrfach vor (Ereignisse ${prev.id} und ${link.id}).`));
    }
    if (link.version !== expected) return verdict(missingBreak(stream, prev, link));
    if ('unreadable' in link.recomputed) {
      return verdict(at(link, 'unreadable', `Der gespeicherte Inhalt ist nicht lesbar (${link.recomputed.unreadable}); er wurde verändert.`));
    }
    if (i === 0 && isDecisionStream(stream) && link.type !== 'decisionRecorded') {
      return verdict(at(link, 'firstEvent', `Der Strom eines Beschlusses muss mit „${DECISION_EVENT_LABELS.decisionRecorded}“ beginnen, nicht mit „${link.type}“.`));
    }
    if (i === 0 && stream !== AUDIT_LOG_STREAM && !isDecisionStream(stream) && !isContactStream(stream) && link.type !== 'registered') {
      return verdict(at(link, 'firstEvent', `Der Strom eines Gremiums muss mit „${EVENT_LABELS.registered}“ beginnen, nicht mit „${link.type}“.`));
    }

    const expectedPrev = prev ? prev.hash : null;
    if (link.recomputed.hash !== link.hash || link.prevHash !== expectedPrev) {
      const later = links.slice(i + 1).find((other) => other.hash === link.prevHash);
      if (later) {
        return verdict(
          at(link, 'swapped', `Die Reihenfolge wurde verändert: das Ereignis hier gehört hinter Version ${later.version} (mit ihr vertauscht).`),
        );
      }
    }
    if (link.recomputed.hash !== link.hash) {
      return verdict(
        at(link, 'content', 'Der gespeicherte Hash passt nicht zum Inhalt: das Ereignis wurde nach der Aufzeichnung verändert.'),
      );
    }
    if (link.prevHash !== expectedPrev) {
      if (prev === null) {
        return verdict(at(link, 'missingPredecessor', 'Das erste Ereignis verweist auf einen Vorgänger, den es nicht gibt.'));
      }
      // The content of `prev` matches its own hash, but `link` still names another one: `prev` was
      // replaced and its hash recomputed.
      return verdict(
        at(
          prev,
          'replaced',
          `Das Ereignis wurde ersetzt und sein Hash neu berechnet: Version ${link.version} verweist noch auf einen anderen Vorgänger.`,
        ),
      );
    }
  }
  return verdict(null);
}

/**
 * The break where versions are missing before `next` (deleted rows): the missing versions, named
 * as such, and the recorded events on either side, so that no recorded event reads as at fault.
 */
function missingBreak(stream: string, prev: ChainLink | null, next: ChainLink): ChainBreak {
  const from = prev ? prev.version + 1 : 1;
  const to = next.version - 1;
  const one = from === to;
  const versions = one ? `Version ${from}` : `Versionen ${from} bis ${to}`;
  const lost = one ? 'Das Ereignis fehlt (gelöscht)' : 'Die Ereignisse fehlen (gelöscht)';
  const recorded = (link: ChainLink) => `Version ${link.version} „${eventLabelOf(link.type)}“ (Ereignis ${link.id})`;
  const where = prev ? `zwischen ${recorded(prev)} und ${recorded(next)}` : `vor ${recorded(next)}, mit der der Strom erst beginnt`;
  return {
    stream,
    version: from,
    eventId: null,
    kind: prev ? 'gap' : 'start',
    message: `${streamName(stream)}, ${versions}: ${lost}, ${where}.`,
    missing: { from, to, after: prev ? { version: prev.version, eventId: prev.id } : null, before: { version: next.version, eventId: next.id } },
  };
}

/** The German label of an event, audit-log entry, decision or contact event type; the type itself where none is known. */
function eventLabelOf(type: string): string {
  return (
    (EVENT_LABELS as Record<string, string>)[type] ??
    (AUDIT_LOG_LABELS as Record<string, string>)[type] ??
    (DECISION_EVENT_LABELS as Record<string, string>)[type] ??
    (CONTACT_EVENT_LABELS as Record<string, string>)[type] ??
    type
  );
}

/**
 * Names a place in the log in German, e.g. `Gremium 4f…, Version 3 „Eingerichtet (Beschluss)“`:
 * the event's label in quotes, as other messages name an event, so that no brackets nest.
 */
export function place(stream: string, version: number, type: string | null): string {
  const where = streamName(stream);
  const label = type === null ? null : eventLabelOf(type);
  return label === null ? `${where}, Version ${version}` : `${where}, Version ${version} „${label}“`;
}

/** A stream named in German: `Gremium 4f…`, `Audit-Protokoll`, a decision as the register names it, `Ansprechperson …`. */
function streamName(stream: string): string {
  if (stream === AUDIT_LOG_STREAM) return 'Audit-Protokoll';
  if (isDecisionStream(stream)) return decisionStreamName(stream);
  if (isContactStream(stream)) return `Ansprechperson ${stream.slice(CONTACT_STREAM_PREFIX.length)}`;
  return `Gremium ${stream}`;
}
