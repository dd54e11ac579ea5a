import { SYSTEM_EVENT_TYPES, type BodyEventType } from '../../machines';
import { mayAppend, ROLE_LABELS } from '../auth/roles';
import type { Principal } from '../auth/principal';
import type { Actor } from '../event-log/event-hash';

/**
 * Who uses the pages: the signed-in principal as the write path records it (`actor`), its role,
 * and for a lead the bodies it leads. What each role may do comes from the access-control
 * tables (`src/auth/roles.ts`); the pages only leave out what the guard would refuse anyway.
 */
export interface WebUser {
  actor: Actor;
  role: string;
  name: string;
  /** For leads: the ids of the bodies they lead. */
  led: ReadonlySet<string> | null;
}

export function webUser(principal: Principal, led: ReadonlySet<string> | null): WebUser {
  return { actor: { id: principal.username, role: principal.role }, role: principal.role, name: principal.username, led };
}

export const roleLabel = (role: string) => (ROLE_LABELS as Record<string, string>)[role] ?? role;

const SYSTEM: ReadonlySet<string> = new Set(SYSTEM_EVENT_TYPES);

export const mayRegister = (user: WebUser | undefined) => user?.role === 'secretariat' && mayAppend(user.role, 'registered');
export const mayRecordDecisions = (user: WebUser | undefined) => user?.role === 'secretariat';
export const mayRecordSessions = (user: WebUser | undefined) => user?.role === 'secretariat';
/** The Beschlusskontrolle, as its API allows: everyone who reads deadlines (a lead its own bodies' rows). */
export const mayReadDecisionControl = (user: WebUser | undefined) => ['secretariat', 'auditor', 'reader', 'lead'].includes(user?.role ?? '');
export const mayAudit = (user: WebUser | undefined) => user?.role === 'auditor' || user?.role === 'secretariat';
export const mayCorrectContacts = (user: WebUser | undefined) => user?.role === 'secretariat';
/** Nacherfassung begins and ends by the secretariat only, as its API allows. */
export const mayBackfill = (user: WebUser | undefined) => user?.role === 'secretariat';
/** Readers see no personal data: neither contact persons nor who did what. */
export const seesPersonalData = (user: WebUser | undefined) => user !== undefined && user.role !== 'reader';

/** The ids of the bodies a lead leads, for the queries of its pages to read only those; null for every other role. */
export function ledIds(user: WebUser): string[] | null {
  return user.role === 'lead' ? [...(user.led ?? [])] : null;
}

/** Whether the list rows of this body are for the user: a lead sees only the bodies it leads. */
export function sees(user: WebUser, bodyId: string): boolean {
  return user.role !== 'lead' || (user.led?.has(bodyId) ?? false);
}

/**
 * The events the user may send to the body now, of those the state allows. The scheduler's
 * events (termExpiring, reportDue, …) are never offered: they follow from the Fristen.
 */
export function eventsFor(user: WebUser, bodyId: string, allowed: readonly string[]): BodyEventType[] {
  if (!sees(user, bodyId)) return [];
  return allowed.filter((type) => !SYSTEM.has(type) && mayAppend(user.role, type)) as BodyEventType[];
}
