import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import {
  BODY_MACHINE_ID,
  EVENT_TYPES,
  offeredEvents,
  berlinDate,
  eventDataSchemas,
  obligationChoices,
  OBLIGATION_EVENT_STATES,
  type ObligationEventType,
  germanDate,
  registrationSchema,
  startOfBerlinDay,
  statePaths,
  type BodyEvent,
  type BodyEventType,
  type BodySnapshot,
  type DecisionFacts,
  type PersistedBody,
  type Registration,
  type StoredEventType,
} from '../../machines';
import type { AppConfig } from '../../config/configuration';
import { registrationInputSchema } from '../bodies/registration-input';
import { Clock } from '../common/clock';
import { APP_CONFIG } from '../common/common.module';
import { ConcurrencyConflict, LifecycleRefusal, NotFoundError, ValidationError } from '../common/errors';
import { businessTimeSchema } from '../common/time-input';
import { parseInput } from '../common/validation';
import { contactInputSchema, type ContactInput } from '../contacts/contact-input';
import { ContactsStore } from '../contacts/contacts.store';
import { Database, type Transaction } from '../database/database';
import { DecisionsService } from '../decisions/decisions.service';
import { hashEvent, type Actor, type EventRecord } from '../event-log/event-hash';
import { EventStore, type BodyHead, type BodyProjection } from '../event-log/event-store';
import { latestMachine, machineVersion, upgrade, type MachineVersion } from '../audit/machine-versions';

/** A command against an existing body: "send this lifecycle event". */
export interface BodyCommand {
  bodyId: string;
  type: string;
  data?: unknown;
  /** Business time; a date or an ISO instant. Default: the cited decision's date, else now. */
  occurredAt?: string;
  /** The number of a recorded decision, e.g. `2024/09-AL`. */
  decision?: string;
  /** The version the caller last saw; a different current version is a conflict. */
  expectedVersion?: number;
}

export interface AppendedEvent {
  event: EventRecord;
  previous: PersistedBody | null;
  next: PersistedBody;
}

/**
 * Work that must happen in the same transaction as an append (durable deadlines, outbox
 * messages). Throwing aborts the command: nothing of it is written.
 */
export type Projector = (tx: Transaction, appended: AppendedEvent) => Promise<void>;

export interface CommandResult {
  bodyId: string;
  version: number;
  state: { value: BodySnapshot['value']; label: string; paths: string[] };
  allowedEvents: BodyEventType[];
  event: EventRecord;
}

const commandSchema = z.strictObject({
  type: z.string().min(1),
  data: z.unknown().optional(),
  occurredAt: businessTimeSchema.optional(),
  decision: z.string().trim().min(1).max(40).optional(),
  expectedVersion: z.number().int().min(1).optional(),
});

/** Events whose data may name contact persons inline (`contacts`), recorded apart from the event. */
const TAKES_CONTACTS: ReadonlySet<BodyEventType> = new Set(['revised', 'leadsChanged']);

const MAX_CACHED_SNAPSHOTS = 10_000;

/** A body as the write path works on it: where its stream stands, its machine version, its snapshot. */
interface LoadedBody extends BodyHead {
  id: string;
  machine: MachineVersion;
  snapshot: BodySnapshot;
}

/**
 * The one write path. Every caller (REST, CLI, web forms, scheduler) changes a body only
 * through here: load → decide → append (hash chain, UNIQUE version) → update the projection →
 * run the projectors, all in one transaction.
 */
@Injectable()
export class LifecycleService {
  private readonly projectors: Projector[] = [];
  /** Restored snapshots by body, valid for exactly the version they were stored with. */
  private readonly snapshots = new Map<string, { version: number; snapshot: BodySnapshot }>();

  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    private readonly contacts: ContactsStore,
    private readonly decisions: DecisionsService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  addProjector(projector: Projector): void {
    this.projectors.push(projector);
  }

