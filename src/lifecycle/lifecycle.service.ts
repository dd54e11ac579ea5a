import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import {
  BODY_MACHINE_ID,
  EVENT_LABELS,
  EVENT_TYPES,
  offeredEvents,
  berlinDate,
  eventDataSchemas,
  obligationChoices,
  seriesChoices,
  OBLIGATION_EVENT_STATES,
  type ObligationEventType,
  germanDate,
  germanDateTime,
  registrationSchema,
  startOfBerlinDay,
  statePaths,
  type BodyEvent,
  type BodyEventType,
  type BodySnapshot,
  type Deadline,
  type DecisionFacts,
  type DueDates,
  type PersistedBody,
  type Registration,
  type ReportObligation,
  type Session,
  type StoredEventType,
} from '../../machines';
import type { AppConfig } from '../../config/configuration';
import { receivedBeforePeriod } from './period-opened';
import { registrationCommandSchema } from './registration-input';
import {
  closureSetsFrist,
  fristBeforeDay,
  fristenSetBy,
  readsCalendar,
  refusalOnDueDates,
  registeredSuccessor,
  rescheduleSetsFrist,
  successorEndedBy,
  successorNameOmitted,
  successorNameProblem,
  withSuccessorName,
  type RegisteredSuccessor,
} from '../event-log/command-checks';
import { checkCommandData, repeatedRequest, unchangedProfile } from '../event-log/command-data';
import { Clock } from '../common/clock';
import { timeOrderedId } from '../common/time-ordered-id';
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
import { carriedOver, carriesOver, latestMachine, machineVersion, upgrade, type MachineVersion } from '../audit/machine-versions';
import { searchTextOf } from '../event-log/named-ids';

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
  /** The business time of the event before (`previous`'s), null for a registration. */
  previousOccurredAt: string | null;
  next: PersistedBody;
}

/**
 * Work that must happen in the same transaction as an append (durable deadlines, outbox
 * messages). Throwing aborts the command: nothing of it is written.
 */
export type Projector = (tx: Transaction, appended: AppendedEvent) => Promise<void>;

/** The actor of every system event: the due timers the scheduler or a write fires. */
export const SCHEDULER_ACTOR: Actor = { id: 'system:scheduler', role: 'scheduler' };

/** A durable timer of a body whose system event has fallen due. */
export interface DueTimer {
  key: string;
  type: BodyEventType;
  data: unknown;
  /** The instant it fell due: the event's `occurredAt`. */
  dueAt: string;
}

/**
 * Where the write path finds a body's due timers. The deadlines module keeps them and registers
 * itself here (it stands on the write path, so the write path cannot import it).
 */
export interface DueTimers {
  /** The body's first `limit` pending system-event timers due before `until` (or at it, if `inclusive`), earliest first. */
  due(tx: Transaction, bodyId: string, until: string, inclusive: boolean, limit: number): Promise<DueTimer[]>;
  /** Notes that the machine refused the timer's event; the next derivation gives it another chance. */
  refuse(tx: Transaction, key: string, reason: string): void;
  /** When the pending timer of this system event falls due (a report's: of that obligation), or null when none is pending. */
  dueAtOf(tx: Transaction, bodyId: string, type: TimedEventType, obligationId?: string): Promise<string | null>;
  /** The sessions calendar, as the Fristen are resolved against it. */
  sessions(tx: Transaction): Promise<Session[]>;
  /** The effective day of each report's Frist (after the calendar rules) by obligation id, as the Fristen have it. */
  reportDueDates(tx: Transaction, obligations: readonly ReportObligation[]): Promise<DueDates>;
}

/**
 * An event dated before the body's last one: the history is only carried forward. On the same
 * day the times tell them apart (a day means its midnight), and how to date the event after it.
 */
function beforeLastEvent(occurredAt: string, lastOccurredAt: string): LifecycleRefusal {
  const sameDay = berlinDate(occurredAt) === berlinDate(lastOccurredAt);
  const when = (instant: string) => (sameDay ? `${germanDateTime(instant)} Uhr` : germanDate(berlinDate(instant)));
  return new LifecycleRefusal(
    `Das Ereignisdatum ${when(occurredAt)} liegt vor dem letzten Ereignis des Gremiums (${when(lastOccurredAt)}); die Geschichte wird nur fortgeschrieben.` +
      (sameDay ? ' Ohne Datum gilt jetzt; sonst einen Zeitpunkt danach angeben.' : ''),
    { lastOccurredAt, path: 'occurredAt' },
  );
}

