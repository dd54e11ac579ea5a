/**
 * Fixture builders for the audit tests: streams of hash-chained EventRecords that the body
 * statechart accepts, built with the machine's own decide/evolve so they cannot drift from it.
 */
import { randomUUID } from 'node:crypto';
import {
  BODY_MACHINE_ID,
  BODY_MACHINE_VERSION,
  eventDataSchemas,
  registrationSchema,
  type BodyEvent,
  type BodyEventType,
  type DecisionFacts,
  type Registration,
} from '../machines';
import { CURRENT_MACHINE, type MachineVersion } from '../src/audit/machine-versions';
import { hashEvent, type Actor, type EventRecord } from '../src/event-log/event-hash';

export const secretariat: Actor = { id: 'geschaeftsstelle', role: 'secretariat' };
export const lead: Actor = { id: 'lead-hb', role: 'lead' };

export function registration(overrides: Partial<Registration> = {}): Registration {
  return registrationSchema.parse({
    title: 'Weiterentwicklung der Struktur OZG-föderal',
    kind: 'Projektgruppe',
    parent: 'IT-PLR',
    focusTopic: 'Digitale Anwendungen',
    leads: ['Freie Hansestadt Bremen'],
    participants: ['Bund', 'Hamburg'],
    start: '2024-07-01',
    expectedEnd: '2024-12-31',
    goals: ['Struktur bewerten', 'Vorschlag erarbeiten'],
    ...overrides,
  });
}

export function decisionFacts(number: string, date: string, issuer = 'IT-PLR'): DecisionFacts {
  return { number, issuer, date, type: 'Beschluss' };
}

export interface Step {
  type: BodyEventType;
  data?: unknown;
  occurredAt: string;
  recordedAt?: string;
  decision?: DecisionFacts;
  actor?: Actor;
}

export interface StreamOptions {
  bodyId?: string;
  /** The chart version to record under; default the current one. */
  machine?: MachineVersion;
  registration?: Registration;
  registeredAt?: string;
  actor?: Actor;
}

/** A body's events from `registered` on, each one checked against the statechart and hash-chained. */
export function recordStream(steps: Step[], options: StreamOptions = {}): EventRecord[] {
  const bodyId = options.bodyId ?? randomUUID();
  const registeredAt = options.registeredAt ?? '2024-05-02T08:00:00.000Z';
  const data = options.registration ?? registration();
  const { begin, decide, evolve } = options.machine ?? CURRENT_MACHINE;
  const stamp = options.machine ? { id: options.machine.id, version: options.machine.version } : { id: BODY_MACHINE_ID, version: BODY_MACHINE_VERSION };
  let snapshot = begin({ occurredAt: registeredAt, data });
  const records: EventRecord[] = [];
  const append = (fields: Omit<EventRecord, 'hash' | 'prevHash' | 'version' | 'id' | 'bodyId' | 'machine'>) => {
    const unhashed = {
      id: randomUUID(),
      bodyId,
      version: records.length + 1,
      ...fields,
      machine: stamp,
      prevHash: records.at(-1)?.hash ?? null,
    };
    records.push({ ...unhashed, hash: hashEvent(unhashed) });
  };
  append({ type: 'registered', data, actor: options.actor ?? lead, occurredAt: registeredAt, recordedAt: registeredAt, decision: null });
  for (const step of steps) {
    const event = {
      type: step.type,
      data: eventDataSchemas[step.type].parse(step.data ?? {}),
      occurredAt: step.occurredAt,
      ...(step.decision ? { decision: step.decision } : {}),
    } as BodyEvent;
    const verdict = decide(snapshot, event);
    if (!verdict.allowed) throw new Error(`fixture step ${step.type} is not allowed: ${verdict.reason}`);
    snapshot = evolve(snapshot, event);
    append({
      type: step.type,
      data: event.data,
      actor: step.actor ?? secretariat,
      occurredAt: step.occurredAt,
      recordedAt: step.recordedAt ?? step.occurredAt,
      decision: step.decision ?? null,
    });
  }
  return records;
}

/** Registered, submitted, approved until 31.03.2025 by Beschluss 2024/09, started, extended by 2025/03. */
export const typicalLifecycle: Step[] = [
  { type: 'submitted', occurredAt: '2024-05-10T09:00:00.000Z', actor: lead },
  {
    type: 'approved',
    data: { approvedUntil: '2025-03-31' },
    occurredAt: '2024-06-20T12:00:00.000Z',
    decision: decisionFacts('2024/09', '2024-06-20'),
  },
  { type: 'started', occurredAt: '2024-07-01T07:00:00.000Z', recordedAt: '2024-07-02T10:00:00.000Z' },
  {
    type: 'extended',
    data: { approvedUntil: '2025-12-31' },
    occurredAt: '2025-03-12T10:00:00.000Z',
    decision: decisionFacts('2025/03', '2025-03-12'),
  },
];

/** Re-chains records after a deliberate change, as a forger with write access would. */
export function rehash(records: EventRecord[]): EventRecord[] {
  const out: EventRecord[] = [];
  for (const record of records) {
    const { hash: _hash, ...rest } = record;
    const unhashed = { ...rest, prevHash: out.at(-1)?.hash ?? null };
    out.push({ ...unhashed, hash: hashEvent(unhashed) });
  }
  return out;
}