  /** Registers a new body as a draft: the `registered` event opens its stream. */
  async register(input: unknown, actor: Actor): Promise<CommandResult> {
    const { contacts, registeredAt, ...form } = parseInput(
      registrationInputSchema.safeExtend({ registeredAt: businessTimeSchema.optional() }),
      input,
    );
    if (!this.config.issuers.some((issuer) => issuer.id === form.parent)) {
      throw ValidationError.at('parent', `Unbekanntes übergeordnetes Gremium „${form.parent}“; bekannt: ${this.issuerIds()}.`);
    }
    const now = this.clock.now().toISOString();
    const occurredAt = registeredAt ?? now;
    this.assertNotInFuture(occurredAt, now);
    const bodyId = randomUUID();

    return this.db.transaction(async (tx) => {
      const contactIds = await this.contacts.resolve(tx, contacts, 'contacts', now);
      const data: Registration = parseInput(registrationSchema, { ...form, contactIds: [...form.contactIds, ...contactIds] });
      const machine = latestMachine();
      const snapshot = machine.begin({ occurredAt, data });
      const event = this.seal(machine, { bodyId, version: 1, type: 'registered', data, actor, occurredAt, recordedAt: now, decision: null, prevHash: null });
      await this.store.insertBody(tx, event, projectionOf(snapshot, machine));
      await this.store.append(tx, event);
      const next = machine.persist(snapshot);
      for (const project of this.projectors) await project(tx, { event, previous: null, next });
      this.remember(bodyId, 1, snapshot);
      return result(event, snapshot, machine);
    });
  }

  /** Sends a lifecycle event to a body. Refused commands throw and write nothing. */
  async execute(command: BodyCommand, actor: Actor): Promise<CommandResult> {
    const { bodyId, ...envelope } = command;
    const c = parseInput(commandSchema, envelope);
    const type = this.eventType(c.type);
    const { contacts, data } = await this.parseEventData(bodyId, type, c.data);
    const now = this.clock.now().toISOString();
    if (c.occurredAt) this.assertNotInFuture(c.occurredAt, now);

    try {
      return await this.db.transaction(async (tx) => {
        const current = await this.load(tx, bodyId);
        if (c.expectedVersion !== undefined && c.expectedVersion !== current.version) {
          throw new ConcurrencyConflict({ expectedVersion: c.expectedVersion, currentVersion: current.version });
        }
        await this.checkSuccessor(tx, bodyId, type, data);
        const decision = c.decision ? await this.decisions.resolve(tx, c.decision, { bodyId, type, data }) : undefined;
        const occurredAt = c.occurredAt ?? defaultOccurredAt(decision, current.lastOccurredAt, now);
        if (occurredAt < current.lastOccurredAt) {
          throw new LifecycleRefusal(
            `Das Ereignisdatum ${germanDate(berlinDate(occurredAt))} liegt vor dem letzten Ereignis des Gremiums (${germanDate(berlinDate(current.lastOccurredAt))}); die Geschichte wird nur fortgeschrieben.`,
          );
        }
        const withContacts = contacts ? await this.addContacts(tx, data, contacts, now) : data;

        const { machine } = current;
        const event = { type, data: withContacts, occurredAt, decision } as BodyEvent;
        const verdict = machine.decide(current.snapshot, event);
        if (!verdict.allowed) {
          throw new LifecycleRefusal(verdict.reason, {
            state: machine.stateLabel(current.snapshot),
            violations: verdict.violations,
            allowedEvents: verdict.allowedEvents,
          });
        }
        const snapshot = machine.evolve(current.snapshot, event);
        return this.append(tx, current, snapshot, machine, {
          type,
          data: withContacts,
          actor,
          occurredAt,
          recordedAt: now,
          decision: decision ?? null,
        });
      });
    } catch (error) {
      // A failed transaction may have left a snapshot newer than the database in the cache.
      this.snapshots.delete(bodyId);
      throw error;
    }
  }

