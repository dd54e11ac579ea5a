import { z } from 'zod';
import { instantSchema } from '../event-log/event-schema';
import { USER_ROLES } from './roles';

/** A user without secrets (`UserView`). */
export const userSchema = z
  .object({
    username: z.string(),
    role: z.enum(USER_ROLES),
    contactId: z.string().nullable(),
    hasPassword: z.boolean(),
    createdAt: instantSchema,
    createdBy: z.string(),
    disabledAt: instantSchema.nullable(),
  })
  .meta({ id: 'User', description: 'Ein Benutzer mit Rolle (ohne Passwort).' });

/** An API token without its value (`TokenView`). */
export const tokenSchema = z
  .object({
    id: z.uuid(),
    username: z.string().optional(),
    label: z.string(),
    createdAt: instantSchema,
    createdBy: z.string(),
    lastUsedAt: instantSchema.nullable(),
    revokedAt: instantSchema.nullable(),
  })
  .meta({ id: 'Token', description: 'Ein API-Token (ohne seinen Wert).' });

/** A new token: its value, shown this once. */
export const issuedTokenSchema = tokenSchema.extend({ username: z.string(), token: z.string().regex(/^glf_/).describe('Der Wert, nur dieses eine Mal gezeigt') });

export const meSchema = z.object({
  username: z.string(),
  role: z.enum(USER_ROLES),
  roleLabel: z.string(),
  contactId: z.string().nullable(),
  via: z.enum(['token', 'session']),
});

export const loginAnswerSchema = z.object({ username: z.string(), role: z.enum(USER_ROLES), expiresAt: instantSchema });
