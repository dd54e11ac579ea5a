/**
 * Pure helpers around the body statechart: restore a stored snapshot, decide whether an event
 * is allowed, evolve to the next snapshot, replay a whole stream. They run no actor and execute
 * no actions; the caller stores what they return.
 */
import { createActor, getNextTransitions, initialTransition, type AnyActorScope, type AnyStateMachine, type SnapshotFrom, type StateValue } from 'xstate';
import type { BodyContext } from './body.context';
import type { BodyEvent, RegisteredEvent } from './body.events';
import { BODY_MACHINE_VERSION, BODY_MACHINE_VERSIONS, bodyMachine, chartVersion, createBodyMachine, type BodyMachine, type BodyMachineVersion } from './body.machine';
import { possibleOnlyIf, violations, type DueDates } from './body.rules';
import { EVENT_LABELS, STATE_LABELS } from './labels';
import { COMMAND_EVENT_TYPES, EVENT_TYPES, type BodyEventType } from './vocabulary';

export type BodySnapshot = SnapshotFrom<typeof bodyMachine>;

/** What the projection row stores of a snapshot; `restore` turns it back into one. */
export interface PersistedBody {
  value: StateValue;
  context: BodyContext;
}

export type Verdict =
  | { allowed: true }
  | { allowed: false; reason: string; violations: string[]; allowedEvents: BodyEventType[] };

/** The pure functions of one version of the chart. */
export interface BodyLifecycle {
  version: BodyMachineVersion;
  machine: BodyMachine;
  /** The snapshot right after registration: the `registered` event is the machine's input. */
  begin(registered: RegisteredEvent): BodySnapshot;
  /** Whether the event may happen now; if not, why (in German) and what could happen instead. */
  decide(snapshot: BodySnapshot, event: BodyEvent): Verdict;
  /** The snapshot after the event. Call `decide` first: a refused event leaves the snapshot as it was. */
  evolve(snapshot: BodySnapshot, event: BodyEvent): BodySnapshot;
  persist(snapshot: BodySnapshot): PersistedBody;
  restore(persisted: PersistedBody): BodySnapshot;
}

export function lifecycleOf(version: BodyMachineVersion): BodyLifecycle {
  const machine = version === BODY_MACHINE_VERSION ? bodyMachine : createBodyMachine(version);
  const scope = inertScope(machine);
  return {
    version,
    machine,
    begin: (registered) => initialTransition(machine, registered)[0],
    decide(snapshot, event) {
      if (snapshot.can(event)) return { allowed: true };
      const allowed = offeredEvents(snapshot);
      if (!allowedEvents(snapshot).includes(event.type)) {
        const reason =
          snapshot.status === 'done'
            ? `Der Lebenslauf des Gremiums ist beendet (${stateLabel(snapshot)}); es sind keine Ereignisse mehr zulässig.`
            : `„${EVENT_LABELS[event.type]}“ (${event.type}) ist im Zustand „${stateLabel(snapshot)}“ nicht zulässig.`;
        return { allowed: false, reason, violations: [], allowedEvents: allowed };
      }
      const broken = violations(snapshot.context, event, version);
      return { allowed: false, reason: broken.join(' '), violations: broken, allowedEvents: allowed };
    },
    evolve: (snapshot, event) => machine.transition(snapshot, event, scope),
    persist: (snapshot) => ({ value: snapshot.value, context: snapshot.context }),
    restore: (persisted) => machine.resolveState(persisted),
  };
}

/**
 * What xstate's `transition()` builds afresh for every event: the scope of an inert actor (one
 * that runs, spawns and sends nothing). Building it runs the chart's initial transition without
 * a registration, which fails inside xstate and is caught there: about as costly as the
 * transition itself. The chart invokes and spawns no actors and `evolve` executes no actions, so
 * one scope per version serves every event, as `transition()` would give: the same snapshot.
 */
function inertScope(machine: BodyMachine): AnyActorScope {
  const self = createActor(machine as AnyStateMachine);
  const ignore = () => undefined;
  return {
    self,
    system: self.system,
    id: '',
    sessionId: '',
    logger: ignore,
    defer: ignore,
    stopChild: ignore,
    emit: ignore,
    actionExecutor: ignore,
  } as unknown as AnyActorScope;
}

const current = lifecycleOf(BODY_MACHINE_VERSION);

/** The current version's functions (see BodyLifecycle). */
export const { begin, decide, evolve, persist, restore } = current;