/** Nothing passes into a structure that was dissolved or closed by the day of the event (refused at the successor, `path`). */
function assertNotEndedBy(successor: RegisteredSuccessor, occurredAt: string): void {
  const problem = successorEndedBy(successor, berlinDate(occurredAt), 'Ereignisdatum');
  if (problem) throw new LifecycleRefusal(problem, { path: 'data.successor.bodyId' });
}

/**
 * The system events a person may record only once they have fallen due: what they say („die
 * Laufzeit endet bald“, „der Bericht ist fällig“, „… überfällig“) follows from a Frist, and a
 * record of them before it would be untrue. (`termExpired` the chart itself holds to the term's
 * end; `started` is the secretariat's to record when the work begins.)
 */
const TIMED_EVENT_TYPES = ['termExpiring', 'reportDue', 'reportOverdue'] as const;
export type TimedEventType = (typeof TIMED_EVENT_TYPES)[number];
const isTimed = (type: BodyEventType): type is TimedEventType => (TIMED_EVENT_TYPES as readonly string[]).includes(type);

/** What the write path did with one due timer. */
export interface FiredTimer {
  key: string;
  bodyId: string;
  type: BodyEventType;
  dueAt: string;
  outcome: 'appended' | 'refused';
  detail?: string;
}

/**
 * Where system events fell due before a refused command's day, they made the state its refusal
 * names; they are not recorded with the refusal (the sweep records them), so the stored body
 * still shows the state before them: ` Diesen Zustand ergeben die bis zum Ereignisdatum fälligen
 * Ereignisse „Tätigkeit begonnen“ (01.01.2025), …`. Nothing where none fell due.
 */
function stateFromDueEvents(fired: readonly FiredTimer[]): string {
  const appended = fired.filter((f) => f.outcome === 'appended');
  if (appended.length === 0) return '';
  const named = appended.slice(0, 3).map((f) => `„${EVENT_LABELS[f.type]}“ (${germanDate(berlinDate(f.dueAt))})`);
  const more = appended.length > 3 ? ` und ${appended.length - 3} weitere` : '';
  return ` Diesen Zustand ergeben die bis zum Ereignisdatum fälligen Ereignisse ${named.join(', ')}${more}; der Fristenlauf trägt sie ein.`;
}

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
export const TAKES_CONTACTS: ReadonlySet<BodyEventType> = new Set(['revised', 'leadsChanged']);

/** Where an event's `contactIds` is the body's whole new list (a revision), not the contacts it adds. */
const REPLACES_CONTACTS: ReadonlySet<BodyEventType> = new Set(['revised']);

const MAX_CACHED_SNAPSHOTS = 10_000;

