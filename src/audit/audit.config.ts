/**
 * The audit's settings, read from the environment once at start-up:
 *
 *   GREMIENLAUF_SIGNING_KEY        the Ed25519 private key as PKCS#8 PEM text (preferred with
 *                                  several instances: all must sign with the same key)
 *   GREMIENLAUF_SIGNING_KEY_FILE   a file holding that PEM; created with a new key on first start
 *                                  if missing. Default: `signing-key.pem` beside the SQLite file,
 *                                  or ./data/signing-key.pem. Once the log holds checkpoints, a
 *                                  missing file stops the start instead (restore it from the backup)
 *   GREMIENLAUF_SIGNING_KEY_LOST   the key id (hex, at least its first 16 digits) of a key that is
 *                                  truly lost: with its file missing, the start writes a new key in
 *                                  its place. Only that key id does it, so the setting can stay
 *                                  without ever replacing the new key unnoticed
 *   GREMIENLAUF_CHECKPOINT_MINUTES how often to write a checkpoint when the log has grown
 *                                  (default 60; 0 switches the periodic checkpoint off, and so
 *                                  does SCHEDULER_ENABLED=false, which the CLI's local commands set)
 *   GREMIENLAUF_LOG_ORIGIN         the log's name in its C2SP checkpoint notes and the note key's
 *                                  name, e.g. `gremien.it-planungsrat.de/audit` (no spaces, no +);
 *                                  default `gremienlauf/` and the first 16 hex digits of the key id
 */
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { AppConfig } from '../../config/configuration';
import { envFlag, parseEnvironment } from '../../config/environment';
import { isKeyName } from './signed-note';

export interface AuditConfig {
  signingKey: { pem: string } | { file: string } | { ephemeral: true };
  /** The key id (or its first 16 or more hex digits, lower-case) of a lost key that a new one may replace. */
  lostKeyId?: string;
  checkpointEveryMinutes: number;
  /** The log's origin for C2SP notes; undefined: derived from the key id. */
  logOrigin?: string;
}

const envSchema = z.object({
  GREMIENLAUF_SIGNING_KEY: z.string().min(1).optional(),
  GREMIENLAUF_SIGNING_KEY_FILE: z.string().min(1).optional(),
  GREMIENLAUF_CHECKPOINT_MINUTES: z.coerce.number().min(0).max(7 * 24 * 60).default(60),
  // Read as config/reminders.ts reads it: one switch for the scheduler, the dispatcher and the checkpoints.
  SCHEDULER_ENABLED: envFlag.optional(),
  GREMIENLAUF_LOG_ORIGIN: z.string().refine(isKeyName, 'ohne Leerzeichen, Steuerzeichen und +').optional(),
  GREMIENLAUF_SIGNING_KEY_LOST: z
    .string()
    .trim()
    .regex(/^[0-9a-fA-F]{16,64}$/, 'die Schlüssel-ID des verlorenen Schlüssels (hexadezimal, mindestens ihre ersten 16 Ziffern), wie sie der Start nennt')
    .optional(),
});

export function loadAuditConfig(app: AppConfig, env: NodeJS.ProcessEnv = process.env): AuditConfig {
  const e = parseEnvironment(envSchema, env, 'Ungültige Konfiguration');
  const database = app.database;
  const signingKey = e.GREMIENLAUF_SIGNING_KEY
    ? { pem: e.GREMIENLAUF_SIGNING_KEY.replace(/\\n/g, '\n') }
    : e.GREMIENLAUF_SIGNING_KEY_FILE
      ? { file: resolve(e.GREMIENLAUF_SIGNING_KEY_FILE) }
      : database.kind === 'sqlite' && database.file === ':memory:'
        ? ({ ephemeral: true } as const)
        : { file: database.kind === 'sqlite' ? join(dirname(database.file), 'signing-key.pem') : resolve('data/signing-key.pem') };
  const schedulerOff = e.SCHEDULER_ENABLED === false;
  return {
    signingKey,
    checkpointEveryMinutes: schedulerOff ? 0 : e.GREMIENLAUF_CHECKPOINT_MINUTES,
    ...(e.GREMIENLAUF_LOG_ORIGIN ? { logOrigin: e.GREMIENLAUF_LOG_ORIGIN } : {}),
    ...(e.GREMIENLAUF_SIGNING_KEY_LOST ? { lostKeyId: e.GREMIENLAUF_SIGNING_KEY_LOST.toLowerCase() } : {}),
  };
}