/**
 * The event types the current state handles at all. Whether one of them is allowed with
 * particular data is for `decide` to say.
 */
export function allowedEvents(snapshot: BodySnapshot): BodyEventType[] {
  if (snapshot.status !== 'active') return [];
  const handled = new Set(getNextTransitions(snapshot).map((t) => t.eventType));
  return EVENT_TYPES.filter((type) => handled.has(type));
}

const COMMANDS: ReadonlySet<string> = new Set(COMMAND_EVENT_TYPES);

/**
 * The events a person may be offered now: those the state handles, without the scheduler's own
 * (`reportDue`, `termExpired`, …), which follow from the Fristen, and without those the context
 * rules out whatever their data (`POSSIBLE_ONLY_IF`, by the snapshot's version of the chart: no
 * report open to submit, none submitted to acknowledge, no acknowledged final report to close or
 * transfer with).
 */
export function offeredEvents(snapshot: BodySnapshot): BodyEventType[] {
  const version = versionOf(snapshot);
  return allowedEvents(snapshot).filter((type) => COMMANDS.has(type) && (possibleOnlyIf(type, version)?.possible(snapshot.context) ?? true));
}

/**
 * The events the state handles that the context rules out for now, each with why: what
 * `offeredEvents` leaves out. With `dueDates` (the reports' effective days by obligation id) a
 * reason names a report's Frist by the day it falls on.
 */
export function notYetPossible(snapshot: BodySnapshot, dueDates?: DueDates): Array<{ type: BodyEventType; reason: string }> {
  const version = versionOf(snapshot);
  return allowedEvents(snapshot).flatMap((type) => {
    const condition = possibleOnlyIf(type, version);
    return COMMANDS.has(type) && condition && !condition.possible(snapshot.context) ? [{ type, reason: condition.lacking(snapshot.context, dueDates) }] : [];
  });
}

/** The version of the chart the snapshot was made by (the current one for a snapshot of no known chart). */
function versionOf(snapshot: BodySnapshot): BodyMachineVersion {
  return chartVersion(snapshot.machine as AnyStateMachine) ?? BODY_MACHINE_VERSION;
}

/** Replays a body's stream: a fold of `evolve` over the events after `registered`. */
export function replay(registered: RegisteredEvent, events: Iterable<BodyEvent>): BodySnapshot {
  let snapshot = begin(registered);
  for (const event of events) snapshot = evolve(snapshot, event);
  return snapshot;
}

/** Every state the snapshot is in, as dotted paths from the root: `active`, `active.term`, `active.term.running`, … */
export function statePaths(value: StateValue): string[] {
  if (typeof value === 'string') return [value];
  return Object.entries(value).flatMap(([key, child]) =>
    child === undefined ? [key] : [key, ...statePaths(child).map((path) => `${key}.${path}`)],
  );
}

/**
 * Every state of the chart, in every version, as the dotted paths `statePaths` gives: what a
 * body can be in now or could have been in under an earlier version.
 */
export function chartStatePaths(): ReadonlySet<string> {
  const paths = new Set<string>();
  const walk = (states: Record<string, { states: Record<string, unknown> }>, prefix: string) => {
    for (const [key, node] of Object.entries(states)) {
      paths.add(prefix + key);
      walk(node.states as typeof states, `${prefix}${key}.`);
    }
  };
  for (const version of BODY_MACHINE_VERSIONS) {
    const machine = version === BODY_MACHINE_VERSION ? bodyMachine : createBodyMachine(version);
    walk(machine.root.states, '');
  }
  return paths;
}

/**
 * The German label of the snapshot's state, e.g. `Aktiv (Laufzeit läuft, Berichte aktuell, In Arbeit)`.
 * Within the brackets a detail goes without its own bracketed addition, so that brackets never
 * nest: `Aktiv (Dauerhaft eingerichtet, …)`, where the state alone reads `Dauerhaft eingerichtet (entfristet)`.
 */
export function stateLabel(snapshot: { value: StateValue }): string {
  const paths = statePaths(snapshot.value);
  const leaves = paths.filter((path) => !paths.some((other) => other.startsWith(`${path}.`)));
  const top = paths[0];
  const details = leaves.filter((leaf) => leaf !== top).map((leaf) => (STATE_LABELS[leaf] ?? leaf).replace(/\s*\([^()]*\)$/, ''));
  const label = STATE_LABELS[top] ?? top;
  return details.length > 0 ? `${label} (${details.join(', ')})` : label;
}