/** How many due timers a catch-up fires per transaction (see `catchUp`). */
const CATCH_UP_CHUNK = 100;

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
  private timers: DueTimers | null = null;
  /** See `whenLeftDue`. */
  private readonly leftDueListeners: Array<() => void> = [];
  /** The role table (see `useRoleTable`). */
  private mayAppend: (role: string, type: string) => boolean = () => true;
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

  /**
   * Registers the role table (the auth module's): which event types a role may send. A refusal
   * offers the caller only those, and a lead's own `occurredAt` is refused only for an event it
   * may send (any other is the role check's to refuse). Until then every role may send anything.
   */
  useRoleTable(mayAppend: (role: string, type: string) => boolean): void {
    this.mayAppend = mayAppend;
  }

  /** Registers where the body's durable timers are kept (the deadlines module). */
  useTimers(timers: DueTimers): void {
    this.timers = timers;
  }

  /**
   * Registers who hears of a command that left system events due: one dated in the past fires
   * only those due before its own date, so those due between it and now wait for the next sweep.
   * `listener` is told once the command has committed (the scheduler, running by itself, sweeps
   * at once).
   */
  whenLeftDue(listener: () => void): void {
    this.leftDueListeners.push(listener);
  }

  /**
   * Fires the body's system events due by `until`, each dated at its due instant (the background
   * sweep, for bodies nobody writes to). Returns what it did.
   *
   * At most CATCH_UP_CHUNK timers are fired per transaction: a body that lay idle with hundreds
   * of obligations fires thousands of events, and in one transaction it would hold every other
   * write (on SQLite, all of them) until the last. Each chunk stands on its own: the events are
   * facts of their time, whatever comes after them.
   * `rests` is asked once the body is this unit's (on PostgreSQL after its row lock): when it says
   * the body's monitoring rests (a Nacherfassung), nothing is fired.
   */
  async catchUp(bodyId: string, until: string, rests?: (tx: Transaction) => Promise<boolean>): Promise<FiredTimer[]> {
    const fired: FiredTimer[] = [];
    for (;;) {
      const chunk = await this.unitOfWork(bodyId, undefined, async (tx) => {
        const tried: FiredTimer[] = [];
        const body = await this.load(tx, bodyId);
        if (rests && (await rests(tx))) return tried;
        await this.fireDue(tx, body, { until, inclusive: true }, this.clock.now().toISOString(), tried, CATCH_UP_CHUNK);
        return tried;
      });
      fired.push(...chunk);
      if (chunk.length < CATCH_UP_CHUNK) return fired;
    }
  }

  /** Registers a new body as a draft: the `registered` event opens its stream. */
  async register(input: unknown, actor: Actor): Promise<CommandResult> {
    const { contacts, registeredAt, ...form } = parseInput(registrationCommandSchema, input);
    if (!this.config.issuers.some((issuer) => issuer.id === form.parent)) {
      throw ValidationError.at('parent', `Unbekanntes übergeordnetes Gremium „${form.parent}“; bekannt: ${this.issuerIds()}.`);
    }
    const now = this.clock.now().toISOString();
    const occurredAt = registeredAt ?? now;
    this.assertNotInFuture(occurredAt, now, 'registeredAt');
    const bodyId = randomUUID();

    return this.db.transaction(async (tx) => {
      for (const [i, predecessor] of (form.predecessors ?? []).entries()) {
        if (predecessor.bodyId !== undefined) await this.assertBodyExists(tx, predecessor.bodyId, `predecessors[${i}].bodyId`, 'Vorgängergremium');
      }
      // A contact person already recorded (by e-mail address, or by a name no one else bears) is reused, not recorded twice.
      const reason = `Ergänzt bei der Registrierung des Gremiums „${form.title}“`;
      const contactIds = await this.contacts.resolve(tx, contacts, 'contacts', now, { actor, reason }, form.contactIds);
      const data: Registration = parseInput(registrationSchema, { ...form, contactIds: [...form.contactIds, ...contactIds] });
      const machine = latestMachine();
      const snapshot = machine.begin({ occurredAt, data });
      const event = this.seal(machine, { bodyId, version: 1, type: 'registered', data, actor, occurredAt, recordedAt: now, decision: null, prevHash: null });
      this.store.insertBody(tx, event, projectionOf(snapshot, machine));
      this.store.append(tx, event);
      const next = machine.persist(snapshot);
      for (const project of this.projectors) await project(tx, { event, previous: null, previousOccurredAt: null, next });
      this.remember(bodyId, 1, snapshot);
      return result(event, snapshot, machine);
    });
  }

  /** Sends a lifecycle event to a body. Refused commands throw and write nothing. */
  async execute(command: BodyCommand, actor: Actor): Promise<CommandResult> {
    const { bodyId, ...envelope } = command;
    const c = parseInput(commandSchema, envelope);
    const type = this.eventType(c.type);
    // A successor named by its registered body alone takes the body's title (in the transaction, below).
    const successorUnnamed = successorNameOmitted(type, c.data);
    const { contacts, data: parsed } = await this.parseEventData(bodyId, type, successorUnnamed ? withSuccessorName(c.data, SUCCESSOR_STAND_IN) : c.data);
    checkCommandData(type, c.data);
    const arrived = this.clock.now().toISOString();
    if (c.occurredAt && actor.role === 'lead' && this.mayAppend(actor.role, type)) {
      // What a lead sends happens when it arrives: a date before that is a fact only the Geschäftsstelle records.
      throw ValidationError.at('occurredAt', 'Als Federführung senden Sie ohne Datum: das Ereignis gilt, wenn es eingeht. Ein früheres Datum (etwa eines per E-Mail eingereichten Berichts) trägt die Geschäftsstelle ein.');
    }
    if ((parsed as { receivedOn?: string }).receivedOn !== undefined && actor.role === 'lead' && this.mayAppend(actor.role, type)) {
      // The same for the day a lead's report or request came in: it comes in now.
      throw ValidationError.at(
        'data.receivedOn',
        'Als Federführung senden Sie ohne Eingangsdatum: was Sie senden, geht ein, wenn Sie es senden. Einen früher eingegangenen Bericht oder Antrag trägt die Geschäftsstelle ein.',
      );
    }
    if (c.occurredAt) this.assertNotInFuture(c.occurredAt, arrived);

    let leftDue = false;
    const answer = await this.unitOfWork(bodyId, c.expectedVersion, async (tx) => {
      // Read once the body is this unit's (on PostgreSQL after its row lock): a command that waited
      // for another writer of the body is recorded after it, not at the instant it arrived.
      const now = this.clock.now().toISOString();
      const stored = await this.load(tx, bodyId);
      // The caller saw the stored stream; system events that fell due since are not its race.
      if (c.expectedVersion !== undefined && c.expectedVersion !== stored.version) {
        throw new ConcurrencyConflict({ expectedVersion: c.expectedVersion, currentVersion: stored.version });
      }
      const successor = await this.successorOf(tx, bodyId, type, parsed);
      const data = successor ? namedSuccessor(parsed, successor, successorUnnamed) : parsed;
      const decision = c.decision ? await this.decisions.resolve(tx, c.decision, { bodyId, type, data }) : undefined;
      const occurredAt = c.occurredAt ?? defaultOccurredAt(decision, stored.lastOccurredAt, now);
      if (successor) assertNotEndedBy(successor, occurredAt);
      if (occurredAt < stored.lastOccurredAt) throw beforeLastEvent(occurredAt, stored.lastOccurredAt);
      const fellDue: FiredTimer[] = [];
      const current = await this.fireDue(tx, stored, { until: occurredAt, inclusive: false }, now, fellDue);
      const withContacts = contacts ? await this.addContacts(tx, { bodyId, type, actor }, data, contacts, now, current.snapshot.context) : data;

      const { machine } = current;
      const event = { type, data: withContacts, occurredAt, decision } as BodyEvent;
      const verdict = machine.decide(current.snapshot, event);
      if (!verdict.allowed) {
        // The chart names a report's Frist as set; the refusal names the day it falls on, as the Fristen do.
        const { timers } = this;
        const refused = timers ? await refusalOnDueDates(verdict, type, current.snapshot.context, machine.version, () => timers.reportDueDates(tx, current.snapshot.context.obligations)) : verdict;
        // Refused for the state alone (no rule broken): the due events that made it are named.
        const reason = refused.violations.length === 0 ? `${refused.reason}${stateFromDueEvents(fellDue)}` : refused.reason;
        throw new LifecycleRefusal(reason, {
          state: machine.stateLabel(current.snapshot),
          violations: refused.violations,
          allowedEvents: verdict.allowedEvents.filter((t) => this.mayAppend(actor.role, t)),
        });
      }
      if (isTimed(type) && actor.role !== SCHEDULER_ACTOR.role) await this.assertFallenDue(tx, bodyId, type, withContacts, occurredAt);
      const snapshot = machine.evolve(current.snapshot, event);
      // What the chart allows but a new command may not do: change nothing, or owe a report overdue at once (said at its Frist, `path`).
      const unchanged = unchangedProfile(type, withContacts, current.snapshot.context.profile, snapshot.context.profile) ?? repeatedRequest(type, current.snapshot.context, snapshot.context);
      const refusal: { message: string; path?: string } | null = unchanged
        ? { message: unchanged }
        : ((await this.receivedBeforeItsPeriod(tx, bodyId, type, withContacts, current.snapshot)) ?? (await this.overdueAtOnce(tx, type, withContacts, occurredAt, current.snapshot, snapshot)));
      if (refusal) {
        throw new LifecycleRefusal(refusal.message, {
          state: machine.stateLabel(current.snapshot),
          violations: [refusal.message],
          allowedEvents: offeredEvents(current.snapshot).filter((t) => this.mayAppend(actor.role, t)),
          ...(refusal.path ? { path: refusal.path } : {}),
        });
      }
      const appended = await this.append(tx, current, snapshot, machine, {
        type,
        data: withContacts,
        actor,
        occurredAt,
        recordedAt: now,
        decision: decision ?? null,
      });
      // Dated in the past: did it leave a system event due by now (one more indexed read, only then and only for a listener)?
      leftDue = this.leftDueListeners.length > 0 && occurredAt < now && this.timers !== null && (await this.timers.due(tx, bodyId, now, true, 1)).length > 0;
      return appended;
    });
    if (leftDue) for (const listener of this.leftDueListeners) listener();
    return answer;
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
    return this.unitOfWork(bodyId, expectedVersion, async (tx) => {
      const stored = await this.load(tx, bodyId);
      if (expectedVersion !== undefined && expectedVersion !== stored.version) {
        throw new ConcurrencyConflict({ expectedVersion, currentVersion: stored.version });
      }
      const current = await this.fireDue(tx, stored, { until: now > stored.lastOccurredAt ? now : stored.lastOccurredAt, inclusive: false }, now);
      const target = latestMachine(current.machine.id);
      if (target.version === current.machine.version) {
        throw new LifecycleRefusal(`Das Gremium folgt bereits der neuesten Version ${target.version} des Lebenslaufs.`);
      }
      if (current.snapshot.status !== 'active') {
        throw new LifecycleRefusal('Der Lebenslauf des Gremiums ist beendet; er bleibt in der Version, in der er endete.');
      }
      // A body closing under a version before 3 carries the closure's Frist over, one moving into 5 its reports' titles (read from its stream, only then).
      const carried = carriesOver(current.snapshot, current.machine, target)
        ? carriedOver(current.snapshot, current.machine, target, await this.store.readStream(bodyId, tx))
        : {};
      const snapshot = upgrade(current.snapshot, current.machine, target, carried);
      return this.append(tx, current, snapshot, target, {
        type: 'machineUpgraded',
        data: { fromVersion: current.machine.version, toVersion: target.version, ...carried },
        actor,
        occurredAt: now > current.lastOccurredAt ? now : current.lastOccurredAt,
        recordedAt: now,
        decision: null,
      });
    });
  }

  /**
   * Runs a command on a body in one transaction. A command that names no `expectedVersion` and
   * loses a race with another writer (PostgreSQL; the body's row lock makes that rare) runs
   * again from the new state (`Database.transactionRetried`, as after a deadlock); with
   * `expectedVersion` a lost race is the caller's 409.
   */
  private unitOfWork<T>(bodyId: string, expectedVersion: number | undefined, work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.transactionRetried(work, (error) => {
      // A failed transaction may have left a snapshot newer than the database in the cache.
      this.snapshots.delete(bodyId);
      return error instanceof ConcurrencyConflict && expectedVersion === undefined;
    });
  }

  /**
   * Time is part of the fact: before anything is decided on a body, the system events that fell
   * due before the command's time are appended, each dated at its due instant and in due order,
   * through the same decide → evolve → append (so the projectors derive the timers anew after
   * each). One due at the very instant of the command yields to it: "started on 17.06." by
   * hand is the same fact as the timer of that day. A timer is tried once per call: one the
   * machine refuses is marked and skipped. Stops once `fired` holds `limit` entries.
   */
  private async fireDue(
    tx: Transaction,
    body: LoadedBody,
    due: { until: string; inclusive: boolean },
    now: string,
    fired: FiredTimer[] = [],
    limit = Infinity,
  ): Promise<LoadedBody> {
    if (!this.timers) return body;
    const tried = new Set<string>();
    // Each round reads only the earliest due timer: a body that lay idle with hundreds of
    // obligations fires thousands, and reading all that are due each round made that quadratic.
    // A timer tried before that is still pending is looked past by reading one more each time.
    let stillPending = 0;
    let current = body;
    while (fired.length < limit) {
      const earliest = await this.timers.due(tx, current.id, due.until, due.inclusive, stillPending + 1);
      const timer = earliest.find((t) => !tried.has(t.key));
      if (!timer) {
        if (earliest.length <= stillPending) return current;
        stillPending = earliest.length;
        continue;
      }
      tried.add(timer.key);
      const entry = { key: timer.key, bodyId: current.id, type: timer.type, dueAt: timer.dueAt };
      const event = { type: timer.type, data: this.parseData(timer.type, timer.data).data, occurredAt: timer.dueAt } as BodyEvent;
      const verdict = current.machine.decide(current.snapshot, event);
      if (!verdict.allowed) {
        this.timers.refuse(tx, timer.key, verdict.reason);
        fired.push({ ...entry, outcome: 'refused', detail: verdict.reason });
        continue;
      }
      const snapshot = current.machine.evolve(current.snapshot, event);
      const { event: record } = await this.append(tx, current, snapshot, current.machine, {
        type: timer.type,
        data: event.data,
        actor: SCHEDULER_ACTOR,
        occurredAt: timer.dueAt,
        recordedAt: now,
        decision: null,
      });
      current = { ...current, version: record.version, lastHash: record.hash, lastOccurredAt: record.occurredAt, snapshot };
      fired.push({ ...entry, outcome: 'appended' });
    }
    return current;
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
    this.store.append(tx, record);
    const previous = current.machine.persist(current.snapshot);
    this.store.updateBody(tx, record, projectionOf(snapshot, machine), previous);
    const appended = {
      event: record,
      previous,
      previousOccurredAt: current.lastOccurredAt,
      next: machine.persist(snapshot),
    };
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
    this.snapshots.set(bodyId, { version, snapshot });
    // A larger unit of work (an import, an idempotent request) may still roll this version back.
    // The undo holds the version, not the snapshot: a catch-up of thousands of events in one unit
    // would otherwise keep every intermediate snapshot (and what was derived from it) alive until
    // the commit. At worst it drops a later unit's entry of the same version: a cache miss.
    this.db.onRollback(() => {
      if (this.snapshots.get(bodyId)?.version === version) this.snapshots.delete(bodyId);
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
      const endsSeries = type === 'reportSeriesEnded';
      if (!missing || !(type in OBLIGATION_EVENT_STATES || endsSeries)) throw error;
      const body = await this.db.transaction((tx) => this.load(tx, bodyId));
      const { context } = body.snapshot;
      const choices = endsSeries ? seriesChoices(context) : obligationChoices(context, type as ObligationEventType);
      const absent = (raw as { obligationId?: unknown } | null | undefined)?.obligationId === undefined;
      const message = absent ? `Es fehlt die Berichtspflicht (obligationId). ${choices}` : `${missing.message} ${choices}`;
      throw new ValidationError(error.details.map((issue) => (issue === missing ? { ...issue, message } : issue)));
    }
  }

  private parseData(type: BodyEventType, raw: unknown): { data: unknown; contacts?: ContactInput[] } {
    const input = raw ?? {};
    if (TAKES_CONTACTS.has(type) && typeof input === 'object' && input !== null && 'contacts' in input) {
      const { contacts: raw, ...rest } = input as { contacts: unknown; contactIds?: unknown };
      const contacts = parseInput(z.array(contactInputSchema), raw, 'data.contacts');
      return { contacts, data: this.parseWithContacts(type, rest, contacts.length) };
    }
    return { data: parseInput(eventDataSchemas[type], input, 'data') };
  }

  /**
   * The data beside inline contacts, checked as it will be once their ids are known: a new
   * contact person alone is a change (without them in the check, "no change given" refused it).
   * Stand-in ids take their place for the check and are left out of the data.
   */
  private parseWithContacts(type: BodyEventType, rest: { contactIds?: unknown }, inline: number): unknown {
    if (inline === 0 || (rest.contactIds !== undefined && !Array.isArray(rest.contactIds))) return parseInput(eventDataSchemas[type], rest, 'data');
    const standIns = new Set<string>(Array.from({ length: inline }, () => randomUUID()));
    const given = (rest.contactIds as unknown[] | undefined) ?? [];
    const parsed = parseInput(eventDataSchemas[type], { ...rest, contactIds: [...given, ...standIns] }, 'data') as { contactIds: string[] };
    const { contactIds, ...data } = parsed;
    return rest.contactIds === undefined && REPLACES_CONTACTS.has(type) ? data : { ...data, contactIds: contactIds.filter((id) => !standIns.has(id)) };
  }

  /**
   * Records inline contact persons and adds their ids to the event's `contactIds`. A revision's
   * `contactIds` is the whole new list: without one, the new contacts join the body's own.
   */
  private async addContacts(
    tx: Transaction,
    { bodyId, type, actor }: { bodyId: string; type: BodyEventType; actor: Actor },
    data: unknown,
    contacts: ContactInput[],
    now: string,
    current: BodySnapshot['context'],
  ): Promise<unknown> {
    const given = (data as { contactIds?: string[] }).contactIds;
    const known = given ?? (REPLACES_CONTACTS.has(type) ? current.profile.contactIds : []);
    const reason = `Ergänzt mit „${EVENT_LABELS[type]}“ für Gremium ${bodyId}`;
    const ids = await this.contacts.resolve(tx, contacts, 'data.contacts', now, { actor, reason }, known);
    return { ...(data as object), contactIds: [...known, ...ids] };
  }

  /** The registered successor a closure or transfer names: another body, registered (else a 400 at its field); null when it names none. */
  private async successorOf(tx: Transaction, bodyId: string, type: BodyEventType, data: unknown): Promise<RegisteredSuccessor | null> {
    if (type !== 'closed' && type !== 'transferred') return null;
    const successorId = (data as { successor?: { bodyId?: string } }).successor?.bodyId;
    if (successorId === undefined) return null;
    const at = 'data.successor.bodyId';
    if (successorId === bodyId) throw ValidationError.at(at, 'Ein Gremium kann nicht sein eigener Nachfolger sein.');
    const successor = await registeredSuccessor(tx, successorId);
    if (!successor) throw ValidationError.at(at, `Nachfolgegremium ${successorId} ist nicht registriert.`);
    return successor;
  }

  private async assertBodyExists(tx: Transaction, id: string, at: string, what: string): Promise<void> {
    const [row] = await tx.query('SELECT id FROM bodies WHERE id = ?', [id]);
    if (!row) throw ValidationError.at(at, `${what} ${id} ist nicht registriert.`);
  }

  /**
   * A system event recorded by hand stands for the scheduler's: it may come on the day its timer
   * falls due (or later, when the scheduler has not run yet), never before, and not where no
   * Frist with a date calls for it.
   */
  private async assertFallenDue(tx: Transaction, bodyId: string, type: TimedEventType, data: unknown, occurredAt: string): Promise<void> {
    if (!this.timers) return;
    const obligationId = type === 'termExpiring' ? undefined : (data as { obligationId: string }).obligationId;
    const dueAt = await this.timers.dueAtOf(tx, bodyId, type, obligationId);
    if (dueAt !== null && dueAt <= occurredAt) return;
    const what = `„${EVENT_LABELS[type]}“${obligationId ? ` für die Berichtspflicht „${obligationId}“` : ''}`;
    throw new LifecycleRefusal(
      dueAt === null
        ? `${what} steht nicht an: keine Frist mit Datum sieht es vor.`
        : `${what} steht erst am ${germanDate(berlinDate(dueAt))} an (Ereignisdatum ${germanDate(berlinDate(occurredAt))}); die Fristenüberwachung erfasst es dann selbst.`,
      { dueAt },
    );
  }

  /**
   * Why a report request, a closure, a reschedule or an approval (each report it plans) would set
   * a Frist that has passed by the event's day (the report would be overdue at once), with the
   * Frist's field; null otherwise. The day is the event's own, also for one recorded later with
   * an earlier date (a Frist passed since was not past then). The Frist is resolved as the Fristen
   * are, with the sessions calendar: a session that took place before the day counts, one the
   * calendar does not know yet does not. A reschedule to a Frist with a date the chart refuses
   * itself; one to a session, which it cannot resolve, is here.
   */
  private async overdueAtOnce(
    tx: Transaction,
    type: BodyEventType,
    data: unknown,
    occurredAt: string,
    before: BodySnapshot,
    after: BodySnapshot,
  ): Promise<{ message: string; path: string } | null> {
    const sets = fristenSetBy(type, data, before.context).filter((set) => {
      if (type === 'closureInitiated') return closureSetsFrist(set.due, before.context.obligations, after.context.obligations);
      if (type === 'reportRescheduled') return rescheduleSetsFrist(before.context, data as { obligationId?: string; due: Deadline });
      return true;
    });
    if (sets.length === 0) return null;
    const sessions = sets.some((set) => readsCalendar(set.due)) && this.timers ? await this.timers.sessions(tx) : [];
    const calendar = { sessions, issuers: this.config.issuers };
    const day = berlinDate(occurredAt);
    for (const set of sets) {
      const message = fristBeforeDay(set, day, 'dem Ereignisdatum', calendar);
      if (message) return { message, path: `data.${set.field}` };
    }
    return null;
  }

  /** A report of a later period of a recurring series said to have come in before that period began (`receivedBeforePeriod`), at its `receivedOn`. */
  private async receivedBeforeItsPeriod(tx: Transaction, bodyId: string, type: BodyEventType, data: unknown, before: BodySnapshot): Promise<{ message: string; path: string } | null> {
    const { obligationId, receivedOn } = data as { obligationId?: string; receivedOn?: string };
    if (type !== 'reportSubmitted' || obligationId === undefined || receivedOn === undefined) return null;
    const message = await receivedBeforePeriod(tx, bodyId, obligationId, receivedOn, before.context.obligations);
    return message ? { message, path: 'data.receivedOn' } : null;
  }

  /** `field`: where the caller gave the time (`registeredAt` for a registration). */
  private assertNotInFuture(occurredAt: string, now: string, field = 'occurredAt'): void {
    if (occurredAt > now) throw ValidationError.at(field, field === 'occurredAt' ? 'Das Ereignisdatum liegt in der Zukunft.' : 'Das Datum der Registrierung liegt in der Zukunft.');
  }

  private issuerIds(): string {
    return this.config.issuers.map((i) => i.id).join(', ');
  }

  private seal(machine: MachineVersion, fields: Omit<EventRecord, 'id' | 'hash' | 'machine'> & { type: StoredEventType }): EventRecord {
    const unsealed = { id: timeOrderedId(), ...fields, machine: { id: machine.id, version: machine.version } };
    return { ...unsealed, hash: hashEvent(unsealed) };
  }
}