  /**
   * Moves a body to the newest version of the statechart: an audited `machineUpgraded` event,
   * recorded under the new version, carries its snapshot over; the projectors derive its
   * deadlines anew. Later events are decided by the new version.
   */
  async upgradeMachine(command: { bodyId: string; expectedVersion?: number }, actor: Actor): Promise<CommandResult> {
    const { bodyId, ...envelope } = command;
    const { expectedVersion } = parseInput(z.strictObject({ expectedVersion: z.number().int().min(1).optional() }), envelope);
    const now = this.clock.now().toISOString();
    try {
      return await this.db.transaction(async (tx) => {
        const current = await this.load(tx, bodyId);
        if (expectedVersion !== undefined && expectedVersion !== current.version) {
          throw new ConcurrencyConflict({ expectedVersion, currentVersion: current.version });
        }
        const target = latestMachine(current.machine.id);
        if (target.version === current.machine.version) {
          throw new LifecycleRefusal(`Das Gremium folgt bereits der neuesten Version ${target.version} des Lebenslaufs.`);
        }
        if (current.snapshot.status !== 'active') {
          throw new LifecycleRefusal('Der Lebenslauf des Gremiums ist beendet; er bleibt in der Version, in der er endete.');
        }
        const snapshot = upgrade(current.snapshot, current.machine, target);
        return this.append(tx, current, snapshot, target, {
          type: 'machineUpgraded',
          data: { fromVersion: current.machine.version, toVersion: target.version },
          actor,
          occurredAt: now > current.lastOccurredAt ? now : current.lastOccurredAt,
          recordedAt: now,
          decision: null,
        });
      });
    } catch (error) {
      this.snapshots.delete(bodyId);
      throw error;
    }
  }

  /** Seals the next event of the body's chain, stores it with the new projection, runs the projectors. */
  private async append(
    tx: Transaction,
    current: LoadedBody,
    snapshot: BodySnapshot,
    machine: MachineVersion,
    fields: Pick<EventRecord, 'type' | 'data' | 'actor' | 'occurredAt' | 'recordedAt' | 'decision'>,
  ): Promise<CommandResult> {
    const record = this.seal(machine, { ...fields, bodyId: current.id, version: current.version + 1, prevHash: current.lastHash });
    await this.store.append(tx, record);
    await this.store.updateBody(tx, record, projectionOf(snapshot, machine));
    const appended = { event: record, previous: current.machine.persist(current.snapshot), next: machine.persist(snapshot) };
    for (const project of this.projectors) await project(tx, appended);
    this.remember(current.id, record.version, snapshot);
    return result(record, snapshot, machine);
  }

  private async load(tx: Transaction, bodyId: string): Promise<LoadedBody> {
    const head = await this.store.loadVersion(tx, bodyId);
    if (!head) throw new NotFoundError(`Gremium ${bodyId} ist nicht registriert.`);
    const machine = machineVersion(BODY_MACHINE_ID, head.machineVersion);
    if (!machine) throw new Error(`Gremium ${bodyId} follows ${BODY_MACHINE_ID}@${head.machineVersion}, which this build does not know`);
    const cached = this.snapshots.get(bodyId);
    if (cached && cached.version === head.version) return { id: bodyId, ...head, machine, snapshot: cached.snapshot };
    const row = await this.store.loadBody(tx, bodyId);
    if (!row) throw new NotFoundError(`Gremium ${bodyId} ist nicht registriert.`);
    return { ...row, machine, snapshot: machine.restore(row.persisted) };
  }

  private remember(bodyId: string, version: number, snapshot: BodySnapshot): void {
    this.snapshots.delete(bodyId);
    if (this.snapshots.size >= MAX_CACHED_SNAPSHOTS) this.snapshots.delete(this.snapshots.keys().next().value!);
    const entry = { version, snapshot };
    this.snapshots.set(bodyId, entry);
    // A larger unit of work (an import, an idempotent request) may still roll this version back.
    this.db.onRollback(() => {
      if (this.snapshots.get(bodyId) === entry) this.snapshots.delete(bodyId);
    });
  }

  private eventType(raw: string): BodyEventType {
    if ((EVENT_TYPES as readonly string[]).includes(raw)) return raw as BodyEventType;
    const hint = raw === 'registered' ? ' Gremien werden mit POST /api/bodies registriert.' : '';
    throw ValidationError.at('type', `Unbekannter Ereignistyp „${raw}“.${hint} Bekannt: ${EVENT_TYPES.join(', ')}.`);
  }

  /**
   * The event's data, parsed. A report event without an obligation id is told which of the
   * body's obligations it could name (read from the body, nothing written).
   */
  private async parseEventData(bodyId: string, type: BodyEventType, raw: unknown): Promise<{ data: unknown; contacts?: ContactInput[] }> {
    try {
      return this.parseData(type, raw);
    } catch (error) {
      const missing = error instanceof ValidationError && error.details.find((issue) => issue.path === 'data.obligationId');
      if (!missing || !(type in OBLIGATION_EVENT_STATES)) throw error;
      const body = await this.db.transaction((tx) => this.load(tx, bodyId));
      const choices = obligationChoices(body.snapshot.context, type as ObligationEventType);
      const absent = (raw as { obligationId?: unknown } | null | undefined)?.obligationId === undefined;
      const message = absent ? `Es fehlt die Berichtspflicht (obligationId). ${choices}` : `${missing.message} ${choices}`;
      throw new ValidationError(error.details.map((issue) => (issue === missing ? { ...issue, message } : issue)));
    }
  }

