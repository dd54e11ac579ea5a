/**
 * Every version of the body statechart that events may have been recorded under (1, 2 and 3,
 * all built by `createBodyMachine(version)`). Replay takes each event through the version it
 * names, so a superseded version stays here as long as any stored event names it.
 *
 * Bumping BODY_MACHINE_VERSION: keep the old chart importable, add an entry below for the new
 * one, and add its persisted-snapshot conversion in `upgrade` if the context shape changed.
 * test/audit-machine-versions.spec.ts replays recorded streams and fails when a chart change
 * alters replay without a new version.
 */
import { createHash } from 'node:crypto';
import type { StateValue } from 'xstate';
import {
  BODY_MACHINE_ID,
  BODY_MACHINE_VERSION,
  BODY_MACHINE_VERSIONS,
  lifecycleOf,
  stateLabel,
  type BodyEvent,
  type BodySnapshot,
  type PersistedBody,
  type RegisteredEvent,
  type Verdict,
} from '../../machines';
import { canonicalJson } from '../json/canonical-json';

export interface MachineVersion {
  id: string;
  version: number;
  begin(registered: RegisteredEvent): BodySnapshot;
  decide(snapshot: BodySnapshot, event: BodyEvent): Verdict;
  evolve(snapshot: BodySnapshot, event: BodyEvent): BodySnapshot;
  persist(snapshot: BodySnapshot): PersistedBody;
  restore(persisted: PersistedBody): BodySnapshot;
  stateLabel(snapshot: { value: StateValue }): string;
  /** The chart's structure as plain JSON (states, transitions, guard and action names). */
  definition(): unknown;
}

/** Every version the chart in machines/ builds (see createBodyMachine). */
const registered: MachineVersion[] = BODY_MACHINE_VERSIONS.map((version) => {
  const lifecycle = lifecycleOf(version);
  return {
    id: BODY_MACHINE_ID,
    version,
    begin: lifecycle.begin,
    decide: lifecycle.decide,
    evolve: lifecycle.evolve,
    persist: lifecycle.persist,
    restore: lifecycle.restore,
    stateLabel,
    definition: () => JSON.parse(JSON.stringify(lifecycle.machine.definition)),
  };
});

/** Every known version, oldest first. */
export const MACHINE_VERSIONS: readonly MachineVersion[] = registered;

/**
 * Adds a version of a chart. A release that ships a new chart lists it above; tests add their
 * own to exercise moving bodies between versions.
 */
export function registerMachineVersion(version: MachineVersion): void {
  if (machineVersion(version.id, version.version)) throw new Error(`${version.id}@${version.version} is registered already`);
  registered.push(version);
}

/** The newest version of a chart: new bodies start on it, and bodies are moved to it. */
export function latestMachine(id: string = BODY_MACHINE_ID): MachineVersion {
  return registered.filter((m) => m.id === id).reduce((latest, m) => (m.version > latest.version ? m : latest));
}

export const CURRENT_MACHINE: MachineVersion = MACHINE_VERSIONS.find(
  (m) => m.id === BODY_MACHINE_ID && m.version === BODY_MACHINE_VERSION,
)!;

export function machineVersion(id: string, version: number): MachineVersion | undefined {
  return MACHINE_VERSIONS.find((m) => m.id === id && m.version === version);
}

/**
 * SHA-256 (hex) of the chart's structure in canonical JSON. It changes with states, transitions,
 * guard and action names; a change inside a guard's or action's code does not show here, which is
 * why the recorded-stream replay test guards the version as well.
 */
export function machineFingerprint(machine: MachineVersion): string {
  return createHash('sha256').update(canonicalJson(machine.definition()), 'utf8').digest('hex');
}

/** Carries a snapshot from the version an earlier event was recorded under to a later one. */
export function upgrade(snapshot: BodySnapshot, from: MachineVersion, to: MachineVersion): BodySnapshot {
  if (from === to) return snapshot;
  return to.restore(from.persist(snapshot));
}
