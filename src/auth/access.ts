/**
 * Every route declares who may call it: `@Access(POLICY)` with one of the policies below. A
 * global guard refuses any route without a declaration (and a test lists every route and
 * fails on one without). The policies are the role table of docs/access.md.
 */
import { SetMetadata } from '@nestjs/common';
import type { Role } from './roles';

export interface AccessPolicy {
  /** The roles that may call the route. */
  roles: readonly Role[];
  /** Anyone, signed in or not (health, login, the public key). */
  public?: boolean;
  /** The route parameter holding a body id: a lead that does not lead the body gets 404, as if it did not exist. */
  bodyParam?: string;
  /** A lead sees only its bodies' rows of a list: the field of each row holding the body id. */
  leadRows?: 'id' | 'bodyId';
  /** A lead sees only its bodies' rows of a list inside a single object (e.g. a decision's `citedBy`). */
  leadNestedRows?: { field: string; key: 'id' | 'bodyId' };
  /**
   * A lead sees, in each row of a list inside a single object, a reference to a body's event
   * only for its own bodies; for any other body the reference is null (e.g. the event that
   * carried out a decision's effect, `effects[].appliedBy`).
   */
  leadNestedRefs?: { field: string; ref: string; key: 'bodyId' };
  /** The request carries a lifecycle event (`type`): the role must be allowed to send it (EVENT_PERMISSIONS). */
  sendsEvent?: boolean;
  /** For a handler that reads only some fields of a JSON body without a strict schema: the fields allowed. */
  bodyFields?: readonly string[];
}

export const ACCESS_POLICY = 'gremienlauf:access';

export const Access = (policy: AccessPolicy) => SetMetadata(ACCESS_POLICY, policy);

const READERS = ['secretariat', 'auditor', 'reader', 'lead'] as const;

export const PUBLIC: AccessPolicy = { roles: [], public: true };
/** Every signed-in user (who am I, sign out). */
export const SIGNED_IN: AccessPolicy = { roles: ['secretariat', 'lead', 'auditor', 'reader', 'admin'] };
/** Writes to the register: only the Geschäftsstelle. */
export const SECRETARIAT_WRITE: AccessPolicy = { roles: ['secretariat'] };
/** The registration form as text, or as JSON `{form}` and nothing else. */
export const IMPORT_WRITE: AccessPolicy = { roles: ['secretariat'], bodyFields: ['form'] };
/** Sending a lifecycle event: the secretariat any, a lead the ones EVENT_PERMISSIONS gives it, for its own bodies. */
export const BODY_EVENT: AccessPolicy = { roles: ['secretariat', 'lead'], bodyParam: 'id', sendsEvent: true };
export const BODY_LIST: AccessPolicy = { roles: READERS, leadRows: 'id' };
export const BODY_READ: AccessPolicy = { roles: READERS, bodyParam: 'id' };
/** A body's events with their actors: not for readers (who see no personal fields). */
export const BODY_HISTORY: AccessPolicy = { roles: ['secretariat', 'auditor', 'lead'], bodyParam: 'id' };
/** Replay and chain verification, checkpoints, export. */
export const AUDIT_READ: AccessPolicy = { roles: ['secretariat', 'auditor'] };
/** Registers without personal data (decisions, sessions calendar). */
export const REGISTER_READ: AccessPolicy = { roles: READERS };
/**
 * One decision: a lead sees only the citing events of its own bodies, and which event carried
 * out an effect only where the effect is on one of its bodies (otherwise `appliedBy` is null).
 */
export const DECISION_READ: AccessPolicy = {
  roles: READERS,
  leadNestedRows: { field: 'citedBy', key: 'bodyId' },
  leadNestedRefs: { field: 'effects', ref: 'appliedBy', key: 'bodyId' },
};
export const DEADLINES_READ: AccessPolicy = { roles: READERS, leadRows: 'bodyId' };
/** The secretariat's to-dos (open requests): a lead sees those of its own bodies; readers none (they are workflow, not register). */
export const TODOS_READ: AccessPolicy = { roles: ['secretariat', 'auditor', 'lead'], leadRows: 'bodyId' };
/** Feeds over all bodies that cannot be narrowed to a lead's bodies. */
export const ALL_BODIES_READ: AccessPolicy = { roles: ['secretariat', 'auditor', 'reader'] };
/** One's own calendar subscriptions (capability URLs): everyone who may read deadlines. */
export const CALENDAR_FEEDS: AccessPolicy = { roles: READERS };
/** Reminders name recipients' e-mail addresses. */
export const REMINDERS_READ: AccessPolicy = { roles: ['secretariat', 'auditor'] };
/** Users and tokens: only the admin (who in turn cannot move a body). */
export const ADMIN: AccessPolicy = { roles: ['admin'] };