  private parseData(type: BodyEventType, raw: unknown): { data: unknown; contacts?: ContactInput[] } {
    const input = raw ?? {};
    if (TAKES_CONTACTS.has(type) && typeof input === 'object' && input !== null && 'contacts' in input) {
      const { contacts, ...rest } = input as { contacts: unknown };
      return {
        contacts: parseInput(z.array(contactInputSchema), contacts, 'data.contacts'),
        data: parseInput(eventDataSchemas[type], rest, 'data'),
      };
    }
    return { data: parseInput(eventDataSchemas[type], input, 'data') };
  }

  /** Records inline contact persons and adds their ids to the event's `contactIds`. */
  private async addContacts(tx: Transaction, data: unknown, contacts: ContactInput[], now: string): Promise<unknown> {
    const ids = await this.contacts.resolve(tx, contacts, 'data.contacts', now);
    const known = (data as { contactIds?: string[] }).contactIds ?? [];
    return { ...(data as object), contactIds: [...known, ...ids] };
  }

  /** A named successor body must exist and be another body. */
  private async checkSuccessor(tx: Transaction, bodyId: string, type: BodyEventType, data: unknown): Promise<void> {
    if (type !== 'closed' && type !== 'transferred') return;
    const successorId = (data as { successor?: { bodyId?: string } }).successor?.bodyId;
    if (successorId === undefined) return;
    if (successorId === bodyId) throw ValidationError.at('data.successor.bodyId', 'Ein Gremium kann nicht sein eigener Nachfolger sein.');
    const [row] = await tx.query('SELECT id FROM bodies WHERE id = ?', [successorId]);
    if (!row) throw ValidationError.at('data.successor.bodyId', `Nachfolgegremium ${successorId} ist nicht registriert.`);
  }

  private assertNotInFuture(occurredAt: string, now: string): void {
    if (occurredAt > now) throw ValidationError.at('occurredAt', 'Das Ereignisdatum liegt in der Zukunft.');
  }

  private issuerIds(): string {
    return this.config.issuers.map((i) => i.id).join(', ');
  }

  private seal(machine: MachineVersion, fields: Omit<EventRecord, 'id' | 'hash' | 'machine'> & { type: StoredEventType }): EventRecord {
    const unsealed = { id: randomUUID(), ...fields, machine: { id: machine.id, version: machine.version } };
    return { ...unsealed, hash: hashEvent(unsealed) };
  }
}

/**
 * Without an explicit time, an event citing a decision happened on the decision's day — unless
 * that is before the body's last event (a decision recorded late), or today: then it is now.
 */
function defaultOccurredAt(decision: DecisionFacts | undefined, lastOccurredAt: string, now: string): string {
  if (!decision || berlinDate(now) === decision.date) return now;
  const decisionDay = startOfBerlinDay(decision.date);
  return decisionDay >= lastOccurredAt ? decisionDay : now;
}

/** The projection row of a snapshot (also for tests that store a recorded stream as it was). */
export function projectionOf(snapshot: BodySnapshot, machine: MachineVersion): BodyProjection {
  const { profile } = snapshot.context;
  const paths = statePaths(snapshot.value);
  return {
    title: profile.title,
    status: paths[0],
    statePaths: paths,
    persisted: machine.persist(snapshot),
    searchText: [profile.title, profile.shortName, profile.kind, profile.parent, profile.focusTopic, ...profile.leads]
      .filter(Boolean)
      .join(' ')
      .toLowerCase(),
    machineVersion: machine.version,
  };
}

function result(event: EventRecord, snapshot: BodySnapshot, machine: MachineVersion): CommandResult {
  return {
    bodyId: event.bodyId,
    version: event.version,
    state: { value: snapshot.value, label: machine.stateLabel(snapshot), paths: statePaths(snapshot.value) },
    allowedEvents: offeredEvents(snapshot),
    event,
  };
}
