/**
 * Who may do what: the roles, and the one table of the lifecycle events each role may send.
 * The routes declare their roles with `@Access(...)` (see policies.ts); the write path checks
 * this table again for every appended event, whoever calls it (REST, CLI, scheduler).
 */
import { EVENT_LABELS, EVENT_TYPES, SYSTEM_EVENT_TYPES, type StoredEventType } from '../../machines';

export const ROLES = ['secretariat', 'lead', 'auditor', 'reader', 'admin', 'scheduler'] as const;
export type Role = (typeof ROLES)[number];

/** Roles a user account can have; `scheduler` is the in-process system principal only. */
export const USER_ROLES = ['secretariat', 'lead', 'auditor', 'reader', 'admin'] as const satisfies readonly Role[];
export type UserRole = (typeof USER_ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  secretariat: 'Geschäftsstelle',
  lead: 'Federführung',
  auditor: 'Prüfung',
  reader: 'Lesezugriff',
  admin: 'Benutzerverwaltung',
  scheduler: 'Fristenüberwachung (System)',
};

/**
 * Who did something, as people read it: a person as `gs (Geschäftsstelle)`, a system actor
 * (`system:scheduler`) by what it is alone: `Fristenüberwachung (System)`.
 */
export function actorLabel(actor: { id: string; role: string }): string {
  const role = (ROLE_LABELS as Record<string, string>)[actor.role] ?? actor.role;
  return actor.id.startsWith('system:') ? role : `${actor.id} (${role})`;
}

/** The event types each role may append to a body's stream. Roles not listed append nothing. */
export const EVENT_PERMISSIONS: Readonly<Record<Role, readonly StoredEventType[]>> = {
  /** All writes, the scheduler's events included (e.g. recording a Frist by hand). */
  secretariat: ['registered', 'machineUpgraded', ...EVENT_TYPES],
  lead: ['reportSubmitted', 'extensionRequested'],
  scheduler: [...SYSTEM_EVENT_TYPES, 'started'],
  auditor: [],
  reader: [],
  admin: [],
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * What a caller is told who sent an event type its role may not send, e.g. `Als Federführung
 * senden Sie nur „Bericht eingereicht“ (reportSubmitted) und …, nicht „extended“; …`.
 */
export function eventRefusal(role: Role, type: string): string {
  const allowed = EVENT_PERMISSIONS[role].map((allowedType) => `„${EVENT_LABELS[allowedType]}“ (${allowedType})`);
  const label = (EVENT_LABELS as Record<string, string | undefined>)[type];
  const sent = label && Object.hasOwn(EVENT_LABELS, type) ? `„${label}“ (${type})` : `„${type.slice(0, 40)}“`;
  if (allowed.length === 0) return `Mit der Rolle „${ROLE_LABELS[role]}“ senden Sie keine Ereignisse, also auch nicht ${sent}; Ereignisse trägt die Geschäftsstelle ein.`;
  const list = allowed.length === 1 ? allowed[0] : `${allowed.slice(0, -1).join(', ')} und ${allowed.at(-1)}`;
  return `Als ${ROLE_LABELS[role]} senden Sie nur ${list}, nicht ${sent}; alles andere trägt die Geschäftsstelle ein.`;
}

/** What a caller is told whose role a route does not admit (the role table is no secret). */
export function roleRefusal(role: Role): string {
  return `Mit der Rolle „${ROLE_LABELS[role]}“ ist diese Anfrage nicht erlaubt.`;
}

export function mayAppend(role: string, type: string): boolean {
  return isRole(role) && (EVENT_PERMISSIONS[role] as readonly string[]).includes(type);
}
