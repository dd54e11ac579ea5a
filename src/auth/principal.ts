import type { Actor } from '../event-log/event-hash';
import type { Role } from './roles';

/** Who is calling: an authenticated user, by API token or by web session. */
export interface Principal {
  userId: string;
  username: string;
  role: Role;
  /** For leads: the contact (Ansprechperson) that links the user to the bodies it leads. */
  contactId: string | null;
  via: 'token' | 'session';
  /** The token's or session's id (never the secret), for the security log. */
  credentialId: string;
}

/** The actor recorded on every event a principal causes: its user name and role, nothing the client sends. */
export function actorOf(principal: Principal): Actor {
  return { id: principal.username, role: principal.role };
}

/** Where the guard leaves the principal on the request. */
export const PRINCIPAL = Symbol('gremienlauf.principal');

export type WithPrincipal = { [PRINCIPAL]?: Principal };