/** Stands for a successor's name left out until the registered body's title replaces it (see `namedSuccessor`). */
const SUCCESSOR_STAND_IN = 'Nachfolgegremium';

/**
 * The data with the registered successor's name: its title where the command left the name out
 * (the stored event still carries the name); a name that contradicts the body is refused at its
 * field.
 */
function namedSuccessor(data: unknown, successor: RegisteredSuccessor, unnamed: boolean): unknown {
  if (unnamed) return withSuccessorName(data, successor.title);
  const problem = successorNameProblem((data as { successor: { name: string } }).successor.name, successor);
  if (problem) throw ValidationError.at('data.successor.name', problem);
  return data;
}

/**
 * Without an explicit time, an event citing a decision happened on the decision's day — unless
 * that is before the body's last event (a decision recorded late), or today: then it is now.
 */
function defaultOccurredAt(decision: DecisionFacts | undefined, lastOccurredAt: string, now: string): string {
  // "Now" is never before the body's last event: another instance whose clock runs a little ahead
  // may have written it a moment ago.
  const current = now > lastOccurredAt ? now : lastOccurredAt;
  if (!decision || berlinDate(now) === decision.date) return current;
  const decisionDay = startOfBerlinDay(decision.date);
  return decisionDay >= lastOccurredAt ? decisionDay : current;
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
    searchText: searchTextOf(profile),
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
